import { Backoff, type BackoffOptions } from '@qubit/engine';
import { FEED_BACKOFF } from './feed-backoff.js';
import {
  BarAggregation,
  ModelError,
  NANOS_PER_MILLI,
  barIntervalNanos,
  barTypeToString,
  type Bar,
  type BarType,
  type InstrumentId,
  type UnixNanos,
} from '@qubit/model';
import ccxt, { type Exchange, type OHLCV } from 'ccxt';
import { barFromCcxt } from './ccxt-data.js';
import { marketOfInstrument } from './ccxt-markets.js';
import { checkVenueId, type CcxtVenueId } from './ccxt-venues.js';

/**
 * Bars per fetchOHLCV call: the most each venue's kline endpoint gives in one answer (Binance, Bybit and Gate
 * 1,000; Bitget 200; OKX 300 on its recent-candles endpoint), so a range costs as few calls as it can.
 */
export const OHLCV_PAGE_LIMIT: Readonly<Record<CcxtVenueId, number>> = {
  binance: 1000,
  bybit: 1000,
  okx: 300,
  bitget: 200,
  gate: 1000,
};

/** How far a download has got; `bars` closed bars kept so far, `done` of `total` bar slots asked about. */
export interface OhlcvProgress {
  readonly bars: number;
  readonly done: number;
  readonly total: number;
}

export interface OhlcvHistoryOptions {
  readonly onProgress?: (progress: OhlcvProgress) => void;
  /** Bars per call; the venue's OHLCV_PAGE_LIMIT when absent. */
  readonly limit?: number;
  /** Attempts per page after a NetworkError (rate limit, timeout, venue unavailable); default 5. */
  readonly retries?: number;
  readonly backoff?: BackoffOptions;
  /** The venue's time in epoch milliseconds, which decides which bar is still open; the exchange's clock by default. */
  readonly nowMs?: () => number;
  /** Waits between retries; a timer by default (tests pass one that does not wait). */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** The closed bars of a range, and the span the answer is complete for. */
export interface OhlcvHistory {
  /** In time order, one per bar the venue has (a span where it traded nothing has none). */
  readonly bars: Bar[];
  /**
   * The span, in nanoseconds, that the venue was asked about and answered for in full: `from` rounded up and
   * `to` rounded down to the bar step, `to` earlier still when the range reaches past the last closed bar.
   * `to <= from` when no whole closed bar fits in the range.
   */
  readonly covered: { readonly from: UnixNanos; readonly to: UnixNanos };
}

/**
 * Why a download stopped. `retryable` follows ccxt's two roots: a NetworkError (after the retries ran out) may
 * succeed later; an ExchangeError (bad symbol, refused request, a malformed answer) will not.
 */
export class OhlcvHistoryError extends Error {
  override readonly name = 'OhlcvHistoryError';
  constructor(
    readonly venue: string,
    readonly barType: string,
    readonly retryable: boolean,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${venue} OHLCV of ${barType}: ${message}`, options);
  }
}

const TIMEFRAME_UNITS: Partial<Record<BarAggregation, string>> = {
  [BarAggregation.SECOND]: 's',
  [BarAggregation.MINUTE]: 'm',
  [BarAggregation.HOUR]: 'h',
  [BarAggregation.DAY]: 'd',
};

/**
 * The closed bars of `barType` that lie wholly within [from, to] (nanoseconds), paged out of ccxt's
 * fetchOHLCV: each call asks for one window of at most `limit` bars (`since` = its first open, `until` = its
 * last), so whichever end of a window a venue anchors its answer to, the window comes back whole. The next
 * window starts one step past the last bar received, or past the window when it held none, so a span where
 * the venue has no bars (a halt, a delisting) is passed over rather than asked again. Calls go through ccxt's rate limiter (`enableRateLimit`), and a
 * NetworkError (rate limit, timeout, maintenance) is retried with exponential backoff.
 *
 * The venue's still-open bar (close after `nowMs`) is dropped: it would be stored with a close that may yet
 * change. Prices and volumes are exact: ccxt hands numbers, each read through its shortest round-trip
 * string as the venue adapter does everywhere (`barFromCcxt`), which gives back the venue's decimal for
 * anything of up to 15 significant digits. Bars are stamped at their close (tsEvent = open + step).
 */
export async function fetchOhlcvRange(
  exchange: Exchange,
  instrumentId: InstrumentId,
  barType: BarType,
  from: UnixNanos,
  to: UnixNanos,
  options: OhlcvHistoryOptions = {},
): Promise<OhlcvHistory> {
  const venue = checkVenueId(exchange?.id, 'exchange.id');
  const name = barTypeToString(barType);
  if (barType.instrumentId !== instrumentId) {
    throw new ModelError('barType', `${name} is not a bar type of ${instrumentId}`);
  }
  const timeframe = timeframeOf(exchange, barType, name);
  const stepNs = barIntervalNanos(barType)!;
  if (stepNs % NANOS_PER_MILLI !== 0n) {
    throw new ModelError('barType', `${name} is not a whole number of milliseconds`);
  }
  if (typeof from !== 'bigint' || typeof to !== 'bigint') {
    throw new ModelError(
      'range',
      `from and to must be nanoseconds (bigint), got ${typeof from} and ${typeof to}`,
    );
  }
  if (from > to) throw new ModelError('range', `from (${from}) is after to (${to})`);
  const limit = options.limit ?? OHLCV_PAGE_LIMIT[venue];
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new ModelError('options.limit', `must be a positive integer, got ${String(limit)}`);
  }
  const retries = options.retries ?? 5;
  if (!Number.isSafeInteger(retries) || retries < 0) {
    throw new ModelError('options.retries', `must be a non-negative integer, got ${String(retries)}`);
  }
  const step = Number(stepNs / NANOS_PER_MILLI);
  const nowMs = options.nowMs ?? (() => exchange.milliseconds());
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const backoff = new Backoff(options.backoff ?? {}, FEED_BACKOFF, Math.random, 'options.backoff');
  const failure = (retryable: boolean, message: string, cause?: unknown) =>
    new OhlcvHistoryError(venue, name, retryable, message, cause === undefined ? {} : { cause });

  // Epoch milliseconds of the first and last bar opening wholly inside the range and already closed.
  const first = ceilTo(millisCeil(from), step);
  const lastInRange = floorTo(millisFloor(to), step) - step;
  const now = nowMs();
  const lastClosed = floorTo(now, step) - step;
  const last = Math.min(lastInRange, lastClosed);
  const covered = {
    from: BigInt(first) * NANOS_PER_MILLI,
    to: BigInt(Math.max(first, last + step)) * NANOS_PER_MILLI,
  };
  const bars: Bar[] = [];
  if (last < first) return { bars, covered };

  const total = (last - first) / step + 1;
  const symbol = await withRetries(async () => {
    await exchange.loadMarkets();
    return marketOfInstrument(exchange, venue, instrumentId).symbol;
  }, 'loading markets');
  const ctx = { venue, instrumentId, tsInit: BigInt(now) * NANOS_PER_MILLI };
  options.onProgress?.({ bars: 0, done: 0, total });
  for (let since = first; since <= last;) {
    const until = Math.min(last, since + (limit - 1) * step);
    const rows: OHLCV[] = await withRetries(
      () => exchange.fetchOHLCV(symbol, timeframe, since, limit, { until }),
      `fetchOHLCV since ${new Date(since).toISOString()}`,
    );
    if (!Array.isArray(rows)) throw failure(false, `fetchOHLCV returned ${typeof rows}, not a list of bars`);
    let lastOpen = since - step;
    for (const row of rows) {
      const open = row?.[0];
      if (typeof open !== 'number') throw failure(false, `a bar has no open time: ${JSON.stringify(row)}`);
      // Outside the window (a venue that answers with more than asked, or the bar still open): not ours.
      if (open < since || open > until) continue;
      // ccxt sorts by time; a repeated open would store two versions of one bar.
      if (open <= lastOpen) continue;
      if ((open - first) % step !== 0) throw failure(false, `bar at ${open} ms is off the ${timeframe} grid`);
      try {
        bars.push(barFromCcxt(row, barType, ctx));
      } catch (err) {
        throw failure(false, (err as Error).message, err);
      }
      lastOpen = open;
    }
    // After bars, go on from the last one: a venue that gave fewer than asked (a lower cap than ours) loses
    // nothing. After none, the whole window is a gap and is passed over.
    since = lastOpen >= since ? lastOpen + step : until + step;
    options.onProgress?.({ bars: bars.length, done: (since - first) / step, total });
  }
  return { bars, covered };

  async function withRetries<T>(call: () => Promise<T>, what: string): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        const result = await call();
        backoff.reset();
        return result;
      } catch (err) {
        if (err instanceof ModelError) throw err;
        if (err instanceof ccxt.NetworkError) {
          if (attempt < retries) {
            await sleep(backoff.next());
            continue;
          }
          throw failure(true, `${what} failed ${attempt + 1} times: ${describe(err)}`, err);
        }
        throw failure(false, `${what} was refused: ${describe(err)}`, err);
      }
    }
  }
}

function timeframeOf(exchange: Exchange, barType: BarType, name: string): string {
  const unit = TIMEFRAME_UNITS[barType.aggregation];
  const tf = unit ? `${barType.step}${unit}` : undefined;
  const known = exchange.timeframes as Record<string, unknown> | undefined;
  if (!tf || (known && !(tf in known))) {
    throw new ModelError(
      'barType',
      `${name} is not a bar ${exchange.id} has history of (its timeframes: ${Object.keys(known ?? {}).join(', ')})`,
    );
  }
  return tf;
}

function describe(err: unknown): string {
  const e = err as { name?: unknown; message?: unknown };
  return `${typeof e?.name === 'string' ? e.name : 'Error'}: ${typeof e?.message === 'string' ? e.message : String(err)}`;
}

function millisFloor(ns: bigint): number {
  const q = ns / NANOS_PER_MILLI;
  return Number(ns % NANOS_PER_MILLI !== 0n && ns < 0n ? q - 1n : q);
}

function millisCeil(ns: bigint): number {
  const q = ns / NANOS_PER_MILLI;
  return Number(ns % NANOS_PER_MILLI !== 0n && ns > 0n ? q + 1n : q);
}

function floorTo(ms: number, step: number): number {
  return Math.floor(ms / step) * step;
}

function ceilTo(ms: number, step: number): number {
  return Math.ceil(ms / step) * step;
}

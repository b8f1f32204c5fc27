import {
  ModelError,
  barIntervalNanos,
  barTypeToString,
  type Bar,
  type BarType,
  type UnixNanos,
} from '@qubit/model';
import type {
  HistorySpan,
  HistorySpansRepository,
  MarketDataReader,
  MarketDataWriter,
} from '@qubit/store-postgres';
import { HistoryFetchError, type HistorySource } from './history-source.js';
import { historyBarType } from './timeframe.js';

export interface HistoricalCacheOptions {
  /** The store's bars (`store.marketData`). */
  readonly reader: MarketDataReader;
  /** Writes what the venue gave; the cache flushes it before it records a span as covered. */
  readonly writer: MarketDataWriter;
  readonly spans: HistorySpansRepository;
  readonly source: HistorySource;
  /**
   * Bars asked of the venue, stored and recorded per step (default 10,000): a download that fails half-way
   * keeps what it finished, and memory stays bounded however long the range.
   */
  readonly chunkBars?: number;
}

/** How far a fill has got over the bar slots the store lacked. */
export interface HistoryProgress {
  readonly done: number;
  readonly total: number;
  /** Bars received from the venue so far. */
  readonly bars: number;
}

export interface HistoryFillOptions {
  readonly onProgress?: (progress: HistoryProgress) => void;
}

/** What one fill did. */
export interface HistoryFill {
  readonly barType: BarType;
  /** The request on the bar grid: bars lying wholly inside [from, to). */
  readonly from: UnixNanos;
  readonly to: UnixNanos;
  /** The spans the store lacked and the venue was asked for (empty when the store covered the range). */
  readonly missing: readonly HistorySpan[];
  /** Calls to the source. */
  readonly sourceCalls: number;
  /** Bars the venue gave, and of them newly stored. */
  readonly received: number;
  readonly stored: number;
  /**
   * Where the store's coverage of the range now ends: `to`, or earlier when the range reaches past the
   * venue's last closed bar (the rest is asked for again next time).
   */
  readonly coveredTo: UnixNanos;
}

const DEFAULT_CHUNK = 10_000;

/**
 * Seed 003's historical cache over the store: a range of bars is served from the store when the store holds
 * the whole range for that series; what it lacks is fetched from the venue, stored, and then served from the
 * store, so the next request for it makes no venue call.
 *
 * Coverage is kept per series as spans (history_spans), not derived from the bars: a span where the venue
 * had no bars (a weekend for stocks, a halt, before a listing) is covered too, and not asked again. A span
 * is recorded only after its bars are flushed to the store, so a range that failed half-way is never served
 * as complete; the bars that were written stay (the writer is idempotent) and the span is asked again.
 *
 * Requests for one series are served one after the other, so two callers asking for the same missing range
 * cause one download. Ranges are on the bar grid: `[from, to]` holds the bars that open at or after `from`
 * and close at or before `to`.
 */
export class HistoricalCache {
  private readonly chunkBars: number;
  private readonly series = new Map<string, Promise<unknown>>();

  constructor(private readonly o: HistoricalCacheOptions) {
    for (const k of ['reader', 'writer', 'spans', 'source'] as const) {
      if (typeof o?.[k] !== 'object' || o[k] === null) throw new ModelError(`options.${k}`, 'is required');
    }
    const chunk = o.chunkBars ?? DEFAULT_CHUNK;
    if (!Number.isSafeInteger(chunk) || chunk < 1) {
      throw new ModelError('options.chunkBars', `must be a positive integer, got ${String(chunk)}`);
    }
    this.chunkBars = chunk;
  }

  /**
   * The bars of `timeframe` ("1m", "1-MINUTE" or a BarType) of the instrument lying wholly inside [from, to]
   * (nanoseconds), in time order, as the store holds them after filling what it lacked from the venue.
   */
  async range(
    instrumentId: string,
    from: UnixNanos,
    to: UnixNanos,
    timeframe: string | BarType,
    options: HistoryFillOptions = {},
  ): Promise<Bar[]> {
    const fill = await this.fill(instrumentId, from, to, timeframe, options);
    const step = barIntervalNanos(fill.barType)!;
    const bars: Bar[] = [];
    if (fill.to - fill.from < step) return bars;
    for await (const bar of this.o.reader.bars(fill.barType.instrumentId, fill.barType, {
      from: fill.from + step,
      to: fill.to,
    })) {
      bars.push(bar);
    }
    return bars;
  }

  /**
   * Makes the store cover [from, to] for the series, fetching and storing only what it lacks, and says what
   * that took. Arguments are checked before anything is asked.
   */
  async fill(
    instrumentId: string,
    from: UnixNanos,
    to: UnixNanos,
    timeframe: string | BarType,
    options: HistoryFillOptions = {},
  ): Promise<HistoryFill> {
    const barType = historyBarType(instrumentId, timeframe);
    if (typeof from !== 'bigint')
      throw new ModelError('from', `expected nanoseconds (bigint), got ${typeof from}`);
    if (typeof to !== 'bigint') throw new ModelError('to', `expected nanoseconds (bigint), got ${typeof to}`);
    if (from > to) throw new ModelError('from', `${from} is after to (${to})`);
    const key = barTypeToString(barType);
    const previous = this.series.get(key) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(() => this.fillSeries(barType, from, to, options));
    const tail = run.catch(() => undefined);
    this.series.set(key, tail);
    void tail.then(() => {
      if (this.series.get(key) === tail) this.series.delete(key);
    });
    return run;
  }

  private async fillSeries(
    barType: BarType,
    from: UnixNanos,
    to: UnixNanos,
    options: HistoryFillOptions,
  ): Promise<HistoryFill> {
    const step = barIntervalNanos(barType)!;
    const lo = ceilTo(from, step);
    const hi = floorTo(to, step);
    const base = { barType, from: lo, to: hi > lo ? hi : lo };
    if (hi - lo < step) {
      return { ...base, missing: [], sourceCalls: 0, received: 0, stored: 0, coveredTo: base.to };
    }
    const missing = gaps(lo, hi, await this.o.spans.spans(barType, { from: lo, to: hi }));
    const total = missing.reduce((n, g) => n + Number((g.to - g.from) / step), 0);
    let done = 0;
    let received = 0;
    let stored = 0;
    let sourceCalls = 0;
    let coveredTo = hi;
    if (total > 0) options.onProgress?.({ done, total, bars: received });
    const chunk = step * BigInt(this.chunkBars);
    outer: for (const gap of missing) {
      for (let start = gap.from; start < gap.to;) {
        const end = start + chunk < gap.to ? start + chunk : gap.to;
        const before = done;
        sourceCalls++;
        const answer = await this.ask(barType, start, end, (p) => {
          options.onProgress?.({ done: before + p.done, total, bars: received + p.bars });
        });
        const bars = answer.bars.filter((b) => b.tsEvent - step >= start && b.tsEvent <= answer.covered.to);
        for (const b of bars) this.o.writer.addBar(b);
        stored += (await this.o.writer.flush()).bars;
        received += bars.length;
        if (answer.covered.to > start) await this.o.spans.record(barType, start, answer.covered.to);
        done = before + Number((end - start) / step);
        options.onProgress?.({ done, total, bars: received });
        if (answer.covered.to < end) {
          // The venue's last closed bar: what lies beyond does not exist yet, and is asked again next time.
          coveredTo = answer.covered.to > start ? answer.covered.to : start;
          break outer;
        }
        start = end;
      }
    }
    return { ...base, missing, sourceCalls, received, stored, coveredTo };
  }

  /** One call to the source, its answer checked: a source error becomes a HistoryFetchError naming the series. */
  private async ask(
    barType: BarType,
    from: UnixNanos,
    to: UnixNanos,
    onProgress: (p: { done: number; total: number; bars: number }) => void,
  ) {
    const { source } = this.o;
    const series = barTypeToString(barType);
    let answer;
    try {
      answer = await source.fetchBars({ instrumentId: barType.instrumentId, barType, from, to, onProgress });
    } catch (err) {
      if (err instanceof HistoryFetchError) throw err;
      const retryable = (err as { retryable?: unknown })?.retryable === true;
      throw new HistoryFetchError(
        source.name,
        retryable ? 'network' : 'exchange',
        series,
        err instanceof Error ? err.message : String(err),
        { cause: err },
      );
    }
    const bad = (reason: string) => new HistoryFetchError(source.name, 'exchange', series, reason);
    if (typeof answer !== 'object' || answer === null || !Array.isArray(answer.bars)) {
      throw bad('the source answered without a list of bars');
    }
    const covered = answer.covered as { from?: unknown; to?: unknown } | undefined;
    if (typeof covered?.from !== 'bigint' || typeof covered.to !== 'bigint' || covered.from > from) {
      throw bad(
        `the source did not say it covered the span from ${from} (covered: ${String(covered?.from)})`,
      );
    }
    for (const [i, b] of answer.bars.entries()) {
      if (b?.type !== 'Bar' || barTypeToString(b.barType) !== series) {
        throw bad(`bars[${i}] is not a bar of ${series}`);
      }
    }
    return { bars: answer.bars, covered: { from: covered.from, to: covered.to > to ? to : covered.to } };
  }
}

/** The parts of [lo, hi) that no span covers, in time order. */
export function gaps(lo: UnixNanos, hi: UnixNanos, spans: readonly HistorySpan[]): HistorySpan[] {
  const out: HistorySpan[] = [];
  let at = lo;
  for (const s of [...spans].sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0))) {
    if (s.to <= at) continue;
    if (s.from >= hi) break;
    if (s.from > at) out.push({ from: at, to: s.from });
    at = s.to;
    if (at >= hi) break;
  }
  if (at < hi) out.push({ from: at, to: hi });
  return out;
}

function floorTo(ns: bigint, step: bigint): bigint {
  const r = ((ns % step) + step) % step;
  return ns - r;
}

function ceilTo(ns: bigint, step: bigint): bigint {
  const f = floorTo(ns, step);
  return f === ns ? ns : f + step;
}

import {
  AggressorSide,
  BarAggregation,
  InstrumentId,
  ModelError,
  NANOS_PER_MICRO,
  Price,
  PriceType,
  Quantity,
  TradeId,
  barTypeToString,
  makeBarType,
  parseBarType,
  type Bar,
  type BarType,
  type TradeTick,
  type UnixNanos,
} from '@qubit/model';
import type { SqlClient } from './sql-client.js';
import { bigintOf, countOf, describeValue, nanosToTimestamp } from './sql-values.js';
import { StoreError } from './store-error.js';

/** Bounds of a read, inclusive at both ends, in nanoseconds; either may be absent. */
export interface MarketDataRange {
  readonly from?: UnixNanos;
  readonly to?: UnixNanos;
}

export interface MarketDataReaderOptions {
  /** Rows fetched per query (default 10,000): memory stays bounded whatever the table holds. */
  readonly pageSize?: number;
}

/** What the store holds of one series: an instrument's bars of one bar type, or its trades. */
export interface MarketDataCoverage {
  readonly instrumentId: InstrumentId;
  readonly kind: 'bars' | 'trades';
  /** "BTCUSDT.BINANCE-1-MINUTE-LAST" for bars; absent for trades. */
  readonly barType?: string;
  /** tsEvent of the first and last row (bars: their close), in nanoseconds (whole microseconds). */
  readonly first: UnixNanos;
  readonly last: UnixNanos;
  readonly rows: number;
}

const DEFAULT_PAGE = 10_000;
const MAX_PAGE = 1_000_000;

/** "1m", "5m", "1h", "1d", "30s" as traders write them. */
const SHORT_TIMEFRAME = /^([1-9]\d*)(s|m|h|d)$/;
/** "1-MINUTE", "5-MINUTE", as bot configs write them. */
const LONG_TIMEFRAME = /^([1-9]\d*)-([A-Z]+)$/;
const SHORT_UNITS: Record<string, BarAggregation> = {
  s: BarAggregation.SECOND,
  m: BarAggregation.MINUTE,
  h: BarAggregation.HOUR,
  d: BarAggregation.DAY,
};

const SIDES: Record<string, AggressorSide> = { buy: AggressorSide.BUYER, sell: AggressorSide.SELLER };

// Epoch microseconds as exact text: a Date (what the drivers give for timestamptz) keeps milliseconds only.
const TS_MICROS = `(extract(epoch from ts) * 1000000)::bigint::text`;

/**
 * Reads the bars and trades the MarketDataWriter stored, as the model's Bar and TradeTick objects, in time
 * order, one page at a time. Pages follow a keyset — the last (ts) of a page for bars, (ts, trade id) for
 * trades — so each is an index range scan however deep the read goes (never OFFSET), and no result holds
 * more than `pageSize` rows.
 *
 * What comes back is what was stored: prices and sizes exact at the scale they were written (NUMERIC read
 * as text), times in nanoseconds but whole microseconds, because timestamptz keeps no more (the writer
 * floors). `tsInit` is not stored, so it reads back equal to `tsEvent`. Trades of one microsecond come in
 * trade-id order, shorter ids first (numeric ids in numeric order), bytewise among ids of one length.
 */
export class MarketDataReader {
  private readonly pageSize: number;

  constructor(
    private readonly sql: SqlClient,
    options: MarketDataReaderOptions = {},
  ) {
    if (sql?.engine !== 'postgres' && sql?.engine !== 'pglite') {
      throw new StoreError('client', 'must be a SqlClient of the store (openPglite or openPostgres)');
    }
    const page = options.pageSize ?? DEFAULT_PAGE;
    if (!Number.isSafeInteger(page) || page < 1 || page > MAX_PAGE) {
      throw new StoreError(
        'options.pageSize',
        `must be an integer from 1 to ${MAX_PAGE}, got ${describeValue(page)}`,
      );
    }
    this.pageSize = page;
  }

  /**
   * The bars of one series between `from` and `to` (inclusive, on the bar's close time). `barType` is a
   * BarType, its name ("BTCUSDT.BINANCE-1-MINUTE-LAST"), or a timeframe ("1m", "5-MINUTE") meaning the
   * instrument's LAST-price bars of that step. Arguments are checked before anything is read.
   */
  bars(instrumentId: string, barType: BarType | string, range: MarketDataRange = {}): AsyncIterable<Bar> {
    const id = checkInstrument(instrumentId);
    const type = resolveBarType(id, barType);
    const name = barTypeToString(type);
    const { from, to } = checkRange(range);
    const { sql, pageSize } = this;
    return {
      async *[Symbol.asyncIterator]() {
        let after: string | undefined;
        for (;;) {
          const rows = await sql.query<BarRow>(
            `SELECT ${TS_MICROS} AS us, open::text AS open, high::text AS high, low::text AS low,
                    close::text AS close, volume::text AS volume
               FROM bars
              WHERE bar_type = $1 AND ts ${after === undefined ? '>=' : '>'} $2::timestamptz
                AND ($3::timestamptz IS NULL OR ts <= $3::timestamptz)
              ORDER BY ts
              LIMIT ${pageSize}`,
            [name, after ?? from ?? '-infinity', to ?? null],
          );
          for (const r of rows) yield barOf(r, type, name);
          const last = rows.at(-1);
          if (rows.length < pageSize || last === undefined) return;
          after = microsToTimestamp(last.us, `bars ${name}.ts`);
        }
      },
    };
  }

  /** The trades of one instrument between `from` and `to` (inclusive, on tsEvent), in time order. */
  trades(instrumentId: string, range: MarketDataRange = {}): AsyncIterable<TradeTick> {
    const id = checkInstrument(instrumentId);
    const { from, to } = checkRange(range);
    const { sql, pageSize } = this;
    return {
      async *[Symbol.asyncIterator]() {
        let after: { ts: string; tradeId: string } | undefined;
        for (;;) {
          // ts >= $2 lets the primary key (symbol, ts, trade_id) bound the scan; the row comparison
          // then skips what the previous page already gave within its last microsecond.
          const rows = await sql.query<TradeRow>(
            `SELECT ${TS_MICROS} AS us, price::text AS price, volume::text AS volume, trade_id, side
               FROM ticks
              WHERE symbol = $1 AND ts >= $2::timestamptz
                AND ($3::timestamptz IS NULL OR ts <= $3::timestamptz)
                AND ($4::text IS NULL
                     OR (ts, length(trade_id), trade_id COLLATE "C") > ($2::timestamptz, length($4::text), $4::text COLLATE "C"))
              ORDER BY ts, length(trade_id), trade_id COLLATE "C"
              LIMIT ${pageSize}`,
            [id, after?.ts ?? from ?? '-infinity', to ?? null, after?.tradeId ?? null],
          );
          for (const r of rows) yield tradeOf(r, id);
          const last = rows.at(-1);
          if (rows.length < pageSize || last === undefined) return;
          after = { ts: microsToTimestamp(last.us, `ticks ${id}.ts`), tradeId: last.trade_id };
        }
      },
    };
  }

  /**
   * Every series stored: per instrument its bars of each bar type and its trades, with the first and last
   * time and the row count, ordered by instrument, then bar types by name, then trades. Counting reads
   * each table once.
   */
  async coverage(): Promise<MarketDataCoverage[]> {
    const rows = await this.sql.query<CoverageRow>(
      `SELECT instrument_id, bar_type, first_us, last_us, n FROM (
         SELECT instrument_id, bar_type,
                (extract(epoch from min(ts)) * 1000000)::bigint::text AS first_us,
                (extract(epoch from max(ts)) * 1000000)::bigint::text AS last_us,
                count(*)::text AS n
           FROM bars GROUP BY instrument_id, bar_type
         UNION ALL
         SELECT symbol, NULL,
                (extract(epoch from min(ts)) * 1000000)::bigint::text,
                (extract(epoch from max(ts)) * 1000000)::bigint::text,
                count(*)::text
           FROM ticks GROUP BY symbol
       ) c
       ORDER BY instrument_id COLLATE "C", bar_type IS NULL, bar_type COLLATE "C"`,
    );
    return rows.map((r) => {
      const where = `coverage of ${r.instrument_id}`;
      const base = {
        instrumentId: InstrumentId(r.instrument_id, `${where}.instrument_id`),
        first: bigintOf(r.first_us, `${where}.first`) * NANOS_PER_MICRO,
        last: bigintOf(r.last_us, `${where}.last`) * NANOS_PER_MICRO,
        rows: countOf(r.n, `${where}.rows`),
      };
      return r.bar_type === null
        ? { ...base, kind: 'trades' as const }
        : { ...base, kind: 'bars' as const, barType: r.bar_type };
    });
  }
}

interface BarRow {
  us: string;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
}

interface TradeRow {
  us: string;
  price: string;
  volume: string;
  trade_id: string;
  side: string | null;
}

interface CoverageRow {
  instrument_id: string;
  bar_type: string | null;
  first_us: string;
  last_us: string;
  n: string;
}

function barOf(r: BarRow, barType: BarType, name: string): Bar {
  const field = `bars ${name} at ${r.us} µs`;
  const ts = bigintOf(r.us, `${field}.ts`) * NANOS_PER_MICRO;
  return {
    type: 'Bar',
    barType,
    open: Price.from(r.open, `${field}.open`),
    high: Price.from(r.high, `${field}.high`),
    low: Price.from(r.low, `${field}.low`),
    close: Price.from(r.close, `${field}.close`),
    volume: Quantity.from(r.volume, `${field}.volume`),
    tsEvent: ts,
    tsInit: ts,
  };
}

function tradeOf(r: TradeRow, instrumentId: InstrumentId): TradeTick {
  const field = `ticks ${instrumentId} trade ${r.trade_id}`;
  const ts = bigintOf(r.us, `${field}.ts`) * NANOS_PER_MICRO;
  let aggressorSide: AggressorSide = AggressorSide.NO_AGGRESSOR;
  if (r.side !== null) {
    const side = SIDES[r.side];
    if (side === undefined)
      throw new StoreError(`${field}.side`, `expected buy, sell or NULL, got "${r.side}"`);
    aggressorSide = side;
  }
  return {
    type: 'TradeTick',
    instrumentId,
    price: Price.from(r.price, `${field}.price`),
    size: Quantity.from(r.volume, `${field}.volume`),
    aggressorSide,
    tradeId: TradeId(r.trade_id, `${field}.trade_id`),
    tsEvent: ts,
    tsInit: ts,
  };
}

function checkInstrument(value: unknown): InstrumentId {
  return storeErrorOf(() => InstrumentId(value as string, 'instrumentId'));
}

/** A BarType, a bar type name, or a timeframe of LAST-price bars, for `instrumentId`. */
function resolveBarType(instrumentId: InstrumentId, value: unknown): BarType {
  if (typeof value === 'object' && value !== null) {
    const t = value as BarType;
    const type = storeErrorOf(() =>
      makeBarType(
        InstrumentId(t.instrumentId, 'barType.instrumentId'),
        t.step,
        t.aggregation,
        t.priceType,
        'barType',
      ),
    );
    return sameInstrument(instrumentId, type);
  }
  if (typeof value !== 'string' || value.trim() === '') {
    throw new StoreError(
      'barType',
      `expected a BarType, a bar type such as BTCUSDT.BINANCE-1-MINUTE-LAST or a timeframe such as 1m or 1-MINUTE, got ${describeValue(value)}`,
    );
  }
  const short = SHORT_TIMEFRAME.exec(value);
  if (short) {
    return storeErrorOf(() =>
      makeBarType(instrumentId, Number(short[1]), SHORT_UNITS[short[2]!]!, PriceType.LAST, 'barType'),
    );
  }
  const long = LONG_TIMEFRAME.exec(value);
  if (long) {
    return storeErrorOf(() =>
      makeBarType(instrumentId, Number(long[1]), long[2] as BarAggregation, PriceType.LAST, 'barType'),
    );
  }
  return sameInstrument(
    instrumentId,
    storeErrorOf(() => parseBarType(value, 'barType')),
  );
}

function sameInstrument(instrumentId: InstrumentId, type: BarType): BarType {
  if (type.instrumentId !== instrumentId) {
    throw new StoreError(
      'barType',
      `${barTypeToString(type)} is a bar type of ${type.instrumentId}, not of ${instrumentId}`,
    );
  }
  return type;
}

/**
 * The bounds as timestamptz literals, rounded inward to whole microseconds so that they select exactly
 * the rows whose read-back tsEvent lies within [from, to].
 */
function checkRange(range: unknown): { from?: string; to?: string } {
  if (typeof range !== 'object' || range === null || Array.isArray(range)) {
    throw new StoreError('range', `expected { from?, to? } in nanoseconds, got ${describeValue(range)}`);
  }
  const r = range as Record<string, unknown>;
  for (const key of Object.keys(r)) {
    if (key !== 'from' && key !== 'to') throw new StoreError(`range.${key}`, 'is not a bound (from, to)');
  }
  const from = bound(r.from, 'range.from');
  const to = bound(r.to, 'range.to');
  if (from !== undefined && to !== undefined && from > to) {
    throw new StoreError('range', `from (${from}) is after to (${to})`);
  }
  return {
    // A from in the last microsecond of 9999 rounds past what timestamptz text here can say: nothing is later.
    ...(from !== undefined
      ? { from: ceilToMicros(from) > MAX_NANOS ? 'infinity' : nanosToTimestamp(ceilToMicros(from)) }
      : {}),
    ...(to !== undefined ? { to: nanosToTimestamp(to) } : {}),
  };
}

function bound(value: unknown, field: string): UnixNanos | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'bigint') {
    throw new StoreError(field, `expected integer nanoseconds (bigint), got ${describeValue(value)}`);
  }
  // timestamptz's own range, years 4713 BC to 294276 AD, is far wider: this keeps the ISO text simple.
  if (value < MIN_NANOS || value > MAX_NANOS) {
    throw new StoreError(field, `${value} ns is outside the years 1-9999`);
  }
  return value;
}

// 0001-01-01T00:00:00Z and the last nanosecond of 9999, as the writer bounds what it stores.
const MIN_NANOS = -62_135_596_800n * 1_000_000_000n;
const MAX_NANOS = 253_402_300_800n * 1_000_000_000n - 1n;

function ceilToMicros(ns: UnixNanos): UnixNanos {
  const rem = ((ns % NANOS_PER_MICRO) + NANOS_PER_MICRO) % NANOS_PER_MICRO;
  return rem === 0n ? ns : ns - rem + NANOS_PER_MICRO;
}

/** Epoch microseconds (text from the database) as a timestamptz literal for the next page's bound. */
function microsToTimestamp(us: string, field: string): string {
  return nanosToTimestamp(bigintOf(us, field) * NANOS_PER_MICRO);
}

/** The model's ModelError as the store's StoreError, field and reason kept. */
function storeErrorOf<T>(make: () => T): T {
  try {
    return make();
  } catch (err) {
    if (err instanceof ModelError) throw new StoreError(err.field, err.reason, { cause: err });
    throw err;
  }
}

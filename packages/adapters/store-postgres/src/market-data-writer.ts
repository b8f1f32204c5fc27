import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  AggressorSideValues,
  Decimal,
  ModelError,
  TradeId,
  barTypeToString,
  describe,
  makeBarType,
  parseInstrumentId,
  type Bar,
  type TradeTick,
} from '@qubit/model';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { SqlClient } from './sql-client.js';
import { StoreError } from './store-error.js';

export interface MarketDataWriterOptions {
  /**
   * The PostgreSQL URL the client was opened with. Required on PostgreSQL: COPY runs on a connection of
   * the writer's own, so bulk loads never hold a pooled connection the order path needs.
   */
  readonly url?: string;
  /**
   * Rows per batch (default 5,000). A full batch is written at once; when several are waiting (a burst),
   * PostgreSQL takes up to 20 of them in one COPY and one transaction.
   */
  readonly batchSize?: number;
  /** Longest a buffered row waits before it is written (default 1,000 ms; 0 writes only on flush). */
  readonly flushIntervalMs?: number;
}

/** Rows newly stored; a row already present (a replayed tick or bar) is not counted. */
export interface FlushResult {
  readonly ticks: number;
  readonly bars: number;
}

/**
 * How a checked value becomes SQL text: `ts` UnixNanos → timestamptz literal, `decimal` → its exact
 * string, `side` AggressorSide → 'buy' | 'sell' | NULL, `id` a checked identifier (nothing to escape),
 * `free` text from outside (a trade id may hold a backslash, which COPY must see escaped).
 */
type Cell = 'ts' | 'decimal' | 'side' | 'id' | 'free';

interface Table {
  readonly name: 'ticks' | 'bars';
  readonly columns: readonly string[];
  /** SQL types of the columns, for the arrays PGlite inserts from. */
  readonly types: readonly string[];
  readonly cells: readonly Cell[];
}

const TICKS: Table = {
  name: 'ticks',
  columns: ['ts', 'symbol', 'price', 'volume', 'venue', 'trade_id', 'side'],
  types: ['timestamptz', 'text', 'numeric', 'numeric', 'text', 'text', 'text'],
  cells: ['ts', 'id', 'decimal', 'decimal', 'id', 'free', 'side'],
};

const BARS: Table = {
  name: 'bars',
  columns: ['instrument_id', 'bar_type', 'ts', 'open', 'high', 'low', 'close', 'volume'],
  types: ['text', 'text', 'timestamptz', 'numeric', 'numeric', 'numeric', 'numeric', 'numeric'],
  cells: ['id', 'id', 'ts', 'decimal', 'decimal', 'decimal', 'decimal', 'decimal'],
};

const DEFAULT_BATCH = 5_000;
const DEFAULT_INTERVAL_MS = 1_000;
/**
 * When full batches queue up (a burst, a replay), up to this many go in one transaction: one commit
 * (one WAL flush) instead of one per batch, which is most of what separates batches from a raw COPY.
 */
const GROUP_MAX = 20;
/** PostgreSQL's unique_violation: the direct COPY met a row that is already stored. */
const UNIQUE_VIOLATION = '23505';

/**
 * Writes trades and bars to the `ticks` and `bars` tables in batches, idempotently: a row whose key is
 * already stored is skipped, so a batch replayed after a crash changes nothing.
 *
 * Every datum is checked when it is added (type, fields, exact model numbers, a timestamp PostgreSQL can
 * hold) and refused with an error naming the field; a refused datum leaves the buffer as it was. What
 * is kept are the checked values themselves (immutable numbers, ids, bigint times); they become SQL
 * text only while the batch streams to the server, so formatting overlaps the server's work.
 *
 * Times: `tsEvent` nanoseconds are stored as timestamptz, which holds microseconds, so the last three
 * digits are truncated (floor). Two trades 1 ns apart keep their own rows as long as their trade ids
 * differ, which is the key. Prices and sizes are stored as NUMERIC with the scale they carry, so they
 * read back as the very strings that were written.
 *
 * `ticks.symbol` holds the whole InstrumentId ("BTCUSDT.BINANCE"), `venue` its venue: the key
 * (symbol, ts, trade_id) has no venue column, and a bare symbol would let two venues' trades collide.
 *
 * PostgreSQL: each batch (or group of waiting batches) is one transaction on the writer's own
 * connection. It first COPYs straight into the table inside a savepoint, which is as fast as a raw COPY;
 * if a row is already there (unique violation) it rolls back to the savepoint, COPYs into a temp staging
 * table and runs `INSERT … SELECT … ON CONFLICT DO NOTHING`. After a batch met duplicates the next ones
 * go straight to staging until one comes through without any. PGlite: one `INSERT … SELECT FROM
 * unnest($1::…[], …) ON CONFLICT DO NOTHING` per batch through the store's client, which measured 1.8 times
 * as fast as multi-row VALUES (PGlite's COPY FROM '/dev/blob' is faster again, 1.15 times unnest, but
 * needs the raw PGlite handle, which the SqlClient does not give).
 */
export class MarketDataWriter {
  private readonly intervalMs: number;
  private readonly ticks: PendingRows;
  private readonly bars: PendingRows;
  private readonly venues = new Map<unknown, string>();
  /** Batches one transaction may take when the writer is behind (PostgreSQL's COPY; PGlite one). */
  private readonly groupMax: number;
  private stored = { ticks: 0, bars: 0 };
  private writing: Promise<void> = Promise.resolve();
  private failure: Error | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private conn: pg.Client | undefined;
  private useStaging = { ticks: false, bars: false };
  private drainQueued = false;
  private closed = false;

  constructor(
    private readonly client: SqlClient,
    private readonly options: MarketDataWriterOptions = {},
  ) {
    const batch = options.batchSize ?? DEFAULT_BATCH;
    if (!Number.isSafeInteger(batch) || batch < 1) {
      throw new StoreError('options.batchSize', `must be a positive integer, got ${String(batch)}`);
    }
    const interval = options.flushIntervalMs ?? DEFAULT_INTERVAL_MS;
    if (typeof interval !== 'number' || !Number.isFinite(interval) || interval < 0) {
      throw new StoreError(
        'options.flushIntervalMs',
        `must be a non-negative number, got ${String(interval)}`,
      );
    }
    if (client?.engine !== 'postgres' && client?.engine !== 'pglite') {
      throw new StoreError('client', 'must be a SqlClient of the store (openPglite or openPostgres)');
    }
    if (client.engine === 'postgres' && !/^postgres(ql)?:\/\//.test(options.url ?? '')) {
      throw new StoreError(
        'options.url',
        'is required on PostgreSQL (a postgres:// URL): COPY runs on a connection of the writer',
      );
    }
    this.intervalMs = interval;
    this.groupMax = client.engine === 'postgres' ? GROUP_MAX : 1;
    this.ticks = new PendingRows(TICKS, batch);
    this.bars = new PendingRows(BARS, batch);
  }

  /** Buffers one trade; throws a StoreError naming the field when it is malformed. */
  addTrade(t: TradeTick): void {
    this.checkOpen();
    this.ticks.add(tradeValues(t, this.venues));
    this.buffered(this.ticks);
  }

  /** Buffers one bar; throws a StoreError naming the field when it is malformed. */
  addBar(b: Bar): void {
    this.checkOpen();
    this.bars.add(barValues(b));
    this.buffered(this.bars);
  }

  /** Rows added and not yet written. */
  get pending(): number {
    return this.ticks.count + this.bars.count;
  }

  /**
   * Writes everything buffered and resolves with the rows newly stored since the previous flush
   * (including batches written in the background meanwhile). Rejects with the first write error since
   * then; rows of a failed batch stay buffered and are retried by the next flush.
   */
  async flush(): Promise<FlushResult> {
    await this.enqueueDrain(true);
    const failure = this.failure;
    this.failure = undefined;
    if (failure) throw failure;
    const result = this.stored;
    this.stored = { ticks: 0, bars: 0 };
    return result;
  }

  /** Flushes, then releases the writer's connection. The SqlClient stays open: it is not the writer's. */
  async close(): Promise<FlushResult> {
    if (this.closed) return { ticks: 0, bars: 0 };
    try {
      return await this.flush();
    } finally {
      this.closed = true;
      this.clearTimer();
      const conn = this.conn;
      this.conn = undefined;
      await conn?.end().catch(() => undefined);
    }
  }

  private buffered(rows: PendingRows): void {
    if (rows.hasFullBatch) {
      // A full batch goes now (one queued drain takes every full batch); flush() reports its errors.
      if (!this.drainQueued) {
        this.drainQueued = true;
        void this.enqueueDrain(false);
      }
    } else if (this.timer === undefined && this.intervalMs > 0) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        void this.enqueueDrain(true);
      }, this.intervalMs);
      // A buffered row must not keep a process alive that has nothing else to do: close() writes it.
      this.timer.unref?.();
    }
  }

  /** Queues a drain behind the one running: full batches only, or (`all`) every buffered row. */
  private enqueueDrain(all: boolean): Promise<void> {
    this.writing = this.writing.then(() => this.drain(all));
    return this.writing;
  }

  private async drain(all: boolean): Promise<void> {
    if (all) this.clearTimer();
    else this.drainQueued = false;
    try {
      for (const rows of [this.ticks, this.bars]) {
        for (
          let group = rows.take(all, this.groupMax);
          group.length > 0;
          group = rows.take(all, this.groupMax)
        ) {
          this.stored[rows.table.name] += await this.writeGroup(rows, group);
        }
      }
    } catch (err) {
      this.failure ??= err as Error;
    }
    // What is left (a failed batch, or rows added meanwhile) goes with the next interval.
    if (this.pending > 0 && !this.closed && this.timer === undefined && this.intervalMs > 0) {
      this.buffered(this.ticks.count > 0 ? this.ticks : this.bars);
    }
  }

  /** One transaction for the group; on failure its batches go back to the front of the queue. */
  private async writeGroup(rows: PendingRows, group: Batch[]): Promise<number> {
    try {
      return this.client.engine === 'postgres'
        ? await this.copyGroup(rows.table, group)
        : await this.insertBatch(rows.table, group[0]!);
    } catch (err) {
      rows.putBack(group);
      const n = group.reduce((sum, b) => sum + b.rows, 0);
      throw new StoreError(rows.table.name, `writing ${n} rows failed: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }

  /** PGlite: the batch as one array per column, unnested into one INSERT. */
  private async insertBatch(table: Table, batch: Batch): Promise<number> {
    const unnest = table.types.map((t, i) => `$${i + 1}::${t}[]`).join(', ');
    const sql =
      `with added as (insert into ${table.name} (${table.columns.join(', ')}) ` +
      `select * from unnest(${unnest}) on conflict do nothing returning 1) select count(*)::int as n from added`;
    const params = table.cells.map((cell, i) => batch.columns[i]!.map((v) => sqlText(cell, v)));
    // One statement is atomic by itself: no explicit transaction needed.
    const result = await this.client.query<{ n: number }>(sql, params);
    return Number(result[0]?.n ?? 0);
  }

  /** PostgreSQL: direct COPY in a savepoint, staging plus ON CONFLICT DO NOTHING when keys collide. */
  private async copyGroup(table: Table, group: readonly Batch[]): Promise<number> {
    const conn = await this.connection();
    const rows = group.reduce((sum, b) => sum + b.rows, 0);
    const cols = table.columns.join(', ');
    try {
      let added: number | undefined;
      const direct = !this.useStaging[table.name];
      // One round trip for both: the simple query protocol takes several statements.
      await conn.query(direct ? 'BEGIN; SAVEPOINT direct_copy' : 'BEGIN');
      if (direct) {
        try {
          added = await copyInto(conn, `${table.name} (${cols})`, table, group);
        } catch (err) {
          if ((err as { code?: string }).code !== UNIQUE_VIOLATION) throw err;
          await conn.query('ROLLBACK TO SAVEPOINT direct_copy');
        }
      }
      if (added === undefined) {
        const staging = `qubit_staging_${table.name}`;
        // ON COMMIT DROP: nothing outlives the transaction, so the connection may sit behind PgBouncer.
        await conn.query(`CREATE TEMP TABLE ${staging} (LIKE ${table.name}) ON COMMIT DROP`);
        await copyInto(conn, `${staging} (${cols})`, table, group);
        const r = await conn.query(
          `INSERT INTO ${table.name} (${cols}) SELECT ${cols} FROM ${staging} ON CONFLICT DO NOTHING`,
        );
        added = r.rowCount ?? 0;
        this.useStaging[table.name] = added < rows;
      }
      await conn.query('COMMIT');
      return added;
    } catch (err) {
      await conn.query('ROLLBACK').catch(() => this.dropConnection());
      throw err;
    }
  }

  private async connection(): Promise<pg.Client> {
    if (this.conn) return this.conn;
    const conn = new pg.Client({ connectionString: this.options.url });
    // A dropped connection is replaced on the next batch; without a listener the error would end the process.
    conn.on('error', () => this.dropConnection(conn));
    await conn.connect();
    this.conn = conn;
    return conn;
  }

  private dropConnection(conn = this.conn): void {
    if (conn && this.conn === conn) this.conn = undefined;
    conn?.end().catch(() => undefined);
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private checkOpen(): void {
    if (this.closed) throw new StoreError('MarketDataWriter', 'is closed');
  }
}

/** One COPY of the group's rows, each batch turned into text only when the stream asks for it. */
async function copyInto(
  conn: pg.Client,
  target: string,
  table: Table,
  group: readonly Batch[],
): Promise<number> {
  const stream = conn.query(copyFrom(`COPY ${target} FROM STDIN`));
  await pipeline(Readable.from(copyChunks(table, group)), stream);
  return stream.rowCount;
}

function* copyChunks(table: Table, group: readonly Batch[]): Generator<string> {
  const { cells } = table;
  const line: string[] = new Array<string>(cells.length);
  for (const b of group) {
    const lines: string[] = new Array<string>(b.rows);
    for (let r = 0; r < b.rows; r++) {
      for (let c = 0; c < cells.length; c++) line[c] = copyText(cells[c]!, b.columns[c]![r]);
      lines[r] = line.join('\t');
    }
    yield lines.join('\n') + '\n';
  }
}

/** A checked value as SQL text; null is SQL NULL. */
function sqlText(cell: Cell, v: unknown): string | null {
  switch (cell) {
    case 'ts':
      return timestampText(v as bigint);
    case 'decimal':
      return (v as Decimal).toString();
    case 'side':
      return SIDE[v as string] ?? null;
    default:
      return v as string;
  }
}

const NEEDS_ESCAPE = /[\\\t\n\r]/;

/** A checked value in COPY's text format: backslash escapes, \N for NULL. */
function copyText(cell: Cell, v: unknown): string {
  const text = sqlText(cell, v);
  if (text === null) return '\\N';
  if (cell !== 'free' || !NEEDS_ESCAPE.test(text)) return text;
  return text.replace(/[\\\t\n\r]/g, (c) =>
    c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r',
  );
}

/** The checked values of one table's rows, one array per column, cut into batches as they arrive. */
interface Batch {
  rows: number;
  readonly columns: unknown[][];
}

class PendingRows {
  private readonly full: Batch[] = [];
  private open: Batch;
  count = 0;

  constructor(
    readonly table: Table,
    private readonly batchSize: number,
  ) {
    this.open = this.emptyBatch();
  }

  get hasFullBatch(): boolean {
    return this.full.length > 0;
  }

  add(values: readonly unknown[]): void {
    const b = this.open;
    for (let i = 0; i < values.length; i++) b.columns[i]!.push(values[i]);
    b.rows++;
    this.count++;
    if (b.rows >= this.batchSize) {
      this.full.push(b);
      this.open = this.emptyBatch();
    }
  }

  /**
   * The next batches to write, up to `max`: the full ones, and (when `all`) the rows gathered so far.
   * Empty when there is nothing to write.
   */
  take(all: boolean, max: number): Batch[] {
    const group = this.full.splice(0, max);
    if (all && group.length < max && this.open.rows > 0) {
      group.push(this.open);
      this.open = this.emptyBatch();
    }
    for (const b of group) this.count -= b.rows;
    return group;
  }

  /** Batches that failed go back to the front, to be written first next time. */
  putBack(group: readonly Batch[]): void {
    this.full.unshift(...group);
    for (const b of group) this.count += b.rows;
  }

  private emptyBatch(): Batch {
    return { rows: 0, columns: this.table.columns.map(() => []) };
  }
}

const TRADE_FIELDS = new Set([
  'type',
  'instrumentId',
  'price',
  'size',
  'aggressorSide',
  'tradeId',
  'tsEvent',
  'tsInit',
]);
const BAR_FIELDS = new Set([
  'type',
  'barType',
  'open',
  'high',
  'low',
  'close',
  'volume',
  'tsEvent',
  'tsInit',
]);
const BAR_TYPE_FIELDS = new Set(['instrumentId', 'step', 'aggregation', 'priceType']);

/** ticks.side: the aggressor as the seed writes it, NULL when the venue does not say. */
const SIDE: Record<string, string | null> = { BUYER: 'buy', SELLER: 'sell', NO_AGGRESSOR: null };

/** Checked ticks values: ts, symbol (the whole InstrumentId), price, volume, venue, trade_id, side. */
function tradeValues(t: TradeTick, venues: Map<unknown, string>): unknown[] {
  const o = record(t, 'trade', 'TradeTick', TRADE_FIELDS);
  try {
    const venue = venues.get(o.instrumentId) ?? checkInstrument(o.instrumentId, 'trade.instrumentId', venues);
    const side = o.aggressorSide;
    if (!AggressorSideValues.includes(side as never)) {
      throw new StoreError(
        'trade.aggressorSide',
        `expected one of ${AggressorSideValues.join(', ')}, got ${describe(side)}`,
      );
    }
    const tradeId = TradeId(o.tradeId, 'trade.tradeId');
    nanos(o.tsInit, 'trade.tsInit');
    return [
      timestamp(o.tsEvent, 'trade.tsEvent'),
      o.instrumentId,
      decimal(o.price, 'trade.price', false),
      decimal(o.size, 'trade.size', true),
      venue,
      tradeId,
      side,
    ];
  } catch (err) {
    throw asStoreError(err);
  }
}

/**
 * Checks an instrument id once and remembers its venue: a stream of trades names the same few
 * instruments over and over. The memory is cleared should it ever hold an implausible number of them.
 */
function checkInstrument(id: unknown, field: string, venues: Map<unknown, string>): string {
  const { venue } = parseInstrumentId(id, field);
  if (venues.size >= 10_000) venues.clear();
  venues.set(id, venue);
  return venue;
}

/** Checked bars values: instrument_id, bar_type, ts, open, high, low, close, volume. */
function barValues(b: Bar): unknown[] {
  const o = record(b, 'bar', 'Bar', BAR_FIELDS);
  try {
    const bt = o.barType;
    if (typeof bt !== 'object' || bt === null) {
      throw new StoreError('bar.barType', `expected a BarType, got ${describe(bt)}`);
    }
    for (const k of Object.keys(bt)) {
      if (!BAR_TYPE_FIELDS.has(k)) throw new StoreError(`bar.barType.${k}`, 'is not a field of BarType');
    }
    const t = bt as Bar['barType'];
    // Rebuilt through the model, which checks every part and names the one that is wrong.
    parseInstrumentId(t.instrumentId, 'bar.barType.instrumentId');
    const checked = makeBarType(t.instrumentId, t.step, t.aggregation, t.priceType, 'bar.barType');
    nanos(o.tsInit, 'bar.tsInit');
    return [
      t.instrumentId,
      barTypeToString(checked),
      timestamp(o.tsEvent, 'bar.tsEvent'),
      decimal(o.open, 'bar.open', false),
      decimal(o.high, 'bar.high', false),
      decimal(o.low, 'bar.low', false),
      decimal(o.close, 'bar.close', false),
      decimal(o.volume, 'bar.volume', true),
    ];
  } catch (err) {
    throw asStoreError(err);
  }
}

function record(
  v: unknown,
  what: string,
  type: string,
  fields: ReadonlySet<string>,
): Record<string, unknown> {
  if (typeof v !== 'object' || v === null)
    throw new StoreError(what, `expected a ${type}, got ${describe(v)}`);
  const o = v as Record<string, unknown>;
  if (o.type !== type) throw new StoreError(`${what}.type`, `expected "${type}", got ${describe(o.type)}`);
  for (const k of Object.keys(o)) {
    if (!fields.has(k)) throw new StoreError(`${what}.${k}`, `is not a field of ${type}`);
  }
  return o;
}

/** The model's errors already name the field; they become StoreErrors so callers catch one type. */
function asStoreError(err: unknown): unknown {
  return err instanceof ModelError ? new StoreError(err.field, err.reason, { cause: err }) : err;
}

/** Only the model's exact numbers: a float (NaN included) or a string has no agreed scale. */
function decimal(v: unknown, field: string, nonNegative: boolean): Decimal {
  if (!(v instanceof Decimal)) throw new StoreError(field, `expected a Price/Quantity, got ${describe(v)}`);
  if (nonNegative && v.isNegative()) throw new StoreError(field, `must not be negative, got ${v.toString()}`);
  return v;
}

function nanos(v: unknown, field: string): bigint {
  if (typeof v !== 'bigint')
    throw new StoreError(field, `expected integer nanoseconds (bigint), got ${describe(v)}`);
  return v;
}

// Years 1..9999: what a four-digit ISO year writes and what timestamptz holds without surprises.
const MIN_NANOS = -62_135_596_800n * 1_000_000_000n;
const MAX_NANOS = 253_402_300_800n * 1_000_000_000n - 1n;

/** A time PostgreSQL's timestamptz holds as written here. */
function timestamp(v: unknown, field: string): bigint {
  const ns = nanos(v, field);
  if (ns < MIN_NANOS || ns > MAX_NANOS) throw new StoreError(field, `${ns} ns is outside the years 1-9999`);
  return ns;
}

let cachedSecond: bigint | undefined;
let cachedPrefix = '';

/** Nanoseconds as a UTC timestamptz literal truncated to microseconds: "2024-01-02 03:04:05.123456+00". */
function timestampText(ns: bigint): string {
  const us = floorDiv(ns, 1_000n);
  const second = floorDiv(us, 1_000_000n);
  // Ticks arrive in time order, so consecutive rows mostly share their second: format it once.
  if (second !== cachedSecond) {
    cachedPrefix = new Date(Number(second) * 1000).toISOString().slice(0, 19).replace('T', ' ');
    cachedSecond = second;
  }
  return `${cachedPrefix}.${(us - second * 1_000_000n).toString().padStart(6, '0')}+00`;
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n ? q - 1n : q;
}

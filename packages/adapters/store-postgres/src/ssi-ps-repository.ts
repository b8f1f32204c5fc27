import { NANOS_PER_MICRO, type JsonObject, type UnixNanos } from '@qubit/model';
import type { SqlClient } from './sql-client.js';
import { bigintOf, describeValue, jsonText, nanosToTimestamp, requireLimit } from './sql-values.js';
import { StoreError } from './store-error.js';

/**
 * One HOSE PowerScreen snapshot (seed 000 §2.5) as the `ssi_ps_snapshots` table keeps it. The store does
 * not know the protobuf schema (adapters never import services): the marketdata service hands it the
 * encoded `markets.v1.SsiPsSnapshot` and the same snapshot as JSON, for SQL queries on its fields.
 */
export interface SsiPsSnapshotRow {
  /** The stock code ("FPT"): upper-case letters and digits. */
  readonly code: string;
  /**
   * The exchange's time of the snapshot, UTC nanoseconds. timestamptz keeps microseconds, so what reads
   * back is floored to the microsecond; the exact value stays inside `payload`.
   */
  readonly tsEvent: UnixNanos;
  /** The source's sequence number of the snapshot (0 or more). */
  readonly seq: bigint;
  readonly snapshot: JsonObject;
  /** The encoded protobuf message, byte for byte. */
  readonly payload: Uint8Array;
}

/** Bounds of a read, inclusive at both ends, UTC nanoseconds; either may be absent. */
export interface SsiPsRange {
  readonly from?: UnixNanos;
  readonly to?: UnixNanos;
}

// Rows per INSERT statement: 5 parameters each stays far below PostgreSQL's 65,535.
const ROWS_PER_STATEMENT = 500;
const CODE_RE = /^[A-Z0-9]{1,16}$/;
const MAX_SEQ = (1n << 63n) - 1n;
// The years 1-9999: what timestamptz text written from an ISO string can say here.
const MIN_NANOS = -62_135_596_800n * 1_000_000_000n;
const MAX_NANOS = 253_402_300_800n * 1_000_000_000n - 1n;
// Epoch microseconds as exact text: a Date (what the drivers give for timestamptz) keeps milliseconds only.
const TS_MICROS = `(extract(epoch from ts) * 1000000)::bigint::text AS ts_us`;

/** HOSE PowerScreen snapshots by stock code and time: written idempotently, read back by range. */
export class SsiPsRepository {
  constructor(private readonly sql: SqlClient) {}

  /**
   * Stores the rows not already stored (the key is code, time to the microsecond, seq) and returns how
   * many were new, so a redelivered snapshot is harmless. Every row is checked first: one bad row
   * refuses the whole call and nothing is written.
   */
  async insert(rows: readonly SsiPsSnapshotRow[]): Promise<number> {
    if (!Array.isArray(rows)) throw new StoreError('rows', `expected an array, got ${describeValue(rows)}`);
    const params = rows.map((r, i) => rowParams(r, `rows[${i}]`));
    if (params.length === 0) return 0;
    return this.sql.transaction(async (tx) => {
      let inserted = 0;
      for (let start = 0; start < params.length; start += ROWS_PER_STATEMENT) {
        const chunk = params.slice(start, start + ROWS_PER_STATEMENT);
        const values = chunk
          .map((_, i) => {
            const p = i * 5;
            return `($${p + 1}, $${p + 2}::timestamptz, $${p + 3}::bigint, $${p + 4}::jsonb, $${p + 5}::bytea)`;
          })
          .join(', ');
        const result = await tx.query(
          `INSERT INTO ssi_ps_snapshots (code, ts, seq, snapshot, payload) VALUES ${values}
           ON CONFLICT (code, ts, seq) DO NOTHING RETURNING 1 AS inserted`,
          chunk.flat(),
        );
        inserted += result.length;
      }
      return inserted;
    });
  }

  /**
   * The snapshots of `code` whose time lies within [from, to], oldest first (then by seq), at most
   * `limit` of them (1000 when absent, 10,000 at most): page on by asking again from the last time read.
   */
  async range(
    code: string,
    range: SsiPsRange = {},
    options: { limit?: number } = {},
  ): Promise<SsiPsSnapshotRow[]> {
    checkCode(code, 'code');
    const { from, to } = checkRange(range);
    const limit = requireLimit(options.limit ?? 1000, 'limit');
    const rows = await this.sql.query(
      `SELECT code, ${TS_MICROS}, seq::text AS seq, snapshot, payload FROM ssi_ps_snapshots
        WHERE code = $1 AND ($2::timestamptz IS NULL OR ts >= $2::timestamptz)
          AND ($3::timestamptz IS NULL OR ts <= $3::timestamptz)
        ORDER BY ts, seq LIMIT $4`,
      [code, from ?? null, to ?? null, limit],
    );
    return rows.map(rowOf);
  }

  /** The stored codes, sorted. */
  async codes(): Promise<string[]> {
    const rows = await this.sql.query<{ code: string }>(
      'SELECT DISTINCT code FROM ssi_ps_snapshots ORDER BY code',
    );
    return rows.map((r) => r.code);
  }
}

function rowParams(r: SsiPsSnapshotRow, at: string): unknown[] {
  if (typeof r !== 'object' || r === null)
    throw new StoreError(at, `expected a snapshot row, got ${describeValue(r)}`);
  checkCode(r.code, `${at}.code`);
  const ts = checkNanos(r.tsEvent, `${at}.tsEvent`);
  if (typeof r.seq !== 'bigint' || r.seq < 0n || r.seq > MAX_SEQ) {
    throw new StoreError(`${at}.seq`, `expected a bigint from 0 to 2^63-1, got ${describeValue(r.seq)}`);
  }
  if (typeof r.snapshot !== 'object' || r.snapshot === null || Array.isArray(r.snapshot)) {
    throw new StoreError(`${at}.snapshot`, `expected a JSON object, got ${describeValue(r.snapshot)}`);
  }
  if (!(r.payload instanceof Uint8Array) || r.payload.length === 0) {
    throw new StoreError(
      `${at}.payload`,
      `expected non-empty bytes (Uint8Array), got ${describeValue(r.payload)}`,
    );
  }
  return [r.code, nanosToTimestamp(ts), r.seq.toString(), jsonText(r.snapshot, `${at}.snapshot`), r.payload];
}

function checkCode(code: unknown, field: string): asserts code is string {
  if (typeof code !== 'string' || !CODE_RE.test(code)) {
    throw new StoreError(
      field,
      `expected a stock code of 1-16 upper-case letters and digits, got ${describeValue(code)}`,
    );
  }
}

function checkNanos(value: unknown, field: string): UnixNanos {
  if (typeof value !== 'bigint') {
    throw new StoreError(field, `expected integer nanoseconds (bigint), got ${describeValue(value)}`);
  }
  if (value < MIN_NANOS || value > MAX_NANOS)
    throw new StoreError(field, `${value} ns is outside the years 1-9999`);
  return value;
}

/** Bounds as timestamptz literals, rounded inward to whole microseconds so [from, to] is exact on read-back. */
function checkRange(range: unknown): { from?: string; to?: string } {
  if (typeof range !== 'object' || range === null || Array.isArray(range)) {
    throw new StoreError('range', `expected { from?, to? } in nanoseconds, got ${describeValue(range)}`);
  }
  const r = range as Record<string, unknown>;
  for (const key of Object.keys(r)) {
    if (key !== 'from' && key !== 'to') throw new StoreError(`range.${key}`, 'is not a bound (from, to)');
  }
  const from = r.from === undefined ? undefined : checkNanos(r.from, 'range.from');
  const to = r.to === undefined ? undefined : checkNanos(r.to, 'range.to');
  if (from !== undefined && to !== undefined && from > to) {
    throw new StoreError('range', `from (${from}) is after to (${to})`);
  }
  const fromUp = from === undefined ? undefined : ceilToMicros(from);
  return {
    ...(fromUp !== undefined ? { from: fromUp > MAX_NANOS ? 'infinity' : nanosToTimestamp(fromUp) } : {}),
    ...(to !== undefined ? { to: nanosToTimestamp(to) } : {}),
  };
}

function ceilToMicros(ns: UnixNanos): UnixNanos {
  const rem = ((ns % NANOS_PER_MICRO) + NANOS_PER_MICRO) % NANOS_PER_MICRO;
  return rem === 0n ? ns : ns - rem + NANOS_PER_MICRO;
}

function rowOf(r: Record<string, unknown>): SsiPsSnapshotRow {
  const code = String(r.code);
  const at = `ssi_ps_snapshots ${code}`;
  const payload = r.payload;
  if (!(payload instanceof Uint8Array)) {
    throw new StoreError(`${at}.payload`, `expected bytes from the database, got ${describeValue(payload)}`);
  }
  return {
    code,
    tsEvent: bigintOf(r.ts_us, `${at}.ts`) * NANOS_PER_MICRO,
    seq: bigintOf(r.seq, `${at}.seq`),
    snapshot: r.snapshot as JsonObject,
    // A plain copy: PostgreSQL's driver hands out Buffers, often views into a shared pool.
    payload: Uint8Array.from(payload),
  };
}

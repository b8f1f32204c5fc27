import { InstrumentId, parseBarType, type UnixNanos } from '@qubit/model';
import type { SqlClient } from './sql-client.js';
import { bigintOf, nanosToTimestamp, requireLimit, requireText } from './sql-values.js';
import { StoreError } from './store-error.js';

/** The indicators of one series at one closed bar, as stored (the market data plane's FeatureSet). */
export interface FeatureRow {
  readonly instrumentId: string;
  /** The series' name, e.g. "BTCUSDT.BINANCE-1-MINUTE-LAST". */
  readonly barType: string;
  /** Close time of the bar, in nanoseconds. */
  readonly tsEvent: UnixNanos;
  readonly values: Readonly<Record<string, number | null>>;
}

/**
 * Features computed on bar close (seed 001: ingestion stores the computed indicators). Rows are keyed
 * by series and bar time; writing a row again changes nothing, so a replayed batch is harmless.
 */
export class FeaturesRepository {
  constructor(private readonly sql: SqlClient) {}

  /** Inserts the rows in one statement; returns how many were new. Every row is checked first. */
  async insert(rows: readonly FeatureRow[]): Promise<number> {
    if (!Array.isArray(rows)) throw new StoreError('rows', 'must be an array of feature rows');
    if (rows.length === 0) return 0;
    const cols = {
      instrument: [] as string[],
      barType: [] as string[],
      ts: [] as string[],
      ns: [] as string[],
      values: [] as string[],
    };
    rows.forEach((r, i) => {
      const at = `rows[${i}]`;
      const instrumentId = InstrumentId(r?.instrumentId, `${at}.instrumentId`);
      const barType = parseBarType(requireText(r.barType, `${at}.barType`), `${at}.barType`);
      if (barType.instrumentId !== instrumentId) {
        throw new StoreError(`${at}.barType`, `${r.barType} is not a series of ${instrumentId}`);
      }
      if (typeof r.tsEvent !== 'bigint')
        throw new StoreError(`${at}.tsEvent`, 'must be nanoseconds as a bigint');
      if (typeof r.values !== 'object' || r.values === null || Array.isArray(r.values)) {
        throw new StoreError(`${at}.values`, 'must be an object of name → number or null');
      }
      for (const [k, v] of Object.entries(r.values)) {
        if (v !== null && (typeof v !== 'number' || !Number.isFinite(v))) {
          throw new StoreError(`${at}.values.${k}`, `must be a finite number or null, got ${String(v)}`);
        }
      }
      cols.instrument.push(instrumentId);
      cols.barType.push(r.barType);
      cols.ts.push(nanosToTimestamp(r.tsEvent));
      cols.ns.push(r.tsEvent.toString());
      cols.values.push(JSON.stringify(r.values));
    });
    const inserted = await this.sql.query<{ n: string }>(
      `WITH ins AS (
         INSERT INTO features (instrument_id, bar_type, ts, ts_ns, "values")
         SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::bigint[], $5::jsonb[])
         ON CONFLICT DO NOTHING RETURNING 1)
       SELECT count(*)::text AS n FROM ins`,
      [cols.instrument, cols.barType, cols.ts, cols.ns, cols.values],
    );
    return Number(inserted[0]?.n ?? 0);
  }

  /** A series' features with bar times in [from, to], oldest first (at most `limit`). */
  async range(barType: string, from: UnixNanos, to: UnixNanos, limit = 10_000): Promise<FeatureRow[]> {
    parseBarType(requireText(barType, 'barType'), 'barType');
    if (typeof from !== 'bigint' || typeof to !== 'bigint' || from > to) {
      throw new StoreError('range', 'from and to must be nanoseconds (bigint) with from ≤ to');
    }
    requireLimit(limit, 'limit');
    const rows = await this.sql.query<{
      instrument_id: string;
      bar_type: string;
      ts_ns: string;
      values: Record<string, number | null>;
    }>(
      `SELECT instrument_id, bar_type, ts_ns::text AS ts_ns, "values" FROM features
        WHERE bar_type = $1 AND ts BETWEEN $5::timestamptz AND $6::timestamptz
          AND ts_ns BETWEEN $2::bigint AND $3::bigint
        ORDER BY ts LIMIT $4`,
      // The timestamps (floored to µs) let the key's index find the rows; ts_ns is the exact bound.
      [barType, from.toString(), to.toString(), limit, nanosToTimestamp(from), nanosToTimestamp(to)],
    );
    return rows.map((r) => ({
      instrumentId: r.instrument_id,
      barType: r.bar_type,
      tsEvent: bigintOf(r.ts_ns, 'features.ts_ns'),
      values: r.values,
    }));
  }
}

import { ModelError, barTypeToString, makeBarType, type BarType, type UnixNanos } from '@qubit/model';
import type { SqlClient } from './sql-client.js';
import { bigintOf, describeValue } from './sql-values.js';
import { StoreError } from './store-error.js';

/** A span of one bar series fetched from a venue in full: [from, to) in nanoseconds. */
export interface HistorySpan {
  readonly from: UnixNanos;
  readonly to: UnixNanos;
}

/**
 * What the historical cache has asked venues for and stored, per bar series: spans, not bars, because a span
 * where the venue had no bars (a weekend, a halt, before a listing) must count as covered too. Spans of one
 * series never overlap or touch in the table: recording one merges it with its neighbours in one
 * transaction, under a lock of the series so that two recorders do not merge past each other.
 */
export class HistorySpansRepository {
  constructor(private readonly sql: SqlClient) {}

  /**
   * Records that every bar of `barType` lying wholly inside [from, to) is stored. Call it only once those
   * bars are written: a span recorded first would serve a half-written range as complete. Returns the span
   * as stored after merging.
   */
  async record(barType: BarType, from: UnixNanos, to: UnixNanos): Promise<HistorySpan> {
    const name = barTypeToString(checkBarType(barType));
    const span = checkSpan(from, to, 'span');
    if (span.to <= span.from) {
      throw new StoreError('span', `to (${span.to}) must be after from (${span.from})`);
    }
    return this.sql.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`history_spans:${name}`]);
      const merged = await tx.query<SpanRow>(
        `DELETE FROM history_spans
          WHERE bar_type = $1 AND from_ns <= $3::bigint AND to_ns >= $2::bigint
          RETURNING from_ns::text AS from_ns, to_ns::text AS to_ns`,
        [name, span.from.toString(), span.to.toString()],
      );
      let lo = span.from;
      let hi = span.to;
      for (const r of merged) {
        const s = spanOf(r, name);
        if (s.from < lo) lo = s.from;
        if (s.to > hi) hi = s.to;
      }
      await tx.query(
        `INSERT INTO history_spans (instrument_id, bar_type, from_ns, to_ns) VALUES ($1, $2, $3::bigint, $4::bigint)`,
        [barType.instrumentId, name, lo.toString(), hi.toString()],
      );
      return { from: lo, to: hi };
    });
  }

  /** The recorded spans of `barType` that overlap or touch [from, to] (all when absent), in time order. */
  async spans(barType: BarType, range: { from?: UnixNanos; to?: UnixNanos } = {}): Promise<HistorySpan[]> {
    const name = barTypeToString(checkBarType(barType));
    if (typeof range !== 'object' || range === null) {
      throw new StoreError('range', `expected { from?, to? } in nanoseconds, got ${describeValue(range)}`);
    }
    const from = range.from === undefined ? undefined : nanos(range.from, 'range.from');
    const to = range.to === undefined ? undefined : nanos(range.to, 'range.to');
    if (from !== undefined && to !== undefined && from > to) {
      throw new StoreError('range', `from (${from}) is after to (${to})`);
    }
    const rows = await this.sql.query<SpanRow>(
      `SELECT from_ns::text AS from_ns, to_ns::text AS to_ns FROM history_spans
        WHERE bar_type = $1
          AND ($2::bigint IS NULL OR to_ns >= $2::bigint)
          AND ($3::bigint IS NULL OR from_ns <= $3::bigint)
        -- The bigint column: the text alias of the same name would sort 600… after 2400….
        ORDER BY history_spans.from_ns`,
      [name, from?.toString() ?? null, to?.toString() ?? null],
    );
    return rows.map((r) => spanOf(r, name));
  }
}

interface SpanRow {
  from_ns: string;
  to_ns: string;
}

function spanOf(r: SpanRow, name: string): HistorySpan {
  return {
    from: bigintOf(r.from_ns, `history_spans ${name}.from_ns`),
    to: bigintOf(r.to_ns, `history_spans ${name}.to_ns`),
  };
}

function checkBarType(value: unknown): BarType {
  if (typeof value !== 'object' || value === null) {
    throw new StoreError('barType', `expected a BarType, got ${describeValue(value)}`);
  }
  const t = value as BarType;
  try {
    return makeBarType(t.instrumentId, t.step, t.aggregation, t.priceType, 'barType');
  } catch (err) {
    if (err instanceof ModelError) throw new StoreError(err.field, err.reason, { cause: err });
    throw err;
  }
}

function checkSpan(from: unknown, to: unknown, field: string): HistorySpan {
  return { from: nanos(from, `${field}.from`), to: nanos(to, `${field}.to`) };
}

function nanos(value: unknown, field: string): UnixNanos {
  if (typeof value !== 'bigint') {
    throw new StoreError(field, `expected integer nanoseconds (bigint), got ${describeValue(value)}`);
  }
  return value;
}

import type { UnixNanos } from '@qubit/model';
import type { SqlClient } from './sql-client.js';
import { countOf, jsonText, nanosToTimestamp, optText, requireLimit, requireText } from './sql-values.js';
import { StoreError } from './store-error.js';

export type ReconciliationOutcome = 'ok' | 'mismatch' | 'accepted' | 'failed';

/**
 * What a reconciliation of one account with its venue concluded: the engine's report (or any object
 * with these fields). The whole object is kept as the row's `summary`.
 */
export interface ReconciliationReportLike {
  readonly ok: boolean;
  readonly venue?: string;
  readonly accountId?: string;
  /** Bots that must not start until an operator accepts the outcome. */
  readonly blockedBots?: readonly string[];
  /** Nanoseconds (the engine's report) or a Date. */
  readonly startedAt?: UnixNanos | Date;
  readonly finishedAt?: UnixNanos | Date;
}

export interface RecordReconciliationOptions {
  /** Where the report does not say. */
  readonly venue?: string;
  readonly accountId?: string;
  /** 'failed' when the reconciliation could not finish (the venue did not answer…); else from `ok`. */
  readonly outcome?: 'ok' | 'mismatch' | 'failed';
  /** Where the report does not say; now() when neither does. */
  readonly startedAt?: UnixNanos | Date;
  readonly finishedAt?: UnixNanos | Date;
  /** What to keep as the summary (the engine's reconciliationReportToJson); the report itself when absent. */
  readonly summary?: unknown;
  /**
   * The id of the newest earlier reconciliation of this venue and account, accepted by an operator, whose
   * mismatches this report repeats: the new one is recorded accepted too (`<operator> (carried from #id)`),
   * so an accepted mismatch that persists does not block its bots again at every restart. The caller
   * decides that the mismatches are the same; the store checks that `carriedFrom` is accepted, of this
   * venue and account, the newest of them, and that this report is a mismatch.
   */
  readonly carriedFrom?: number;
}

export interface StoredReconciliation {
  readonly id: number;
  readonly venue: string;
  readonly accountId: string;
  readonly outcome: ReconciliationOutcome;
  readonly startedAt: Date;
  readonly finishedAt: Date | undefined;
  /** The report as JSON (bigints as decimal strings, Decimals as their text). */
  readonly summary: unknown;
  readonly blockedBots: readonly string[];
  readonly acceptedBy: string | undefined;
  readonly acceptedAt: Date | undefined;
}

const ACCEPTABLE: ReadonlySet<string> = new Set(['mismatch', 'failed']);

/** The recorded outcomes of reconciliations; a mismatch blocks its bots until an operator accepts it. */
export class ReconciliationsRepository {
  constructor(private readonly sql: SqlClient) {}

  /** Records one reconciliation and returns its id. */
  async record(report: ReconciliationReportLike, options: RecordReconciliationOptions = {}): Promise<number> {
    if (typeof report !== 'object' || report === null || typeof report.ok !== 'boolean') {
      throw new StoreError('report', 'must be a reconciliation report with a boolean `ok`');
    }
    const venue = requireText(options.venue ?? report.venue, 'report.venue');
    const accountId = requireText(options.accountId ?? report.accountId, 'report.accountId');
    const outcome = options.outcome ?? (report.ok ? 'ok' : 'mismatch');
    if (!['ok', 'mismatch', 'failed'].includes(outcome)) {
      throw new StoreError('outcome', `must be ok, mismatch or failed, got ${String(outcome)}`);
    }
    const blocked = report.blockedBots ?? [];
    if (!Array.isArray(blocked)) throw new StoreError('report.blockedBots', 'must be an array of bot ids');
    blocked.forEach((b, i) => requireText(b, `report.blockedBots[${i}]`));
    const startedAt = timeParam(options.startedAt ?? report.startedAt, 'startedAt');
    const finishedAt = timeParam(options.finishedAt ?? report.finishedAt, 'finishedAt');
    const summary = jsonText(options.summary !== undefined ? options.summary : report, 'summary');
    const carriedFrom = options.carriedFrom;
    if (carriedFrom !== undefined) {
      checkId(carriedFrom, 'carriedFrom');
      if (outcome !== 'mismatch') {
        throw new StoreError('carriedFrom', `only a mismatch carries an acceptance; this one is ${outcome}`);
      }
    }
    const insert = async (tx: SqlClient, acceptedBy: string | null): Promise<number> => {
      const rows = await tx.query<{ id: string }>(
        `INSERT INTO reconciliations
           (started_at, finished_at, venue, account_id, outcome, summary, blocked_bots, accepted_by, accepted_at)
         VALUES (coalesce($1::timestamptz, now()), coalesce($2::timestamptz, now()), $3, $4, $5, $6::jsonb,
                 $7::text[], $8::text, CASE WHEN $8::text IS NULL THEN NULL ELSE now() END)
         RETURNING id`,
        [
          startedAt,
          finishedAt,
          venue,
          accountId,
          acceptedBy ? 'accepted' : outcome,
          summary,
          [...blocked],
          acceptedBy,
        ],
      );
      return countOf(rows[0]?.id, 'reconciliations.id');
    };
    if (carriedFrom === undefined) return insert(this.sql, null);
    return this.sql.transaction(async (tx) => {
      // Locked so that an acceptance cannot be carried from a record being changed meanwhile.
      const rows = await tx.query('SELECT * FROM reconciliations WHERE id = $1 FOR UPDATE', [carriedFrom]);
      const from = rows[0] && reconciliationOf(rows[0]);
      if (!from) throw new StoreError('carriedFrom', `no reconciliation ${carriedFrom}`);
      if (from.venue !== venue || from.accountId !== accountId) {
        throw new StoreError(
          'carriedFrom',
          `reconciliation ${carriedFrom} is of ${from.accountId}@${from.venue}, not ${accountId}@${venue}`,
        );
      }
      if (from.outcome !== 'accepted') {
        throw new StoreError('carriedFrom', `reconciliation ${carriedFrom} is ${from.outcome}, not accepted`);
      }
      const newer = await tx.query<{ id: string }>(
        `SELECT id FROM reconciliations WHERE venue = $1 AND account_id = $2 AND id > $3 ORDER BY id LIMIT 1`,
        [venue, accountId, carriedFrom],
      );
      if (newer[0]) {
        throw new StoreError(
          'carriedFrom',
          `reconciliation ${String(newer[0].id)} of ${accountId}@${venue} is newer than ${carriedFrom}: ` +
            'an acceptance carries only from the newest',
        );
      }
      return insert(tx, `${operatorOf(from)} (carried from #${carriedFrom})`);
    });
  }

  async get(id: number): Promise<StoredReconciliation | undefined> {
    checkId(id);
    const rows = await this.sql.query('SELECT * FROM reconciliations WHERE id = $1', [id]);
    return rows[0] && reconciliationOf(rows[0]);
  }

  /** The newest first, optionally of one venue and account. */
  async list(
    limit = 50,
    filter: { venue?: string; accountId?: string } = {},
  ): Promise<StoredReconciliation[]> {
    requireLimit(limit, 'limit');
    const venue = optText(filter.venue, 'venue');
    const accountId = optText(filter.accountId, 'accountId');
    const rows = await this.sql.query(
      `SELECT * FROM reconciliations
        WHERE ($1::text IS NULL OR venue = $1) AND ($2::text IS NULL OR account_id = $2)
        ORDER BY id DESC LIMIT $3`,
      [venue ?? null, accountId ?? null, limit],
    );
    return rows.map(reconciliationOf);
  }

  /** The newest reconciliation of an account at a venue. */
  async latest(venue: string, accountId: string): Promise<StoredReconciliation | undefined> {
    return (
      await this.list(1, {
        venue: requireText(venue, 'venue'),
        accountId: requireText(accountId, 'accountId'),
      })
    )[0];
  }

  /**
   * Bots blocked now: those named by the newest reconciliation of each (venue, account) when that one
   * is a mismatch or a failure nobody has accepted.
   */
  async blockedBots(): Promise<string[]> {
    const rows = await this.sql.query<{ bot: string }>(
      `SELECT DISTINCT unnest(blocked_bots) AS bot FROM (
         SELECT DISTINCT ON (venue, account_id) outcome, blocked_bots FROM reconciliations
          ORDER BY venue, account_id, id DESC) newest
        WHERE outcome IN ('mismatch', 'failed')
        ORDER BY bot`,
    );
    return rows.map((r) => r.bot);
  }

  /** An operator accepts a mismatch (or a failure): its bots may start. Returns the updated record. */
  async accept(id: number, operator: string): Promise<StoredReconciliation> {
    checkId(id);
    requireText(operator, 'operator');
    return this.sql.transaction(async (tx) => {
      const rows = await tx.query('SELECT * FROM reconciliations WHERE id = $1 FOR UPDATE', [id]);
      const row = rows[0];
      if (!row) throw new StoreError('id', `no reconciliation ${id}`);
      const current = reconciliationOf(row);
      if (current.outcome === 'accepted') {
        throw new StoreError(
          'id',
          `reconciliation ${id} was already accepted by ${current.acceptedBy ?? '?'} at ${current.acceptedAt?.toISOString() ?? '?'}`,
        );
      }
      if (!ACCEPTABLE.has(current.outcome)) {
        throw new StoreError('id', `reconciliation ${id} is ${current.outcome}: there is nothing to accept`);
      }
      const updated = await tx.query(
        `UPDATE reconciliations SET outcome = 'accepted', accepted_by = $2, accepted_at = now()
          WHERE id = $1 RETURNING *`,
        [id, operator],
      );
      return reconciliationOf(updated[0]!);
    });
  }
}

function timeParam(value: UnixNanos | Date | undefined, field: string): string | null {
  if (value === undefined) return null;
  if (typeof value === 'bigint') return nanosToTimestamp(value);
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString();
  throw new StoreError(field, 'must be nanoseconds (bigint) or a valid Date');
}

function checkId(id: number, field = 'id'): void {
  if (!Number.isSafeInteger(id) || id < 1)
    throw new StoreError(field, `must be a positive integer, got ${String(id)}`);
}

const CARRIED = /^(.*) \(carried from #\d+\)$/s;

/**
 * The operator who accepted a record: its accepted_by, or for an acceptance carried over, the operator
 * of the original (so a chain of restarts keeps naming the person, not the previous record).
 */
export function operatorOf(r: StoredReconciliation): string {
  const by = r.acceptedBy ?? '?';
  return CARRIED.exec(by)?.[1] ?? by;
}

function reconciliationOf(r: Record<string, unknown>): StoredReconciliation {
  return {
    id: countOf(r.id, 'reconciliations.id'),
    venue: String(r.venue),
    accountId: String(r.account_id),
    outcome: r.outcome as ReconciliationOutcome,
    startedAt: r.started_at as Date,
    finishedAt: (r.finished_at as Date | null) ?? undefined,
    summary: r.summary,
    blockedBots: (r.blocked_bots as string[] | null) ?? [],
    acceptedBy: (r.accepted_by as string | null) ?? undefined,
    acceptedAt: (r.accepted_at as Date | null) ?? undefined,
  };
}

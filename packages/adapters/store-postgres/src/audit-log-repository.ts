import type { SqlClient } from './sql-client.js';
import { countOf, jsonText, optText, requireLimit, requireText } from './sql-values.js';
import { StoreError } from './store-error.js';

export interface AuditEntry {
  /** Who: a username, a token name, "system". */
  readonly actor: string;
  /** What: "bot.start", "reconciliation.accept"… */
  readonly action: string;
  /** On what: a bot id, an account id… */
  readonly target?: string;
  /** A JSON object. */
  readonly details?: Readonly<Record<string, unknown>>;
  readonly ip?: string;
}

export interface StoredAuditEntry extends AuditEntry {
  readonly seq: number;
  readonly at: Date;
  readonly details: Readonly<Record<string, unknown>>;
}

export interface AuditFilter {
  readonly actor?: string;
  readonly action?: string;
  readonly target?: string;
  /** Entries before this seq (paging back); the newest when absent. */
  readonly beforeSeq?: number;
  /** 100 when absent. */
  readonly limit?: number;
}

/** Who did what to which, when, from where: appended, never changed. */
export class AuditLogRepository {
  constructor(private readonly sql: SqlClient) {}

  async append(e: AuditEntry): Promise<number> {
    if (typeof e !== 'object' || e === null) throw new StoreError('entry', 'must be an audit entry');
    const details = e.details ?? {};
    if (typeof details !== 'object' || Array.isArray(details))
      throw new StoreError('details', 'must be a JSON object');
    const rows = await this.sql.query<{ seq: string }>(
      `INSERT INTO audit_log (actor, action, target, details, ip) VALUES ($1, $2, $3, $4::jsonb, $5) RETURNING seq`,
      [
        requireText(e.actor, 'actor'),
        requireText(e.action, 'action'),
        optText(e.target, 'target', 1024) ?? null,
        jsonText(details, 'details'),
        optText(e.ip, 'ip', 64) ?? null,
      ],
    );
    return countOf(rows[0]?.seq, 'audit_log.seq');
  }

  /** Newest first. */
  async list(filter: AuditFilter = {}): Promise<StoredAuditEntry[]> {
    const limit = requireLimit(filter.limit ?? 100, 'limit');
    if (filter.beforeSeq !== undefined && (!Number.isSafeInteger(filter.beforeSeq) || filter.beforeSeq < 1)) {
      throw new StoreError('beforeSeq', `must be a positive integer, got ${String(filter.beforeSeq)}`);
    }
    const rows = await this.sql.query(
      `SELECT * FROM audit_log
        WHERE ($1::text IS NULL OR actor = $1) AND ($2::text IS NULL OR action = $2)
          AND ($3::text IS NULL OR target = $3) AND ($4::bigint IS NULL OR seq < $4)
        ORDER BY seq DESC LIMIT $5`,
      [
        optText(filter.actor, 'actor') ?? null,
        optText(filter.action, 'action') ?? null,
        optText(filter.target, 'target', 1024) ?? null,
        filter.beforeSeq ?? null,
        limit,
      ],
    );
    return rows.map((r) => {
      const entry: Record<string, unknown> = {
        seq: countOf(r.seq, 'audit_log.seq'),
        at: r.at,
        actor: r.actor,
        action: r.action,
        details: r.details,
      };
      if (r.target !== null) entry.target = r.target;
      if (r.ip !== null) entry.ip = r.ip;
      return entry as unknown as StoredAuditEntry;
    });
  }
}

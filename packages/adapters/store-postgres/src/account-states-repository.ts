import {
  createWireRegistry,
  decodeEnvelope,
  encodeEnvelope,
  type AccountState,
  type DecodeContext,
  type WireRegistry,
} from '@qubit/model';
import type { SqlClient } from './sql-client.js';
import { countOf, jsonText, nanosToTimestamp, requireLimit, requireText } from './sql-values.js';
import { StoreError } from './store-error.js';

export interface AccountStatesOptions {
  readonly registry?: WireRegistry;
  readonly decodeContext?: DecodeContext;
}

/**
 * The history of each account's balances and equity. `balances` holds [{currency, total, locked, free}]
 * with decimal strings for SQL readers; `payload` the AccountState's wire envelope, which is what this
 * repository reads back, so a state comes out exactly as it went in.
 */
export class AccountStatesRepository {
  private readonly registry: WireRegistry;
  private readonly decodeContext: DecodeContext;

  constructor(
    private readonly sql: SqlClient,
    options: AccountStatesOptions = {},
  ) {
    this.registry = options.registry ?? createWireRegistry();
    this.decodeContext = options.decodeContext ?? {};
  }

  /** Stores a state; false when a state with its event id is already stored (a replay changes nothing). */
  async insert(state: AccountState): Promise<boolean> {
    if (state?.type !== 'AccountState') throw new StoreError('state', 'must be an AccountState');
    const envelope = encodeEnvelope(state, {
      id: state.eventId,
      key: state.accountId,
      registry: this.registry,
    });
    const balances = state.balances.map((b) => ({
      currency: b.total.currency.code,
      total: b.total.amount.toString(),
      locked: b.locked.amount.toString(),
      free: b.free.amount.toString(),
    }));
    const rows = await this.sql.query(
      `INSERT INTO account_states (account_id, balances, equity, ts, event_id, equity_currency, margin_used,
         reported, ts_ns, payload)
       VALUES ($1, $2::jsonb, $3, $4, $5, $6, $7, $8, $9, $10::jsonb)
       ON CONFLICT (event_id) DO NOTHING
       RETURNING seq`,
      [
        state.accountId,
        jsonText(balances, 'state.balances'),
        state.equity.amount.toString(),
        nanosToTimestamp(state.tsEvent),
        state.eventId,
        state.equity.currency.code,
        state.marginUsed.amount.toString(),
        state.reported,
        state.tsEvent.toString(),
        jsonText(envelope, 'state'),
      ],
    );
    return rows.length > 0;
  }

  /** The newest state of an account (by insertion), or undefined when none is stored. */
  async latest(accountId: string): Promise<AccountState | undefined> {
    requireText(accountId, 'accountId');
    const rows = await this.sql.query<{ seq: string; payload: unknown }>(
      'SELECT seq, payload FROM account_states WHERE account_id = $1 ORDER BY seq DESC LIMIT 1',
      [accountId],
    );
    return rows[0] && this.decode(rows[0]);
  }

  /** The newest state of every account, by account id. */
  async latestAll(): Promise<AccountState[]> {
    const rows = await this.sql.query<{ seq: string; payload: unknown }>(
      `SELECT DISTINCT ON (account_id) seq, payload FROM account_states ORDER BY account_id, seq DESC`,
    );
    return rows.map((r) => this.decode(r));
  }

  /** An account's states, newest first. */
  async history(accountId: string, limit = 100): Promise<AccountState[]> {
    requireText(accountId, 'accountId');
    requireLimit(limit, 'limit');
    const rows = await this.sql.query<{ seq: string; payload: unknown }>(
      'SELECT seq, payload FROM account_states WHERE account_id = $1 ORDER BY seq DESC LIMIT $2',
      [accountId, limit],
    );
    return rows.map((r) => this.decode(r));
  }

  private decode(row: { seq: string; payload: unknown }): AccountState {
    try {
      const { message } = decodeEnvelope(row.payload, { ...this.decodeContext, registry: this.registry });
      if (message.type !== 'AccountState') throw new Error(`holds a ${message.type}`);
      return message;
    } catch (err) {
      throw new StoreError(
        `account_states seq ${countOf(row.seq, 'account_states.seq')}`,
        `does not decode: ${(err as Error).message}`,
        { cause: err },
      );
    }
  }
}

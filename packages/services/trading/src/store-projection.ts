import type { TradingNode } from '@qubit/engine';
import type { Store } from '@qubit/store-postgres';
import type { AccountState, PositionEvent } from '@qubit/model';

/**
 * Keeps the store's `positions` and `account_states` tables in step with the portfolio, for queries (the
 * gateway, the dashboard, backups). They are projections, not the record: the journal is, and a restart
 * rebuilds the portfolio from it and writes a fresh snapshot. Writes go one after another in event order; a
 * failed write is reported and the next one still runs.
 */
export class StoreProjection {
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly onError: (error: Error) => void,
  ) {}

  /** Replaces each account's positions with the portfolio's (rows of positions closed since are removed) and writes its state. */
  snapshot(node: TradingNode, accountIds: readonly string[]): Promise<void> {
    return this.enqueue(async () => {
      for (const a of accountIds) {
        await this.store.positions.replaceAccount(a, node.portfolio.positions({ accountId: a }));
        const state = node.portfolio.account(a);
        if (state) await this.store.accountStates.insert(state);
      }
    });
  }

  onPortfolioUpdate(node: TradingNode, m: PositionEvent | AccountState): void {
    if (m.type === 'AccountState') {
      void this.enqueue(() => this.store.accountStates.insert(m));
      return;
    }
    const snapshot = node.portfolio.position(m.accountId, m.botId, m.instrumentId);
    if (snapshot) void this.enqueue(() => this.store.positions.upsert(snapshot));
  }

  flush(): Promise<void> {
    return this.enqueue(async () => {});
  }

  private enqueue(work: () => Promise<unknown>): Promise<void> {
    const next = this.chain.then(work).then(
      () => undefined,
      (err: unknown) => this.onError(err instanceof Error ? err : new Error(String(err))),
    );
    this.chain = next;
    return next;
  }
}

import {
  Topic,
  TradingNode,
  reconcile,
  type AccountRegistration,
  type BotSubscriptions,
  type Clock,
  type ExecutionClient,
  type ReconciliationReport,
  type RiskConfig,
  type VenueQueries,
} from '@qubit/engine';
import type { Store } from '@qubit/store-postgres';
import {
  AccountId,
  type AccountState,
  type Bot,
  type Instrument,
  type MarketData,
  type PositionEvent,
} from '@qubit/model';
import { GatedExecutionClient } from './gated-venue.js';
import { StoreProjection } from './store-projection.js';

/** A venue the trading role can trade on, ask for its state, and take market data from. */
export interface TradingVenue extends ExecutionClient, VenueQueries {
  onMarketData(listener: (data: MarketData) => void): void;
  /** Resolves once the venue's report stream is connected (reports from then on are not missed). */
  whenConnected(): Promise<void>;
  close(): Promise<void>;
}

export interface TradingBot {
  readonly botId: string;
  readonly strategyId: string;
  readonly accountId: string;
  readonly bot: Bot<unknown>;
  readonly config: unknown;
  readonly subscriptions: BotSubscriptions;
}

export interface TradingServiceOptions {
  readonly store: Store;
  readonly venue: TradingVenue;
  readonly clock: Clock;
  readonly instruments: readonly Instrument[];
  readonly accounts: readonly AccountRegistration[];
  readonly bots: readonly TradingBot[];
  readonly traderId?: string;
  readonly risk?: Omit<RiskConfig, 'traderId'>;
  readonly log?: (line: string) => void;
}

export interface TradingStartReport {
  readonly restoredEntries: number;
  readonly inFlight: number;
  readonly reconciliations: readonly { readonly id: number; readonly report: ReconciliationReport }[];
  readonly heldReports: number;
  readonly startedBots: readonly string[];
  readonly blockedBots: readonly string[];
}

/**
 * The trading role on a durable store: on start it replays the journal, reconciles every account with
 * the venue (recording the outcome), then starts the bots a mismatch does not block; from then on every
 * command and report goes through the store's write-ahead journal, and positions and account states are
 * projected into the store for queries. The order of `start` is the order issue 4 prescribes.
 */
export class TradingService {
  private nodeRef: TradingNode | undefined;
  private projection: StoreProjection | undefined;
  private readonly log: (line: string) => void;
  private stopped = false;

  constructor(private readonly o: TradingServiceOptions) {
    this.log = o.log ?? (() => {});
  }

  get node(): TradingNode {
    if (!this.nodeRef) throw new Error('the trading service has not started');
    return this.nodeRef;
  }

  async start(): Promise<TradingStartReport> {
    const o = this.o;
    // 1. The journal, before anything can produce a new entry.
    const entries = await o.store.journal.load();
    const gate = new GatedExecutionClient(o.venue);
    const node = new TradingNode({
      traderId: o.traderId ?? 'QUBIT',
      clock: o.clock,
      instruments: o.instruments,
      accounts: o.accounts,
      risk: o.risk,
      clients: [gate],
      journal: o.store.journal,
      // A prefix of its own per start: ids of this run never meet the ids of a run before it.
      idPrefix: `Q${(o.clock.now() / 1_000_000n).toString(36)}`,
    });
    this.nodeRef = node;
    const restored = node.restore(entries);
    this.log(
      `trading: journal replayed: ${entries.length} entries, ${restored.inFlight.length} orders in flight` +
        (restored.anomalies.length > 0 ? `, ${restored.anomalies.length} anomalies` : ''),
    );
    for (const a of restored.anomalies.slice(0, 20)) this.log(`trading: journal anomaly: ${a}`);
    // 2. The venue's stream is up before its state is asked for, so nothing falls between the two.
    await o.venue.whenConnected();
    // 3.-5. Ask, resolve, emit (journaled), compare: one reconciliation per account, recorded.
    const reconciliations: { id: number; report: ReconciliationReport }[] = [];
    const blocked = new Set<string>();
    for (const account of o.accounts) {
      const report = await reconcile(node, o.venue, AccountId(account.accountId, 'accountId'));
      await node.execution.whenIdle();
      const id = await o.store.reconciliations.record(report);
      reconciliations.push({ id, report });
      this.log(
        `trading: reconciliation #${id} ${account.accountId}@${o.venue.venue}: ${report.ok ? 'ok' : 'MISMATCH'}, ` +
          `${report.emitted.length} events emitted, ${report.adopted.length} adopted, ${report.mismatches.length} mismatches`,
      );
      for (const m of report.mismatches) this.log(`trading: mismatch: ${m.detail}`);
      for (const b of report.blockedBots) blocked.add(b);
    }
    const heldReports = gate.open();
    // 6. Projections, then bots (a blocked bot waits for an operator to accept its reconciliation).
    this.projection = new StoreProjection(o.store, (e) =>
      this.log(`trading: store projection: ${e.message}`),
    );
    await this.projection.snapshot(
      node,
      o.accounts.map((a) => a.accountId),
    );
    node.bus.subscribe<PositionEvent | AccountState>(Topic.PORTFOLIO_UPDATED, 'store-projection', (m) =>
      this.projection?.onPortfolioUpdate(node, m),
    );
    node.start();
    const started: string[] = [];
    for (const b of o.bots) {
      if (blocked.has(b.botId)) {
        this.log(`trading: bot ${b.botId} blocked until an operator accepts the reconciliation`);
        continue;
      }
      const state = await o.store.kvState(b.botId);
      node.addBot({ ...b, state, logSink: (l) => this.log(`bot ${b.botId}: ${l.level} ${l.message}`) });
      started.push(b.botId);
    }
    o.venue.onMarketData((d) => {
      if (this.stopped) return;
      try {
        node.process(d);
      } catch (err) {
        this.log(`trading: market data refused: ${(err as Error).message}`);
      }
    });
    return {
      restoredEntries: entries.length,
      inFlight: restored.inFlight.length,
      reconciliations,
      heldReports,
      startedBots: started,
      blockedBots: [...blocked],
    };
  }

  /** Stops the bots (they may send closing orders), waits for the journal, flushes projections, closes the venue link. */
  async stop(reason: 'shutdown' | 'user' = 'shutdown'): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const node = this.nodeRef;
    if (node) {
      node.stopBots(reason);
      await node.execution.whenIdle();
      await this.projection?.flush();
    }
    await this.o.venue.close();
  }
}

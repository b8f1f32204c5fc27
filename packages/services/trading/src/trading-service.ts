import {
  Topic,
  TradingNode,
  reconcile,
  reconciliationReportToJson,
  type AccountRegistration,
  type BotSubscriptions,
  type Clock,
  type ExecutionClient,
  type ReconciliationReport,
  type RiskConfig,
  type VenueQueries,
} from '@qubit/engine';
import { realTimer, type ScheduleTimer, type Store, type StoredReconciliation } from '@qubit/store-postgres';
import {
  AccountId,
  BotId,
  ModelError,
  type AccountState,
  type Bot,
  type Instrument,
  type MarketData,
  type PositionEvent,
} from '@qubit/model';
import { acceptReconciliation } from './accept-reconciliation.js';
import { GatedExecutionClient } from './gated-venue.js';
import { sameMismatches } from './same-mismatches.js';
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
  /**
   * How often, in milliseconds, the store is asked whether a reconciliation blocking bots was accepted by
   * another process (the CLI against PostgreSQL); 2000 by default, 0 for never. Only while bots wait.
   */
  readonly acceptancePollMs?: number;
  /** The timer of that poll: setTimeout by default; tests fire it themselves. */
  readonly timer?: ScheduleTimer;
}

/** One reconciliation of this start: its record, and the acceptance it carried over, if it did. */
export interface TradingReconciliation {
  readonly id: number;
  readonly report: ReconciliationReport;
  /** The accepted record whose identical mismatches this one repeats; its bots were not blocked. */
  readonly carriedFrom?: number;
}

export interface TradingStartReport {
  readonly restoredEntries: number;
  readonly inFlight: number;
  readonly reconciliations: readonly TradingReconciliation[];
  readonly heldReports: number;
  readonly startedBots: readonly string[];
  readonly blockedBots: readonly string[];
}

/**
 * The trading role on a durable store: on start it replays the journal, reconciles every account with
 * the venue (recording the outcome), then starts the bots a mismatch does not block; from then on every
 * command and report goes through the store's write-ahead journal, and positions and account states are
 * projected into the store for queries. The order of `start` is the order issue 4 prescribes.
 *
 * A blocked bot waits, not the service: once an operator accepts every reconciliation that blocks it —
 * through `acceptReconciliation`, or in the store from another process, which the service polls for —
 * it starts. A mismatch an operator accepted earlier that the venue repeats unchanged is recorded
 * accepted again and blocks nothing; anything different blocks again.
 */
export class TradingService {
  private nodeRef: TradingNode | undefined;
  private projection: StoreProjection | undefined;
  private readonly log: (line: string) => void;
  private readonly pollMs: number;
  private readonly timer: ScheduleTimer;
  private stopped = false;
  /** Bots held back by an unaccepted reconciliation, by bot id. */
  private readonly waiting = new Map<string, TradingBot>();
  /** Reconciliations of this start nobody has accepted yet, with the bots each blocks. */
  private readonly unaccepted = new Map<number, ReadonlySet<string>>();
  /** Releases run one at a time, so that a live acceptance and the poll never start a bot twice. */
  private releasing: Promise<unknown> = Promise.resolve();
  private poll: { cancel(): void } | undefined;

  constructor(private readonly o: TradingServiceOptions) {
    this.log = o.log ?? (() => {});
    const pollMs = o.acceptancePollMs ?? 2000;
    if (!Number.isSafeInteger(pollMs) || pollMs < 0) {
      throw new ModelError(
        'acceptancePollMs',
        `must be a whole number of milliseconds, 0 for no poll, got ${String(pollMs)}`,
      );
    }
    this.pollMs = pollMs;
    this.timer = o.timer ?? realTimer;
  }

  /** The bots waiting for an operator to accept the reconciliation that blocks them. */
  get blockedBots(): string[] {
    return [...this.waiting.keys()];
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
    const reconciliations: TradingReconciliation[] = [];
    for (const account of o.accounts) {
      const r = await this.reconcileAccount(node, account.accountId);
      reconciliations.push(r);
    }
    const blocked = new Set([...this.unaccepted.values()].flatMap((bots) => [...bots]));
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
        const by = [...this.unaccepted].filter(([, bots]) => bots.has(b.botId)).map(([id]) => `#${id}`);
        this.log(
          `trading: bot ${b.botId} blocked until an operator accepts reconciliation ${by.join(', ')} ` +
            `(qubit reconciliation accept <id>)`,
        );
        this.waiting.set(b.botId, b);
        continue;
      }
      await this.startBot(node, b);
      started.push(b.botId);
    }
    this.armPoll();
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
      blockedBots: this.blockedBots,
    };
  }

  /**
   * An operator accepts reconciliation `id` (in the store, with an audit entry) and the bots it no longer
   * blocks start now; a bot that another unaccepted reconciliation blocks keeps waiting. The store's
   * refusals (unknown id, nothing to accept, already accepted, no operator) are thrown and change nothing.
   */
  async acceptReconciliation(
    id: number,
    operator: string,
  ): Promise<{ readonly reconciliation: StoredReconciliation; readonly startedBots: string[] }> {
    const reconciliation = await acceptReconciliation(this.o.store, id, operator);
    this.log(`trading: reconciliation #${id} accepted by ${operator}`);
    return { reconciliation, startedBots: await this.startUnblockedBots() };
  }

  /**
   * Starts the waiting bots that no unaccepted reconciliation blocks any more, asking the store which
   * were accepted (here or by another process). Returns the bots it started.
   */
  startUnblockedBots(): Promise<string[]> {
    const run = this.releasing.then(() => this.releaseNow());
    this.releasing = run.catch(() => undefined);
    return run;
  }

  /** Reconciles one account, records the outcome (carrying an acceptance over when nothing changed). */
  private async reconcileAccount(node: TradingNode, accountId: string): Promise<TradingReconciliation> {
    const o = this.o;
    const raw = await reconcile(node, o.venue, AccountId(accountId, 'accountId'));
    await node.execution.whenIdle();
    const report = withAccountBots(raw, o.bots);
    const summary = reconciliationReportToJson(report);
    let carriedFrom: number | undefined;
    let previous: StoredReconciliation | undefined;
    if (!report.ok) {
      previous = await o.store.reconciliations.latest(report.venue, report.accountId);
      if (previous?.outcome === 'accepted' && sameMismatches(previous.summary, summary)) {
        carriedFrom = previous.id;
      }
    }
    const id = await o.store.reconciliations.record(report, {
      summary,
      ...(carriedFrom !== undefined ? { carriedFrom } : {}),
    });
    this.log(
      `trading: reconciliation #${id} ${accountId}@${o.venue.venue}: ${report.ok ? 'ok' : 'MISMATCH'}, ` +
        `${report.emitted.length} events emitted, ${report.adopted.length} adopted, ${report.mismatches.length} mismatches`,
    );
    for (const m of report.mismatches) this.log(`trading: mismatch: ${m.detail}`);
    if (carriedFrom !== undefined) {
      this.log(
        `trading: reconciliation #${id} repeats #${carriedFrom} exactly, accepted by ${previous?.acceptedBy ?? '?'}: ` +
          'recorded accepted, its bots are not blocked',
      );
    } else if (!report.ok && report.blockedBots.length > 0) {
      this.unaccepted.set(id, new Set(report.blockedBots));
    }
    return carriedFrom !== undefined ? { id, report, carriedFrom } : { id, report };
  }

  private async releaseNow(): Promise<string[]> {
    const node = this.nodeRef;
    if (!node || this.stopped) return [];
    for (const id of [...this.unaccepted.keys()]) {
      const r = await this.o.store.reconciliations.get(id);
      if (r?.outcome === 'accepted') this.unaccepted.delete(id);
    }
    const blocked = new Set([...this.unaccepted.values()].flatMap((bots) => [...bots]));
    const started: string[] = [];
    for (const [botId, b] of [...this.waiting]) {
      if (blocked.has(botId) || this.stopped) continue;
      this.waiting.delete(botId);
      await this.startBot(node, b);
      started.push(botId);
      this.log(`trading: bot ${botId} started: the reconciliations that blocked it are accepted`);
    }
    return started;
  }

  private async startBot(node: TradingNode, b: TradingBot): Promise<void> {
    const state = await this.o.store.kvState(b.botId);
    node.addBot({ ...b, state, logSink: (l) => this.log(`bot ${b.botId}: ${l.level} ${l.message}`) });
  }

  /** Arms the next look at the store while bots wait; a failed look is logged and the poll goes on. */
  private armPoll(): void {
    if (this.stopped || this.pollMs === 0 || this.waiting.size === 0 || this.poll) return;
    this.poll = this.timer(() => {
      this.poll = undefined;
      this.startUnblockedBots().then(
        () => this.armPoll(),
        (err: unknown) => {
          this.log(`trading: acceptance poll failed: ${err instanceof Error ? err.message : String(err)}`);
          this.armPoll();
        },
      );
    }, this.pollMs);
  }

  /** Stops the bots (they may send closing orders), waits for the journal, flushes projections, closes the venue link. */
  async stop(reason: 'shutdown' | 'user' = 'shutdown'): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.poll?.cancel();
    this.poll = undefined;
    // A bot being started by a release is in the node before it is stopped below.
    await this.releasing;
    const node = this.nodeRef;
    if (node) {
      node.stopBots(reason);
      await node.execution.whenIdle();
      await this.projection?.flush();
    }
    await this.o.venue.close();
  }
}

/**
 * The report with every bot of the account blocked when a balance disagrees. Reconciliation names the
 * bots the node knows, but the service adds its bots only after reconciling, so a bot with no order or
 * position yet would otherwise start on a balance nobody has agreed to.
 */
function withAccountBots(report: ReconciliationReport, bots: readonly TradingBot[]): ReconciliationReport {
  if (!report.mismatches.some((m) => m.kind === 'balance')) return report;
  const blocked = new Set<string>(report.blockedBots);
  for (const b of bots) if (b.accountId === report.accountId) blocked.add(b.botId);
  if (blocked.size === report.blockedBots.length) return report;
  return { ...report, blockedBots: [...blocked].map((b) => BotId(b, 'botId')) };
}

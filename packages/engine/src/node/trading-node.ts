import {
  TraderId,
  barIntervalNanos,
  parseInstrumentId,
  type Bot,
  type Instrument,
  type InstrumentId,
  type KeyValueState,
  type MarketData,
  type Price,
  type StopReason,
  AccountId,
  BotId,
  StrategyId,
} from '@qubit/model';
import { MessageBus, type Bus } from '../bus/message-bus.js';
import { Cache } from '../cache/cache.js';
import type { Clock } from '../clock/clock.js';
import { TestClock } from '../clock/test-clock.js';
import { DataEngine } from '../data/data-engine.js';
import { BotHost, type BotPortfolioView, type BotSubscriptions } from '../bots/bot-host.js';
import type { LogSink } from '../bots/bot-logger.js';
import { ClientOrderIdGenerator } from '../execution/client-order-id-generator.js';
import { ExecutionEngine } from '../execution/execution-engine.js';
import { IdGenerator } from '../ids/id-generator.js';
import { Portfolio, type AccountRegistration } from '../portfolio/portfolio.js';
import type { ExecutionClient } from '../ports/execution-client.js';
import { InMemoryJournal, type ExecutionJournal } from '../ports/execution-journal.js';
import type { JournalEntry } from '../ports/journal-entry.js';
import { restoreFromJournal } from '../recovery/journal-restore.js';
import { RecoveryMarks } from '../recovery/recovery-marks.js';
import type { RestoreSummary } from '../recovery/restore-summary.js';
import { RiskEngine } from '../risk/risk-engine.js';
import type { RiskConfig } from '../risk/risk-limits.js';
import { SimulatedVenue } from '../venue/simulated-venue.js';
import type { SimulatedVenueConfig } from '../venue/venue-config.js';

export interface TradingNodeOptions {
  readonly traderId: string;
  /** A TestClock for backtests (advanced by data time), a LiveClock for paper and live. */
  readonly clock: Clock;
  readonly instruments: readonly Instrument[];
  readonly accounts: readonly AccountRegistration[];
  /** Risk configuration; the trader id is filled in. Risk is always on; an empty config checks instrument rules. */
  readonly risk?: Omit<RiskConfig, 'traderId'>;
  /**
   * Venues served by a SimulatedVenue (backtest and paper), with its config; by default every venue of
   * the instruments is simulated unless a client for it is given in `clients`.
   */
  readonly simulatedVenues?: Readonly<Record<string, Partial<SimulatedVenueConfig>>>;
  /** Real venue clients (live); their venues are not simulated. */
  readonly clients?: readonly ExecutionClient[];
  readonly journal?: ExecutionJournal;
  readonly bus?: Bus;
  /** Prefix of event and command ids; deterministic ids make backtests byte-identical. */
  readonly idPrefix?: string;
  readonly barHistory?: number;
  /** Closed orders kept in the cache (see CacheOptions); reports and stores keep the full history. */
  readonly closedOrderRetention?: number;
}

export interface AddBotOptions<C> {
  readonly botId: string;
  readonly strategyId: string;
  readonly accountId: string;
  readonly bot: Bot<C>;
  readonly config: C;
  readonly subscriptions: BotSubscriptions;
  readonly state?: KeyValueState;
  readonly logSink?: LogSink;
  readonly onError?: (error: Error, hook: string) => void;
  readonly recordSubmitted?: boolean;
}

/**
 * The kernel wired for one process: bus, cache, data engine, two-stage risk, execution with its journal,
 * portfolio, simulated venues and bot hosts. The same wiring runs a backtest (TestClock, recorded data)
 * and paper trading (LiveClock, live data); only the clock and the data source differ.
 *
 * `process(data)` is the heartbeat: the clock moves to the datum's time (TestClock only), the simulated
 * venue matches resting orders against it and every consequence (fills, portfolio) settles, and only
 * then do the data engine and the bots see it. So a bot never acts on a bar before the venue has, and an
 * order placed on a bar's close fills on the next bar: no look-ahead.
 */
export class TradingNode {
  readonly bus: Bus;
  readonly cache: Cache;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly traderId: TraderId;
  readonly data: DataEngine;
  readonly portfolio: Portfolio;
  readonly risk: RiskEngine;
  readonly execution: ExecutionEngine;
  readonly journal: ExecutionJournal;
  readonly orderIds: ClientOrderIdGenerator;
  readonly venues = new Map<string, SimulatedVenue>();
  /** The prefix of `ids`. */
  readonly idPrefix: string;
  /** Synthetic trade ids issued by reconciliation, continued across restarts (see RecoveryMarks). */
  readonly recoveryMarks = new RecoveryMarks();
  private readonly bots = new Map<string, BotHost<unknown>>();
  private readonly botAccounts = new Map<string, AccountId>();
  /** Instrument id → its simulated venue (null: none); `venues` is fixed once constructed. */
  private readonly venueByInstrument = new Map<string, SimulatedVenue | null>();
  private recentInstrumentId = '';
  private recentVenue: SimulatedVenue | undefined;
  /** The clock when it is a TestClock, which `process` moves with data time. */
  private readonly testClock: TestClock | undefined;
  private started = false;
  private kernelStarted = false;
  private restored = false;

  constructor(options: TradingNodeOptions) {
    this.bus = options.bus ?? new MessageBus();
    this.cache = new Cache({ closedOrderRetention: options.closedOrderRetention });
    this.clock = options.clock;
    this.testClock = options.clock instanceof TestClock ? options.clock : undefined;
    this.traderId = TraderId(options.traderId, 'trader_id');
    this.idPrefix = options.idPrefix ?? 'Q';
    this.ids = new IdGenerator(this.idPrefix);
    this.journal = options.journal ?? new InMemoryJournal();
    for (const i of options.instruments) this.cache.addInstrument(i);
    this.data = new DataEngine({ bus: this.bus, cache: this.cache, barHistory: options.barHistory });
    this.portfolio = new Portfolio({ bus: this.bus, cache: this.cache, clock: this.clock, ids: this.ids });
    for (const a of options.accounts) this.portfolio.registerAccount(a);
    this.risk = new RiskEngine({
      bus: this.bus,
      cache: this.cache,
      portfolio: this.portfolio,
      clock: this.clock,
      ids: this.ids,
      config: { ...(options.risk ?? {}), traderId: this.traderId },
    });
    this.orderIds = new ClientOrderIdGenerator({ clock: this.clock, capacity: 100_000 });
    this.execution = new ExecutionEngine({
      bus: this.bus,
      cache: this.cache,
      clock: this.clock,
      ids: this.ids,
      journal: this.journal,
    });
    const live = new Set((options.clients ?? []).map((c) => c.venue));
    for (const c of options.clients ?? []) this.execution.registerClient(c);
    const venues = new Set(options.instruments.map((i) => i.venue));
    for (const v of Object.keys(options.simulatedVenues ?? {})) venues.add(v);
    for (const venue of venues) {
      if (live.has(venue)) continue;
      const sim = new SimulatedVenue({
        venue,
        clock: this.clock,
        ids: this.ids,
        instruments: (id) => this.cache.instrument(id),
        // A venue simulated inside the node lives and dies with it, so no reconciliation asks it about
        // orders it closed before a restart: by default it remembers none (keeping them would only load
        // the collector of a long backtest). Set closedOrderMemory to query it with SimulatedVenueQueries.
        config: { closedOrderMemory: 0, ...options.simulatedVenues?.[venue] },
      });
      this.venues.set(venue, sim);
      this.execution.registerClient(sim);
    }
  }

  /** Starts the kernel's consumers (portfolio, risk, execution) and then every bot added so far. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.startKernel();
    for (const b of this.bots.values()) b.start();
  }

  /**
   * Starts the kernel's consumers without any bot: what reconciliation needs (its fills must reach the
   * portfolio) before the bots it may block are started. `start` calls it; calling it again does nothing.
   */
  startKernel(): void {
    if (this.kernelStarted) return;
    this.kernelStarted = true;
    this.portfolio.start();
    this.risk.start();
    this.execution.start();
  }

  /**
   * Rebuilds the node from its journal after a restart, before `start()` and before any bot: orders in
   * the cache (an order whose outcome was never journaled stays in flight, SUBMITTED or pending, for
   * reconciliation to resolve), positions and balances in the portfolio, the commands carried out (a
   * redelivery changes nothing), and the id generators past every id the journal holds. Nothing is
   * journaled again and no venue is called. Bad entries are reported in the summary's anomalies and
   * skipped; calling it on a node that has started, has orders or was restored already is an error.
   */
  restore(entries: readonly JournalEntry[]): RestoreSummary {
    if (!Array.isArray(entries)) {
      throw new Error(`TradingNode.restore: expected an array of journal entries, got ${typeof entries}`);
    }
    if (this.kernelStarted) throw new Error('TradingNode.restore: the node has already started');
    if (this.restored) throw new Error('TradingNode.restore: the node has already been restored');
    if (this.cache.countOpen() > 0 || this.cache.orders().length > 0) {
      throw new Error('TradingNode.restore: the node already has orders; restore a fresh node');
    }
    this.restored = true;
    return restoreFromJournal(
      {
        cache: this.cache,
        execution: this.execution,
        portfolio: this.portfolio,
        ids: this.ids,
        idPrefix: this.idPrefix,
        orderIds: this.orderIds,
        marks: this.recoveryMarks,
      },
      entries,
    );
  }

  /** The bots added to this node that trade `accountId`. */
  botsOf(accountId: string): BotId[] {
    const out: BotId[] = [];
    for (const [botId, a] of this.botAccounts) if (a === accountId) out.push(botId as BotId);
    return out;
  }

  addBot<C>(o: AddBotOptions<C>): BotHost<C> {
    const botId = BotId(o.botId, 'bot_id');
    if (this.bots.has(botId)) throw new Error(`bot ${botId} already exists in this node`);
    const accountId = AccountId(o.accountId, 'account_id');
    if (!this.portfolio.hasAccount(accountId))
      throw new Error(`unknown account ${accountId} for bot ${botId}`);
    const host = new BotHost<C>({
      bus: this.bus,
      cache: this.cache,
      clock: this.clock,
      ids: this.ids,
      data: this.data,
      portfolio: this.botPortfolioView(),
      nextClientOrderId: (b, r) => this.orderIds.generate(b, r),
      traderId: this.traderId,
      accountId,
      botId,
      strategyId: StrategyId(o.strategyId, 'strategy_id'),
      bot: o.bot,
      config: o.config,
      subscriptions: o.subscriptions,
      state: o.state,
      logSink: o.logSink,
      onError: o.onError,
      recordSubmitted: o.recordSubmitted,
    });
    this.bots.set(botId, host as BotHost<unknown>);
    this.botAccounts.set(botId, accountId);
    if (this.started) host.start();
    return host;
  }

  bot(botId: string): BotHost<unknown> | undefined {
    return this.bots.get(botId);
  }

  stopBot(botId: string, reason: StopReason): void {
    this.bots.get(botId)?.stop(reason);
  }

  stopBots(reason: StopReason): void {
    for (const b of this.bots.values()) b.stop(reason);
  }

  /** Feeds one datum through the node (see the class comment for the order of things). */
  process(data: MarketData): void {
    // Refuse data for an unknown instrument before it can move the clock or fire timers.
    const instrumentId = data.type === 'Bar' ? data.barType.instrumentId : data.instrumentId;
    this.cache.requireInstrument(instrumentId);
    const venue = this.simulatedVenueOf(instrumentId);
    const testClock = this.testClock;
    if (testClock) this.advanceToVenueTime(testClock, data, instrumentId, venue);
    if (venue) {
      switch (data.type) {
        case 'Bar':
          venue.processBar(data);
          break;
        case 'TradeTick':
          venue.processTrade(data);
          break;
        case 'QuoteTick':
          venue.processQuote(data);
          break;
        case 'OrderBookSnapshot':
          venue.processBookSnapshot(data);
          break;
        case 'OrderBookDeltas':
          venue.processBookDeltas(data);
          break;
      }
    }
    if (testClock) testClock.advanceTo(data.tsEvent);
    this.data.processKnown(data, instrumentId);
  }

  /**
   * Moves a TestClock to the time the venue sees `data` at: a bar's fills happen at its open (tsEvent is
   * its close), anything else at tsEvent. A bar that meets no order and no timer changes nothing at its
   * open, so that step is skipped and `process` moves the clock straight to the close: nearly every bar
   * of a backtest, and each would otherwise cost a bigint for its open time.
   */
  private advanceToVenueTime(
    clock: TestClock,
    data: MarketData,
    instrumentId: string,
    venue: SimulatedVenue | undefined,
  ): void {
    let at = data.tsEvent;
    if (data.type === 'Bar') {
      // No timer due by the close means none by the open either, so none fires out of its turn.
      const quiet = venue === undefined || venue.restsNothing(instrumentId);
      if (quiet && !clock.hasTimerDue(at)) return;
      const interval = barIntervalNanos(data.barType);
      if (interval !== undefined) at -= interval;
    }
    const now = clock.now();
    clock.advanceTo(at > now ? at : now);
  }

  /** The simulated venue that matches an instrument's orders, if any; looked up once per instrument. */
  private simulatedVenueOf(instrumentId: string): SimulatedVenue | undefined {
    if (instrumentId === this.recentInstrumentId) return this.recentVenue;
    let venue = this.venueByInstrument.get(instrumentId);
    if (venue === undefined) {
      venue = this.venues.get(this.venueOf(instrumentId)) ?? null;
      this.venueByInstrument.set(instrumentId, venue);
    }
    this.recentInstrumentId = instrumentId;
    this.recentVenue = venue ?? undefined;
    return this.recentVenue;
  }

  /** The venue of an instrument id: a known instrument's own, else read from the id (which may throw). */
  private venueOf(instrumentId: string): string {
    return this.cache.instrument(instrumentId)?.venue ?? parseInstrumentId(instrumentId).venue;
  }

  /** Sets the reference price daily bands are measured from, for risk and the simulated venue alike. */
  setReferencePrice(instrumentId: InstrumentId, price: Price): void {
    this.cache.setReferencePrice(instrumentId, price);
    this.venues.get(this.venueOf(instrumentId))?.setReferencePrice(instrumentId, price);
  }

  private botPortfolioView(): BotPortfolioView {
    const p = this.portfolio;
    return {
      positionView: (a, b, i) => p.positionView(a, b, i),
      botPositions: (a, b) =>
        p.positions({ accountId: a, botId: b }).map((s) => p.positionView(a, b, s.instrumentId)),
      equity: (a) => p.equity(a),
      baseCurrency: (a) => p.baseCurrency(a),
    };
  }
}

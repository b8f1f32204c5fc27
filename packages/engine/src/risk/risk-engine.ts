import {
  AccountType,
  Decimal,
  InstrumentKind,
  ModelError,
  describe,
  type AccountId,
  type BotId,
  type ClientOrderId,
  type Instrument,
  type InstrumentId,
  type OrderDenied,
  type RiskScope,
  type StrategyId,
  type TraderId,
  type TradingState,
  type UnixNanos,
} from '@qubit/model';
import type { Bus, BusMessage } from '../bus/message-bus.js';
import { Topic, portfolioKey } from '../bus/topics.js';
import type { Cache } from '../cache/cache.js';
import type { Clock } from '../clock/clock.js';
import type { IdGenerator } from '../ids/id-generator.js';
import type { PortfolioQueries } from '../portfolio/portfolio-queries.js';
import { CircuitBreakers } from './circuit-breakers.js';
import type { Denial } from './denial.js';
import { InstrumentChecks, type InstrumentRules } from './instrument-checks.js';
import { OpenCommitments } from './open-commitments.js';
import { PortfolioChecks } from './portfolio-checks.js';
import { RecentIds } from './recent-ids.js';
import {
  DEFAULT_COLLAR_PCT,
  DEFAULT_DEDUPE_CAPACITY,
  DEFAULT_PENDING_TTL_NS,
  checkRate,
  validateLimits,
  validateRiskConfig,
  type RiskConfig,
  type RiskLimits,
} from './risk-limits.js';
import { isDenial, readRiskOrder, type RiskOrder } from './risk-order.js';
import { ScopeTable } from './scope-table.js';
import { TradingStates, checkScope } from './trading-states.js';

export interface RiskEngineDeps {
  readonly bus: Bus;
  readonly cache: Cache;
  readonly portfolio: PortfolioQueries;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly config: RiskConfig;
}

/** The instrument rules as they may be changed at run time; a key set to undefined removes that rule. */
export type InstrumentRulesUpdate = Partial<
  Pick<RiskConfig, 'whitelist' | 'collarPct' | 'instrumentSubmitRate'>
>;

/**
 * The RiskEngine: every SubmitOrder and ModifyOrder passes stage 1 (per instrument, on
 * trading.signals) and stage 2 (per account, on trading.signals.portfolio) before it reaches
 * trades.approved. A refusal is an OrderDenied on trades.rejected, never an exception. Each stage
 * decides a command id once, so a redelivered command is dropped. Venue rejections and portfolio
 * updates feed the circuit breakers, which move scopes to REDUCING or HALTED.
 */
export class RiskEngine {
  private readonly bus: Bus;
  private readonly cache: Cache;
  private readonly clock: Clock;
  private readonly ids: IdGenerator;
  private readonly scopes = new ScopeTable();
  private readonly states: TradingStates;
  private readonly breakers: CircuitBreakers;
  private readonly commitments: OpenCommitments;
  private readonly stage1: InstrumentChecks;
  private readonly stage2: PortfolioChecks;
  private readonly decided1: RecentIds;
  private readonly decided2: RecentIds;
  private readonly seenEvents: RecentIds;
  private readonly botAccounts = new Map<string, string>();
  private readonly reportedTypes = new Map<string, AccountType>();
  private readonly configuredTypes: Readonly<Record<string, AccountType>>;
  private rules: InstrumentRules;
  private cancelOnHalt: boolean;
  private unsubscribers: (() => void)[] = [];

  constructor(deps: RiskEngineDeps) {
    const { config } = deps;
    validateRiskConfig(config);
    this.bus = deps.bus;
    this.cache = deps.cache;
    this.clock = deps.clock;
    this.ids = deps.ids;
    this.cancelOnHalt = config.cancelOnHalt ?? true;
    this.configuredTypes = { ...(config.accountTypes ?? {}) };
    this.rules = {
      whitelist: config.whitelist ? new Set(config.whitelist) : undefined,
      collarPct: config.collarPct === undefined ? DEFAULT_COLLAR_PCT : config.collarPct,
      instrumentSubmitRate: config.instrumentSubmitRate,
    };
    const capacity = config.dedupeCapacity ?? DEFAULT_DEDUPE_CAPACITY;
    this.decided1 = new RecentIds(capacity);
    this.decided2 = new RecentIds(capacity);
    this.seenEvents = new RecentIds(capacity);
    this.commitments = new OpenCommitments(deps.cache, config.pendingTtlNs ?? DEFAULT_PENDING_TTL_NS);
    this.states = new TradingStates({
      bus: deps.bus,
      cache: deps.cache,
      clock: deps.clock,
      ids: deps.ids,
      scopes: this.scopes,
      traderId: config.traderId,
      cancelOnHalt: () => this.cancelOnHalt,
      accountOfBot: (botId) => this.botAccounts.get(botId),
      pendingAccounts: () => this.commitments.pendingAccounts(),
    });
    this.breakers = new CircuitBreakers({
      portfolio: deps.portfolio,
      clock: deps.clock,
      scopes: this.scopes,
      states: this.states,
      tradingDayOffsetMinutes: config.tradingDayOffsetMinutes ?? 0,
      timerName: `risk.day-roll.${deps.ids.id()}`,
    });
    this.stage1 = new InstrumentChecks(deps.cache, this.scopes, () => this.rules);
    this.stage2 = new PortfolioChecks({
      cache: deps.cache,
      portfolio: deps.portfolio,
      scopes: this.scopes,
      breakers: this.breakers,
      commitments: this.commitments,
      accountType: (accountId, instrument) => this.accountType(accountId, instrument),
    });
    if (config.global) this.scopes.global.limits = Object.freeze({ ...config.global });
    for (const [id, l] of Object.entries(config.accounts ?? {}))
      this.scopes.account(id).limits = Object.freeze({ ...l });
    for (const [id, l] of Object.entries(config.bots ?? {}))
      this.scopes.bot(id).limits = Object.freeze({ ...l });
  }

  /** Subscribes both stages and the breakers, and starts the trading-day clock of the daily loss caps. */
  start(): void {
    if (this.unsubscribers.length > 0) return;
    const bus = this.bus;
    this.unsubscribers = [
      bus.subscribe(Topic.TRADING_SIGNALS, 'risk-stage-1', (m) => this.onSignal(m)),
      bus.subscribe(Topic.TRADING_SIGNALS_PORTFOLIO, 'risk-stage-2', (m) => this.onPortfolioSignal(m)),
      bus.subscribe(Topic.ORDERS_UPDATED, 'risk-breakers', (m) => this.onOrderEvent(m)),
      bus.subscribe(Topic.ORDERS_FILLS, 'risk-breakers', (m) => this.onOrderEvent(m)),
      bus.subscribe(Topic.PORTFOLIO_UPDATED, 'risk-breakers', (m) => this.onPortfolioUpdated(m)),
    ];
    // Started mid-day, the engine counts today's losses from now: it never saw the day begin.
    const now = this.clock.now();
    for (const entry of this.scopes.all()) this.breakers.baseline(entry, now);
    this.breakers.startDayRoll();
  }

  stop(): void {
    for (const u of this.unsubscribers) u();
    this.unsubscribers = [];
    this.breakers.stopDayRoll();
  }

  /**
   * Changes some limits of a scope; the others stay. A key given as undefined removes that limit.
   * Bad values throw a ModelError naming the field and change nothing.
   */
  setLimits(scope: RiskScope, limits: Partial<RiskLimits>): void {
    checkScope(scope);
    const entry = this.scopes.entry(scope);
    validateLimits(limits, `limits.${entry.key}`, scope.kind);
    const merged: Record<string, unknown> = { ...entry.limits };
    for (const [k, v] of Object.entries(limits)) {
      if (v === undefined) delete merged[k];
      else merged[k] = v;
    }
    entry.limits = Object.freeze(merged as RiskLimits);
    if (!entry.limits.maxSubmitRate) entry.submits = undefined;
    if (!entry.limits.drawdownBreaker) entry.peakPnl = undefined;
    // A cap set during the day counts losses from now on, not from a start we never saw.
    this.breakers.baseline(entry, this.clock.now());
  }

  /** The limits configured on a scope itself (not merged with other scopes). */
  limits(scope: RiskScope): RiskLimits {
    checkScope(scope);
    return this.scopes.peek(scope)?.limits ?? Object.freeze({});
  }

  setInstrumentRules(update: InstrumentRulesUpdate): void {
    if (update === null || typeof update !== 'object')
      throw new ModelError('rules', `expected rules, got ${describe(update)}`);
    const next = { ...this.rules };
    if ('whitelist' in update) {
      const w = update.whitelist;
      if (w !== undefined && (!Array.isArray(w) || w.some((s) => typeof s !== 'string' || s.length === 0))) {
        throw new ModelError('rules.whitelist', 'expected a list of instrument ids or symbols');
      }
      next.whitelist = w ? new Set(w) : undefined;
    }
    if ('collarPct' in update) {
      const c = update.collarPct;
      if (c !== undefined && c !== null && (!(c instanceof Decimal) || c.isNegative())) {
        throw new ModelError(
          'rules.collarPct',
          `expected a non-negative Decimal or null, got ${describe(c)}`,
        );
      }
      next.collarPct = c === undefined ? DEFAULT_COLLAR_PCT : c;
    }
    if ('instrumentSubmitRate' in update) {
      if (update.instrumentSubmitRate !== undefined)
        checkRate(update.instrumentSubmitRate, 'rules.instrumentSubmitRate');
      next.instrumentSubmitRate = update.instrumentSubmitRate;
    }
    this.rules = next;
  }

  setCancelOnHalt(on: boolean): void {
    if (typeof on !== 'boolean')
      throw new ModelError('cancelOnHalt', `expected true or false, got ${describe(on)}`);
    this.cancelOnHalt = on;
  }

  /** Moves a scope to ACTIVE, REDUCING or HALTED; publishes TradingStateChanged (and cancels on a halt). */
  setTradingState(scope: RiskScope, state: TradingState, cause: string, reason: string): void {
    this.states.set(scope, state, cause, reason);
  }

  tradingState(scope: RiskScope): TradingState {
    return this.states.get(scope);
  }

  /** Stage 1: per instrument. */
  private onSignal(message: BusMessage): void {
    const commandId = commandIdOf(message);
    if (commandId !== undefined && !this.decided1.add(commandId)) return;
    const now = this.clock.now();
    const order = readRiskOrder(message, this.cache);
    if (isDenial(order)) return this.publishDenial(message, order, 1, now);
    this.botAccounts.set(order.botId, order.accountId);
    const denial = this.stage1.check(order, now);
    if (denial) return this.publishDenial(message, denial, 1, now);
    this.bus.publish(Topic.TRADING_SIGNALS_PORTFOLIO, portfolioKey(order.accountId), order.command);
  }

  /** Stage 2: per portfolio. */
  private onPortfolioSignal(message: BusMessage): void {
    const commandId = commandIdOf(message);
    if (commandId !== undefined && !this.decided2.add(commandId)) return;
    const now = this.clock.now();
    const order = readRiskOrder(message, this.cache);
    if (isDenial(order)) return this.publishDenial(message, order, 2, now);
    const denial = this.stage2.check(order, now);
    if (denial) return this.publishDenial(message, denial, 2, now);
    this.approve(order, now);
  }

  private approve(order: RiskOrder, now: UnixNanos): void {
    this.stage2.approve(order, now);
    this.bus.publish(Topic.TRADES_APPROVED, portfolioKey(order.accountId), order.command);
  }

  private onOrderEvent(message: BusMessage): void {
    const t = message.type;
    if (t !== 'OrderRejected' && t !== 'OrderAccepted' && t !== 'OrderFilled') return;
    const m = message as {
      eventId?: unknown;
      accountId?: unknown;
      botId?: unknown;
      reconciliation?: unknown;
    };
    // What reconciliation infers after a restart (an order that never reached the venue) says nothing about
    // how the venue treats this bot's orders now: it must not trip the consecutive-reject breaker.
    if (m.reconciliation === true) return;
    // Only a rejection counts towards a breaker, so only a rejection must not count twice; a reset is idempotent.
    if (t === 'OrderRejected' && typeof m.eventId === 'string' && !this.seenEvents.add(m.eventId)) return;
    const accountId = typeof m.accountId === 'string' ? m.accountId : undefined;
    const botId = typeof m.botId === 'string' ? m.botId : undefined;
    if (t === 'OrderRejected') this.breakers.onRejected(accountId, botId);
    else this.breakers.onAccepted(accountId, botId);
  }

  private onPortfolioUpdated(message: BusMessage): void {
    const m = message as { accountId?: unknown; botId?: unknown; accountType?: unknown };
    const accountId = typeof m.accountId === 'string' ? m.accountId : undefined;
    if (message.type === 'AccountState' && accountId !== undefined) {
      if (m.accountType === AccountType.CASH || m.accountType === AccountType.MARGIN) {
        this.reportedTypes.set(accountId, m.accountType);
      }
    }
    this.breakers.onPortfolioUpdated(accountId, typeof m.botId === 'string' ? m.botId : undefined);
  }

  private accountType(accountId: string, instrument: Instrument): AccountType {
    return (
      this.configuredTypes[accountId] ??
      this.reportedTypes.get(accountId) ??
      (instrument.kind === InstrumentKind.SPOT ? AccountType.CASH : AccountType.MARGIN)
    );
  }

  private publishDenial(message: BusMessage, denial: Denial, stage: 1 | 2, now: UnixNanos): void {
    // A malformed command may lack owner fields; the denial carries whatever it had so it can be traced.
    const m = message as unknown as Partial<Record<string, unknown>>;
    const text = (k: string): string => (typeof m[k] === 'string' ? (m[k] as string) : '');
    const accountId = text('accountId');
    const event: OrderDenied = {
      type: 'OrderDenied',
      traderId: text('traderId') as TraderId,
      accountId: accountId as AccountId,
      botId: text('botId') as BotId,
      strategyId: text('strategyId') as StrategyId,
      instrumentId: text('instrumentId') as InstrumentId,
      clientOrderId: text('clientOrderId') as ClientOrderId,
      eventId: this.ids.id(),
      tsEvent: now,
      tsInit: now,
      reasonCode: denial.code,
      reason: denial.reason,
      stage,
    };
    this.bus.publish(Topic.TRADES_REJECTED, portfolioKey(accountId), event);
  }
}

function commandIdOf(message: unknown): string | undefined {
  if (message === null || typeof message !== 'object') return undefined;
  const id = (message as { commandId?: unknown }).commandId;
  return typeof id === 'string' && id.length > 0 ? id : undefined;
}

import {
  Decimal,
  Money,
  ModelError,
  OrderSide,
  PositionSide,
  Price,
  Quantity,
  barTypeToString,
  parseBarType,
  type Bar,
  type BarType,
  type Bot,
  type BotContext,
  type BotEvent,
  type CancelOrder,
  type ClientOrderId,
  type Currency,
  type Instrument,
  type KeyValueState,
  type MarketData,
  type MarketSnapshot,
  type ModifyOrder,
  type OrderIntent,
  type OrderView,
  type PositionView,
  type StopReason,
  type SubmitOrder,
  type UnixNanos,
} from '@qubit/model';
import type { Bus, BusMessage } from '../bus/message-bus.js';
import { Topic, instrumentKey, portfolioKey } from '../bus/topics.js';
import type { Cache } from '../cache/cache.js';
import type { Clock } from '../clock/clock.js';
import type { DataEngine } from '../data/data-engine.js';
import type { IdGenerator } from '../ids/id-generator.js';
import type { Order } from '../orders/order.js';
import { InMemoryBotMetrics, botLogger, metricKey, type LogSink } from './bot-logger.js';
import { InMemoryKeyValueState } from './in-memory-state.js';
import { intentToCommand, type IntentOwner } from './intent-to-command.js';

/** What a bot host reads of the portfolio: the bot's own sub-ledger and its account's equity. */
export interface BotPortfolioView {
  positionView(accountId: string, botId: string, instrumentId: string): PositionView;
  botPositions(accountId: string, botId: string): readonly PositionView[];
  equity(accountId: string): Decimal | undefined;
  baseCurrency(accountId: string): Currency | undefined;
}

export interface BotSubscriptions {
  /** Instruments whose trades and quotes wake the bot. */
  readonly instruments: readonly string[];
  /** Bar series ("BTCUSDT.BINANCE-1-MINUTE-LAST") whose closed bars wake the bot; when set, ticks of those instruments do not. */
  readonly barTypes?: readonly string[];
}

export interface BotHostOptions<C> extends IntentOwner {
  readonly bus: Bus;
  readonly cache: Cache;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly data: DataEngine;
  readonly portfolio: BotPortfolioView;
  readonly nextClientOrderId: (botId: string, reason: string) => ClientOrderId;
  readonly bot: Bot<C>;
  readonly config: C;
  readonly subscriptions: BotSubscriptions;
  readonly state?: KeyValueState;
  readonly logSink?: LogSink;
  /** Keep every SubmitOrder the bot produced in `submitted` (tests, short backtests); off by default to bound memory. */
  readonly recordSubmitted?: boolean;
  /** Called when a hook throws; the runtime decides whether the bot goes to phase error. */
  readonly onError?: (error: Error, hook: string) => void;
}

/** An intent the host refused before it became an order, with the reason. */
export interface InvalidIntent {
  readonly ts: UnixNanos;
  readonly intent: unknown;
  readonly error: string;
}

/**
 * Runs one bot inside the kernel: wakes it with market data it subscribed to, turns its intents into
 * SubmitOrder commands on `trading.signals`, tells it about its own orders and positions, and keeps it
 * away from everything else. A bot that throws or returns garbage is logged and counted, never fatal.
 */
export class BotHost<C = unknown> {
  readonly metrics = new InMemoryBotMetrics();
  readonly state: KeyValueState;
  readonly invalidIntents: InvalidIntent[] = [];
  readonly submitted: SubmitOrder[] = [];
  private submittedCount = 0;
  private readonly o: BotHostOptions<C>;
  private readonly ctx: BotContext<C>;
  private readonly instrumentSet: Set<string>;
  private readonly barTypeSet: Set<string>;
  private readonly barInstruments: Set<string>;
  private readonly unsubscribe: (() => void)[] = [];
  private running = false;
  private errorCount = 0;
  private lastBarType: BarType | undefined;
  private lastBarFollowed = false;
  private readonly intentKeys = new Map<string, { readonly buy: string; readonly sell: string }>();
  private readonly instrumentOf = (id: string): Instrument | undefined => this.o.cache.instrument(id);

  constructor(options: BotHostOptions<C>) {
    this.o = options;
    this.state = options.state ?? new InMemoryKeyValueState();
    this.instrumentSet = new Set(options.subscriptions.instruments);
    this.barTypeSet = new Set(options.subscriptions.barTypes ?? []);
    this.barInstruments = new Set(
      [...this.barTypeSet].map((b) => parseBarType(b, 'subscriptions.barTypes').instrumentId),
    );
    for (const id of [...this.instrumentSet, ...this.barInstruments])
      options.cache.requireInstrument(id, 'subscriptions');
    this.ctx = this.makeContext();
  }

  get botId(): string {
    return this.o.botId;
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** Orders the bot asked for that became SubmitOrder commands. */
  get intentCount(): number {
    return this.submittedCount;
  }

  get errors(): number {
    return this.errorCount;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    const group = `bot:${this.o.botId}`;
    this.unsubscribe.push(
      this.o.bus.subscribe<MarketData>(Topic.MARKET_RAW_DATA, group, (m) => this.onMarket(m)),
    );
    for (const topic of [
      Topic.ORDERS_UPDATED,
      Topic.ORDERS_FILLS,
      Topic.TRADES_REJECTED,
      Topic.PORTFOLIO_UPDATED,
      Topic.ORDERS_PLACED,
    ]) {
      this.unsubscribe.push(this.o.bus.subscribe<BusMessage>(topic, group, (m) => this.onBusEvent(m)));
    }
    this.call('onStart', () => this.o.bot.onStart?.(this.ctx));
  }

  stop(reason: StopReason): void {
    if (!this.running) return;
    // Unsubscribe first: the orders onStop sends cause events at once, and a stopped bot must not hear them.
    this.running = false;
    for (const u of this.unsubscribe.splice(0)) u();
    this.call('onStop', () => this.o.bot.onStop?.(reason, this.ctx));
  }

  health(): { ok: boolean; [k: string]: unknown } {
    try {
      return this.o.bot.health?.() ?? { ok: true };
    } catch (err) {
      return { ok: false, error: (err as Error).message };
    }
  }

  private onMarket(data: MarketData): void {
    if (!this.running) return;
    let snapshot: MarketSnapshot;
    switch (data.type) {
      case 'Bar': {
        if (!this.followsBars(data.barType)) return;
        const id = data.barType.instrumentId;
        const q = this.o.cache.quote(id);
        snapshot = {
          instrumentId: id,
          instrument: this.o.cache.requireInstrument(id),
          ts: data.tsEvent,
          trigger: 'bar',
          last: this.o.cache.lastPrice(id),
          bid: q?.bidPrice,
          ask: q?.askPrice,
          bar: data,
        };
        break;
      }
      case 'TradeTick': {
        const id = data.instrumentId;
        if (!this.instrumentSet.has(id) || this.barInstruments.has(id)) return;
        const q = this.o.cache.quote(id);
        snapshot = {
          instrumentId: id,
          instrument: this.o.cache.requireInstrument(id),
          ts: data.tsEvent,
          trigger: 'trade',
          last: this.o.cache.lastPrice(id),
          bid: q?.bidPrice,
          ask: q?.askPrice,
          trade: data,
        };
        break;
      }
      case 'QuoteTick': {
        const id = data.instrumentId;
        if (!this.instrumentSet.has(id) || this.barInstruments.has(id)) return;
        const q = this.o.cache.quote(id);
        snapshot = {
          instrumentId: id,
          instrument: this.o.cache.requireInstrument(id),
          ts: data.tsEvent,
          trigger: 'quote',
          last: this.o.cache.lastPrice(id),
          bid: q?.bidPrice,
          ask: q?.askPrice,
          quote: data,
        };
        break;
      }
      default:
        return;
    }
    this.tick(snapshot);
  }

  /** Whether bars of `t` wake the bot; asked per bar, answered once per (frozen) BarType object. */
  private followsBars(t: BarType): boolean {
    if (t === this.lastBarType) return this.lastBarFollowed;
    const followed = this.barTypeSet.has(barTypeToString(t));
    // A plain object could change after this answer; makeBarType's are frozen.
    if (Object.isFrozen(t)) {
      this.lastBarType = t;
      this.lastBarFollowed = followed;
    }
    return followed;
  }

  /** `call('onTick', …)` without a closure per tick: the hook runs on every datum the bot follows. */
  private tick(snapshot: MarketSnapshot): void {
    try {
      const out = this.o.bot.onTick(snapshot, this.ctx);
      // Bots return arrays (usually an empty one): indexing them spares an iterator per tick.
      if (Array.isArray(out)) for (let i = 0; i < out.length; i++) this.submit(out[i] as OrderIntent);
      else if (out) for (const intent of out) this.submit(intent);
    } catch (err) {
      this.failed('onTick', err);
    }
  }

  private onBusEvent(m: BusMessage): void {
    if (!this.running) return;
    const e = m as BotEvent;
    if ((e as { botId?: string }).botId !== this.o.botId) return;
    if (typeof this.o.bot.onEvent !== 'function') return;
    this.call('onEvent', () => this.o.bot.onEvent!(e, this.ctx));
  }

  /** Runs a hook, submits what it returned, and contains whatever it throws. */
  private call(hook: string, fn: () => Iterable<OrderIntent> | void): void {
    let out: Iterable<OrderIntent> | void;
    try {
      out = fn();
      if (out) for (const intent of out) this.submit(intent);
    } catch (err) {
      this.failed(hook, err);
    }
  }

  private failed(hook: string, err: unknown): void {
    const e = err instanceof Error ? err : new Error(String(err));
    this.errorCount++;
    this.metrics.counter('bot_on_tick_exceptions_total', 1, { hook });
    this.ctx.log.error(`${hook} threw: ${e.message}`, { hook, stack: e.stack });
    this.o.onError?.(e, hook);
  }

  private submit(intent: OrderIntent): void {
    const now = this.o.clock.now();
    let cmd: SubmitOrder;
    try {
      cmd = intentToCommand(
        intent,
        this.o,
        this.instrumentOf,
        this.o.nextClientOrderId,
        this.o.ids.id(),
        now,
      );
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.invalidIntents.push({ ts: now, intent, error: message });
      this.metrics.counter('bot_invalid_intents_total');
      this.ctx.log.error(`invalid order intent: ${message}`);
      return;
    }
    this.submittedCount++;
    if (this.o.recordSubmitted) this.submitted.push(cmd);
    this.metrics.counterByKey(this.intentCounterKey(cmd.side, cmd.instrumentId));
    this.o.bus.publish(Topic.TRADING_SIGNALS, instrumentKey(cmd.instrumentId), cmd);
  }

  /** The key of bot_order_intents_total{side, symbol}, made once per instrument rather than per order. */
  private intentCounterKey(side: OrderSide, instrumentId: string): string {
    let keys = this.intentKeys.get(instrumentId);
    if (!keys) {
      const key = (s: OrderSide): string =>
        metricKey('bot_order_intents_total', { side: s.toLowerCase(), symbol: instrumentId });
      keys = { buy: key(OrderSide.BUY), sell: key(OrderSide.SELL) };
      this.intentKeys.set(instrumentId, keys);
    }
    return side === OrderSide.BUY ? keys.buy : keys.sell;
  }

  private ownOrder(clientOrderId: string): Order {
    const order = this.o.cache.order(clientOrderId);
    if (!order || order.botId !== this.o.botId) {
      throw new ModelError('client_order_id', `${clientOrderId} is not an order of bot ${this.o.botId}`);
    }
    return order;
  }

  private makeContext(): BotContext<C> {
    const o = this.o;
    const ownOrder = (id: string): Order => this.ownOrder(id);
    const cancelOne = (id: string): void => this.ctx.cancel(id);
    const instrument = (id: string): Instrument => o.cache.requireInstrument(id);
    const log = botLogger(o.botId, () => o.clock.now(), o.logSink ?? (() => undefined));
    return {
      botId: o.botId,
      accountId: o.accountId,
      strategyId: o.strategyId,
      config: o.config,
      now: () => o.clock.now(),
      instrument,
      bars: (barType: BarType | string, count?: number): readonly Bar[] =>
        o.data.bars(typeof barType === 'string' ? barType : barTypeToString(barType), count),
      lastPrice: (id: string) => o.cache.lastPrice(id),
      quote: (id: string) => o.cache.quote(id),
      position: (id: string) => o.portfolio.positionView(o.accountId, o.botId, instrument(id).id),
      positions: () => o.portfolio.botPositions(o.accountId, o.botId),
      openOrders: (id?: string): readonly OrderView[] =>
        o.cache.ordersOpen({ botId: o.botId, instrumentId: id }).map(orderView),
      equity: () => {
        const ccy = o.portfolio.baseCurrency(o.accountId);
        const eq = o.portfolio.equity(o.accountId);
        if (!ccy || !eq) throw new ModelError('account_id', `equity of account ${o.accountId} is unknown`);
        return Money.of(eq, ccy);
      },
      cancel: (clientOrderId: ClientOrderId | string) => {
        const order = ownOrder(clientOrderId);
        const cmd: CancelOrder = {
          type: 'CancelOrder',
          commandId: o.ids.id(),
          traderId: order.traderId,
          accountId: order.accountId,
          botId: order.botId,
          strategyId: order.strategyId,
          instrumentId: order.instrumentId,
          clientOrderId: order.clientOrderId,
          venueOrderId: order.venueOrderId,
          tsInit: o.clock.now(),
        };
        o.bus.publish(Topic.ORDERS_COMMANDS, portfolioKey(order.accountId), cmd);
      },
      modify: (clientOrderId, changes) => {
        const order = ownOrder(clientOrderId);
        const cmd: ModifyOrder = {
          type: 'ModifyOrder',
          commandId: o.ids.id(),
          traderId: order.traderId,
          accountId: order.accountId,
          botId: order.botId,
          strategyId: order.strategyId,
          instrumentId: order.instrumentId,
          clientOrderId: order.clientOrderId,
          venueOrderId: order.venueOrderId,
          quantity:
            changes.quantity === undefined ? undefined : Quantity.from(changes.quantity, 'changes.quantity'),
          price: changes.price === undefined ? undefined : Price.from(changes.price, 'changes.price'),
          triggerPrice:
            changes.triggerPrice === undefined
              ? undefined
              : Price.from(changes.triggerPrice, 'changes.triggerPrice'),
          tsInit: o.clock.now(),
        };
        o.bus.publish(Topic.TRADING_SIGNALS, instrumentKey(order.instrumentId), cmd);
      },
      cancelAll: (id?: string) => {
        for (const order of o.cache.ordersOpen({ botId: o.botId, instrumentId: id }))
          cancelOne(order.clientOrderId);
      },
      state: this.state,
      log,
      metrics: this.metrics,
    };
  }
}

function orderView(o: Order): OrderView {
  return {
    clientOrderId: o.clientOrderId,
    instrumentId: o.instrumentId,
    side: o.side,
    orderType: o.orderType,
    status: o.status,
    quantity: o.quantity,
    filledQty: o.filledQty,
    price: o.price,
    triggerPrice: o.triggerPrice,
    timeInForce: o.timeInForce,
    postOnly: o.postOnly,
    reduceOnly: o.reduceOnly,
    reason: o.reason,
  };
}

/** A flat position view, for instruments a bot never traded. */
export function flatPositionView(instrument: Instrument): PositionView {
  const zero = Money.zero(instrument.settlementCurrency);
  return {
    instrumentId: instrument.id,
    side: PositionSide.FLAT,
    signedQty: Decimal.ZERO,
    quantity: Quantity.zero(instrument.sizePrecision),
    realizedPnl: zero,
    unrealizedPnl: zero,
    fees: zero,
  };
}

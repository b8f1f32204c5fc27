import {
  AccountId,
  AggressorSide,
  BTCUSDT_BINANCE,
  BarAggregation,
  BotId,
  ClientOrderId,
  Currencies,
  Decimal,
  ETHUSDT_BINANCE,
  InstrumentId,
  ModelError,
  OrderSide,
  OrderType,
  Price,
  PriceType,
  Quantity,
  StrategyId,
  TimeInForce,
  TradeId,
  TraderId,
  instrumentFromSpec,
  makeBarType,
  type Bar,
  type BarType,
  type Bot,
  type BotContext,
  type BotEvent,
  type CancelOrder,
  type MarketSnapshot,
  type ModifyOrder,
  type OrderEvent,
  type OrderIntent,
  type QuoteTick,
  type StopReason,
  type SubmitOrder,
  type TradeTick,
} from '@qubit/model';
import { describe, expect, it } from 'vitest';
import { MessageBus, type BusMessage, type Delivery } from '../bus/message-bus.js';
import { Topic } from '../bus/topics.js';
import { Cache } from '../cache/cache.js';
import { TestClock } from '../clock/test-clock.js';
import { DataEngine } from '../data/data-engine.js';
import { IdGenerator } from '../ids/id-generator.js';
import { Order } from '../orders/order.js';
import { BotHost, flatPositionView, type BotHostOptions, type BotPortfolioView } from './bot-host.js';
import type { LogLine } from './bot-logger.js';

const BTC = instrumentFromSpec(BTCUSDT_BINANCE);
const ETH = instrumentFromSpec(ETHUSDT_BINANCE);
const BTC_1M = makeBarType(BTC.id, 1, BarAggregation.MINUTE, PriceType.LAST);
const BTC_5M = makeBarType(BTC.id, 5, BarAggregation.MINUTE, PriceType.LAST);

/** A bot whose hooks are the test's functions; it records what it was called with. */
class ScriptedBot implements Bot {
  readonly ticks: MarketSnapshot[] = [];
  readonly events: BotEvent[] = [];
  readonly calls: string[] = [];
  ctx: BotContext | undefined;

  constructor(
    private readonly script: {
      onTick?: (m: MarketSnapshot, ctx: BotContext) => Iterable<OrderIntent> | void;
      onEvent?: (e: BotEvent, ctx: BotContext) => Iterable<OrderIntent> | void;
      onStop?: (r: StopReason, ctx: BotContext) => Iterable<OrderIntent> | void;
    } = {},
  ) {}

  onStart(ctx: BotContext): void {
    this.ctx = ctx;
    this.calls.push('onStart');
  }

  onTick(m: MarketSnapshot, ctx: BotContext): Iterable<OrderIntent> | void {
    this.calls.push(`onTick:${m.trigger}`);
    this.ticks.push(m);
    return this.script.onTick?.(m, ctx);
  }

  onEvent(e: BotEvent, ctx: BotContext): Iterable<OrderIntent> | void {
    this.calls.push(`onEvent:${e.type}`);
    this.events.push(e);
    return this.script.onEvent?.(e, ctx);
  }

  onStop(r: StopReason, ctx: BotContext): Iterable<OrderIntent> | void {
    this.calls.push(`onStop:${r}`);
    return this.script.onStop?.(r, ctx);
  }
}

const fakePortfolio: BotPortfolioView = {
  positionView: (_a, _b, i) => flatPositionView(i === ETH.id ? ETH : BTC),
  botPositions: () => [],
  equity: (a) => (a === 'SIM-001' ? Decimal.from('1000') : undefined),
  baseCurrency: (a) => (a === 'SIM-001' ? Currencies.USDT : undefined),
};

function setup(
  bot: Bot,
  overrides: Partial<BotHostOptions<unknown>> = {},
  subscriptions: BotHostOptions<unknown>['subscriptions'] = { instruments: [BTC.id] },
) {
  const bus = new MessageBus();
  const cache = new Cache();
  cache.addInstrument(BTC);
  cache.addInstrument(ETH);
  const clock = new TestClock(1_000n);
  const data = new DataEngine({ bus, cache });
  const logs: LogLine[] = [];
  const errors: [string, string][] = [];
  let n = 0;
  const host = new BotHost({
    bus,
    cache,
    clock,
    ids: new IdGenerator('T'),
    data,
    portfolio: fakePortfolio,
    nextClientOrderId: (_b, reason) => ClientOrderId(`O-${reason}-${++n}`),
    traderId: TraderId('TESTER'),
    accountId: AccountId('SIM-001'),
    botId: BotId('bot-1'),
    strategyId: StrategyId('test'),
    bot,
    config: { answer: 42 },
    subscriptions,
    logSink: (l) => logs.push(l),
    onError: (e, hook) => errors.push([hook, e.message]),
    recordSubmitted: true,
    ...overrides,
  });
  const signals: [SubmitOrder | ModifyOrder, Delivery][] = [];
  const commands: [CancelOrder, Delivery][] = [];
  bus.subscribe<SubmitOrder | ModifyOrder>(Topic.TRADING_SIGNALS, 'risk', (m, d) => signals.push([m, d]));
  bus.subscribe<CancelOrder>(Topic.ORDERS_COMMANDS, 'execution', (m, d) => commands.push([m, d]));
  return { bus, cache, clock, data, host, logs, errors, signals, commands };
}

function trade(instrumentId: string, price: string, ts: bigint): TradeTick {
  return {
    type: 'TradeTick',
    instrumentId: InstrumentId(instrumentId),
    price: Price.from(price),
    size: Quantity.from('0.1'),
    aggressorSide: AggressorSide.BUYER,
    tradeId: TradeId(`T${ts}`),
    tsEvent: ts,
    tsInit: ts,
  };
}

function quote(instrumentId: string, bid: string, ask: string, ts: bigint): QuoteTick {
  return {
    type: 'QuoteTick',
    instrumentId: InstrumentId(instrumentId),
    bidPrice: Price.from(bid),
    askPrice: Price.from(ask),
    bidSize: Quantity.from('1'),
    askSize: Quantity.from('1'),
    tsEvent: ts,
    tsInit: ts,
  };
}

function bar(barType: BarType, close: string, ts: bigint): Bar {
  const p = Price.from(close);
  return {
    type: 'Bar',
    barType,
    open: p,
    high: p,
    low: p,
    close: p,
    volume: Quantity.from('1'),
    tsEvent: ts,
    tsInit: ts,
  };
}

function orderOf(botId: string, id: string, instrumentId: string = BTC.id): Order {
  return new Order({
    type: 'OrderInitialized',
    eventId: `e-${id}`,
    tsEvent: 1n,
    tsInit: 1n,
    traderId: TraderId('TESTER'),
    accountId: AccountId('SIM-001'),
    botId: BotId(botId),
    strategyId: StrategyId('test'),
    instrumentId: InstrumentId(instrumentId),
    clientOrderId: ClientOrderId(id),
    side: OrderSide.BUY,
    orderType: OrderType.LIMIT,
    quantity: Quantity.from('0.01000'),
    price: Price.from('100.00'),
    timeInForce: TimeInForce.GTC,
    postOnly: false,
    reduceOnly: false,
    reason: 'entry',
  });
}

function accepted(botId: string, id: string): OrderEvent {
  return {
    type: 'OrderSubmitted',
    eventId: `ev-${botId}-${id}`,
    tsEvent: 2n,
    tsInit: 2n,
    traderId: TraderId('TESTER'),
    accountId: AccountId('SIM-001'),
    botId: BotId(botId),
    strategyId: StrategyId('test'),
    instrumentId: BTC.id,
    clientOrderId: ClientOrderId(id),
  };
}

const BUY: OrderIntent = { instrumentId: BTC.id, side: OrderSide.BUY, quantity: '0.01', reason: 'entry' };

describe('BotHost wake-ups', () => {
  it('wakes the bot for trades and quotes of subscribed instruments only', () => {
    const bot = new ScriptedBot();
    const { host, data } = setup(bot);
    host.start();
    data.process(trade(BTC.id, '42000.00', 10n));
    data.process(trade(ETH.id, '2500.00', 11n));
    data.process(quote(BTC.id, '41999.00', '42001.00', 12n));
    data.process(quote(ETH.id, '2499.00', '2501.00', 13n));
    data.process(bar(BTC_1M, '42000.00', 14n)); // bars only wake a bot that subscribed to their type
    expect(bot.calls).toEqual(['onStart', 'onTick:trade', 'onTick:quote']);
    const [t, q] = bot.ticks;
    expect(t!.instrumentId).toBe(BTC.id);
    expect(t!.instrument).toBe(BTC);
    expect(t!.ts).toBe(10n);
    expect(t!.trade?.price.toString()).toBe('42000.00');
    expect(t!.last?.toString()).toBe('42000.00');
    expect(q!.quote?.bidPrice.toString()).toBe('41999.00');
    expect(q!.bid?.toString()).toBe('41999.00');
    expect(q!.ask?.toString()).toBe('42001.00');
    expect(q!.last?.toString()).toBe('42000.00');
  });

  it('with bar types, wakes the bot only for closed bars of those types and not for ticks of their instrument', () => {
    const bot = new ScriptedBot();
    const { host, data } = setup(
      bot,
      {},
      { instruments: [BTC.id], barTypes: ['BTCUSDT.BINANCE-1-MINUTE-LAST'] },
    );
    host.start();
    data.process(trade(BTC.id, '42000.00', 10n));
    data.process(quote(BTC.id, '41999.00', '42001.00', 11n));
    data.process(bar(BTC_5M, '42005.00', 12n));
    data.process(bar(BTC_1M, '42010.00', 13n));
    expect(bot.calls).toEqual(['onStart', 'onTick:bar']);
    expect(bot.ticks[0]!.bar?.close.toString()).toBe('42010.00');
    expect(bot.ticks[0]!.last?.toString()).toBe('42010.00');
    // The bar is in the history the bot reads when it wakes.
    expect(bot.ctx!.bars('BTCUSDT.BINANCE-1-MINUTE-LAST').map((b) => b.tsEvent)).toEqual([13n]);
    expect(bot.ctx!.bars(BTC_5M).map((b) => b.tsEvent)).toEqual([12n]);
  });

  it('refuses a subscription to an instrument the cache does not know, naming it', () => {
    expect(() => setup(new ScriptedBot(), {}, { instruments: ['DOGE.BINANCE'] })).toThrow(
      /^subscriptions: unknown instrument DOGE\.BINANCE/,
    );
    expect(() =>
      setup(new ScriptedBot(), {}, { instruments: [], barTypes: ['SOLUSDT.BINANCE-1-MINUTE-LAST'] }),
    ).toThrow(/SOLUSDT\.BINANCE/);
  });

  it('does not wake the bot before start, and calls onStart once however often start is called', () => {
    const bot = new ScriptedBot();
    const { host, data } = setup(bot);
    data.process(trade(BTC.id, '42000.00', 10n));
    expect(bot.calls).toEqual([]);
    host.start();
    host.start();
    expect(host.isRunning).toBe(true);
    data.process(trade(BTC.id, '42000.00', 11n));
    expect(bot.calls).toEqual(['onStart', 'onTick:trade']);
  });
});

describe('BotHost intents', () => {
  it('publishes each intent as a SubmitOrder on trading.signals keyed by instrument and counts it', () => {
    const bot = new ScriptedBot({ onTick: () => [BUY, { ...BUY, side: OrderSide.SELL, reason: 'exit' }] });
    const { host, data, signals, clock } = setup(bot);
    host.start();
    clock.advanceTo(5_000n);
    data.process(trade(BTC.id, '42000.00', 5_000n));
    expect(signals.map(([m, d]) => [m.type, (m as SubmitOrder).side, m.clientOrderId, d.key])).toEqual([
      ['SubmitOrder', 'BUY', 'O-entry-1', 'BINANCE:BTCUSDT'],
      ['SubmitOrder', 'SELL', 'O-exit-2', 'BINANCE:BTCUSDT'],
    ]);
    const first = signals[0]![0] as SubmitOrder;
    expect(first.accountId).toBe('SIM-001');
    expect(first.botId).toBe('bot-1');
    expect(first.tsInit).toBe(5_000n);
    expect(host.intentCount).toBe(2);
    expect(host.submitted).toHaveLength(2);
    expect(host.metrics.counters.get('bot_order_intents_total{side="buy",symbol="BTCUSDT.BINANCE"}')).toBe(1);
    expect(host.metrics.counters.get('bot_order_intents_total{side="sell",symbol="BTCUSDT.BINANCE"}')).toBe(
      1,
    );
  });

  it('does not keep submitted commands unless asked to', () => {
    const bot = new ScriptedBot({ onTick: () => [BUY] });
    const { host, data, signals } = setup(bot, { recordSubmitted: undefined });
    host.start();
    data.process(trade(BTC.id, '42000.00', 10n));
    expect(signals).toHaveLength(1);
    expect(host.intentCount).toBe(1);
    expect(host.submitted).toEqual([]);
  });

  it('counts and logs a bad intent, submits the good ones next to it, and keeps the bot running', () => {
    const bot = new ScriptedBot({
      onTick: () => [{ ...BUY, side: 'HOLD' as OrderSide }, BUY],
    });
    const { host, data, signals, logs, errors } = setup(bot);
    host.start();
    data.process(trade(BTC.id, '42000.00', 10n));
    expect(host.invalidIntents).toHaveLength(1);
    expect(host.invalidIntents[0]!.error).toMatch(/^intent\.side: /);
    expect(host.invalidIntents[0]!.ts).toBe(1_000n);
    expect(host.metrics.counters.get('bot_invalid_intents_total')).toBe(1);
    expect(logs.filter((l) => l.level === 'error').map((l) => l.message)).toEqual([
      expect.stringMatching(/^invalid order intent: intent\.side: /),
    ]);
    expect(signals).toHaveLength(1);
    expect(errors).toEqual([]); // a bad intent is not a hook failure
    data.process(trade(BTC.id, '42001.00', 11n));
    expect(host.metrics.counters.get('bot_invalid_intents_total')).toBe(2);
    expect(signals).toHaveLength(2);
    expect(host.isRunning).toBe(true);
  });

  it('counts a throwing onTick, logs it, calls onError, and keeps waking the bot', () => {
    let n = 0;
    const bot = new ScriptedBot({
      onTick: () => {
        if (++n === 1) throw new Error('division by zero');
        return [BUY];
      },
    });
    const { host, data, signals, logs, errors } = setup(bot);
    host.start();
    data.process(trade(BTC.id, '42000.00', 10n));
    expect(host.metrics.counters.get('bot_on_tick_exceptions_total{hook="onTick"}')).toBe(1);
    expect(host.errors).toBe(1);
    expect(errors).toEqual([['onTick', 'division by zero']]);
    expect(logs.some((l) => l.level === 'error' && l.message === 'onTick threw: division by zero')).toBe(
      true,
    );
    expect(signals).toEqual([]);
    data.process(trade(BTC.id, '42001.00', 11n));
    expect(signals).toHaveLength(1);
    expect(host.errors).toBe(1);
  });

  it('contains a throw from onStart or onEvent the same way, labelled by hook', () => {
    const bot: Bot = {
      onStart: () => {
        throw new Error('no config');
      },
      onTick: () => undefined,
      onEvent: () => {
        throw 'not an Error';
      },
    };
    const { host, bus, errors } = setup(bot);
    host.start();
    bus.publish(Topic.ORDERS_UPDATED, 'SIM-001', accepted('bot-1', 'O-1'));
    expect(errors).toEqual([
      ['onStart', 'no config'],
      ['onEvent', 'not an Error'],
    ]);
    expect(host.metrics.counters.get('bot_on_tick_exceptions_total{hook="onStart"}')).toBe(1);
    expect(host.metrics.counters.get('bot_on_tick_exceptions_total{hook="onEvent"}')).toBe(1);
    expect(host.isRunning).toBe(true);
  });

  it('submits intents a generator yields before it throws', () => {
    const bot = new ScriptedBot({
      *onTick() {
        yield BUY;
        throw new Error('half way');
      },
    });
    const { host, data, signals, errors } = setup(bot);
    host.start();
    data.process(trade(BTC.id, '42000.00', 10n));
    expect(signals).toHaveLength(1);
    expect(errors).toEqual([['onTick', 'half way']]);
  });
});

describe('BotHost events', () => {
  it('passes the bot only its own order and position events, from every order topic', () => {
    const bot = new ScriptedBot();
    const { host, bus } = setup(bot);
    host.start();
    const mine = accepted('bot-1', 'O-1');
    const theirs = accepted('bot-2', 'O-2');
    for (const topic of [
      Topic.ORDERS_PLACED,
      Topic.ORDERS_UPDATED,
      Topic.ORDERS_FILLS,
      Topic.TRADES_REJECTED,
      Topic.PORTFOLIO_UPDATED,
    ]) {
      bus.publish(topic, 'SIM-001', mine);
      bus.publish(topic, 'SIM-001', theirs);
    }
    // An account snapshot belongs to no bot.
    bus.publish(Topic.PORTFOLIO_UPDATED, 'SIM-001', { type: 'AccountState' } as BusMessage);
    expect(bot.events).toHaveLength(5);
    expect(bot.events.every((e) => e.botId === 'bot-1')).toBe(true);
  });

  it('submits intents returned from onEvent', () => {
    const bot = new ScriptedBot({ onEvent: () => [BUY] });
    const { host, bus, signals } = setup(bot);
    host.start();
    bus.publish(Topic.ORDERS_UPDATED, 'SIM-001', accepted('bot-1', 'O-1'));
    expect(signals).toHaveLength(1);
  });
});

describe('BotHost context', () => {
  it('exposes identity, config, time, instruments, prices, positions and equity', () => {
    const bot = new ScriptedBot();
    const { host, data, clock } = setup(bot);
    host.start();
    const ctx = bot.ctx!;
    expect([ctx.botId, ctx.accountId, ctx.strategyId]).toEqual(['bot-1', 'SIM-001', 'test']);
    expect(ctx.config).toEqual({ answer: 42 });
    clock.advanceTo(7_000n);
    expect(ctx.now()).toBe(7_000n);
    expect(ctx.instrument(BTC.id)).toBe(BTC);
    expect(() => ctx.instrument('NOPE.X')).toThrow(/NOPE\.X/);
    data.process(quote(BTC.id, '99.00', '101.00', 7_000n));
    expect(ctx.quote(BTC.id)?.askPrice.toString()).toBe('101.00');
    expect(ctx.lastPrice(BTC.id)?.toString()).toBe('100.000');
    expect(ctx.position(BTC.id).signedQty.isZero()).toBe(true);
    expect(ctx.positions()).toEqual([]);
    expect(ctx.equity().toString()).toMatch(/^1000(\.0+)? USDT$/);
  });

  it('refuses equity when the portfolio does not know the account', () => {
    const bot = new ScriptedBot();
    const { host } = setup(bot, { accountId: AccountId('OTHER') });
    host.start();
    expect(() => bot.ctx!.equity()).toThrow(/^account_id: equity of account OTHER is unknown/);
  });

  it('lists only the bot own open orders', () => {
    const bot = new ScriptedBot();
    const { host, cache } = setup(bot);
    host.start();
    cache.addOrder(orderOf('bot-1', 'MINE-1'));
    cache.addOrder(orderOf('bot-1', 'MINE-2', ETH.id));
    cache.addOrder(orderOf('bot-2', 'THEIRS'));
    expect(bot.ctx!.openOrders().map((o) => o.clientOrderId)).toEqual(['MINE-1', 'MINE-2']);
    expect(bot.ctx!.openOrders(ETH.id).map((o) => o.clientOrderId)).toEqual(['MINE-2']);
    const view = bot.ctx!.openOrders(BTC.id)[0]!;
    expect(view).toMatchObject({ side: 'BUY', orderType: 'LIMIT', status: 'INITIALIZED', reason: 'entry' });
  });

  it('cancel publishes a CancelOrder on orders.commands keyed by account', () => {
    const bot = new ScriptedBot();
    const { host, cache, commands, clock } = setup(bot);
    host.start();
    cache.addOrder(orderOf('bot-1', 'MINE-1'));
    clock.advanceTo(2_000n);
    bot.ctx!.cancel('MINE-1');
    expect(commands).toHaveLength(1);
    const [cmd, delivery] = commands[0]!;
    expect(delivery).toEqual({ topic: 'orders.commands', key: 'SIM-001' });
    expect(cmd).toMatchObject({
      type: 'CancelOrder',
      accountId: 'SIM-001',
      botId: 'bot-1',
      instrumentId: BTC.id,
      clientOrderId: 'MINE-1',
      tsInit: 2_000n,
    });
  });

  it('modify publishes a ModifyOrder on trading.signals so that risk checks it', () => {
    const bot = new ScriptedBot();
    const { host, cache, signals } = setup(bot);
    host.start();
    cache.addOrder(orderOf('bot-1', 'MINE-1'));
    bot.ctx!.modify('MINE-1', { price: '101.00', quantity: 0.02 });
    expect(signals).toHaveLength(1);
    const [cmd, delivery] = signals[0]!;
    expect(delivery.key).toBe('BINANCE:BTCUSDT');
    expect(cmd.type).toBe('ModifyOrder');
    expect((cmd as ModifyOrder).price?.toString()).toBe('101.00');
    expect((cmd as ModifyOrder).quantity?.toString()).toBe('0.02');
    expect((cmd as ModifyOrder).triggerPrice).toBeUndefined();
  });

  it('refuses to cancel or modify another bot order or an unknown one, and publishes nothing', () => {
    const bot = new ScriptedBot();
    const { host, cache, commands, signals } = setup(bot);
    host.start();
    cache.addOrder(orderOf('bot-2', 'THEIRS'));
    for (const act of [
      () => bot.ctx!.cancel('THEIRS'),
      () => bot.ctx!.modify('THEIRS', { price: '1.00' }),
      () => bot.ctx!.cancel('NO-SUCH-ORDER'),
    ]) {
      let error: unknown;
      try {
        act();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ModelError);
      expect((error as ModelError).field).toBe('client_order_id');
      expect((error as ModelError).message).toMatch(/is not an order of bot bot-1/);
    }
    expect(commands).toEqual([]);
    expect(signals).toEqual([]);
  });

  it('cancelAll cancels only the bot own open orders, optionally of one instrument', () => {
    const bot = new ScriptedBot();
    const { host, cache, commands } = setup(bot);
    host.start();
    cache.addOrder(orderOf('bot-1', 'MINE-BTC'));
    cache.addOrder(orderOf('bot-1', 'MINE-ETH', ETH.id));
    cache.addOrder(orderOf('bot-2', 'THEIRS'));
    bot.ctx!.cancelAll(ETH.id);
    expect(commands.map(([c]) => c.clientOrderId)).toEqual(['MINE-ETH']);
    bot.ctx!.cancelAll();
    expect(commands.map(([c]) => c.clientOrderId)).toEqual(['MINE-ETH', 'MINE-BTC', 'MINE-ETH']);
  });

  it('gives the bot its own key/value state', () => {
    const bot = new ScriptedBot();
    const { host } = setup(bot);
    host.start();
    bot.ctx!.state.set('entries', 3);
    expect(host.state.get('entries')).toBe(3);
  });
});

describe('BotHost stop and health', () => {
  it('calls onStop with the reason, submits what it returns, and then nothing more reaches the bot', () => {
    const bot = new ScriptedBot({ onStop: () => [{ ...BUY, side: OrderSide.SELL, reason: 'exit' }] });
    const { host, data, bus, signals } = setup(bot);
    host.start();
    host.stop('user');
    expect(bot.calls).toEqual(['onStart', 'onStop:user']);
    expect(signals.map(([m]) => m.clientOrderId)).toEqual(['O-exit-1']);
    expect(host.isRunning).toBe(false);
    data.process(trade(BTC.id, '42000.00', 10n));
    bus.publish(Topic.ORDERS_UPDATED, 'SIM-001', accepted('bot-1', 'O-1'));
    host.stop('user');
    expect(bot.calls).toEqual(['onStart', 'onStop:user']);
  });

  it('does not pass the bot events caused by the orders it placed in onStop', () => {
    const bot = new ScriptedBot({ onStop: () => [{ ...BUY, side: OrderSide.SELL, reason: 'exit' }] });
    const { host, bus } = setup(bot);
    // Stands in for execution: answers every SubmitOrder at once with an OrderSubmitted of the same order.
    bus.subscribe<SubmitOrder>(Topic.TRADING_SIGNALS, 'fake-execution', (cmd) =>
      bus.publish(Topic.ORDERS_PLACED, cmd.accountId, accepted(cmd.botId, cmd.clientOrderId)),
    );
    host.start();
    host.stop('end_of_data');
    expect(bot.calls).toEqual(['onStart', 'onStop:end_of_data']);
  });

  it('does nothing when stopped before it started', () => {
    const bot = new ScriptedBot();
    const { host } = setup(bot);
    host.stop('user');
    expect(bot.calls).toEqual([]);
  });

  it('reports the bot health, ok by default, and not ok when health() throws', () => {
    const healthy = setup({ onTick: () => undefined, health: () => ({ ok: true, fast: '1.5' }) }).host;
    expect(healthy.health()).toEqual({ ok: true, fast: '1.5' });
    expect(setup({ onTick: () => undefined }).host.health()).toEqual({ ok: true });
    const broken = setup({
      onTick: () => undefined,
      health: () => {
        throw new Error('indicator not ready');
      },
    }).host;
    expect(broken.health()).toEqual({ ok: false, error: 'indicator not ready' });
  });
});

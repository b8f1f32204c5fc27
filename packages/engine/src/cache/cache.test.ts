import {
  AccountId,
  AggressorSide,
  BTCUSDT_BINANCE,
  BarAggregation,
  BotId,
  ClientOrderId,
  ETHUSDT_BINANCE,
  InstrumentId,
  ModelError,
  OrderSide,
  OrderStatus,
  OrderType,
  Price,
  PriceType,
  Quantity,
  StrategyId,
  TimeInForce,
  TradeId,
  TraderId,
  VN30F1M_HNX,
  instrumentFromSpec,
  makeBarType,
  type Bar,
  type OrderEvent,
  type OrderEventBase,
  type QuoteTick,
  type TradeTick,
} from '@qubit/model';
import { describe, expect, it } from 'vitest';
import { Order } from '../orders/order.js';
import { Cache } from './cache.js';

const BTC = instrumentFromSpec(BTCUSDT_BINANCE);
const ETH = instrumentFromSpec(ETHUSDT_BINANCE);
const VN30 = instrumentFromSpec(VN30F1M_HNX);

interface OrderArgs {
  readonly id: string;
  readonly account?: string;
  readonly bot?: string;
  readonly instrument?: string;
}

function base(a: OrderArgs, ts = 1n): OrderEventBase {
  return {
    eventId: `${a.id}-e${ts}`,
    tsEvent: ts,
    tsInit: ts,
    traderId: TraderId('TESTER'),
    accountId: AccountId(a.account ?? 'SIM-001'),
    botId: BotId(a.bot ?? 'bot-1'),
    strategyId: StrategyId('test'),
    instrumentId: InstrumentId(a.instrument ?? BTC.id),
    clientOrderId: ClientOrderId(a.id),
  };
}

function order(a: OrderArgs): Order {
  return new Order({
    ...base(a),
    type: 'OrderInitialized',
    side: OrderSide.BUY,
    orderType: OrderType.LIMIT,
    quantity: Quantity.from('1.00000'),
    price: Price.from('100.00'),
    timeInForce: TimeInForce.GTC,
    postOnly: false,
    reduceOnly: false,
    reason: 'entry',
  });
}

function apply(o: Order, event: OrderEvent): void {
  const r = o.apply(event);
  if (r.kind !== 'applied') throw new Error(`test setup: ${JSON.stringify(r)}`);
}

const args = (o: Order): OrderArgs => ({
  id: o.clientOrderId,
  account: o.accountId,
  bot: o.botId,
  instrument: o.instrumentId,
});

/** Moves an order to SUBMITTED (open, not terminal). */
function submit(o: Order): Order {
  apply(o, { ...base(args(o), 2n), type: 'OrderSubmitted' });
  return o;
}

/** Moves an order to a terminal state (CANCELED, by way of SUBMITTED). */
function cancel(o: Order): Order {
  if (o.status === OrderStatus.INITIALIZED) submit(o);
  apply(o, { ...base(args(o), 3n), type: 'OrderCanceled' });
  return o;
}

function quote(bid: string, ask: string, ts: bigint, id = BTC.id): QuoteTick {
  return {
    type: 'QuoteTick',
    instrumentId: id,
    bidPrice: Price.from(bid),
    askPrice: Price.from(ask),
    bidSize: Quantity.from('1.00000'),
    askSize: Quantity.from('1.00000'),
    tsEvent: ts,
    tsInit: ts,
  };
}

function trade(price: string, ts: bigint, id = BTC.id): TradeTick {
  return {
    type: 'TradeTick',
    instrumentId: id,
    price: Price.from(price),
    size: Quantity.from('0.50000'),
    aggressorSide: AggressorSide.BUYER,
    tradeId: TradeId(`T-${ts}`),
    tsEvent: ts,
    tsInit: ts,
  };
}

function bar(close: string, ts: bigint, id = BTC.id): Bar {
  const p = Price.from(close);
  return {
    type: 'Bar',
    barType: makeBarType(id, 1, BarAggregation.MINUTE, PriceType.LAST),
    open: p,
    high: p,
    low: p,
    close: p,
    volume: Quantity.from('1.00000'),
    tsEvent: ts,
    tsInit: ts,
  };
}

describe('Cache instruments', () => {
  it('stores instruments by id and lists them', () => {
    const cache = new Cache();
    cache.addInstrument(BTC);
    cache.addInstrument(VN30);
    expect(cache.instrument('BTCUSDT.BINANCE')).toBe(BTC);
    expect(cache.instrument('VN30F1M.HNX')).toBe(VN30);
    expect(cache.instrument('ETHUSDT.BINANCE')).toBeUndefined();
    expect(cache.instruments().map((i) => i.id)).toEqual(['BTCUSDT.BINANCE', 'VN30F1M.HNX']);
  });

  it('requireInstrument returns a known instrument and names an unknown id and the field', () => {
    const cache = new Cache();
    cache.addInstrument(BTC);
    expect(cache.requireInstrument(BTC.id)).toBe(BTC);
    expect(() => cache.requireInstrument('NOPE.SIM')).toThrow(ModelError);
    expect(() => cache.requireInstrument('NOPE.SIM')).toThrow('instrument_id: unknown instrument NOPE.SIM');
    expect(() => cache.requireInstrument('NOPE.SIM', 'subscriptions')).toThrow(
      'subscriptions: unknown instrument NOPE.SIM',
    );
  });
});

describe('Cache orders', () => {
  it('adds an order and finds it by client order id; a second order with the same id is refused', () => {
    const cache = new Cache();
    const o = order({ id: 'O-1' });
    cache.addOrder(o);
    expect(cache.order('O-1')).toBe(o);
    expect(cache.order('O-2')).toBeUndefined();
    let error: unknown;
    try {
      cache.addOrder(order({ id: 'O-1' }));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ModelError);
    expect((error as ModelError).field).toBe('client_order_id');
    expect((error as ModelError).message).toMatch(/O-1 already exists/);
    // The first order is still the one stored.
    expect(cache.order('O-1')).toBe(o);
    expect(cache.orders()).toHaveLength(1);
  });

  it('keeps the open-order index in step with orderUpdated', () => {
    const cache = new Cache();
    const a = order({ id: 'A' });
    const b = order({ id: 'B' });
    cache.addOrder(a);
    cache.addOrder(b);
    expect(cache.ordersOpen().map((o) => o.clientOrderId)).toEqual(['A', 'B']);
    submit(a);
    cache.orderUpdated(a);
    expect(cache.countOpen()).toBe(2);
    cancel(a);
    cache.orderUpdated(a);
    expect(cache.ordersOpen().map((o) => o.clientOrderId)).toEqual(['B']);
    expect(cache.countOpen()).toBe(1);
    // A closed order is still known (until retention drops it).
    expect(cache.order('A')).toBe(a);
    expect(cache.orders().map((o) => o.clientOrderId)).toEqual(['A', 'B']);
    // Updating a closed order again changes nothing.
    cache.orderUpdated(a);
    expect(cache.countOpen()).toBe(1);
  });

  it('filters orders by account, bot and instrument', () => {
    const cache = new Cache();
    cache.addOrder(order({ id: 'O1', account: 'ACC-1', bot: 'bot-a', instrument: BTC.id }));
    cache.addOrder(order({ id: 'O2', account: 'ACC-1', bot: 'bot-b', instrument: ETH.id }));
    cache.addOrder(order({ id: 'O3', account: 'ACC-2', bot: 'bot-a', instrument: ETH.id }));
    const ids = (list: Order[]): string[] => list.map((o) => o.clientOrderId);
    expect(ids(cache.ordersOpen({ accountId: 'ACC-1' }))).toEqual(['O1', 'O2']);
    expect(ids(cache.ordersOpen({ botId: 'bot-a' }))).toEqual(['O1', 'O3']);
    expect(ids(cache.ordersOpen({ instrumentId: ETH.id }))).toEqual(['O2', 'O3']);
    expect(ids(cache.ordersOpen({ botId: 'bot-a', instrumentId: ETH.id }))).toEqual(['O3']);
    expect(cache.countOpen({ accountId: 'ACC-2' })).toBe(1);
    expect(ids(cache.orders({ accountId: 'ACC-9' }))).toEqual([]);
  });

  it('drops the oldest closed orders beyond closedOrderRetention', () => {
    const cache = new Cache({ closedOrderRetention: 2 });
    const orders = ['C1', 'C2', 'C3', 'C4'].map((id) => order({ id }));
    for (const o of orders) cache.addOrder(o);
    for (const o of orders) {
      cancel(o);
      cache.orderUpdated(o);
    }
    expect(cache.order('C1')).toBeUndefined();
    expect(cache.order('C2')).toBeUndefined();
    expect(cache.order('C3')).toBe(orders[2]);
    expect(cache.order('C4')).toBe(orders[3]);
    expect(cache.orders().map((o) => o.clientOrderId)).toEqual(['C3', 'C4']);
  });

  it('never drops an open order, however many orders close after it', () => {
    const cache = new Cache({ closedOrderRetention: 1 });
    const open = submit(order({ id: 'OPEN' }));
    cache.addOrder(open);
    cache.orderUpdated(open);
    for (let i = 0; i < 50; i++) {
      const o = order({ id: `X${i}` });
      cache.addOrder(o);
      cancel(o);
      cache.orderUpdated(o);
    }
    expect(cache.order('OPEN')).toBe(open);
    expect(cache.ordersOpen().map((o) => o.clientOrderId)).toEqual(['OPEN']);
    expect(cache.orders().map((o) => o.clientOrderId)).toEqual(['OPEN', 'X49']);
  });

  it('retires closed orders in the order they closed, not the order they were added', () => {
    const cache = new Cache({ closedOrderRetention: 1 });
    const first = order({ id: 'FIRST' });
    const second = order({ id: 'SECOND' });
    cache.addOrder(first);
    cache.addOrder(second);
    cancel(second);
    cache.orderUpdated(second);
    cancel(first);
    cache.orderUpdated(first);
    expect(cache.order('SECOND')).toBeUndefined();
    expect(cache.order('FIRST')).toBe(first);
  });

  it('accepts a new order under the id of a closed order it already dropped', () => {
    const cache = new Cache({ closedOrderRetention: 0 });
    const old = order({ id: 'REUSED' });
    cache.addOrder(old);
    cancel(old);
    cache.orderUpdated(old);
    expect(cache.order('REUSED')).toBeUndefined();
    const again = order({ id: 'REUSED' });
    cache.addOrder(again);
    expect(cache.order('REUSED')).toBe(again);
    expect(cache.countOpen()).toBe(1);
  });
});

describe('Cache prices', () => {
  it('has no last price, quote or reference for an instrument with no data', () => {
    const cache = new Cache();
    expect(cache.lastPrice(BTC.id)).toBeUndefined();
    expect(cache.lastPriceTs(BTC.id)).toBeUndefined();
    expect(cache.quote(BTC.id)).toBeUndefined();
    expect(cache.referencePrice(BTC.id)).toBeUndefined();
  });

  it('takes the last price from trades and bar closes, with their event time', () => {
    const cache = new Cache();
    cache.onTrade(trade('42000.10', 10n));
    expect(cache.lastPrice(BTC.id)?.toString()).toBe('42000.10');
    expect(cache.lastPriceTs(BTC.id)).toBe(10n);
    cache.onBar(bar('42010.00', 20n));
    expect(cache.lastPrice(BTC.id)?.toString()).toBe('42010.00');
    expect(cache.lastPriceTs(BTC.id)).toBe(20n);
    cache.onTrade(trade('41999.99', 30n));
    expect(cache.lastPrice(BTC.id)?.toString()).toBe('41999.99');
    // Other instruments are untouched.
    expect(cache.lastPrice(ETH.id)).toBeUndefined();
  });

  it('marks at the quote mid (one more decimal) before any trade', () => {
    const cache = new Cache();
    const q = quote('100.00', '100.01', 5n);
    cache.onQuote(q);
    expect(cache.quote(BTC.id)).toBe(q);
    expect(cache.lastPrice(BTC.id)?.toString()).toBe('100.005');
    expect(cache.lastPriceTs(BTC.id)).toBe(5n);
  });

  it('keeps the traded price as last once a trade printed, while quotes still update the quote', () => {
    const cache = new Cache();
    cache.onQuote(quote('100.00', '100.02', 1n));
    cache.onTrade(trade('100.02', 2n));
    const later = quote('105.00', '105.02', 3n);
    cache.onQuote(later);
    expect(cache.quote(BTC.id)).toBe(later);
    expect(cache.lastPrice(BTC.id)?.toString()).toBe('100.02');
    expect(cache.lastPriceTs(BTC.id)).toBe(2n);
  });

  it('follows the quote mid on every quote until a trade prints', () => {
    const cache = new Cache();
    cache.onQuote(quote('100.00', '100.02', 1n));
    cache.onQuote(quote('110.00', '110.02', 2n));
    expect(cache.lastPrice(BTC.id)?.toString()).toBe('110.010');
    expect(cache.lastPriceTs(BTC.id)).toBe(2n);
  });

  it('stores reference prices per instrument and replaces them', () => {
    const cache = new Cache();
    cache.setReferencePrice(VN30.id, Price.from('1250.0'));
    expect(cache.referencePrice(VN30.id)?.toString()).toBe('1250.0');
    cache.setReferencePrice(VN30.id, Price.from('1260.5'));
    expect(cache.referencePrice(VN30.id)?.toString()).toBe('1260.5');
    expect(cache.referencePrice(BTC.id)).toBeUndefined();
    // A reference price is not a last price.
    expect(cache.lastPrice(VN30.id)).toBeUndefined();
  });
});

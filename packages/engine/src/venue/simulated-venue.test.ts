import {
  AccountId,
  AggressorSide,
  BTCUSDT_BINANCE,
  BTCUSDT_PERP_BINANCE,
  BarAggregation,
  BookAction,
  BotId,
  ClientOrderId,
  Decimal,
  InstrumentId,
  ModelError,
  NANOS_PER_SECOND,
  OrderSide,
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
  isoToNanos,
  makeBarType,
  type Bar,
  type CancelOrder,
  type ModifyOrder,
  type Instrument,
  type OrderEvent,
  type OrderFilled,
  type OrderRejected,
  type SubmitOrder,
} from '@qubit/model';
import { describe, expect, it } from 'vitest';
import { TestClock } from '../clock/test-clock.js';
import { IdGenerator } from '../ids/id-generator.js';
import { SimulatedVenue } from './simulated-venue.js';
import type { SimulatedVenueConfig } from './venue-config.js';

const BTC = instrumentFromSpec(BTCUSDT_BINANCE);
const PERP = instrumentFromSpec(BTCUSDT_PERP_BINANCE);
const VN30 = instrumentFromSpec(VN30F1M_HNX);
const INSTRUMENTS = new Map<string, Instrument>([BTC, PERP, VN30].map((i) => [i.id, i]));

/** Monday 2024-01-08 03:00 UTC = 10:00 in Ho Chi Minh City, inside VN30F1M's morning session. */
const T0 = isoToNanos('2024-01-08T03:00:00Z');

function setup(config: Partial<SimulatedVenueConfig> = {}, start: bigint = T0) {
  const clock = new TestClock(start);
  const venue = new SimulatedVenue({
    venue: 'BINANCE',
    clock,
    ids: new IdGenerator('ev'),
    instruments: (id) => INSTRUMENTS.get(id),
    config,
  });
  const events: OrderEvent[] = [];
  venue.connect((e) => events.push(e));
  const take = (): OrderEvent[] => events.splice(0, events.length);
  return { clock, venue, events, take };
}

let counter = 0;

interface OrderArgs {
  side?: OrderSide;
  type?: OrderType;
  qty: string;
  px?: string;
  trigger?: string;
  tif?: TimeInForce;
  expireTime?: bigint;
  postOnly?: boolean;
  reduceOnly?: boolean;
  instrument?: Instrument;
  account?: string;
  bot?: string;
  id?: string;
}

function order(a: OrderArgs): SubmitOrder {
  const id = a.id ?? `O-${++counter}`;
  return {
    type: 'SubmitOrder',
    commandId: `cmd-${id}`,
    traderId: TraderId('QUBIT-001'),
    accountId: AccountId(a.account ?? 'SIM-001'),
    botId: BotId(a.bot ?? 'bot-1'),
    strategyId: StrategyId('test'),
    instrumentId: (a.instrument ?? BTC).id,
    clientOrderId: ClientOrderId(id),
    side: a.side ?? OrderSide.BUY,
    orderType: a.type ?? OrderType.MARKET,
    quantity: Quantity.from(a.qty),
    price: a.px === undefined ? undefined : Price.from(a.px),
    triggerPrice: a.trigger === undefined ? undefined : Price.from(a.trigger),
    timeInForce: a.tif ?? TimeInForce.GTC,
    expireTime: a.expireTime,
    postOnly: a.postOnly ?? false,
    reduceOnly: a.reduceOnly ?? false,
    reason: 'test',
    tsInit: 0n,
  };
}

const owner = (c: SubmitOrder) => ({
  traderId: c.traderId,
  accountId: c.accountId,
  botId: c.botId,
  strategyId: c.strategyId,
  instrumentId: c.instrumentId,
  clientOrderId: c.clientOrderId,
  tsInit: 0n,
});

function modify(
  c: SubmitOrder,
  changes: Pick<ModifyOrder, 'quantity' | 'price' | 'triggerPrice'>,
): ModifyOrder {
  return { ...owner(c), type: 'ModifyOrder', commandId: `mod-${++counter}`, ...changes };
}

function cancel(c: SubmitOrder): CancelOrder {
  return { ...owner(c), type: 'CancelOrder', commandId: `cancel-${++counter}` };
}

function book(inst: Instrument, bids: [string, string][], asks: [string, string][]) {
  const level = ([p, s]: [string, string]) => ({ price: Price.from(p), size: Quantity.from(s) });
  return {
    type: 'OrderBookSnapshot' as const,
    instrumentId: inst.id,
    bids: bids.map(level),
    asks: asks.map(level),
    sequence: 1,
    tsEvent: 0n,
    tsInit: 0n,
  };
}

function quote(inst: Instrument, bid: string, ask: string, bidSize = '1', askSize = '1') {
  return {
    type: 'QuoteTick' as const,
    instrumentId: inst.id,
    bidPrice: Price.from(bid),
    askPrice: Price.from(ask),
    bidSize: Quantity.from(bidSize),
    askSize: Quantity.from(askSize),
    tsEvent: 0n,
    tsInit: 0n,
  };
}

function trade(inst: Instrument, px: string, size: string) {
  return {
    type: 'TradeTick' as const,
    instrumentId: inst.id,
    price: Price.from(px),
    size: Quantity.from(size),
    aggressorSide: AggressorSide.NO_AGGRESSOR,
    tradeId: TradeId(`t-${++counter}`),
    tsEvent: 0n,
    tsInit: 0n,
  };
}

const MINUTE_BARS = makeBarType(BTC.id, 1, BarAggregation.MINUTE, PriceType.LAST);

function bar(o: string, h: string, l: string, c: string, volume = '100', barType = MINUTE_BARS): Bar {
  return {
    type: 'Bar',
    barType,
    open: Price.from(o),
    high: Price.from(h),
    low: Price.from(l),
    close: Price.from(c),
    volume: Quantity.from(volume),
    tsEvent: 0n,
    tsInit: 0n,
  };
}

const fillsOf = (events: OrderEvent[]): OrderFilled[] =>
  events.filter((e): e is OrderFilled => e.type === 'OrderFilled');
const typesOf = (events: OrderEvent[]): string[] => events.map((e) => e.type);
const fillSummary = (events: OrderEvent[]): string[] =>
  fillsOf(events).map(
    (f) => `${f.clientOrderId} ${f.side} ${f.lastQty.toString()}@${f.lastPx.toString()} ${f.liquiditySide}`,
  );

function rejection(events: OrderEvent[]): OrderRejected {
  const r = events.find((e): e is OrderRejected => e.type === 'OrderRejected');
  if (!r) throw new Error(`expected an OrderRejected, got ${typesOf(events).join(', ')}`);
  return r;
}

const BTC_BOOK = book(
  BTC,
  [
    ['41999.00', '1'],
    ['41998.00', '2'],
  ],
  [
    ['42000.00', '0.5'],
    ['42001.00', '0.3'],
    ['42002.00', '1'],
  ],
);

describe('SimulatedVenue construction', () => {
  it('names the field of a bad venue name or config', () => {
    const clock = new TestClock();
    const base = { clock, ids: new IdGenerator('x'), instruments: () => undefined };
    expect(() => new SimulatedVenue({ ...base, venue: 'bad venue' })).toThrow(/venue.venue/);
    expect(() => new SimulatedVenue({ ...base, venue: 'SIM', config: { latencyNs: -1n } })).toThrow(
      /config.latencyNs/,
    );
    expect(() => new SimulatedVenue({ ...base, venue: 'SIM', config: { slippageTicks: 1.5 } })).toThrow(
      /config.slippageTicks/,
    );
    expect(
      () => new SimulatedVenue({ ...base, venue: 'SIM', config: { barPath: 'ZIGZAG' as never } }),
    ).toThrow(/config.barPath/);
  });

  it('refuses commands before connect', () => {
    const venue = new SimulatedVenue({
      venue: 'SIM',
      clock: new TestClock(),
      ids: new IdGenerator('x'),
      instruments: () => undefined,
    });
    expect(() => venue.submitOrder(order({ qty: '1' }))).toThrow(ModelError);
  });
});

describe('market orders against an L2 book', () => {
  it('walks the levels with one fill and one trade id per level, at taker fees', () => {
    const { venue, events } = setup();
    venue.processBookSnapshot(BTC_BOOK);
    venue.submitOrder(order({ id: 'M1', qty: '0.7' }));
    expect(typesOf(events)).toEqual(['OrderAccepted', 'OrderFilled', 'OrderFilled']);
    const fills = fillsOf(events);
    expect(fillSummary(events)).toEqual(['M1 BUY 0.50000@42000.00 TAKER', 'M1 BUY 0.20000@42001.00 TAKER']);
    expect(fills.map((f) => f.tradeId)).toEqual(['BINANCE-T1', 'BINANCE-T2']);
    expect(fills[0]!.venueOrderId).toBe('SIM-BINANCE-1');
    // 0.5 × 42000 × 0.001 and 0.2 × 42001 × 0.001, in USDT at 8 decimals.
    expect(fills.map((f) => f.fee.toString())).toEqual(['21.00000000 USDT', '8.40020000 USDT']);
  });

  it('cancels what the book cannot fill (IOC semantics)', () => {
    const { venue, events } = setup();
    venue.processBookSnapshot(BTC_BOOK);
    venue.submitOrder(order({ id: 'M2', side: OrderSide.SELL, qty: '4' }));
    expect(typesOf(events)).toEqual(['OrderAccepted', 'OrderFilled', 'OrderFilled', 'OrderCanceled']);
    expect(fillSummary(events)).toEqual(['M2 SELL 1.00000@41999.00 TAKER', 'M2 SELL 2.00000@41998.00 TAKER']);
    expect(venue.openOrders()).toEqual([]);
  });

  it('consumes visible size so a second order meets the next level', () => {
    const { venue, events } = setup();
    venue.processBookSnapshot(BTC_BOOK);
    venue.submitOrder(order({ id: 'A', qty: '0.5' }));
    venue.submitOrder(order({ id: 'B', qty: '0.1' }));
    expect(fillSummary(events)).toEqual(['A BUY 0.50000@42000.00 TAKER', 'B BUY 0.10000@42001.00 TAKER']);
  });

  it('fills the whole quantity at the touch when visible volume is ignored', () => {
    const { venue, events } = setup({ useVisibleVolume: false });
    venue.processBookSnapshot(BTC_BOOK);
    venue.submitOrder(order({ id: 'M3', qty: '5' }));
    expect(fillSummary(events)).toEqual(['M3 BUY 5.00000@42000.00 TAKER']);
  });

  it('applies deltas before matching', () => {
    const { venue, events } = setup();
    venue.processBookSnapshot(BTC_BOOK);
    venue.processBookDeltas({
      type: 'OrderBookDeltas',
      instrumentId: BTC.id,
      deltas: [
        {
          action: BookAction.DELETE,
          side: OrderSide.SELL,
          price: Price.from('42000.00'),
          size: Quantity.from('0'),
        },
        {
          action: BookAction.UPDATE,
          side: OrderSide.SELL,
          price: Price.from('42001.00'),
          size: Quantity.from('0.1'),
        },
      ],
      sequence: 2,
      tsEvent: 0n,
      tsInit: 0n,
    });
    venue.submitOrder(order({ id: 'M4', qty: '0.2' }));
    expect(fillSummary(events)).toEqual(['M4 BUY 0.10000@42001.00 TAKER', 'M4 BUY 0.10000@42002.00 TAKER']);
  });

  it('throws a clear error for book data off the price precision and leaves the book unchanged', () => {
    const { venue, events } = setup();
    venue.processBookSnapshot(BTC_BOOK);
    expect(() => venue.processBookSnapshot(book(BTC, [], [['42000.001', '1']]))).toThrow(
      /snapshot.asks\[0\].price/,
    );
    venue.submitOrder(order({ id: 'M5', qty: '0.1' }));
    expect(fillSummary(events)).toEqual(['M5 BUY 0.10000@42000.00 TAKER']);
  });
});

describe('limit orders and time in force against the book', () => {
  it('takes what crosses, rests the rest, then fills as MAKER at its price when the book crosses it', () => {
    const { venue, take } = setup();
    venue.processBookSnapshot(BTC_BOOK);
    venue.submitOrder(order({ id: 'L1', type: OrderType.LIMIT, qty: '1', px: '42000.00' }));
    let ev = take();
    expect(fillSummary(ev)).toEqual(['L1 BUY 0.50000@42000.00 TAKER']);
    expect(
      venue.openOrders().map((o) => `${o.clientOrderId} ${o.filledQty.toString()}/${o.quantity.toString()}`),
    ).toEqual(['L1 0.50000/1']);
    venue.processBookSnapshot(book(BTC, [['41990.00', '1']], [['41995.00', '2']]));
    ev = take();
    expect(fillSummary(ev)).toEqual(['L1 BUY 0.50000@42000.00 MAKER']);
    expect(venue.openOrders()).toEqual([]);
  });

  it('IOC fills up to its limit and cancels the rest', () => {
    const { venue, events } = setup();
    venue.processBookSnapshot(BTC_BOOK);
    venue.submitOrder(
      order({ id: 'I1', type: OrderType.LIMIT, tif: TimeInForce.IOC, qty: '1', px: '42001.00' }),
    );
    expect(typesOf(events)).toEqual(['OrderAccepted', 'OrderFilled', 'OrderFilled', 'OrderCanceled']);
    expect(fillSummary(events)).toEqual(['I1 BUY 0.50000@42000.00 TAKER', 'I1 BUY 0.30000@42001.00 TAKER']);
  });

  it('FOK fills everything or is canceled without any fill', () => {
    const { venue, take } = setup();
    venue.processBookSnapshot(BTC_BOOK);
    venue.submitOrder(
      order({ id: 'F1', type: OrderType.LIMIT, tif: TimeInForce.FOK, qty: '1', px: '42001.00' }),
    );
    expect(typesOf(take())).toEqual(['OrderAccepted', 'OrderCanceled']);
    venue.submitOrder(
      order({ id: 'F2', type: OrderType.LIMIT, tif: TimeInForce.FOK, qty: '0.8', px: '42001.00' }),
    );
    const ev = take();
    expect(fillSummary(ev)).toEqual(['F2 BUY 0.50000@42000.00 TAKER', 'F2 BUY 0.30000@42001.00 TAKER']);
    venue.submitOrder(order({ id: 'F3', tif: TimeInForce.FOK, qty: '5' }));
    expect(typesOf(take())).toEqual(['OrderAccepted', 'OrderCanceled']);
  });

  it('gives the better-priced resting order the liquidity first', () => {
    const { venue, take } = setup();
    venue.processBookSnapshot(BTC_BOOK);
    venue.submitOrder(order({ id: 'LOW', type: OrderType.LIMIT, qty: '1', px: '41900.00' }));
    venue.submitOrder(order({ id: 'HIGH', type: OrderType.LIMIT, qty: '1', px: '41950.00' }));
    take();
    venue.processBookSnapshot(book(BTC, [], [['41900.00', '1.5']]));
    expect(fillSummary(take())).toEqual([
      'HIGH BUY 1.00000@41950.00 MAKER',
      'LOW BUY 0.50000@41900.00 MAKER',
    ]);
  });

  it('uses a quote as a one-level book with its sizes', () => {
    const { venue, take } = setup();
    venue.processQuote(quote(BTC, '41999.00', '42000.00', '1', '0.2'));
    venue.submitOrder(order({ id: 'Q1', qty: '0.5' }));
    expect(typesOf(take())).toEqual(['OrderAccepted', 'OrderFilled', 'OrderCanceled']);
    const unlimited = setup({ bookLevelsFromQuotes: false });
    unlimited.venue.processQuote(quote(BTC, '41999.00', '42000.00', '1', '0.2'));
    unlimited.venue.submitOrder(order({ id: 'Q2', qty: '0.5' }));
    expect(fillSummary(unlimited.events)).toEqual(['Q2 BUY 0.50000@42000.00 TAKER']);
  });
});

describe('stop orders against the book', () => {
  it('a STOP_MARKET triggers when the ask reaches it and walks the book', () => {
    const { venue, take } = setup();
    venue.processQuote(quote(BTC, '41990.00', '42000.00', '5', '5'));
    venue.submitOrder(order({ id: 'S1', type: OrderType.STOP_MARKET, qty: '1', trigger: '42050.00' }));
    expect(typesOf(take())).toEqual(['OrderAccepted']);
    venue.processQuote(quote(BTC, '42040.00', '42050.00', '5', '5'));
    expect(fillSummary(take())).toEqual(['S1 BUY 1.00000@42050.00 TAKER']);
  });

  it('a STOP_LIMIT reports OrderTriggered and then works as a limit', () => {
    const { venue, take } = setup();
    venue.processQuote(quote(BTC, '42010.00', '42020.00', '5', '5'));
    venue.submitOrder(
      order({
        id: 'S2',
        type: OrderType.STOP_LIMIT,
        side: OrderSide.SELL,
        qty: '1',
        trigger: '42000.00',
        px: '41995.00',
      }),
    );
    take();
    venue.processQuote(quote(BTC, '41990.00', '42000.00', '5', '5'));
    expect(typesOf(take())).toEqual(['OrderTriggered']);
    venue.processQuote(quote(BTC, '41996.00', '41998.00', '5', '5'));
    expect(fillSummary(take())).toEqual(['S2 SELL 1.00000@41995.00 MAKER']);
  });
});

describe('post-only and reduce-only', () => {
  it('rejects a post-only limit that would take and accepts one that rests', () => {
    const { venue, take } = setup();
    venue.processBookSnapshot(BTC_BOOK);
    venue.submitOrder(order({ id: 'P1', type: OrderType.LIMIT, qty: '0.1', px: '42000.00', postOnly: true }));
    const r = rejection(take());
    expect(r.reasonCode).toBe('POST_ONLY_WOULD_TAKE');
    expect(r.reason).toContain('42000.00');
    venue.submitOrder(order({ id: 'P2', type: OrderType.LIMIT, qty: '0.1', px: '41999.00', postOnly: true }));
    expect(typesOf(take())).toEqual(['OrderAccepted']);
  });

  it('rejects a modify that would make a post-only order take', () => {
    const { venue, take } = setup();
    venue.processBookSnapshot(BTC_BOOK);
    const cmd = order({ id: 'P3', type: OrderType.LIMIT, qty: '0.1', px: '41999.00', postOnly: true });
    venue.submitOrder(cmd);
    take();
    venue.modifyOrder(modify(cmd, { price: Price.from('42000.00') }));
    const ev = take();
    expect(typesOf(ev)).toEqual(['OrderModifyRejected']);
    expect(ev[0]).toMatchObject({ reasonCode: 'POST_ONLY_WOULD_TAKE' });
  });

  it('rejects a reduce-only order that would open or increase a position', () => {
    const { venue, take } = setup();
    venue.processBookSnapshot(BTC_BOOK);
    venue.submitOrder(order({ id: 'R1', side: OrderSide.SELL, qty: '0.1', reduceOnly: true }));
    expect(rejection(take()).reasonCode).toBe('REDUCE_ONLY_WOULD_INCREASE');
    venue.submitOrder(order({ id: 'R2', qty: '0.3' }));
    take();
    venue.submitOrder(order({ id: 'R3', qty: '0.1', reduceOnly: true }));
    expect(rejection(take()).reasonCode).toBe('REDUCE_ONLY_WOULD_INCREASE');
  });

  it('clips a reduce-only order to the position at fill time and cancels the rest', () => {
    const { venue, take } = setup();
    venue.processBookSnapshot(BTC_BOOK);
    venue.submitOrder(order({ id: 'R4', qty: '0.3' }));
    venue.submitOrder(
      order({
        id: 'R5',
        side: OrderSide.SELL,
        type: OrderType.LIMIT,
        px: '42100.00',
        qty: '1',
        reduceOnly: true,
      }),
    );
    take();
    venue.processBookSnapshot(book(BTC, [['42100.00', '5']], [['42101.00', '5']]));
    const ev = take();
    expect(fillSummary(ev)).toEqual(['R5 SELL 0.30000@42100.00 MAKER']);
    expect(typesOf(ev)).toEqual(['OrderFilled', 'OrderCanceled']);
    expect(venue.positions(AccountId('SIM-001'))).toEqual([]);
  });
});

describe('trade-driven matching', () => {
  it('fills a resting BUY LIMIT when a trade prints at or below it, limited by the trade size', () => {
    const { venue, take } = setup();
    venue.processTrade(trade(BTC, '42000.00', '1'));
    venue.submitOrder(order({ id: 'T1', type: OrderType.LIMIT, qty: '1', px: '41950.00' }));
    take();
    venue.processTrade(trade(BTC, '41960.00', '1'));
    expect(fillsOf(take())).toEqual([]);
    venue.processTrade(trade(BTC, '41950.00', '0.4'));
    expect(fillSummary(take())).toEqual(['T1 BUY 0.40000@41950.00 MAKER']);
    venue.processTrade(trade(BTC, '41900.00', '5'));
    expect(fillSummary(take())).toEqual(['T1 BUY 0.60000@41950.00 MAKER']);
  });

  it('fills a MARKET order at the next trade price plus slippage', () => {
    const { venue, take } = setup({ slippageTicks: 2 });
    venue.processTrade(trade(BTC, '42000.00', '1'));
    venue.submitOrder(order({ id: 'T2', qty: '0.5' }));
    expect(typesOf(take())).toEqual(['OrderAccepted']);
    venue.processTrade(trade(BTC, '42010.00', '3'));
    expect(fillSummary(take())).toEqual(['T2 BUY 0.50000@42010.02 TAKER']);
  });

  it('cancels an IOC limit after the first trade it could have met', () => {
    const { venue, take } = setup();
    venue.processTrade(trade(BTC, '42000.00', '1'));
    venue.submitOrder(
      order({ id: 'T3', type: OrderType.LIMIT, tif: TimeInForce.IOC, qty: '1', px: '41900.00' }),
    );
    take();
    venue.processTrade(trade(BTC, '42005.00', '1'));
    expect(typesOf(take())).toEqual(['OrderCanceled']);
  });

  it('cancels a FOK order without any fill when a trade is too small for all of it', () => {
    const { venue, take } = setup();
    venue.processTrade(trade(BTC, '42000.00', '1'));
    venue.submitOrder(
      order({ id: 'T5', type: OrderType.LIMIT, tif: TimeInForce.FOK, qty: '2', px: '42000.00' }),
    );
    take();
    venue.processTrade(trade(BTC, '41990.00', '1.5'));
    expect(typesOf(take())).toEqual(['OrderCanceled']);
    venue.submitOrder(
      order({ id: 'T6', type: OrderType.LIMIT, tif: TimeInForce.FOK, qty: '2', px: '42000.00' }),
    );
    take();
    venue.processTrade(trade(BTC, '41990.00', '2'));
    // Its limit was above the last trade on arrival, so it takes at the print's price.
    expect(fillSummary(take())).toEqual(['T6 BUY 2.00000@41990.00 TAKER']);
  });

  it('ignores trades for matching once the instrument has a book', () => {
    const { venue, take } = setup();
    venue.processBookSnapshot(book(BTC, [['41000.00', '1']], [['43000.00', '1']]));
    venue.submitOrder(order({ id: 'T4', type: OrderType.LIMIT, qty: '1', px: '42000.00' }));
    take();
    venue.processTrade(trade(BTC, '41000.00', '5'));
    expect(take()).toEqual([]);
  });
});

describe('bar-driven matching', () => {
  it('fills a MARKET order at the next bar open (signal on close, fill at the next open)', () => {
    const { venue, take } = setup();
    venue.processBar(bar('42000.00', '42100.00', '41900.00', '42050.00'));
    venue.submitOrder(order({ id: 'B1', qty: '1' }));
    expect(typesOf(take())).toEqual(['OrderAccepted']);
    venue.processBar(bar('42060.00', '42200.00', '42000.00', '42150.00'));
    expect(fillSummary(take())).toEqual(['B1 BUY 1.00000@42060.00 TAKER']);
  });

  it('slips a bar MARKET fill against the order', () => {
    const { venue, take } = setup({ slippageTicks: 5 });
    venue.submitOrder(order({ id: 'B2', side: OrderSide.SELL, qty: '1' }));
    take();
    venue.processBar(bar('42060.00', '42200.00', '42000.00', '42150.00'));
    expect(fillSummary(take())).toEqual(['B2 SELL 1.00000@42059.95 TAKER']);
  });

  it('fills a LIMIT at its price when the path reaches it, and at the open when the bar gaps through it', () => {
    const { venue, take } = setup();
    venue.processBar(bar('42000.00', '42100.00', '41900.00', '42050.00'));
    venue.submitOrder(order({ id: 'B3', type: OrderType.LIMIT, qty: '1', px: '41950.00' }));
    venue.submitOrder(
      order({ id: 'B4', type: OrderType.LIMIT, side: OrderSide.SELL, qty: '1', px: '42100.00' }),
    );
    take();
    venue.processBar(bar('42000.00', '42050.00', '41940.00', '42010.00'));
    expect(fillSummary(take())).toEqual(['B3 BUY 1.00000@41950.00 MAKER']);
    venue.processBar(bar('42300.00', '42400.00', '42250.00', '42350.00'));
    expect(fillSummary(take())).toEqual(['B4 SELL 1.00000@42300.00 MAKER']);
  });

  it('fills a limit that was marketable on arrival as a taker at the open, else as a maker once it rests', () => {
    const { venue, take } = setup();
    venue.processBar(bar('42000.00', '42100.00', '41900.00', '42000.00'));
    venue.submitOrder(order({ id: 'B9', type: OrderType.LIMIT, qty: '1', px: '42100.00' }));
    venue.submitOrder(order({ id: 'B10', type: OrderType.LIMIT, qty: '1', px: '42100.00' }));
    take();
    venue.modifyOrder(
      modify(order({ id: 'B10', type: OrderType.LIMIT, qty: '1', px: '42100.00' }), {
        quantity: Quantity.from('2'),
      }),
    );
    take();
    // Opens above both limits; rising first (close ≥ open), then falling back through 42100.
    venue.processBar(bar('42150.00', '42200.00', '42050.00', '42150.00'));
    expect(fillSummary(take())).toEqual(['B9 BUY 1.00000@42100.00 MAKER', 'B10 BUY 2.00000@42100.00 MAKER']);
    venue.submitOrder(order({ id: 'B11', type: OrderType.LIMIT, qty: '1', px: '42200.00' }));
    take();
    venue.processBar(bar('42160.00', '42300.00', '42100.00', '42250.00'));
    expect(fillSummary(take())).toEqual(['B11 BUY 1.00000@42160.00 TAKER']);
  });

  it('does not fill a LIMIT the path does not reach', () => {
    const { venue, take } = setup();
    venue.submitOrder(order({ id: 'B5', type: OrderType.LIMIT, qty: '1', px: '41000.00' }));
    take();
    venue.processBar(bar('42000.00', '42100.00', '41900.00', '42050.00'));
    expect(take()).toEqual([]);
    expect(venue.openOrders()).toHaveLength(1);
  });

  it('triggers a STOP_MARKET at its trigger, or at the open when the bar gaps over it', () => {
    const { venue, take } = setup();
    venue.processBar(bar('42000.00', '42100.00', '41900.00', '42050.00'));
    venue.submitOrder(order({ id: 'B6', type: OrderType.STOP_MARKET, qty: '1', trigger: '42150.00' }));
    venue.submitOrder(
      order({ id: 'B7', type: OrderType.STOP_MARKET, side: OrderSide.SELL, qty: '1', trigger: '41800.00' }),
    );
    take();
    venue.processBar(bar('42050.00', '42200.00', '42000.00', '42100.00'));
    expect(fillSummary(take())).toEqual(['B6 BUY 1.00000@42150.00 TAKER']);
    venue.processBar(bar('41500.00', '41600.00', '41400.00', '41550.00'));
    expect(fillSummary(take())).toEqual(['B7 SELL 1.00000@41500.00 TAKER']);
  });

  it('turns a triggered STOP_LIMIT into a limit: OrderTriggered, then a fill when the path comes back', () => {
    const { venue, take } = setup();
    venue.processBar(bar('42000.00', '42100.00', '41900.00', '42050.00'));
    venue.submitOrder(
      order({ id: 'B8', type: OrderType.STOP_LIMIT, qty: '1', trigger: '42150.00', px: '42120.00' }),
    );
    take();
    // Bullish bar: open → high (triggers at 42150, limit 42120 is below) → low (reaches 42120) → close.
    venue.processBar(bar('42050.00', '42200.00', '42000.00', '42100.00'));
    const ev = take();
    expect(typesOf(ev)).toEqual(['OrderTriggered', 'OrderFilled']);
    expect(fillSummary(ev)).toEqual(['B8 BUY 1.00000@42120.00 MAKER']);
  });

  it('follows the adaptive path: high first on a rising bar, low first on a falling one', () => {
    const rising = setup();
    rising.venue.submitOrder(
      order({ id: 'TP', type: OrderType.LIMIT, side: OrderSide.SELL, qty: '1', px: '42100.00' }),
    );
    rising.venue.submitOrder(
      order({ id: 'SL', type: OrderType.STOP_MARKET, side: OrderSide.SELL, qty: '1', trigger: '41900.00' }),
    );
    rising.take();
    rising.venue.processBar(bar('42000.00', '42200.00', '41800.00', '42050.00'));
    expect(fillsOf(rising.take()).map((f) => f.clientOrderId)).toEqual(['TP', 'SL']);

    const falling = setup();
    falling.venue.submitOrder(
      order({ id: 'TP', type: OrderType.LIMIT, side: OrderSide.SELL, qty: '1', px: '42100.00' }),
    );
    falling.venue.submitOrder(
      order({ id: 'SL', type: OrderType.STOP_MARKET, side: OrderSide.SELL, qty: '1', trigger: '41900.00' }),
    );
    falling.take();
    falling.venue.processBar(bar('42000.00', '42200.00', '41800.00', '41950.00'));
    expect(fillsOf(falling.take()).map((f) => f.clientOrderId)).toEqual(['SL', 'TP']);

    const lowFirst = setup({ barPath: 'LOW_FIRST' });
    lowFirst.venue.submitOrder(
      order({ id: 'TP', type: OrderType.LIMIT, side: OrderSide.SELL, qty: '1', px: '42100.00' }),
    );
    lowFirst.venue.submitOrder(
      order({ id: 'SL', type: OrderType.STOP_MARKET, side: OrderSide.SELL, qty: '1', trigger: '41900.00' }),
    );
    lowFirst.take();
    lowFirst.venue.processBar(bar('42000.00', '42200.00', '41800.00', '42050.00'));
    expect(fillsOf(lowFirst.take()).map((f) => f.clientOrderId)).toEqual(['SL', 'TP']);
  });

  it('puts no volume limit on bars by default, and caps fills at a share of volume when asked', () => {
    const unlimited = setup();
    unlimited.venue.submitOrder(order({ id: 'V1', qty: '500' }));
    unlimited.take();
    unlimited.venue.processBar(bar('42000.00', '42100.00', '41900.00', '42050.00', '10'));
    expect(fillSummary(unlimited.take())).toEqual(['V1 BUY 500.00000@42000.00 TAKER']);

    const capped = setup({ barVolumeShare: Decimal.parse('0.1') });
    capped.venue.submitOrder(order({ id: 'V2', qty: '2' }));
    capped.take();
    capped.venue.processBar(bar('42000.00', '42100.00', '41900.00', '42050.00', '10'));
    expect(fillSummary(capped.take())).toEqual(['V2 BUY 1.00000@42000.00 TAKER']);
    capped.venue.processBar(bar('42050.00', '42100.00', '41900.00', '42060.00', '10'));
    expect(fillSummary(capped.take())).toEqual(['V2 BUY 1.00000@42050.00 TAKER']);
  });

  it('matches on the first bar type only, and not at all once quotes arrive', () => {
    const { venue, take } = setup();
    venue.processBar(bar('42000.00', '42100.00', '41900.00', '42050.00'));
    venue.submitOrder(order({ id: 'D1', type: OrderType.LIMIT, qty: '1', px: '41000.00' }));
    take();
    const hourly = makeBarType(BTC.id, 1, BarAggregation.HOUR, PriceType.LAST);
    venue.processBar(bar('42000.00', '42100.00', '40000.00', '42050.00', '100', hourly));
    expect(take()).toEqual([]);
    venue.processQuote(quote(BTC, '41500.00', '41600.00'));
    venue.processBar(bar('42000.00', '42100.00', '40000.00', '42050.00'));
    expect(take()).toEqual([]);
  });

  it('refuses an inconsistent bar it would match a working order against, with a clear error', () => {
    const { venue, take } = setup();
    venue.processBar(bar('42000.00', '42100.00', '41900.00', '42050.00'));
    venue.submitOrder(order({ id: 'D1', type: OrderType.LIMIT, qty: '1', px: '41000.00' }));
    take();
    expect(() => venue.processBar(bar('42000.00', '41000.00', '41900.00', '42050.00'))).toThrow(
      /bar is inconsistent/,
    );
    expect(take()).toEqual([]);
  });
});

describe('fees', () => {
  it('charges maker and taker rates, with overrides', () => {
    const { venue, take } = setup({
      feeOverride: { maker: Decimal.parse('-0.0001'), taker: Decimal.parse('0.0005') },
    });
    venue.processBookSnapshot(book(PERP, [['42000.00', '5']], [['42000.10', '5']]));
    venue.submitOrder(order({ id: 'FT', instrument: PERP, qty: '1.000' }));
    venue.submitOrder(
      order({ id: 'FM', instrument: PERP, type: OrderType.LIMIT, qty: '1.000', px: '41999.90' }),
    );
    venue.processBookSnapshot(book(PERP, [['41999.00', '5']], [['41999.50', '5']]));
    const fills = fillsOf(take());
    expect(fills.map((f) => `${f.clientOrderId} ${f.liquiditySide} ${f.fee.toString()}`)).toEqual([
      'FT TAKER 21.00005000 USDT',
      'FM MAKER -4.19999000 USDT',
    ]);
  });

  it('charges VN30F1M a fixed fee per contract in VND', () => {
    const { venue, events } = setup();
    venue.processQuote(quote(VN30, '1250.0', '1250.1', '10', '10'));
    venue.submitOrder(order({ id: 'VN1', instrument: VN30, qty: '3' }));
    const [fill] = fillsOf(events);
    expect(fill!.fee.toString()).toBe('8100 VND');
    expect(fill!.lastPx.toString()).toBe('1250.1');
  });
});

describe('latency', () => {
  it('does nothing until the clock reaches the latency, then stamps events with that time', () => {
    const { venue, clock, events } = setup({ latencyNs: 5_000_000n });
    venue.processBookSnapshot(BTC_BOOK);
    venue.submitOrder(order({ id: 'LAT', qty: '0.1' }));
    expect(events).toEqual([]);
    clock.advanceTo(T0 + 4_999_999n);
    expect(events).toEqual([]);
    clock.advanceTo(T0 + 5_000_000n);
    expect(typesOf(events)).toEqual(['OrderAccepted', 'OrderFilled']);
    expect(events.every((e) => e.tsEvent === T0 + 5_000_000n && e.tsInit === T0 + 5_000_000n)).toBe(true);
  });

  it('keeps commands in order: a cancel sent after a submit finds the order', () => {
    const { venue, clock, events } = setup({ latencyNs: 1000n });
    const cmd = order({ id: 'LAT2', type: OrderType.LIMIT, qty: '0.1', px: '40000.00' });
    venue.submitOrder(cmd);
    venue.cancelOrder(cancel(cmd));
    clock.advanceTo(T0 + 1000n);
    expect(typesOf(events)).toEqual(['OrderAccepted', 'OrderCanceled']);
  });
});

describe('expiry', () => {
  it('expires a GTD order when the clock passes its expire time', () => {
    const { venue, clock, take } = setup();
    venue.submitOrder(
      order({
        id: 'G1',
        type: OrderType.LIMIT,
        qty: '0.1',
        px: '40000.00',
        tif: TimeInForce.GTD,
        expireTime: T0 + 10n * NANOS_PER_SECOND,
      }),
    );
    expect(typesOf(take())).toEqual(['OrderAccepted']);
    clock.advanceTo(T0 + 9n * NANOS_PER_SECOND);
    expect(take()).toEqual([]);
    clock.advanceTo(T0 + 11n * NANOS_PER_SECOND);
    const ev = take();
    expect(typesOf(ev)).toEqual(['OrderExpired']);
    expect(ev[0]!.tsEvent).toBe(T0 + 10n * NANOS_PER_SECOND);
    expect(venue.openOrders()).toEqual([]);
  });

  it('rejects a GTD order without a future expire time', () => {
    const { venue, take } = setup();
    venue.submitOrder(
      order({ type: OrderType.LIMIT, qty: '0.1', px: '40000.00', tif: TimeInForce.GTD, expireTime: T0 }),
    );
    expect(rejection(take()).reason).toContain('not after');
    venue.submitOrder(order({ type: OrderType.LIMIT, qty: '0.1', px: '40000.00', tif: TimeInForce.GTD }));
    expect(rejection(take()).reason).toContain('needs an expireTime');
  });

  it('expires a DAY order at 00:00 UTC for a 24/7 instrument', () => {
    const { venue, clock, take } = setup();
    venue.submitOrder(
      order({ id: 'DAY1', type: OrderType.LIMIT, qty: '0.1', px: '40000.00', tif: TimeInForce.DAY }),
    );
    take();
    clock.advanceTo(isoToNanos('2024-01-08T23:59:59Z'));
    expect(take()).toEqual([]);
    clock.advanceTo(isoToNanos('2024-01-09T00:00:01Z'));
    const ev = take();
    expect(typesOf(ev)).toEqual(['OrderExpired']);
    expect(ev[0]!.tsEvent).toBe(isoToNanos('2024-01-09T00:00:00Z'));
  });

  it('expires a VN30F1M DAY order at the end of ATC, 14:45 Vietnam time', () => {
    const { venue, clock, take } = setup();
    venue.submitOrder(
      order({
        id: 'DAY2',
        instrument: VN30,
        type: OrderType.LIMIT,
        qty: '1',
        px: '1250.0',
        tif: TimeInForce.DAY,
      }),
    );
    take();
    clock.advanceTo(isoToNanos('2024-01-08T08:00:00Z'));
    const ev = take();
    expect(typesOf(ev)).toEqual(['OrderExpired']);
    expect(ev[0]!.tsEvent).toBe(isoToNanos('2024-01-08T07:45:00Z'));
  });
});

describe('venue rules', () => {
  it.each([
    ['price off the tick grid', { type: OrderType.LIMIT, qty: '0.1', px: '42000.005' }, 'INVALID_PRICE'],
    ['quantity off the lot', { qty: '0.000015' }, 'INVALID_QUANTITY'],
    ['quantity above the maximum', { type: OrderType.LIMIT, qty: '9001', px: '1.00' }, 'INVALID_QUANTITY'],
    ['notional below the minimum', { type: OrderType.LIMIT, qty: '0.0001', px: '42000.00' }, 'MIN_NOTIONAL'],
    ['a LIMIT without a price', { type: OrderType.LIMIT, qty: '0.1' }, 'INVALID_PRICE'],
    ['a zero quantity', { qty: '0' }, 'INVALID_QUANTITY'],
  ] as const)('rejects %s', (_name, args, code) => {
    const { venue, take } = setup();
    venue.submitOrder(order(args));
    expect(rejection(take()).reasonCode).toBe(code);
  });

  it('rejects a MARKET order below min notional at the current price', () => {
    const { venue, take } = setup();
    venue.processBookSnapshot(BTC_BOOK);
    venue.submitOrder(order({ qty: '0.0001' }));
    expect(rejection(take()).reason).toMatch(/notional 4.2\d* is below the minimum 5/);
  });

  it('rejects an unknown instrument with OTHER', () => {
    const { venue, take } = setup();
    venue.submitOrder({ ...order({ qty: '1' }), instrumentId: InstrumentId('NOPE.BINANCE') });
    const r = rejection(take());
    expect(r.reasonCode).toBe('OTHER');
    expect(r.reason).toContain('NOPE.BINANCE');
  });

  it('accepts what the rules would refuse when enforceRules is off', () => {
    const { venue, take } = setup({ enforceRules: false });
    venue.submitOrder(order({ type: OrderType.LIMIT, qty: '0.0001', px: '42000.00' }));
    expect(typesOf(take())).toEqual(['OrderAccepted']);
  });

  it('rejects a VN30F1M order outside the ±7 % band around the reference price', () => {
    const { venue, take } = setup();
    venue.setReferencePrice(VN30.id, Price.from('1250.0'));
    venue.submitOrder(order({ instrument: VN30, type: OrderType.LIMIT, qty: '1', px: '1337.6' }));
    const r = rejection(take());
    expect(r.reasonCode).toBe('PRICE_LIMIT');
    expect(r.reason).toContain('1162.5..1337.5');
    venue.submitOrder(order({ instrument: VN30, type: OrderType.LIMIT, qty: '1', px: '1337.5' }));
    expect(typesOf(take())).toEqual(['OrderAccepted']);
    venue.submitOrder(order({ instrument: VN30, type: OrderType.LIMIT, qty: '1', px: '1162.4' }));
    expect(rejection(take()).reasonCode).toBe('PRICE_LIMIT');
  });

  it('rejects VN30F1M orders at 12:00 Vietnam time (lunch break)', () => {
    const { venue, take } = setup({}, isoToNanos('2024-01-08T05:00:00Z'));
    venue.submitOrder(order({ instrument: VN30, type: OrderType.LIMIT, qty: '1', px: '1250.0' }));
    const r = rejection(take());
    expect(r.reasonCode).toBe('MARKET_CLOSED');
    expect(r.reason).toContain('outside its trading sessions');
  });

  it('rejects a MARKET order in ATO but takes a LIMIT', () => {
    const { venue, take } = setup({}, isoToNanos('2024-01-08T01:50:00Z'));
    venue.submitOrder(order({ instrument: VN30, qty: '1' }));
    const r = rejection(take());
    expect(r.reasonCode).toBe('MARKET_CLOSED');
    expect(r.reason).toContain('MARKET orders are not taken during ATO');
    venue.submitOrder(order({ instrument: VN30, type: OrderType.LIMIT, qty: '1', px: '1250.0' }));
    expect(typesOf(take())).toEqual(['OrderAccepted']);
  });

  it('rejects VN30F1M orders at the weekend unless sessions are not enforced', () => {
    const saturday = isoToNanos('2024-01-13T03:00:00Z');
    const strict = setup({}, saturday);
    strict.venue.submitOrder(order({ instrument: VN30, type: OrderType.LIMIT, qty: '1', px: '1250.0' }));
    expect(rejection(strict.take()).reasonCode).toBe('MARKET_CLOSED');
    const lax = setup({ rejectOutsideSession: false }, saturday);
    lax.venue.submitOrder(order({ instrument: VN30, type: OrderType.LIMIT, qty: '1', px: '1250.0' }));
    expect(typesOf(lax.take())).toEqual(['OrderAccepted']);
  });

  it('re-checks the rules on modify', () => {
    const { venue, take } = setup();
    venue.setReferencePrice(VN30.id, Price.from('1250.0'));
    const cmd = order({ instrument: VN30, type: OrderType.LIMIT, qty: '1', px: '1250.0' });
    venue.submitOrder(cmd);
    take();
    venue.modifyOrder(modify(cmd, { price: Price.from('1400.0') }));
    expect(take()[0]).toMatchObject({ type: 'OrderModifyRejected', reasonCode: 'PRICE_LIMIT' });
    venue.modifyOrder(modify(cmd, { quantity: Quantity.from('501') }));
    expect(take()[0]).toMatchObject({ type: 'OrderModifyRejected', reasonCode: 'INVALID_QUANTITY' });
  });
});

describe('modify, cancel and duplicates', () => {
  it('modifies a working order, and a LIMIT modified through the book fills', () => {
    const { venue, take } = setup();
    venue.processBookSnapshot(BTC_BOOK);
    const cmd = order({ id: 'MOD1', type: OrderType.LIMIT, qty: '0.2', px: '41000.00' });
    venue.submitOrder(cmd);
    take();
    venue.modifyOrder(modify(cmd, { quantity: Quantity.from('0.3') }));
    let ev = take();
    expect(ev).toHaveLength(1);
    expect(ev[0]).toMatchObject({ type: 'OrderModified', venueOrderId: 'SIM-BINANCE-1' });
    expect(venue.openOrders()[0]!.quantity.toString()).toBe('0.3');
    venue.modifyOrder(modify(cmd, { price: Price.from('42000.00') }));
    ev = take();
    expect(typesOf(ev)).toEqual(['OrderModified', 'OrderFilled']);
    expect(fillSummary(ev)).toEqual(['MOD1 BUY 0.30000@42000.00 TAKER']);
  });

  it('refuses a quantity below what is filled, and closes the order when cut to exactly the filled size', () => {
    const { venue, take } = setup();
    venue.processBookSnapshot(BTC_BOOK);
    const cmd = order({ id: 'MOD4', type: OrderType.LIMIT, qty: '1', px: '42000.00' });
    venue.submitOrder(cmd);
    take();
    venue.modifyOrder(modify(cmd, { quantity: Quantity.from('0.4') }));
    expect(take()[0]).toMatchObject({ type: 'OrderModifyRejected', reasonCode: 'INVALID_QUANTITY' });
    venue.modifyOrder(modify(cmd, { quantity: Quantity.from('0.5') }));
    expect(typesOf(take())).toEqual(['OrderModified']);
    expect(venue.openOrders()).toEqual([]);
  });

  it('rejects modifying an unknown or finished order with UNKNOWN_ORDER', () => {
    const { venue, take } = setup();
    venue.processBookSnapshot(BTC_BOOK);
    const cmd = order({ id: 'MOD2', qty: '0.1' });
    venue.submitOrder(cmd);
    take();
    venue.modifyOrder(modify(cmd, { quantity: Quantity.from('0.2') }));
    expect(take()[0]).toMatchObject({
      type: 'OrderModifyRejected',
      reasonCode: 'UNKNOWN_ORDER',
      clientOrderId: 'MOD2',
    });
  });

  it('refuses to change a trigger price once the stop has triggered', () => {
    const { venue, take } = setup();
    venue.processQuote(quote(BTC, '42010.00', '42020.00', '5', '5'));
    const cmd = order({
      id: 'MOD3',
      type: OrderType.STOP_LIMIT,
      side: OrderSide.SELL,
      qty: '1',
      trigger: '42000.00',
      px: '41995.00',
    });
    venue.submitOrder(cmd);
    venue.processQuote(quote(BTC, '41990.00', '42000.00', '5', '5'));
    take();
    venue.modifyOrder(modify(cmd, { triggerPrice: Price.from('41950.00') }));
    expect(take()[0]).toMatchObject({ type: 'OrderModifyRejected', reasonCode: 'ORDER_NOT_MODIFIABLE' });
  });

  it('cancels a working order and rejects cancelling an unknown one', () => {
    const { venue, take } = setup();
    const cmd = order({ id: 'C1', type: OrderType.LIMIT, qty: '0.1', px: '40000.00' });
    venue.submitOrder(cmd);
    take();
    venue.cancelOrder(cancel(cmd));
    expect(take()[0]).toMatchObject({
      type: 'OrderCanceled',
      clientOrderId: 'C1',
      venueOrderId: 'SIM-BINANCE-1',
    });
    venue.cancelOrder(cancel(cmd));
    expect(take()[0]).toMatchObject({ type: 'OrderCancelRejected', reasonCode: 'UNKNOWN_ORDER' });
  });

  it('cancels every working order in the scope of cancelAllOrders', () => {
    const { venue, take } = setup();
    venue.submitOrder(order({ id: 'A1', type: OrderType.LIMIT, qty: '0.1', px: '40000.00' }));
    venue.submitOrder(
      order({ id: 'A2', side: OrderSide.SELL, type: OrderType.LIMIT, qty: '0.1', px: '45000.00' }),
    );
    venue.submitOrder(
      order({ id: 'A3', account: 'SIM-002', type: OrderType.LIMIT, qty: '0.1', px: '40000.00' }),
    );
    venue.submitOrder(order({ id: 'A4', instrument: VN30, type: OrderType.LIMIT, qty: '1', px: '1250.0' }));
    take();
    const base = {
      type: 'CancelAllOrders' as const,
      commandId: 'ca',
      traderId: TraderId('QUBIT-001'),
      reason: 'test',
      tsInit: 0n,
    };
    venue.cancelAllOrders({
      ...base,
      accountId: AccountId('SIM-001'),
      instrumentId: BTC.id,
      side: OrderSide.BUY,
    });
    expect(take().map((e) => `${e.type} ${e.clientOrderId}`)).toEqual(['OrderCanceled A1']);
    venue.cancelAllOrders({ ...base, accountId: AccountId('SIM-001') });
    expect(take().map((e) => `${e.type} ${e.clientOrderId}`)).toEqual([
      'OrderCanceled A2',
      'OrderCanceled A4',
    ]);
    venue.cancelAllOrders(base);
    expect(take().map((e) => `${e.type} ${e.clientOrderId}`)).toEqual(['OrderCanceled A3']);
  });

  it('rejects a duplicate clientOrderId while the first is working, and takes it again once closed', () => {
    const { venue, take } = setup();
    const cmd = order({ id: 'DUP', type: OrderType.LIMIT, qty: '0.1', px: '40000.00' });
    venue.submitOrder(cmd);
    venue.submitOrder(cmd);
    expect(typesOf(take())).toEqual(['OrderAccepted', 'OrderRejected']);
    venue.cancelOrder(cancel(cmd));
    venue.submitOrder(cmd);
    expect(typesOf(take())).toEqual(['OrderCanceled', 'OrderAccepted']);
  });
});

describe('reports and queries', () => {
  it('copies the owner fields, takes event ids from the generator and stamps clock time', () => {
    const { venue, events } = setup();
    venue.processBookSnapshot(BTC_BOOK);
    const cmd = order({ id: 'OWN', qty: '0.1', bot: 'bot-7', account: 'SIM-009' });
    venue.submitOrder(cmd);
    for (const e of events) {
      expect(e).toMatchObject({
        traderId: cmd.traderId,
        accountId: cmd.accountId,
        botId: cmd.botId,
        strategyId: cmd.strategyId,
        instrumentId: cmd.instrumentId,
        clientOrderId: cmd.clientOrderId,
        tsEvent: T0,
        tsInit: T0,
      });
    }
    expect(events.map((e) => e.eventId)).toEqual(['ev-0', 'ev-1']);
  });

  it('reports net positions per instrument and every fill', () => {
    const { venue } = setup();
    venue.processBookSnapshot(BTC_BOOK);
    venue.processQuote(quote(VN30, '1250.0', '1250.1', '10', '10'));
    venue.submitOrder(order({ qty: '0.7' }));
    venue.submitOrder(order({ side: OrderSide.SELL, qty: '0.2' }));
    venue.submitOrder(order({ instrument: VN30, side: OrderSide.SELL, qty: '2' }));
    expect(
      venue.positions(AccountId('SIM-001')).map((p) => `${p.instrumentId} ${p.netQty.toString()}`),
    ).toEqual(['BTCUSDT.BINANCE 0.50000', 'VN30F1M.HNX -2']);
    expect(venue.fills()).toHaveLength(4);
    expect(venue.positions(AccountId('SIM-404'))).toEqual([]);
  });

  it('keeps no fills for fills() when keepFills is off, but still reports them', () => {
    const { venue, events } = setup({ keepFills: false });
    venue.processBookSnapshot(BTC_BOOK);
    venue.submitOrder(order({ qty: '0.1' }));
    expect(fillsOf(events)).toHaveLength(1);
    expect(venue.fills()).toEqual([]);
  });

  it('lets the sink send a new order from inside a fill without corrupting the match', () => {
    const clock = new TestClock(T0);
    const venue = new SimulatedVenue({
      venue: 'BINANCE',
      clock,
      ids: new IdGenerator('ev'),
      instruments: (id) => INSTRUMENTS.get(id),
    });
    const seen: string[] = [];
    venue.connect((e) => {
      seen.push(`${e.type} ${e.clientOrderId}`);
      if (e.type === 'OrderFilled' && e.clientOrderId === 'FIRST')
        venue.submitOrder(order({ id: 'SECOND', qty: '0.1' }));
    });
    venue.processBookSnapshot(BTC_BOOK);
    venue.submitOrder(order({ id: 'FIRST', qty: '0.1' }));
    expect(seen).toEqual([
      'OrderAccepted FIRST',
      'OrderFilled FIRST',
      'OrderAccepted SECOND',
      'OrderFilled SECOND',
    ]);
  });
});

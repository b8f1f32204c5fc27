import fc from 'fast-check';
import {
  AccountId,
  AggressorSide,
  BTCUSDT_BINANCE,
  BarAggregation,
  BotId,
  ClientOrderId,
  Decimal,
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
  type OrderEvent,
  type OrderInitialized,
  type SubmitOrder,
} from '@qubit/model';
import { describe, expect, it } from 'vitest';
import { TestClock } from '../clock/test-clock.js';
import { IdGenerator } from '../ids/id-generator.js';
import { Order } from '../orders/order.js';
import { SimulatedVenue } from './simulated-venue.js';

const BTC = instrumentFromSpec(BTCUSDT_BINANCE);
const BARS = makeBarType(BTC.id, 1, BarAggregation.MINUTE, PriceType.LAST);
const ACCOUNT = AccountId('SIM-001');

type Step =
  | {
      kind: 'submit';
      side: OrderSide;
      type: OrderType;
      tif: TimeInForce;
      lots: number;
      offset: number;
      triggerOffset: number;
      reduceOnly: boolean;
      postOnly: boolean;
    }
  | { kind: 'cancel'; pick: number }
  | { kind: 'modify'; pick: number; lots: number; offset: number }
  | { kind: 'data'; move: number; up: number; down: number; size: number; spread: number };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('submit' as const),
      side: fc.constantFrom(OrderSide.BUY, OrderSide.SELL),
      type: fc.constantFrom(OrderType.MARKET, OrderType.LIMIT, OrderType.STOP_MARKET, OrderType.STOP_LIMIT),
      tif: fc.constantFrom(TimeInForce.GTC, TimeInForce.GTC, TimeInForce.IOC, TimeInForce.FOK),
      lots: fc.integer({ min: 1, max: 5 }),
      offset: fc.integer({ min: -6, max: 6 }),
      triggerOffset: fc.integer({ min: -6, max: 6 }),
      reduceOnly: fc.constantFrom(false, false, false, true),
      postOnly: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('modify' as const),
      pick: fc.nat(),
      lots: fc.integer({ min: 1, max: 6 }),
      offset: fc.integer({ min: -6, max: 6 }),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('data' as const),
      move: fc.integer({ min: -4, max: 4 }),
      up: fc.integer({ min: 0, max: 4 }),
      down: fc.integer({ min: 0, max: 4 }),
      size: fc.integer({ min: 1, max: 8 }),
      spread: fc.integer({ min: 1, max: 3 }),
    }),
  },
);

const LOT = Decimal.parse('0.001');
const px = (units: number): Price => Price.from(`${units}.00`);
const qty = (lots: number): Quantity => Quantity.from(LOT.mulInt(lots).toString());

/** Runs a random session against one data kind and returns everything needed to check it. */
function run(driver: 'bars' | 'trades' | 'quotes' | 'book', steps: Step[]) {
  const clock = new TestClock(1_000n);
  const venue = new SimulatedVenue({
    venue: 'BINANCE',
    clock,
    ids: new IdGenerator('p'),
    instruments: (id) => (id === BTC.id ? BTC : undefined),
  });
  const events: OrderEvent[] = [];
  const problems: string[] = [];
  let position = 0n;
  let range: [number, number] = [0, 0];
  const submitted: SubmitOrder[] = [];
  venue.connect((e) => {
    events.push(e);
    if (e.type !== 'OrderFilled') return;
    const signed = (e.side === OrderSide.BUY ? 1n : -1n) * e.lastQty.units;
    const cmd = submitted.find((c) => c.clientOrderId === e.clientOrderId);
    if (cmd?.reduceOnly) {
      const after = position + signed;
      if (
        position === 0n ||
        (position > 0n ? after < 0n : after > 0n) ||
        (after < 0n ? -after : after) >= (position < 0n ? -position : position)
      ) {
        problems.push(`reduce-only ${e.clientOrderId} moved the position from ${position} to ${after}`);
      }
    }
    position += signed;
    if (driver === 'bars') {
      const p = e.lastPx.toNumber();
      if (p < range[0] || p > range[1]) problems.push(`bar fill at ${p} outside ${range[0]}..${range[1]}`);
    }
  });

  let mid = 42_000;
  let n = 0;
  for (const s of steps) {
    clock.advanceTo(clock.now() + 1_000n);
    if (s.kind === 'submit') {
      const cmd: SubmitOrder = {
        type: 'SubmitOrder',
        commandId: `c${n}`,
        traderId: TraderId('QUBIT-001'),
        accountId: ACCOUNT,
        botId: BotId('bot'),
        strategyId: StrategyId('prop'),
        instrumentId: BTC.id,
        clientOrderId: ClientOrderId(`P${n++}`),
        side: s.side,
        orderType: s.type,
        quantity: qty(s.lots),
        price: s.type === OrderType.LIMIT || s.type === OrderType.STOP_LIMIT ? px(mid + s.offset) : undefined,
        triggerPrice:
          s.type === OrderType.STOP_MARKET || s.type === OrderType.STOP_LIMIT
            ? px(mid + s.triggerOffset)
            : undefined,
        timeInForce: s.tif,
        postOnly: s.postOnly && s.type === OrderType.LIMIT,
        reduceOnly: s.reduceOnly,
        reason: 'prop',
        tsInit: clock.now(),
      };
      submitted.push(cmd);
      venue.submitOrder(cmd);
    } else if (s.kind === 'cancel' || s.kind === 'modify') {
      // Like the ExecutionEngine, only orders still working get a cancel or a modify.
      const working = venue.openOrders();
      const picked = working[s.pick % Math.max(1, working.length)];
      const target = submitted.find((c) => c.clientOrderId === picked?.clientOrderId);
      if (!target) continue;
      const owner = {
        traderId: target.traderId,
        accountId: target.accountId,
        botId: target.botId,
        strategyId: target.strategyId,
        instrumentId: target.instrumentId,
        clientOrderId: target.clientOrderId,
        tsInit: clock.now(),
      };
      if (s.kind === 'cancel') venue.cancelOrder({ ...owner, type: 'CancelOrder', commandId: `x${n}` });
      else {
        const limited = target.orderType === OrderType.LIMIT || target.orderType === OrderType.STOP_LIMIT;
        venue.modifyOrder({
          ...owner,
          type: 'ModifyOrder',
          commandId: `m${n}`,
          quantity: qty(s.lots),
          price: limited ? px(mid + s.offset) : undefined,
        });
      }
    } else {
      const open = mid;
      mid = Math.max(100, mid + s.move);
      const high = Math.max(open, mid) + s.up;
      const low = Math.min(open, mid) - s.down;
      const size = qty(s.size);
      if (driver === 'bars') {
        range = [low, high];
        venue.processBar({
          type: 'Bar',
          barType: BARS,
          open: px(open),
          high: px(high),
          low: px(low),
          close: px(mid),
          volume: Quantity.from('10'),
          tsEvent: clock.now(),
          tsInit: clock.now(),
        });
      } else if (driver === 'trades') {
        venue.processTrade({
          type: 'TradeTick',
          instrumentId: BTC.id,
          price: px(mid),
          size,
          aggressorSide: AggressorSide.NO_AGGRESSOR,
          tradeId: TradeId(`t${n}`),
          tsEvent: clock.now(),
          tsInit: clock.now(),
        });
      } else if (driver === 'quotes') {
        venue.processQuote({
          type: 'QuoteTick',
          instrumentId: BTC.id,
          bidPrice: px(mid - s.spread),
          askPrice: px(mid),
          bidSize: size,
          askSize: qty(s.size + s.up),
          tsEvent: clock.now(),
          tsInit: clock.now(),
        });
      } else {
        venue.processBookSnapshot({
          type: 'OrderBookSnapshot',
          instrumentId: BTC.id,
          bids: [0, 1, 2].map((i) => ({ price: px(mid - s.spread - i), size: qty(s.size + i) })),
          asks: [0, 1, 2].map((i) => ({ price: px(mid + i), size: qty(s.size + s.up + i) })),
          sequence: n,
          tsEvent: clock.now(),
          tsInit: clock.now(),
        });
      }
    }
  }
  return { venue, events, submitted, problems, position };
}

function checkRun(result: ReturnType<typeof run>): void {
  const { venue, events, submitted, problems, position } = result;
  expect(problems).toEqual([]);
  const open = new Map(venue.openOrders().map((o) => [o.clientOrderId as string, o]));
  for (const cmd of submitted) {
    const init: OrderInitialized = {
      ...cmd,
      type: 'OrderInitialized',
      eventId: `i-${cmd.clientOrderId}`,
      tsEvent: cmd.tsInit,
    };
    const order = new Order(init);
    expect(order.apply({ ...init, type: 'OrderSubmitted', eventId: `s-${cmd.clientOrderId}` }).kind).toBe(
      'applied',
    );
    const mine = events.filter((e) => e.clientOrderId === cmd.clientOrderId);
    for (const e of mine) {
      const r = order.apply(e);
      // Every venue report is a legal transition of the ExecutionEngine's order state machine.
      expect(r, `${e.type} on ${cmd.clientOrderId} (${order.status})`).toEqual({ kind: 'applied' });
    }
    const report = open.get(cmd.clientOrderId);
    expect(order.isOpen, `${cmd.clientOrderId} open at the venue`).toBe(report !== undefined);
    if (report) expect(report.filledQty.eq(order.filledQty)).toBe(true);
    if (cmd.timeInForce === TimeInForce.FOK) {
      expect(order.filledQty.isZero() || order.filledQty.eq(order.quantity)).toBe(true);
    }
  }
  const reported = venue.positions(ACCOUNT)[0]?.netQty.rescale(BTC.sizePrecision).units ?? 0n;
  expect(reported).toBe(position);
  expect(venue.fills().length).toBe(events.filter((e) => e.type === 'OrderFilled').length);
}

describe('SimulatedVenue invariants', () => {
  for (const driver of ['bars', 'trades', 'quotes', 'book'] as const) {
    it(`keeps every order lifecycle legal, fills within quantity and positions equal to fills (${driver})`, () => {
      fc.assert(
        fc.property(fc.array(stepArb, { minLength: 1, maxLength: 80, size: 'max' }), (steps) => {
          checkRun(run(driver, steps));
        }),
        { numRuns: 150 },
      );
    });
  }
});

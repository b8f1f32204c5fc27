import {
  AccountId,
  BotId,
  ClientOrderId,
  Currencies,
  Decimal,
  DenyReason,
  InstrumentId,
  LiquiditySide,
  Money,
  OrderSide,
  OrderStatus,
  OrderType,
  Price,
  Quantity,
  RejectReason,
  StrategyId,
  TimeInForce,
  TradeId,
  TraderId,
  VenueOrderId,
  type OrderEvent,
  type OrderEventBase,
  type OrderEventType,
  type OrderFilled,
  type OrderInitialized,
} from '@qubit/model';
import { describe, expect, it } from 'vitest';
import { Order } from './order.js';

const COID = ClientOrderId('O-1');
let nextEvent = 0;

function base(ts = 2n): OrderEventBase {
  return {
    eventId: `e-${nextEvent++}`,
    tsEvent: ts,
    tsInit: ts,
    traderId: TraderId('QUBIT-001'),
    accountId: AccountId('SIM-001'),
    botId: BotId('bot-1'),
    strategyId: StrategyId('sma-cross'),
    instrumentId: InstrumentId('BTCUSDT.SIM'),
    clientOrderId: COID,
  };
}

function init(overrides: Partial<OrderInitialized> = {}): OrderInitialized {
  return {
    ...base(1n),
    type: 'OrderInitialized',
    side: OrderSide.BUY,
    orderType: OrderType.LIMIT,
    quantity: Quantity.from('1.000'),
    price: Price.from('100.00'),
    timeInForce: TimeInForce.GTC,
    postOnly: false,
    reduceOnly: false,
    reason: 'entry',
    ...overrides,
  };
}

const ev = {
  denied: (): OrderEvent => ({
    ...base(),
    type: 'OrderDenied',
    reasonCode: DenyReason.MAX_POSITION,
    reason: 'too big',
    stage: 2,
  }),
  submitted: (): OrderEvent => ({ ...base(), type: 'OrderSubmitted' }),
  accepted: (venueOrderId = 'V-1'): OrderEvent => ({
    ...base(),
    type: 'OrderAccepted',
    venueOrderId: VenueOrderId(venueOrderId),
  }),
  rejected: (): OrderEvent => ({
    ...base(),
    type: 'OrderRejected',
    reasonCode: RejectReason.INSUFFICIENT_BALANCE,
    reason: 'no funds',
  }),
  modified: (quantity = '2.000', price?: string): OrderEvent => ({
    ...base(),
    type: 'OrderModified',
    quantity: Quantity.from(quantity),
    price: price === undefined ? undefined : Price.from(price),
  }),
  modifyRejected: (): OrderEvent => ({
    ...base(),
    type: 'OrderModifyRejected',
    reasonCode: RejectReason.ORDER_NOT_MODIFIABLE,
    reason: 'no',
  }),
  canceled: (): OrderEvent => ({ ...base(), type: 'OrderCanceled' }),
  cancelRejected: (): OrderEvent => ({
    ...base(),
    type: 'OrderCancelRejected',
    reasonCode: RejectReason.UNKNOWN_ORDER,
    reason: 'gone',
  }),
  expired: (): OrderEvent => ({ ...base(), type: 'OrderExpired' }),
  triggered: (): OrderEvent => ({ ...base(), type: 'OrderTriggered' }),
  filled: (tradeId: string, qty = '1.000', px = '100.00'): OrderFilled => ({
    ...base(),
    type: 'OrderFilled',
    venueOrderId: VenueOrderId('V-1'),
    tradeId: TradeId(tradeId),
    side: OrderSide.BUY,
    orderType: OrderType.LIMIT,
    lastQty: Quantity.from(qty),
    lastPx: Price.from(px),
    fee: Money.of('0.01', Currencies.USDT),
    liquiditySide: LiquiditySide.MAKER,
  }),
};

function must(order: Order, event: OrderEvent): void {
  const r = order.apply(event);
  if (r.kind !== 'applied')
    throw new Error(`setup: ${event.type} on ${order.status} gave ${JSON.stringify(r)}`);
}

/** Builds an order that has reached `status` through legal steps only. */
function orderIn(status: OrderStatus): Order {
  const o = new Order(init());
  const accepted = (): void => {
    must(o, ev.submitted());
    must(o, ev.accepted());
  };
  switch (status) {
    case OrderStatus.INITIALIZED:
      break;
    case OrderStatus.DENIED:
      must(o, ev.denied());
      break;
    case OrderStatus.SUBMITTED:
      must(o, ev.submitted());
      break;
    case OrderStatus.ACCEPTED:
      accepted();
      break;
    case OrderStatus.REJECTED:
      must(o, ev.submitted());
      must(o, ev.rejected());
      break;
    case OrderStatus.TRIGGERED:
      accepted();
      must(o, ev.triggered());
      break;
    case OrderStatus.PENDING_UPDATE:
      accepted();
      o.markPendingUpdate();
      break;
    case OrderStatus.PENDING_CANCEL:
      accepted();
      o.markPendingCancel();
      break;
    case OrderStatus.PARTIALLY_FILLED:
      accepted();
      must(o, ev.filled('T-setup', '0.400'));
      break;
    case OrderStatus.FILLED:
      accepted();
      must(o, ev.filled('T-setup', '1.000'));
      break;
    case OrderStatus.CANCELED:
      accepted();
      must(o, ev.canceled());
      break;
    case OrderStatus.EXPIRED:
      accepted();
      must(o, ev.expired());
      break;
  }
  expect(o.status).toBe(status);
  return o;
}

const MAKERS: Record<Exclude<OrderEventType, 'OrderInitialized'>, () => OrderEvent> = {
  OrderDenied: ev.denied,
  OrderSubmitted: ev.submitted,
  OrderAccepted: () => ev.accepted('V-2'),
  OrderRejected: ev.rejected,
  OrderModified: () => ev.modified('2.000'),
  OrderModifyRejected: ev.modifyRejected,
  OrderCanceled: ev.canceled,
  OrderCancelRejected: ev.cancelRejected,
  OrderExpired: ev.expired,
  OrderTriggered: ev.triggered,
  OrderFilled: () => ev.filled('T-new', '0.100'),
};

/** Every legal (status, event) pair and the status it leads to. */
const LEGAL: ReadonlyArray<readonly [OrderStatus, keyof typeof MAKERS, OrderStatus]> = [
  [OrderStatus.INITIALIZED, 'OrderDenied', OrderStatus.DENIED],
  [OrderStatus.INITIALIZED, 'OrderSubmitted', OrderStatus.SUBMITTED],
  [OrderStatus.INITIALIZED, 'OrderRejected', OrderStatus.REJECTED],
  [OrderStatus.SUBMITTED, 'OrderAccepted', OrderStatus.ACCEPTED],
  [OrderStatus.SUBMITTED, 'OrderRejected', OrderStatus.REJECTED],
  [OrderStatus.SUBMITTED, 'OrderCanceled', OrderStatus.CANCELED],
  [OrderStatus.SUBMITTED, 'OrderExpired', OrderStatus.EXPIRED],
  [OrderStatus.SUBMITTED, 'OrderTriggered', OrderStatus.TRIGGERED],
  [OrderStatus.SUBMITTED, 'OrderFilled', OrderStatus.PARTIALLY_FILLED],
  [OrderStatus.ACCEPTED, 'OrderModified', OrderStatus.ACCEPTED],
  [OrderStatus.ACCEPTED, 'OrderModifyRejected', OrderStatus.ACCEPTED],
  [OrderStatus.ACCEPTED, 'OrderCancelRejected', OrderStatus.ACCEPTED],
  [OrderStatus.ACCEPTED, 'OrderCanceled', OrderStatus.CANCELED],
  [OrderStatus.ACCEPTED, 'OrderExpired', OrderStatus.EXPIRED],
  [OrderStatus.ACCEPTED, 'OrderTriggered', OrderStatus.TRIGGERED],
  [OrderStatus.ACCEPTED, 'OrderFilled', OrderStatus.PARTIALLY_FILLED],
  [OrderStatus.TRIGGERED, 'OrderModified', OrderStatus.TRIGGERED],
  [OrderStatus.TRIGGERED, 'OrderModifyRejected', OrderStatus.TRIGGERED],
  [OrderStatus.TRIGGERED, 'OrderCancelRejected', OrderStatus.TRIGGERED],
  [OrderStatus.TRIGGERED, 'OrderCanceled', OrderStatus.CANCELED],
  [OrderStatus.TRIGGERED, 'OrderExpired', OrderStatus.EXPIRED],
  [OrderStatus.TRIGGERED, 'OrderFilled', OrderStatus.PARTIALLY_FILLED],
  [OrderStatus.PARTIALLY_FILLED, 'OrderModified', OrderStatus.PARTIALLY_FILLED],
  [OrderStatus.PARTIALLY_FILLED, 'OrderModifyRejected', OrderStatus.PARTIALLY_FILLED],
  [OrderStatus.PARTIALLY_FILLED, 'OrderCancelRejected', OrderStatus.PARTIALLY_FILLED],
  [OrderStatus.PARTIALLY_FILLED, 'OrderCanceled', OrderStatus.CANCELED],
  [OrderStatus.PARTIALLY_FILLED, 'OrderExpired', OrderStatus.EXPIRED],
  [OrderStatus.PARTIALLY_FILLED, 'OrderFilled', OrderStatus.PARTIALLY_FILLED],
  [OrderStatus.PENDING_UPDATE, 'OrderModified', OrderStatus.ACCEPTED],
  [OrderStatus.PENDING_UPDATE, 'OrderModifyRejected', OrderStatus.ACCEPTED],
  [OrderStatus.PENDING_UPDATE, 'OrderCanceled', OrderStatus.CANCELED],
  [OrderStatus.PENDING_UPDATE, 'OrderExpired', OrderStatus.EXPIRED],
  [OrderStatus.PENDING_UPDATE, 'OrderTriggered', OrderStatus.PENDING_UPDATE],
  [OrderStatus.PENDING_UPDATE, 'OrderFilled', OrderStatus.PENDING_UPDATE],
  [OrderStatus.PENDING_UPDATE, 'OrderAccepted', OrderStatus.PENDING_UPDATE],
  [OrderStatus.PENDING_CANCEL, 'OrderCanceled', OrderStatus.CANCELED],
  [OrderStatus.PENDING_CANCEL, 'OrderCancelRejected', OrderStatus.ACCEPTED],
  [OrderStatus.PENDING_CANCEL, 'OrderExpired', OrderStatus.EXPIRED],
  [OrderStatus.PENDING_CANCEL, 'OrderFilled', OrderStatus.PENDING_CANCEL],
  [OrderStatus.PENDING_CANCEL, 'OrderAccepted', OrderStatus.PENDING_CANCEL],
  // A modify or a trigger sent or happening before the cancel may still be reported: applied, cancel stays pending.
  [OrderStatus.PENDING_CANCEL, 'OrderModified', OrderStatus.PENDING_CANCEL],
  [OrderStatus.PENDING_CANCEL, 'OrderTriggered', OrderStatus.PENDING_CANCEL],
];

const ALL_STATUSES = Object.values(OrderStatus);
const ALL_EVENTS = Object.keys(MAKERS) as (keyof typeof MAKERS)[];
const ILLEGAL = ALL_STATUSES.flatMap((status) =>
  ALL_EVENTS.filter((type) => !LEGAL.some(([s, t]) => s === status && t === type))
    // ModifyRejected while a cancel is pending is legal (a modify sent before the cancel may still be answered).
    .filter((type) => !(status === OrderStatus.PENDING_CANCEL && type === 'OrderModifyRejected'))
    .map((type) => [status, type] as const),
);

describe('Order', () => {
  it('starts INITIALIZED with the terms of OrderInitialized and nothing filled', () => {
    const o = new Order(init({ reduceOnly: true, reason: 'take_profit' }));
    expect(o.status).toBe(OrderStatus.INITIALIZED);
    expect(o.quantity.toString()).toBe('1.000');
    expect(o.filledQty.toString()).toBe('0.000');
    expect(o.leavesQty.toString()).toBe('1.000');
    expect(o.reduceOnly).toBe(true);
    expect(o.reason).toBe('take_profit');
    expect(o.avgPx()).toBeUndefined();
    expect(o.events.map((e) => e.type)).toEqual(['OrderInitialized']);
    expect(o.isOpen).toBe(false);
    expect(o.isClosed).toBe(false);
  });

  describe.each(LEGAL)('from %s, %s', (from, type, to) => {
    it(`is applied and leads to ${to}`, () => {
      const o = orderIn(from);
      const event = MAKERS[type]();
      expect(o.apply(event)).toEqual({ kind: 'applied' });
      expect(o.status).toBe(to);
      expect(o.events.at(-1)).toBe(event);
      expect(o.tsLast).toBe(event.tsEvent);
    });
  });

  describe.each(ILLEGAL)('from %s, %s', (from, type) => {
    it('is refused as illegal and changes nothing', () => {
      const o = orderIn(from);
      const before = {
        status: o.status,
        events: o.events.length,
        filled: o.filledQty.toString(),
        qty: o.quantity.toString(),
      };
      const r = o.apply(MAKERS[type]());
      expect(r.kind).toBe('illegal');
      expect(r.kind === 'illegal' && r.reason).toContain(type);
      expect({
        status: o.status,
        events: o.events.length,
        filled: o.filledQty.toString(),
        qty: o.quantity.toString(),
      }).toEqual(before);
    });
  });

  it('refuses OrderInitialized once the order exists', () => {
    const o = new Order(init());
    expect(o.apply(init()).kind).toBe('illegal');
    expect(o.events).toHaveLength(1);
  });

  it('refuses an event of another order', () => {
    const o = orderIn(OrderStatus.SUBMITTED);
    const r = o.apply({ ...ev.accepted(), clientOrderId: ClientOrderId('O-2') });
    expect(r.kind).toBe('illegal');
    expect(o.status).toBe(OrderStatus.SUBMITTED);
    expect(o.venueOrderId).toBeUndefined();
  });

  it('keeps the venue order id from OrderAccepted', () => {
    const o = orderIn(OrderStatus.SUBMITTED);
    o.apply(ev.accepted('V-77'));
    expect(o.venueOrderId).toBe('V-77');
  });

  describe('fills', () => {
    it('adds partial fills up to FILLED and keeps leaves quantity exact', () => {
      const o = orderIn(OrderStatus.ACCEPTED);
      o.apply(ev.filled('T-1', '0.300'));
      expect(o.status).toBe(OrderStatus.PARTIALLY_FILLED);
      o.apply(ev.filled('T-2', '0.300'));
      expect(o.filledQty.toString()).toBe('0.600');
      expect(o.leavesQty.toString()).toBe('0.400');
      expect(o.isOpen).toBe(true);
      o.apply(ev.filled('T-3', '0.400'));
      expect(o.status).toBe(OrderStatus.FILLED);
      expect(o.filledQty.toString()).toBe('1.000');
      expect(o.leavesQty.isZero()).toBe(true);
      expect(o.isClosed).toBe(true);
      expect(o.isOpen).toBe(false);
    });

    it('fills completely in one go from SUBMITTED and takes the venue order id from the fill', () => {
      const o = orderIn(OrderStatus.SUBMITTED);
      expect(o.apply(ev.filled('T-1', '1.000'))).toEqual({ kind: 'applied' });
      expect(o.status).toBe(OrderStatus.FILLED);
      expect(o.venueOrderId).toBe('V-1');
    });

    it('counts a trade id once: the same fill again is a duplicate and changes nothing', () => {
      const o = orderIn(OrderStatus.ACCEPTED);
      o.apply(ev.filled('T-1', '0.500'));
      expect(o.apply(ev.filled('T-1', '0.500'))).toEqual({ kind: 'duplicate' });
      expect(o.filledQty.toString()).toBe('0.500');
      expect(o.hasTrade(TradeId('T-1'))).toBe(true);
      expect(o.events.filter((e) => e.type === 'OrderFilled')).toHaveLength(1);
    });

    it('recognises a repeated fill as a duplicate even after the order is FILLED', () => {
      const o = orderIn(OrderStatus.ACCEPTED);
      o.apply(ev.filled('T-1', '1.000'));
      expect(o.apply(ev.filled('T-1', '1.000'))).toEqual({ kind: 'duplicate' });
    });

    it('refuses an overfill and changes nothing', () => {
      const o = orderIn(OrderStatus.ACCEPTED);
      o.apply(ev.filled('T-1', '0.600'));
      const r = o.apply(ev.filled('T-2', '0.500'));
      expect(r.kind).toBe('illegal');
      expect(r.kind === 'illegal' && r.reason).toContain('above quantity');
      expect(o.filledQty.toString()).toBe('0.600');
      expect(o.status).toBe(OrderStatus.PARTIALLY_FILLED);
      expect(o.hasTrade(TradeId('T-2'))).toBe(false);
      expect(o.fillCost.toString()).toBe('60.00000');
    });

    it('computes the average price exactly from the sum of price × quantity', () => {
      const o = orderIn(OrderStatus.ACCEPTED);
      o.apply(ev.filled('T-1', '0.300', '100.01'));
      o.apply(ev.filled('T-2', '0.700', '100.02'));
      // 0.3 × 100.01 + 0.7 × 100.02 = 30.003 + 70.014 = 100.017
      expect(o.fillCost.eq(Decimal.parse('100.017'))).toBe(true);
      expect(o.avgPx()?.eq(Decimal.parse('100.017'))).toBe(true);
    });

    it('rounds a non-terminating average price half-even at the scale asked for', () => {
      const o = orderIn(OrderStatus.ACCEPTED);
      o.apply(ev.filled('T-1', '0.100', '100.00'));
      o.apply(ev.filled('T-2', '0.200', '100.01'));
      // (10.000 + 20.002) / 0.3 = 100.00666…
      expect(o.avgPx(4)?.toString()).toBe('100.0067');
      expect(o.avgPx(2)?.toString()).toBe('100.01');
    });

    it('never drifts over many small fills', () => {
      const o = new Order(init({ quantity: Quantity.from('1000.000') }));
      must(o, ev.submitted());
      must(o, ev.accepted());
      for (let i = 0; i < 1000; i++) must(o, ev.filled(`T-${i}`, '1.000', i % 2 === 0 ? '0.10' : '0.20'));
      expect(o.status).toBe(OrderStatus.FILLED);
      expect(o.fillCost.eq(Decimal.parse('150'))).toBe(true);
      expect(o.avgPx()?.eq(Decimal.parse('0.15'))).toBe(true);
    });
  });

  describe('pending update and cancel', () => {
    it('goes ACCEPTED → PENDING_UPDATE → ACCEPTED with the new terms on OrderModified', () => {
      const o = orderIn(OrderStatus.ACCEPTED);
      expect(o.markPendingUpdate()).toEqual({ kind: 'applied' });
      expect(o.status).toBe(OrderStatus.PENDING_UPDATE);
      expect(o.isInFlight).toBe(true);
      o.apply(ev.modified('3.000', '99.50'));
      expect(o.status).toBe(OrderStatus.ACCEPTED);
      expect(o.quantity.toString()).toBe('3.000');
      expect(o.price?.toString()).toBe('99.50');
      expect(o.isInFlight).toBe(false);
    });

    it('returns to PARTIALLY_FILLED when a modify of a partly filled order is rejected', () => {
      const o = orderIn(OrderStatus.PARTIALLY_FILLED);
      o.markPendingUpdate();
      o.apply(ev.modifyRejected());
      expect(o.status).toBe(OrderStatus.PARTIALLY_FILLED);
      expect(o.quantity.toString()).toBe('1.000');
    });

    it('keeps a pending cancel when a modify sent earlier is rejected', () => {
      const o = orderIn(OrderStatus.ACCEPTED);
      o.markPendingCancel();
      o.apply(ev.modifyRejected());
      expect(o.status).toBe(OrderStatus.PENDING_CANCEL);
      o.apply(ev.canceled());
      expect(o.status).toBe(OrderStatus.CANCELED);
    });

    it('refuses a fill finer than the order quantity precision', () => {
      const o = orderIn(OrderStatus.ACCEPTED);
      const r = o.apply(ev.filled('T-9', '0.0004'));
      expect(r.kind).toBe('illegal');
      expect(o.filledQty.toString()).toBe('0.000');
      expect(o.fillCost.isZero()).toBe(true);
    });

    it('goes ACCEPTED → PENDING_CANCEL → ACCEPTED when the cancel is rejected', () => {
      const o = orderIn(OrderStatus.ACCEPTED);
      expect(o.markPendingCancel()).toEqual({ kind: 'applied' });
      expect(o.status).toBe(OrderStatus.PENDING_CANCEL);
      o.apply(ev.cancelRejected());
      expect(o.status).toBe(OrderStatus.ACCEPTED);
    });

    it('goes PENDING_CANCEL → CANCELED and keeps the fills that came first', () => {
      const o = orderIn(OrderStatus.ACCEPTED);
      o.markPendingCancel();
      o.apply(ev.filled('T-1', '0.250'));
      expect(o.status).toBe(OrderStatus.PENDING_CANCEL);
      o.apply(ev.canceled());
      expect(o.status).toBe(OrderStatus.CANCELED);
      expect(o.filledQty.toString()).toBe('0.250');
    });

    it('returns to PARTIALLY_FILLED when a fill came while the cancel was pending and the cancel is rejected', () => {
      const o = orderIn(OrderStatus.ACCEPTED);
      o.markPendingCancel();
      o.apply(ev.filled('T-1', '0.250'));
      o.apply(ev.cancelRejected());
      expect(o.status).toBe(OrderStatus.PARTIALLY_FILLED);
    });

    it('becomes FILLED when the last fill arrives while a cancel is pending', () => {
      const o = orderIn(OrderStatus.ACCEPTED);
      o.markPendingCancel();
      o.apply(ev.filled('T-1', '1.000'));
      expect(o.status).toBe(OrderStatus.FILLED);
    });

    it('moves a late ack under PENDING_UPDATE so a rejected modify returns to ACCEPTED, not SUBMITTED', () => {
      const o = orderIn(OrderStatus.SUBMITTED);
      o.markPendingUpdate();
      o.apply(ev.accepted('V-9'));
      expect(o.status).toBe(OrderStatus.PENDING_UPDATE);
      expect(o.venueOrderId).toBe('V-9');
      o.apply(ev.modifyRejected());
      expect(o.status).toBe(OrderStatus.ACCEPTED);
    });

    it('remembers a trigger under PENDING_UPDATE', () => {
      const o = orderIn(OrderStatus.ACCEPTED);
      o.markPendingUpdate();
      o.apply(ev.triggered());
      expect(o.triggered).toBe(true);
      o.apply(ev.modifyRejected());
      expect(o.status).toBe(OrderStatus.TRIGGERED);
    });

    it('becomes FILLED when a modify lowers the quantity to what is already filled', () => {
      const o = orderIn(OrderStatus.PARTIALLY_FILLED);
      o.markPendingUpdate();
      o.apply(ev.modified('0.400'));
      expect(o.status).toBe(OrderStatus.FILLED);
    });

    it('refuses a modify below the filled quantity', () => {
      const o = orderIn(OrderStatus.PARTIALLY_FILLED);
      o.markPendingUpdate();
      const r = o.apply(ev.modified('0.300'));
      expect(r.kind).toBe('illegal');
      expect(o.quantity.toString()).toBe('1.000');
      expect(o.status).toBe(OrderStatus.PENDING_UPDATE);
    });

    it.each([
      OrderStatus.INITIALIZED,
      OrderStatus.DENIED,
      OrderStatus.REJECTED,
      OrderStatus.FILLED,
      OrderStatus.CANCELED,
      OrderStatus.EXPIRED,
    ])('cannot be marked pending when %s', (status) => {
      const o = orderIn(status);
      expect(o.markPendingCancel().kind).toBe('illegal');
      expect(o.markPendingUpdate().kind).toBe('illegal');
      expect(o.status).toBe(status);
    });

    it('accepts the answer to a modify that was sent before a cancel', () => {
      const o = orderIn(OrderStatus.ACCEPTED);
      o.markPendingUpdate();
      o.markPendingCancel();
      expect(o.apply(ev.modifyRejected())).toEqual({ kind: 'applied' });
      expect(o.isOpen).toBe(true);
    });

    it('can be marked pending cancel while only SUBMITTED', () => {
      const o = orderIn(OrderStatus.SUBMITTED);
      expect(o.markPendingCancel()).toEqual({ kind: 'applied' });
      o.apply(ev.cancelRejected());
      expect(o.status).toBe(OrderStatus.SUBMITTED);
    });
  });
});

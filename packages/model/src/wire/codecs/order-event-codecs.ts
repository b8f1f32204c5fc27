import { DenyReasonValues } from '../../enums/deny-reason.js';
import { LiquiditySideValues } from '../../enums/liquidity-side.js';
import { RejectReasonValues } from '../../enums/reject-reason.js';
import type {
  OrderAccepted,
  OrderCanceled,
  OrderCancelRejected,
  OrderDenied,
  OrderExpired,
  OrderFilled,
  OrderInitialized,
  OrderModified,
  OrderModifyRejected,
  OrderRejected,
  OrderSubmitted,
  OrderTriggered,
} from '../../events/order-events.js';
import { PositionId } from '../../identifiers/position-id.js';
import { TradeId } from '../../identifiers/trade-id.js';
import type { WireCodec } from '../codec.js';
import { Fields, encodeMoney, enumOf, ident, money, optional, str, type Mutable } from '../schema.js';
import {
  encodeEventBase,
  encodeTerms,
  optVenueOrderId,
  orderSide,
  orderType,
  readEventBase,
  readTerms,
  venueOrderId,
} from './order-fields.js';

const denyReason = enumOf(DenyReasonValues);
const rejectReason = enumOf(RejectReasonValues);
const liquiditySide = enumOf(LiquiditySideValues);
const riskStage = enumOf([1, 2] as const);
const tradeId = ident(TradeId);
const optPositionId = optional(ident(PositionId));

export const OrderInitializedCodec: WireCodec<OrderInitialized> = {
  type: 'OrderInitialized',
  v: 1,
  encode(m) {
    const p = encodeEventBase(m);
    encodeTerms(m, p);
    return p;
  },
  decode(payload, ctx, path) {
    const f = Fields.of(payload, path, ctx);
    const m = { type: 'OrderInitialized' } as Mutable<OrderInitialized>;
    readTerms(f, readEventBase(f, m), m);
    return m;
  },
};

export const OrderDeniedCodec: WireCodec<OrderDenied> = {
  type: 'OrderDenied',
  v: 1,
  encode(m) {
    const p = encodeEventBase(m);
    p.reason_code = m.reasonCode;
    p.reason = m.reason;
    p.stage = m.stage;
    return p;
  },
  decode(payload, ctx, path) {
    const f = Fields.of(payload, path, ctx);
    const m = { type: 'OrderDenied' } as Mutable<OrderDenied>;
    readEventBase(f, m);
    m.reasonCode = f.get('reason_code', denyReason);
    m.reason = f.get('reason', str);
    m.stage = f.get('stage', riskStage);
    return m;
  },
};

export const OrderSubmittedCodec: WireCodec<OrderSubmitted> = {
  type: 'OrderSubmitted',
  v: 1,
  encode: (m) => encodeEventBase(m),
  decode(payload, ctx, path) {
    const m = { type: 'OrderSubmitted' } as Mutable<OrderSubmitted>;
    readEventBase(Fields.of(payload, path, ctx), m);
    return m;
  },
};

export const OrderAcceptedCodec: WireCodec<OrderAccepted> = {
  type: 'OrderAccepted',
  v: 1,
  encode(m) {
    const p = encodeEventBase(m);
    p.venue_order_id = m.venueOrderId;
    return p;
  },
  decode(payload, ctx, path) {
    const f = Fields.of(payload, path, ctx);
    const m = { type: 'OrderAccepted' } as Mutable<OrderAccepted>;
    readEventBase(f, m);
    m.venueOrderId = f.get('venue_order_id', venueOrderId);
    return m;
  },
};

type RefusalEvent = OrderRejected | OrderModifyRejected | OrderCancelRejected;

/** The venue's three refusals share one shape: a reject reason code and a sentence. */
function refusalCodec<M extends RefusalEvent>(type: M['type']): WireCodec<M> {
  return {
    type,
    v: 1,
    encode(m) {
      const p = encodeEventBase(m);
      p.reason_code = m.reasonCode;
      p.reason = m.reason;
      return p;
    },
    decode(payload, ctx, path) {
      const f = Fields.of(payload, path, ctx);
      const m = { type } as Mutable<RefusalEvent>;
      readEventBase(f, m);
      m.reasonCode = f.get('reason_code', rejectReason);
      m.reason = f.get('reason', str);
      return m as M;
    },
  };
}

export const OrderRejectedCodec = refusalCodec<OrderRejected>('OrderRejected');
export const OrderModifyRejectedCodec = refusalCodec<OrderModifyRejected>('OrderModifyRejected');
export const OrderCancelRejectedCodec = refusalCodec<OrderCancelRejected>('OrderCancelRejected');

type EndOfLifeEvent = OrderCanceled | OrderExpired | OrderTriggered;

/** Canceled, expired and triggered carry nothing but the venue's order id, when known. */
function venueIdEventCodec<M extends EndOfLifeEvent>(type: M['type']): WireCodec<M> {
  return {
    type,
    v: 1,
    encode(m) {
      const p = encodeEventBase(m);
      if (m.venueOrderId !== undefined) p.venue_order_id = m.venueOrderId;
      return p;
    },
    decode(payload, ctx, path) {
      const f = Fields.of(payload, path, ctx);
      const m = { type } as Mutable<EndOfLifeEvent>;
      readEventBase(f, m);
      const id = f.get('venue_order_id', optVenueOrderId);
      if (id !== undefined) m.venueOrderId = id;
      return m as M;
    },
  };
}

export const OrderCanceledCodec = venueIdEventCodec<OrderCanceled>('OrderCanceled');
export const OrderExpiredCodec = venueIdEventCodec<OrderExpired>('OrderExpired');
export const OrderTriggeredCodec = venueIdEventCodec<OrderTriggered>('OrderTriggered');

export const OrderModifiedCodec: WireCodec<OrderModified> = {
  type: 'OrderModified',
  v: 1,
  encode(m) {
    const p = encodeEventBase(m);
    if (m.venueOrderId !== undefined) p.venue_order_id = m.venueOrderId;
    p.quantity = m.quantity.toString();
    if (m.price !== undefined) p.price = m.price.toString();
    if (m.triggerPrice !== undefined) p.trigger_price = m.triggerPrice.toString();
    return p;
  },
  decode(payload, ctx, path) {
    const f = Fields.of(payload, path, ctx);
    const m = { type: 'OrderModified' } as Mutable<OrderModified>;
    const instrument = readEventBase(f, m);
    const id = f.get('venue_order_id', optVenueOrderId);
    if (id !== undefined) m.venueOrderId = id;
    m.quantity = f.quantity('quantity', instrument);
    const price = f.optPrice('price', instrument);
    if (price !== undefined) m.price = price;
    const triggerPrice = f.optPrice('trigger_price', instrument);
    if (triggerPrice !== undefined) m.triggerPrice = triggerPrice;
    return m;
  },
};

export const OrderFilledCodec: WireCodec<OrderFilled> = {
  type: 'OrderFilled',
  v: 1,
  encode(m) {
    const p = encodeEventBase(m);
    p.venue_order_id = m.venueOrderId;
    p.trade_id = m.tradeId;
    if (m.positionId !== undefined) p.position_id = m.positionId;
    p.side = m.side;
    p.order_type = m.orderType;
    p.last_qty = m.lastQty.toString();
    p.last_px = m.lastPx.toString();
    p.fee = encodeMoney(m.fee);
    p.liquidity_side = m.liquiditySide;
    return p;
  },
  decode(payload, ctx, path) {
    const f = Fields.of(payload, path, ctx);
    const m = { type: 'OrderFilled' } as Mutable<OrderFilled>;
    const instrument = readEventBase(f, m);
    m.venueOrderId = f.get('venue_order_id', venueOrderId);
    m.tradeId = f.get('trade_id', tradeId);
    m.side = f.get('side', orderSide);
    m.orderType = f.get('order_type', orderType);
    m.lastQty = f.quantity('last_qty', instrument);
    m.lastPx = f.price('last_px', instrument);
    m.fee = f.get('fee', money);
    m.liquiditySide = f.get('liquidity_side', liquiditySide);
    const positionId = f.get('position_id', optPositionId);
    if (positionId !== undefined) m.positionId = positionId;
    return m;
  },
};

export const ORDER_EVENT_CODECS = [
  OrderInitializedCodec,
  OrderDeniedCodec,
  OrderSubmittedCodec,
  OrderAcceptedCodec,
  OrderRejectedCodec,
  OrderModifiedCodec,
  OrderModifyRejectedCodec,
  OrderCanceledCodec,
  OrderCancelRejectedCodec,
  OrderExpiredCodec,
  OrderTriggeredCodec,
  OrderFilledCodec,
] as const;

import type { VenueOrderReport, VenueOrderStatus, VenuePosition } from '@qubit/engine';
import {
  AccountId,
  BotId,
  ClientOrderId,
  InstrumentId,
  OrderSideValues,
  OrderStatus,
  OrderTypeValues,
  StrategyId,
  TimeInForceValues,
  TraderId,
  VenueOrderId,
  wireSchema,
  decodeEnvelope,
  encodeEnvelope,
  ModelError,
  type DecodeContext,
  type JsonObject,
  type Money,
  type OrderEvent,
  type OrderFilled,
  type WireRegistry,
} from '@qubit/model';

/*
 * The answers to the venue's queries. They are not bus messages, so they have no envelope, but they use
 * the wire codecs' spelling (snake_case, decimals and nanoseconds as strings) and the model's readers, so
 * a field is checked the same way here as in a command and an error names it (`orders[2].filled_qty`).
 */

const { Fields, ident, enumOf, bool, nanos, optNanos, optional, array, money, encodeMoney } = wireSchema;

const STATUSES = [
  OrderStatus.ACCEPTED,
  OrderStatus.TRIGGERED,
  OrderStatus.PARTIALLY_FILLED,
  OrderStatus.FILLED,
  OrderStatus.CANCELED,
  OrderStatus.EXPIRED,
  OrderStatus.REJECTED,
] as const;

const readStatus = enumOf<VenueOrderStatus['status']>(STATUSES);

export function encodeOrderReport(o: VenueOrderReport): JsonObject {
  const p: JsonObject = {
    trader_id: o.traderId,
    account_id: o.accountId,
    bot_id: o.botId,
    strategy_id: o.strategyId,
    instrument_id: o.instrumentId,
    client_order_id: o.clientOrderId,
    venue_order_id: o.venueOrderId,
    side: o.side,
    order_type: o.orderType,
    time_in_force: o.timeInForce,
    quantity: o.quantity.toString(),
    filled_qty: o.filledQty.toString(),
    triggered: o.triggered,
    post_only: o.postOnly,
    reduce_only: o.reduceOnly,
  };
  if (o.price !== undefined) p.price = o.price.toString();
  if (o.triggerPrice !== undefined) p.trigger_price = o.triggerPrice.toString();
  if (o.expireTime !== undefined) p.expire_time = o.expireTime.toString();
  return p;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export const readOrderReport: wireSchema.Reader<VenueOrderReport> = (v, path, ctx) => {
  const f = Fields.of(v, path, ctx);
  const instrumentId = f.get('instrument_id', ident(InstrumentId));
  const instrument = ctx.instruments?.(instrumentId);
  const o: Mutable<VenueOrderReport> = {
    traderId: f.get('trader_id', ident(TraderId)),
    accountId: f.get('account_id', ident(AccountId)),
    botId: f.get('bot_id', ident(BotId)),
    strategyId: f.get('strategy_id', ident(StrategyId)),
    instrumentId,
    clientOrderId: f.get('client_order_id', ident(ClientOrderId)),
    venueOrderId: f.get('venue_order_id', ident(VenueOrderId)),
    side: f.get('side', enumOf(OrderSideValues)),
    orderType: f.get('order_type', enumOf(OrderTypeValues)),
    timeInForce: f.get('time_in_force', enumOf(TimeInForceValues)),
    quantity: f.quantity('quantity', instrument),
    filledQty: f.quantity('filled_qty', undefined),
    triggered: f.get('triggered', bool),
    postOnly: f.get('post_only', bool),
    reduceOnly: f.get('reduce_only', bool),
  };
  const price = f.optPrice('price', instrument);
  if (price !== undefined) o.price = price;
  const triggerPrice = f.optPrice('trigger_price', instrument);
  if (triggerPrice !== undefined) o.triggerPrice = triggerPrice;
  const expireTime = f.get('expire_time', optNanos);
  if (expireTime !== undefined) o.expireTime = expireTime;
  return o;
};

export function encodeOrderStatus(o: VenueOrderStatus): JsonObject {
  const p = encodeOrderReport(o);
  p.status = o.status;
  if (o.avgPx !== undefined) p.avg_px = o.avgPx.toString();
  return p;
}

export const readOrderStatus: wireSchema.Reader<VenueOrderStatus> = (v, path, ctx) => {
  const report = readOrderReport(v, path, ctx) as Mutable<VenueOrderStatus>;
  const f = Fields.of(v, path, ctx);
  report.status = f.get('status', readStatus);
  const avgPx = f.optPrice('avg_px', undefined);
  if (avgPx !== undefined) report.avgPx = avgPx;
  return report;
};

export function encodePosition(p: VenuePosition): JsonObject {
  return { account_id: p.accountId, instrument_id: p.instrumentId, net_qty: p.netQty.toString() };
}

export const readPosition: wireSchema.Reader<VenuePosition> = (v, path, ctx) => {
  const f = Fields.of(v, path, ctx);
  return {
    accountId: f.get('account_id', ident(AccountId)),
    instrumentId: f.get('instrument_id', ident(InstrumentId)),
    netQty: f.get('net_qty', wireSchema.decimal),
  };
};

// ---- whole answers -------------------------------------------------------------------------------

export function encodeOpenOrders(orders: readonly VenueOrderReport[]): JsonObject {
  return { orders: orders.map(encodeOrderReport) };
}

export function decodeOpenOrders(body: unknown, ctx: DecodeContext): VenueOrderReport[] {
  return Fields.of(body, '', ctx).get('orders', array(readOrderReport));
}

export function encodeOrder(order: VenueOrderStatus): JsonObject {
  return { order: encodeOrderStatus(order) };
}

export function decodeOrder(body: unknown, ctx: DecodeContext): VenueOrderStatus {
  return Fields.of(body, '', ctx).get('order', readOrderStatus);
}

export function encodePositions(positions: readonly VenuePosition[]): JsonObject {
  return { positions: positions.map(encodePosition) };
}

export function decodePositions(body: unknown, ctx: DecodeContext): VenuePosition[] {
  return Fields.of(body, '', ctx).get('positions', array(readPosition));
}

export function encodeBalances(balances: readonly Money[]): JsonObject {
  return { balances: balances.map(encodeMoney) };
}

export function decodeBalances(body: unknown, ctx: DecodeContext): Money[] {
  return Fields.of(body, '', ctx).get('balances', array(money));
}

/**
 * An order event in its envelope: the envelope id is the event's id and the key its account, so that a
 * consumer deduplicates on the id and keeps per-account order.
 */
export function encodeReport(event: OrderEvent, registry?: WireRegistry): JsonObject {
  const envelope = encodeEnvelope(event, {
    id: event.eventId,
    key: event.accountId,
    ...(registry !== undefined ? { registry } : {}),
  });
  return envelope as unknown as JsonObject;
}

export function encodeFills(fills: readonly OrderFilled[], registry?: WireRegistry): JsonObject {
  return { fills: fills.map((f) => encodeReport(f, registry)) };
}

export function decodeFills(
  body: unknown,
  ctx: DecodeContext & { readonly registry?: WireRegistry },
): OrderFilled[] {
  const items = Fields.of(body, '', ctx).get(
    'fills',
    array((v) => v),
  );
  return items.map((item, i) => {
    try {
      const { message } = decodeEnvelope(item, ctx);
      if (message.type !== 'OrderFilled') {
        throw new ModelError(`fills[${i}].type`, `expected OrderFilled, got ${message.type}`);
      }
      return message;
    } catch (e) {
      if (e instanceof ModelError && !e.field.startsWith('fills[')) {
        throw new ModelError(`fills[${i}].${e.field}`, e.reason);
      }
      throw e;
    }
  });
}

/** Reads `?since=` of the fills query: nanoseconds as a string of digits. */
export function readSince(text: string | null): bigint | undefined {
  if (text === null || text === '') return undefined;
  return optional(nanos)(text, 'since', {});
}

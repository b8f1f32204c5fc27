import type { OrderOwner, OrderTerms } from '../../commands/order-spec.js';
import { OrderSideValues } from '../../enums/order-side.js';
import { OrderTypeValues } from '../../enums/order-type.js';
import { TimeInForceValues } from '../../enums/time-in-force.js';
import type { OrderEventBase } from '../../events/order-events.js';
import { AccountId } from '../../identifiers/account-id.js';
import { BotId } from '../../identifiers/bot-id.js';
import { ClientOrderId } from '../../identifiers/client-order-id.js';
import { InstrumentId } from '../../identifiers/instrument-id.js';
import { StrategyId } from '../../identifiers/strategy-id.js';
import { TraderId } from '../../identifiers/trader-id.js';
import { VenueOrderId } from '../../identifiers/venue-order-id.js';
import type { Instrument } from '../../instruments/instrument.js';
import {
  bool,
  enumOf,
  ident,
  instrumentFor,
  nanos,
  nonEmptyStr,
  optBool,
  optNanos,
  optional,
  str,
  type Fields,
  type JsonObject,
  type Mutable,
} from '../schema.js';

// The field readers shared by order commands and order events, so that one field has one spelling.
export const traderId = ident(TraderId);
export const accountId = ident(AccountId);
export const botId = ident(BotId);
export const strategyId = ident(StrategyId);
export const instrumentId = ident(InstrumentId);
export const clientOrderId = ident(ClientOrderId);
export const venueOrderId = ident(VenueOrderId);
export const optVenueOrderId = optional(venueOrderId);
export const orderSide = enumOf(OrderSideValues);
export const orderType = enumOf(OrderTypeValues);
export const timeInForce = enumOf(TimeInForceValues);

/** The owner fields as a fresh payload object that callers extend with their own fields. */
export function encodeOwner(m: OrderOwner): JsonObject {
  return {
    trader_id: m.traderId,
    account_id: m.accountId,
    bot_id: m.botId,
    strategy_id: m.strategyId,
    instrument_id: m.instrumentId,
    client_order_id: m.clientOrderId,
  };
}

export function decodeOwner(f: Fields): OrderOwner {
  return {
    traderId: f.get('trader_id', traderId),
    accountId: f.get('account_id', accountId),
    botId: f.get('bot_id', botId),
    strategyId: f.get('strategy_id', strategyId),
    instrumentId: f.get('instrument_id', instrumentId),
    clientOrderId: f.get('client_order_id', clientOrderId),
  };
}

export function encodeTerms(t: OrderTerms, p: JsonObject): void {
  p.side = t.side;
  p.order_type = t.orderType;
  p.quantity = t.quantity.toString();
  if (t.price !== undefined) p.price = t.price.toString();
  if (t.triggerPrice !== undefined) p.trigger_price = t.triggerPrice.toString();
  p.time_in_force = t.timeInForce;
  if (t.expireTime !== undefined) p.expire_time = t.expireTime.toString();
  p.post_only = t.postOnly;
  p.reduce_only = t.reduceOnly;
  p.reason = t.reason;
}

/**
 * Only syntax, ranges and the grids are checked here: whether a LIMIT order has its price (and the like)
 * is the RiskEngine's question, answered with an OrderDenied rather than a dead letter.
 */
export function decodeTerms(f: Fields, instrument: Instrument | undefined): OrderTerms {
  const t: Mutable<OrderTerms> = {
    side: f.get('side', orderSide),
    orderType: f.get('order_type', orderType),
    quantity: f.quantity('quantity', instrument),
    timeInForce: f.get('time_in_force', timeInForce),
    postOnly: f.get('post_only', bool),
    reduceOnly: f.get('reduce_only', bool),
    reason: f.get('reason', str),
  };
  const price = f.optPrice('price', instrument);
  if (price !== undefined) t.price = price;
  const triggerPrice = f.optPrice('trigger_price', instrument);
  if (triggerPrice !== undefined) t.triggerPrice = triggerPrice;
  const expireTime = f.get('expire_time', optNanos);
  if (expireTime !== undefined) t.expireTime = expireTime;
  return t;
}

/** The fields every order event starts with, as a fresh payload object. */
export function encodeEventBase(m: OrderEventBase): JsonObject {
  const p = encodeOwner(m);
  p.event_id = m.eventId;
  p.ts_event = m.tsEvent.toString();
  p.ts_init = m.tsInit.toString();
  if (m.reconciliation !== undefined) p.reconciliation = m.reconciliation;
  return p;
}

/** The common part of an order event and the instrument it trades (when the lookup knows it). */
export function decodeEventBase(f: Fields): { base: OrderEventBase; instrument: Instrument | undefined } {
  const owner = decodeOwner(f);
  const base: Mutable<OrderEventBase> = {
    ...owner,
    eventId: f.get('event_id', nonEmptyStr),
    tsEvent: f.get('ts_event', nanos),
    tsInit: f.get('ts_init', nanos),
  };
  const reconciliation = f.get('reconciliation', optBool);
  if (reconciliation !== undefined) base.reconciliation = reconciliation;
  return { base, instrument: instrumentFor(f.ctx, owner.instrumentId) };
}

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

/*
 * Decoding fills a message started by the codec (`{ type, … } as Mutable<SubmitOrder>`) rather than
 * spreading partial objects together: spreads cost V8 several times the decode time. The compiler then
 * cannot see a forgotten field, so the round-trip tests compare every key of a sample of every type.
 */

/** Reads the owner fields into `m` and returns the instrument they name, when the lookup knows it. */
export function readOwner(f: Fields, m: Mutable<OrderOwner>): Instrument | undefined {
  m.traderId = f.get('trader_id', traderId);
  m.accountId = f.get('account_id', accountId);
  m.botId = f.get('bot_id', botId);
  m.strategyId = f.get('strategy_id', strategyId);
  m.instrumentId = f.get('instrument_id', instrumentId);
  m.clientOrderId = f.get('client_order_id', clientOrderId);
  return instrumentFor(f.ctx, m.instrumentId);
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
export function readTerms(f: Fields, instrument: Instrument | undefined, m: Mutable<OrderTerms>): void {
  m.side = f.get('side', orderSide);
  m.orderType = f.get('order_type', orderType);
  m.quantity = f.quantity('quantity', instrument);
  const price = f.optPrice('price', instrument);
  if (price !== undefined) m.price = price;
  const triggerPrice = f.optPrice('trigger_price', instrument);
  if (triggerPrice !== undefined) m.triggerPrice = triggerPrice;
  m.timeInForce = f.get('time_in_force', timeInForce);
  const expireTime = f.get('expire_time', optNanos);
  if (expireTime !== undefined) m.expireTime = expireTime;
  m.postOnly = f.get('post_only', bool);
  m.reduceOnly = f.get('reduce_only', bool);
  m.reason = f.get('reason', str);
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

/** Reads the fields every order event has into `m`; returns the instrument, when the lookup knows it. */
export function readEventBase(f: Fields, m: Mutable<OrderEventBase>): Instrument | undefined {
  const instrument = readOwner(f, m);
  m.eventId = f.get('event_id', nonEmptyStr);
  m.tsEvent = f.get('ts_event', nanos);
  m.tsInit = f.get('ts_init', nanos);
  const reconciliation = f.get('reconciliation', optBool);
  if (reconciliation !== undefined) m.reconciliation = reconciliation;
  return instrument;
}

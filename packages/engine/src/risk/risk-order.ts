import {
  Decimal,
  DenyReason,
  OrderSide,
  OrderType,
  TimeInForce,
  type ModifyOrder,
  type OrderSide as Side,
  type OrderType as Type,
  type Price,
  type Quantity,
  type SubmitOrder,
} from '@qubit/model';
import type { Cache } from '../cache/cache.js';
import type { Order } from '../orders/order.js';
import { deny, type Denial } from './denial.js';

/**
 * The order a command asks for, as the risk checks see it: a SubmitOrder as is, a ModifyOrder merged
 * with the working order it changes (new quantity and prices over the old terms).
 */
export interface RiskOrder {
  readonly command: SubmitOrder | ModifyOrder;
  readonly accountId: string;
  readonly botId: string;
  readonly instrumentId: string;
  readonly clientOrderId: string;
  readonly side: Side;
  readonly orderType: Type;
  /** The whole order quantity (after the change, for a modify): what the venue's filters see. */
  readonly quantity: Quantity;
  /** What may still trade: the quantity, less what a modified order has already filled. */
  readonly leaves: Decimal;
  readonly price?: Price;
  readonly triggerPrice?: Price;
  /** The working order a ModifyOrder changes. */
  readonly existing?: Order;
}

export function isDenial(x: RiskOrder | Denial): x is Denial {
  return (x as Denial).code !== undefined;
}

const OWNER_FIELDS = [
  'commandId',
  'traderId',
  'accountId',
  'botId',
  'strategyId',
  'instrumentId',
  'clientOrderId',
] as const;
const SIDES: ReadonlySet<unknown> = new Set(Object.values(OrderSide));
const TYPES: ReadonlySet<unknown> = new Set(Object.values(OrderType));
const TIFS: ReadonlySet<unknown> = new Set(Object.values(TimeInForce));

/**
 * Checks the shape of a message from a trading-signals topic and returns the order it asks for, or
 * an INVALID_ORDER denial that says what was wrong. Nothing here trusts the static type: the message
 * may have crossed a process boundary.
 */
export function readRiskOrder(message: unknown, cache: Cache): RiskOrder | Denial {
  if (message === null || typeof message !== 'object')
    return invalid(`expected an order command, got ${typeof message}`);
  const m = message as Record<string, unknown>;
  if (m.type !== 'SubmitOrder' && m.type !== 'ModifyOrder') {
    const what = typeof m.type === 'string' ? m.type : 'a message without a type';
    return invalid(
      `${what} is not an order risk decides on; only SubmitOrder and ModifyOrder pass through risk`,
    );
  }
  for (const f of OWNER_FIELDS) {
    const v = m[f];
    if (typeof v !== 'string' || v.length === 0) return invalid(`${m.type} is missing ${f}`);
  }
  return m.type === 'SubmitOrder'
    ? readSubmit(message as SubmitOrder)
    : readModify(message as ModifyOrder, cache);
}

function readSubmit(c: SubmitOrder): RiskOrder | Denial {
  const id = c.clientOrderId;
  if (!SIDES.has(c.side)) return invalid(`order ${id}: side ${String(c.side)} is not BUY or SELL`);
  if (!TYPES.has(c.orderType)) return invalid(`order ${id}: order type ${String(c.orderType)} is unknown`);
  if (!TIFS.has(c.timeInForce))
    return invalid(`order ${id}: time in force ${String(c.timeInForce)} is unknown`);
  if (c.timeInForce === TimeInForce.GTD && typeof c.expireTime !== 'bigint') {
    return invalid(`order ${id}: a GTD order needs an expire time`);
  }
  if (typeof c.postOnly !== 'boolean' || typeof c.reduceOnly !== 'boolean') {
    return invalid(`order ${id}: postOnly and reduceOnly must be true or false`);
  }
  const bad = checkNumber(c.quantity, 'quantity', id, true) ?? checkNumber(c.price, 'price', id, false);
  if (bad) return bad;
  const badTrigger = checkNumber(c.triggerPrice, 'trigger price', id, false);
  if (badTrigger) return badTrigger;
  const needsPrice = c.orderType === OrderType.LIMIT || c.orderType === OrderType.STOP_LIMIT;
  const needsTrigger = c.orderType === OrderType.STOP_MARKET || c.orderType === OrderType.STOP_LIMIT;
  if (needsPrice && c.price === undefined)
    return invalid(`order ${id}: a ${c.orderType} order needs a limit price`);
  if (!needsPrice && c.price !== undefined)
    return invalid(`order ${id}: a ${c.orderType} order takes no limit price`);
  if (needsTrigger && c.triggerPrice === undefined)
    return invalid(`order ${id}: a ${c.orderType} order needs a trigger price`);
  if (!needsTrigger && c.triggerPrice !== undefined) {
    return invalid(`order ${id}: a ${c.orderType} order takes no trigger price`);
  }
  return {
    command: c,
    accountId: c.accountId,
    botId: c.botId,
    instrumentId: c.instrumentId,
    clientOrderId: c.clientOrderId,
    side: c.side,
    orderType: c.orderType,
    quantity: c.quantity,
    leaves: c.quantity,
    price: c.price,
    triggerPrice: c.triggerPrice,
  };
}

function readModify(c: ModifyOrder, cache: Cache): RiskOrder | Denial {
  const id = c.clientOrderId;
  if (c.quantity === undefined && c.price === undefined && c.triggerPrice === undefined) {
    return invalid(`ModifyOrder for ${id} changes nothing: give a quantity, price or trigger price`);
  }
  const bad =
    checkNumber(c.quantity, 'quantity', id, false) ??
    checkNumber(c.price, 'price', id, false) ??
    checkNumber(c.triggerPrice, 'trigger price', id, false);
  if (bad) return bad;
  const o = cache.order(id);
  if (!o) return invalid(`ModifyOrder for unknown order ${id}`);
  if (o.isClosed) return invalid(`ModifyOrder for order ${id}, which is already ${o.status}`);
  if (o.accountId !== c.accountId || o.instrumentId !== c.instrumentId || o.botId !== c.botId) {
    return invalid(
      `ModifyOrder for ${id} names ${c.accountId}/${c.botId}/${c.instrumentId} but the order belongs to ${o.accountId}/${o.botId}/${o.instrumentId}`,
    );
  }
  if (c.price !== undefined && o.price === undefined)
    return invalid(`order ${id} is ${o.orderType} and has no limit price to change`);
  if (c.triggerPrice !== undefined && o.triggerPrice === undefined) {
    return invalid(`order ${id} is ${o.orderType} and has no trigger price to change`);
  }
  const quantity = c.quantity ?? o.quantity;
  if (quantity.lt(o.filledQty)) {
    return invalid(`ModifyOrder for ${id}: quantity ${quantity} is below the ${o.filledQty} already filled`);
  }
  const leaves = quantity.sub(o.filledQty);
  if (leaves.isZero()) return invalid(`ModifyOrder for ${id}: quantity ${quantity} leaves nothing to trade`);
  return {
    command: c,
    accountId: c.accountId,
    botId: c.botId,
    instrumentId: c.instrumentId,
    clientOrderId: id,
    side: o.side,
    orderType: o.orderType,
    quantity,
    leaves,
    price: c.price ?? o.price,
    triggerPrice: c.triggerPrice ?? o.triggerPrice,
    existing: o,
  };
}

function checkNumber(v: unknown, what: string, id: string, required: boolean): Denial | undefined {
  if (v === undefined) return required ? invalid(`order ${id} has no ${what}`) : undefined;
  if (!(v instanceof Decimal)) return invalid(`order ${id}: ${what} is not a decimal number`);
  if (!v.isPositive()) return invalid(`order ${id}: ${what} ${v.toString()} must be positive`);
  return undefined;
}

function invalid(reason: string): Denial {
  return deny(DenyReason.INVALID_ORDER, reason);
}

import {
  Decimal,
  ModelError,
  OrderSide,
  OrderType,
  Price,
  Quantity,
  TimeInForce,
  type AccountId,
  type BotId,
  type ClientOrderId,
  type Instrument,
  type OrderIntent,
  type StrategyId,
  type SubmitOrder,
  type TraderId,
  type UnixNanos,
} from '@qubit/model';

export interface IntentOwner {
  readonly traderId: TraderId;
  readonly accountId: AccountId;
  readonly botId: BotId;
  readonly strategyId: StrategyId;
}

const REASON_RE = /^[a-z0-9_]{1,32}$/;
const ORDER_TYPES: ReadonlySet<unknown> = new Set(Object.values(OrderType));
const TIMES_IN_FORCE: ReadonlySet<unknown> = new Set(Object.values(TimeInForce));

/**
 * Turns what a bot returned into a SubmitOrder, or says exactly what is wrong with it (field named
 * `intent.<field>`). Grid checks (tick, lot) are risk's job, so an off-grid price is denied with a reason
 * code rather than thrown here; this only refuses intents that cannot be an order at all.
 */
export function intentToCommand(
  intent: OrderIntent,
  owner: IntentOwner,
  instrument: (id: string) => Instrument | undefined,
  nextClientOrderId: (botId: string, reason: string) => ClientOrderId,
  commandId: string,
  now: UnixNanos,
): SubmitOrder {
  if (intent === null || typeof intent !== 'object') throw new ModelError('intent', 'must be an object');
  const inst = instrument(intent.instrumentId);
  if (!inst) throw new ModelError('intent.instrumentId', `unknown instrument ${String(intent.instrumentId)}`);
  if (intent.side !== OrderSide.BUY && intent.side !== OrderSide.SELL) {
    throw new ModelError('intent.side', `"${String(intent.side)}" is not BUY or SELL`);
  }
  const orderType = intent.orderType ?? OrderType.MARKET;
  if (!ORDER_TYPES.has(orderType)) {
    throw new ModelError(
      'intent.orderType',
      `"${String(orderType)}" is not one of ${Object.values(OrderType).join(', ')}`,
    );
  }
  const quantity = quantityOf(intent.quantity);
  if (quantity.isZero()) throw new ModelError('intent.quantity', 'must be positive');
  const needsPrice = orderType === OrderType.LIMIT || orderType === OrderType.STOP_LIMIT;
  const needsTrigger = orderType === OrderType.STOP_MARKET || orderType === OrderType.STOP_LIMIT;
  if (needsPrice && intent.price === undefined)
    throw new ModelError('intent.price', `is required for ${orderType}`);
  if (!needsPrice && intent.price !== undefined)
    throw new ModelError('intent.price', `is not allowed for ${orderType}`);
  if (needsTrigger && intent.triggerPrice === undefined) {
    throw new ModelError('intent.triggerPrice', `is required for ${orderType}`);
  }
  const price = intent.price === undefined ? undefined : positivePrice(intent.price, 'intent.price');
  const triggerPrice =
    intent.triggerPrice === undefined ? undefined : positivePrice(intent.triggerPrice, 'intent.triggerPrice');
  const timeInForce =
    intent.timeInForce ?? (orderType === OrderType.MARKET ? TimeInForce.IOC : TimeInForce.GTC);
  if (!TIMES_IN_FORCE.has(timeInForce)) {
    throw new ModelError(
      'intent.timeInForce',
      `"${String(timeInForce)}" is not one of ${Object.values(TimeInForce).join(', ')}`,
    );
  }
  if (timeInForce === TimeInForce.GTD && intent.expireTime === undefined) {
    throw new ModelError('intent.expireTime', 'is required for GTD');
  }
  if (intent.postOnly && orderType !== OrderType.LIMIT)
    throw new ModelError('intent.postOnly', 'applies to LIMIT orders only');
  const reason = intent.reason ?? 'signal';
  if (!REASON_RE.test(reason))
    throw new ModelError('intent.reason', `"${reason}" must be 1-32 of a-z, 0-9, _`);
  return {
    type: 'SubmitOrder',
    commandId,
    traderId: owner.traderId,
    accountId: owner.accountId,
    botId: owner.botId,
    strategyId: owner.strategyId,
    instrumentId: inst.id,
    clientOrderId: nextClientOrderId(owner.botId, reason),
    side: intent.side,
    orderType,
    quantity,
    price,
    triggerPrice,
    timeInForce,
    expireTime: intent.expireTime,
    postOnly: intent.postOnly ?? false,
    reduceOnly: intent.reduceOnly ?? false,
    reason,
    tsInit: now,
  };
}

/**
 * The last quantity text parsed and its Quantity. A bot usually repeats its order size, and the
 * Quantity is immutable: sharing it spares a parse per order and an object in every order kept.
 * A memo of a pure function, so sharing it between hosts is harmless.
 */
let lastQuantityText: string | undefined;
let lastQuantity: Quantity | undefined;

function quantityOf(v: unknown): Quantity {
  if (typeof v === 'string' && v === lastQuantityText && lastQuantity !== undefined) return lastQuantity;
  const q = Quantity.from(toDecimalInput(v, 'intent.quantity'), 'intent.quantity');
  if (typeof v === 'string') {
    lastQuantityText = v;
    lastQuantity = q;
  }
  return q;
}

function toDecimalInput(v: unknown, field: string): string | number | Decimal {
  if (typeof v === 'string' || typeof v === 'number' || v instanceof Decimal) return v;
  throw new ModelError(
    field,
    `expected a decimal string, number or Decimal, got ${v === null ? 'null' : typeof v}`,
  );
}

function positivePrice(v: unknown, field: string): Price {
  const p = Price.from(toDecimalInput(v, field), field);
  if (!p.isPositive()) throw new ModelError(field, `must be positive, got ${p}`);
  return p;
}

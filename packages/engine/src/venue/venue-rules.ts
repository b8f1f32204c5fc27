import {
  OrderSide,
  OrderType,
  RejectReason,
  notionalOf,
  sessionAt,
  type Decimal,
  type Instrument,
  type Price,
  type Quantity,
  type UnixNanos,
} from '@qubit/model';
import { exactUnits } from './units.js';

/** The terms a venue checks, on a new order and again on every modify. */
export interface CheckedTerms {
  readonly side: OrderSide;
  readonly orderType: OrderType;
  readonly quantity: Quantity;
  readonly price?: Price;
  readonly triggerPrice?: Price;
}

/** Why the venue refuses an order or a change: a reason code and a sentence naming the value and the rule. */
export interface RuleViolation {
  readonly code: RejectReason;
  readonly reason: string;
}

/** Limit-down and limit-up around a reference price, as priceBandAt gives them. */
export interface ActiveBand {
  readonly reference: Price;
  readonly low: Price;
  readonly high: Price;
}

const ORDER_TYPES: ReadonlySet<string> = new Set(Object.values(OrderType));

function violation(code: RejectReason, reason: string): RuleViolation {
  return { code, reason };
}

/**
 * What every order must satisfy even with `enforceRules` off, because matching depends on it: a
 * known side and type, a positive quantity, the prices its type needs, and no more decimals than
 * the instrument's precision (the venue cannot represent finer values).
 */
export function checkOrderShape(instrument: Instrument, t: CheckedTerms): RuleViolation | undefined {
  if (t.side !== OrderSide.BUY && t.side !== OrderSide.SELL) {
    return violation(RejectReason.OTHER, `side "${String(t.side)}" is not BUY or SELL`);
  }
  if (!ORDER_TYPES.has(t.orderType)) {
    return violation(RejectReason.UNSUPPORTED, `order type "${String(t.orderType)}" is not supported`);
  }
  if (!t.quantity.isPositive()) {
    return violation(
      RejectReason.INVALID_QUANTITY,
      `quantity must be positive, got ${t.quantity.toString()}`,
    );
  }
  if (exactUnits(t.quantity, instrument.sizePrecision) === undefined) {
    return violation(
      RejectReason.INVALID_QUANTITY,
      `quantity ${t.quantity.toString()} has more than the ${instrument.sizePrecision} decimals of ${instrument.id}`,
    );
  }
  const needsPrice = t.orderType === OrderType.LIMIT || t.orderType === OrderType.STOP_LIMIT;
  const needsTrigger = t.orderType === OrderType.STOP_MARKET || t.orderType === OrderType.STOP_LIMIT;
  if (needsPrice && t.price === undefined)
    return violation(RejectReason.INVALID_PRICE, `a ${t.orderType} order needs a price`);
  if (needsTrigger && t.triggerPrice === undefined) {
    return violation(RejectReason.INVALID_PRICE, `a ${t.orderType} order needs a trigger price`);
  }
  return (
    checkPriceShape(instrument, 'price', needsPrice ? t.price : undefined) ??
    checkPriceShape(instrument, 'trigger price', needsTrigger ? t.triggerPrice : undefined)
  );
}

function checkPriceShape(
  instrument: Instrument,
  name: string,
  p: Price | undefined,
): RuleViolation | undefined {
  if (p === undefined) return undefined;
  if (!p.isPositive())
    return violation(RejectReason.INVALID_PRICE, `${name} must be positive, got ${p.toString()}`);
  if (exactUnits(p, instrument.pricePrecision) === undefined) {
    return violation(
      RejectReason.INVALID_PRICE,
      `${name} ${p.toString()} has more than the ${instrument.pricePrecision} decimals of ${instrument.id}`,
    );
  }
  return undefined;
}

/** MARKET_CLOSED outside the instrument's sessions, or for an order type the current session does not take (MARKET in ATO). */
export function checkSession(
  instrument: Instrument,
  orderType: OrderType,
  now: UnixNanos,
): RuleViolation | undefined {
  const schedule = instrument.schedule;
  if (!schedule) return undefined;
  const session = sessionAt(schedule, now);
  if (!session) {
    return violation(
      RejectReason.MARKET_CLOSED,
      `${instrument.id} is outside its trading sessions (${schedule.timeZone})`,
    );
  }
  if (session.orderTypes && !session.orderTypes.includes(orderType)) {
    return violation(
      RejectReason.MARKET_CLOSED,
      `${orderType} orders are not taken during ${session.name} at ${instrument.id} (only ${session.orderTypes.join(', ')})`,
    );
  }
  return undefined;
}

/**
 * The venue's filters: tick grid (INVALID_PRICE), lot size and min/max quantity (INVALID_QUANTITY),
 * min/max notional (MIN_NOTIONAL, priced at the limit, else the trigger, else `marketPx`; skipped for
 * a MARKET order while the venue knows no price) and the daily price band (PRICE_LIMIT, only once a
 * reference price is set).
 */
export function checkVenueRules(
  instrument: Instrument,
  t: CheckedTerms,
  marketPx: Decimal | undefined,
  band: ActiveBand | undefined,
): RuleViolation | undefined {
  const id = instrument.id;
  // The prices the order's type uses; plain variables rather than a list: this runs on every order.
  const price = t.orderType === OrderType.LIMIT || t.orderType === OrderType.STOP_LIMIT ? t.price : undefined;
  const trigger =
    t.orderType === OrderType.STOP_MARKET || t.orderType === OrderType.STOP_LIMIT
      ? t.triggerPrice
      : undefined;
  const offTick = checkTick(instrument, 'price', price) ?? checkTick(instrument, 'trigger price', trigger);
  if (offTick) return offTick;
  const q = t.quantity;
  if (!q.isMultipleOf(instrument.lotSize)) {
    return violation(
      RejectReason.INVALID_QUANTITY,
      `quantity ${q.toString()} is not a multiple of the lot size of ${id} (lot ${instrument.lotSize.toString()})`,
    );
  }
  if (q.lt(instrument.minQuantity)) {
    return violation(
      RejectReason.INVALID_QUANTITY,
      `quantity ${q.toString()} is below the minimum ${instrument.minQuantity.toString()} of ${id}`,
    );
  }
  if (instrument.maxQuantity && q.gt(instrument.maxQuantity)) {
    return violation(
      RejectReason.INVALID_QUANTITY,
      `quantity ${q.toString()} is above the maximum ${instrument.maxQuantity.toString()} of ${id}`,
    );
  }
  const px = price ?? trigger ?? marketPx;
  if (px !== undefined && (instrument.minNotional || instrument.maxNotional)) {
    const notional = notionalOf(instrument, px, q);
    if (instrument.minNotional && notional.lt(instrument.minNotional.amount)) {
      return violation(
        RejectReason.MIN_NOTIONAL,
        `notional ${notional.toString()} is below the minimum ${instrument.minNotional.toString()} of ${id}`,
      );
    }
    if (instrument.maxNotional && notional.gt(instrument.maxNotional.amount)) {
      return violation(
        RejectReason.MIN_NOTIONAL,
        `notional ${notional.toString()} is above the maximum ${instrument.maxNotional.toString()} of ${id}`,
      );
    }
  }
  if (band)
    return (
      checkBand(instrument, band, 'price', price) ?? checkBand(instrument, band, 'trigger price', trigger)
    );
  return undefined;
}

function checkTick(instrument: Instrument, name: string, p: Price | undefined): RuleViolation | undefined {
  if (p === undefined || p.isMultipleOf(instrument.tickSize)) return undefined;
  return violation(
    RejectReason.INVALID_PRICE,
    `${name} ${p.toString()} is not on the tick grid of ${instrument.id} (tick ${instrument.tickSize.toString()})`,
  );
}

function checkBand(
  instrument: Instrument,
  band: ActiveBand,
  name: string,
  p: Price | undefined,
): RuleViolation | undefined {
  if (p === undefined || !(p.lt(band.low) || p.gt(band.high))) return undefined;
  return violation(
    RejectReason.PRICE_LIMIT,
    `${name} ${p.toString()} is outside the band ${band.low.toString()}..${band.high.toString()} of ${instrument.id} (reference ${band.reference.toString()})`,
  );
}

import {
  Decimal,
  OrderSide,
  OrderType,
  type BotContext,
  type OrderIntent,
  type OrderView,
  Rounding,
} from '@qubit/model';

/**
 * One exit level of the open trade (a stop or a target), kept in `ctx.state`, so plain JSON.
 * `sent` is set when the order goes out; `refused` when it was sent but is no longer working while the
 * position is still open, which means risk or the venue refused it (a banded instrument without a
 * reference price, a market closed …). A refused level is watched on bar closes instead and never sent
 * again: re-sending it on every bar would only collect one denial per bar.
 */
export interface ExitLevel {
  /** Price on the instrument's tick grid, as a decimal string. */
  level: string;
  sent: boolean;
  refused: boolean;
}

/** A stop rests as STOP_MARKET (triggers when the price reaches it); a target rests as LIMIT. */
export type ExitKind = 'stop' | 'target';

export function newExitLevel(level: Decimal): ExitLevel {
  return { level: level.toString(), sent: false, refused: false };
}

/** The bot's working exit order of this kind and reason, if any. */
export function workingExitOrder(
  ctx: BotContext<unknown>,
  instrumentId: string,
  kind: ExitKind,
  reason: string,
): OrderView | undefined {
  const type = kind === 'stop' ? OrderType.STOP_MARKET : OrderType.LIMIT;
  return ctx.openOrders(instrumentId).find((o) => o.reason === reason && o.orderType === type);
}

/**
 * Keeps a reduce-only exit order working at `exit.level` for the whole position `signedQty`: sends it
 * once, then moves it (ctx.modify) when the level or the position size changes. Returns the intent to
 * send, if one is due. Marks the level refused when a sent order has disappeared while the position is
 * still open.
 */
export function syncExitOrder(
  ctx: BotContext<unknown>,
  instrumentId: string,
  kind: ExitKind,
  reason: string,
  exit: ExitLevel,
  signedQty: Decimal,
): OrderIntent[] {
  if (exit.refused || signedQty.isZero()) return [];
  const level = Decimal.parse(exit.level);
  const quantity = signedQty.abs();
  const working = workingExitOrder(ctx, instrumentId, kind, reason);
  if (working) {
    const current = kind === 'stop' ? working.triggerPrice : working.price;
    const moved = current === undefined || !current.eq(level);
    const resized = !working.quantity.eq(quantity);
    if (moved || resized) {
      const at = kind === 'stop' ? { triggerPrice: level } : { price: level };
      ctx.modify(working.clientOrderId, resized ? { ...at, quantity } : at);
    }
    return [];
  }
  if (exit.sent) {
    exit.refused = true;
    ctx.log.warn(
      `${reason} order at ${exit.level} is not working; watching the level on bar closes instead`,
      {
        instrumentId,
      },
    );
    return [];
  }
  exit.sent = true;
  const side = signedQty.isPositive() ? OrderSide.SELL : OrderSide.BUY;
  return [
    kind === 'stop'
      ? {
          instrumentId,
          side,
          orderType: OrderType.STOP_MARKET,
          triggerPrice: level,
          quantity,
          reduceOnly: true,
          reason,
        }
      : { instrumentId, side, orderType: OrderType.LIMIT, price: level, quantity, reduceOnly: true, reason },
  ];
}

/** Whether a close is at or through an exit level: a long's stop below, its target above; mirrored for a short. */
export function closeReached(kind: ExitKind, long: boolean, close: Decimal, level: Decimal): boolean {
  const below = kind === 'stop' ? long : !long;
  return below ? close.lte(level) : close.gte(level);
}

/**
 * A price level from a float signal (entry ± k × ATR) put on the tick grid, never below one tick.
 * Callers round away from the entry (FLOOR for a level under it, CEIL over it): a stop is then never
 * tightened by rounding and a target is never reached before the computed value.
 */
export function levelOnGrid(value: number, tick: Decimal, rounding: Rounding): Decimal {
  if (!Number.isFinite(value)) throw new RangeError(`price level must be finite, got ${value}`);
  const raw = Decimal.from(value.toFixed(12)).roundToStep(tick, rounding);
  return raw.gte(tick) ? raw : tick.rescale(raw.scale);
}

/**
 * A stop `distance` below a long's reference price (above a short's), e.g. entry ∓ k × ATR, on the tick grid
 * and rounded away from the reference (see levelOnGrid).
 */
export function stopLevelOnGrid(long: boolean, reference: number, distance: number, tick: Decimal): Decimal {
  return long
    ? levelOnGrid(reference - distance, tick, Rounding.FLOOR)
    : levelOnGrid(reference + distance, tick, Rounding.CEIL);
}

/**
 * Whether a close went through an exit level that has no working order (not sent yet, or refused): the bot
 * must then exit at market itself. A level with a working order is left to that order.
 */
export function reachedWithoutOrder(
  ctx: BotContext<unknown>,
  instrumentId: string,
  kind: ExitKind,
  reason: string,
  exit: ExitLevel | undefined,
  long: boolean,
  close: Decimal,
): boolean {
  return (
    exit !== undefined &&
    workingExitOrder(ctx, instrumentId, kind, reason) === undefined &&
    closeReached(kind, long, close, Decimal.parse(exit.level))
  );
}

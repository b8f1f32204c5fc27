import { Decimal, Rounding, type Instrument } from '@qubit/sdk';

const HUNDRED = Decimal.from(100);

/** `price × (1 + pct / 100)` on the tick grid, rounded in the direction named (exact: no float on the way). */
export function shifted(price: Decimal, pct: number, tick: Decimal, rounding: Rounding): Decimal {
  const factor = HUNDRED.add(Decimal.from(pct, 'pct')).div(HUNDRED, 12, Rounding.HALF_EVEN);
  return price.mul(factor).roundToStep(tick, rounding);
}

/**
 * The exit prices of a short entered at `entry`. Each is rounded so that the rule holds after rounding:
 * the take-profit buy is at or below entry × (1 − tp), the stop-loss trigger at or above entry × (1 + sl),
 * the trailing trigger at or above lowest × (1 + ts).
 */
export function takeProfitPrice(entry: Decimal, takeProfitPct: number, tick: Decimal): Decimal {
  return shifted(entry, -takeProfitPct, tick, Rounding.FLOOR);
}

export function stopLossPrice(entry: Decimal, stopLossPct: number, tick: Decimal): Decimal {
  return shifted(entry, stopLossPct, tick, Rounding.CEIL);
}

export function trailingStopPrice(lowest: Decimal, trailingPct: number, tick: Decimal): Decimal {
  return shifted(lowest, trailingPct, tick, Rounding.CEIL);
}

/**
 * Which stop guards a short: the trailing stop once it would lock in a profit (its trigger below the entry),
 * before that the stop-loss. Both are buy stops above the price, so only the lower one could ever fire.
 */
export function activeStop(
  entry: Decimal,
  lowest: Decimal,
  stopLossPct: number,
  trailingPct: number,
  tick: Decimal,
): { reason: 'stop_loss' | 'trailing_stop'; trigger: Decimal } {
  const trail = trailingStopPrice(lowest, trailingPct, tick);
  if (trail.lt(entry)) return { reason: 'trailing_stop', trigger: trail };
  return { reason: 'stop_loss', trigger: stopLossPrice(entry, stopLossPct, tick) };
}

/**
 * Entry size for a notional in the quote currency: notional / (price × multiplier), rounded down to the lot.
 * Undefined when that is below the instrument's minimum quantity or minimum notional.
 */
export function entryQuantity(
  notional: Decimal,
  price: Decimal,
  instrument: Instrument,
): Decimal | undefined {
  const perUnit = price.mul(instrument.multiplier);
  if (!perUnit.isPositive()) return undefined;
  const raw = notional.div(perUnit, instrument.sizePrecision + 2, Rounding.DOWN);
  const qty = raw.roundToStep(instrument.lotSize, Rounding.DOWN);
  if (qty.isZero() || qty.lt(instrument.minQuantity)) return undefined;
  if (instrument.minNotional && qty.mul(perUnit).lt(instrument.minNotional.amount)) return undefined;
  return qty;
}

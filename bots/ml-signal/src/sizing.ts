import { Decimal, Rounding, type Instrument } from '@qubit/sdk';

export type SizingRule =
  | { readonly kind: 'fixed'; readonly quantity: Decimal }
  | { readonly kind: 'equity_fraction'; readonly fraction: Decimal };

/**
 * The order size for a signal, rounded DOWN to the instrument's lot (never more than asked for):
 * - fixed: the configured quantity;
 * - equity_fraction: equity × fraction × confidence of notional, divided by price × multiplier.
 * The confidence is cut to 6 decimals before it touches money, so the amount is exact from there on.
 * Undefined when the result is below the minimum quantity or the minimum notional.
 */
export function orderSize(
  rule: SizingRule,
  confidence: number,
  equity: Decimal,
  price: Decimal,
  instrument: Instrument,
): Decimal | undefined {
  let raw: Decimal;
  if (rule.kind === 'fixed') {
    raw = rule.quantity;
  } else {
    const perUnit = price.mul(instrument.multiplier);
    if (!perUnit.isPositive() || !equity.isPositive()) return undefined;
    const c = Decimal.from(Math.min(Math.max(confidence, 0), 1), 'confidence').rescale(6, Rounding.DOWN);
    const notional = equity.mul(rule.fraction).mul(c);
    raw = notional.div(perUnit, instrument.sizePrecision + 2, Rounding.DOWN);
  }
  const qty = raw.roundToStep(instrument.lotSize, Rounding.DOWN);
  if (qty.isZero() || qty.lt(instrument.minQuantity)) return undefined;
  if (instrument.minNotional && qty.mul(price).mul(instrument.multiplier).lt(instrument.minNotional.amount)) {
    return undefined;
  }
  return qty;
}

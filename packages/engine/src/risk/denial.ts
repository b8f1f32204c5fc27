import { Rounding, type Decimal, type DenyReason } from '@qubit/model';

/** Why a stage refused an order: the code for counting and a sentence with the numbers for people. */
export interface Denial {
  readonly code: DenyReason;
  readonly reason: string;
}

export function deny(code: DenyReason, reason: string): Denial {
  return { code, reason };
}

/**
 * An amount for a reason sentence: two decimals when that loses nothing that matters (amounts of
 * one unit or more, or values that already fit), the exact value otherwise (0.000123 stays visible).
 */
export function amount(d: Decimal): string {
  const two = d.rescale(2, Rounding.HALF_EVEN);
  if (two.eq(d) || d.abs().units >= 10n ** BigInt(d.scale)) return two.toString();
  return d.normalize().toString();
}

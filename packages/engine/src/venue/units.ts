import { ModelError, pow10, type Decimal } from '@qubit/model';

/**
 * The matching engine compares and sums prices and sizes as plain bigints at the instrument's
 * precision: no Decimal allocation or scale alignment on the hot path.
 */

/** Stands for "no size limit" (a quote without sizes, a bar without a volume cap); never reached by real sizes. */
export const UNLIMITED = 1n << 126n;

/** The integer units of `d` at `scale` decimals, or undefined when `d` has finer digits that would be lost. */
export function exactUnits(d: Decimal, scale: number): bigint | undefined {
  if (d.scale === scale) return d.units;
  if (d.scale < scale) return d.units * pow10(scale - d.scale);
  const f = pow10(d.scale - scale);
  return d.units % f === 0n ? d.units / f : undefined;
}

/** Like `exactUnits`, but a price finer than the instrument's precision is bad market data and throws. */
export function priceUnits(d: Decimal, scale: number, field: string): bigint {
  const u = exactUnits(d, scale);
  if (u === undefined)
    throw new ModelError(field, `${d.toString()} has more than the ${scale} decimals of the instrument`);
  return u;
}

/** Visible sizes finer than the instrument's precision are dust nobody can trade: they are rounded down. */
export function sizeUnits(d: Decimal, scale: number): bigint {
  if (d.scale <= scale) return d.units * pow10(scale - d.scale);
  return d.units / pow10(d.scale - scale);
}

/** `u` rounded down to a whole number of `step`s (fills come in whole lots). */
export function floorToStep(u: bigint, step: bigint): bigint {
  return step <= 1n ? u : u - (u % step);
}

import { Decimal, ModelError, Rounding } from '@qubit/model';
import { requirePeriod } from './validate.js';

/**
 * Simple moving average over the last `period` values, updated in O(1). The running sum is exact, so two
 * SMAs compare without float noise and a crossover is the same on every machine.
 *
 * Prices of one series share a scale, so the sum is kept as integer units at that scale in a JS number
 * while every step stays a safe integer (|x| < 2^53, where number arithmetic is exact); the first value
 * at another scale or the first step beyond 2^53 moves the sum to bigint Decimal for good (until reset).
 */
export class Sma {
  private readonly window: Decimal[] = [];
  private head = 0;
  /** Units of each window value at `scale`, beside `window`, while the sum is kept as a number. */
  private readonly units: number[] = [];
  /** The scale every value seen so far shares; -1 before the first value. */
  private scale = -1;
  /** The exact sum in units of `scale` while `exact` is unset. */
  private fastTotal = 0;
  /** The exact sum as a Decimal, once the fast path no longer applies. */
  private exact: Decimal | undefined;

  constructor(readonly period: number) {
    requirePeriod('period', period);
  }

  update(value: Decimal): void {
    const full = this.window.length === this.period;
    const leaving = full ? this.window[this.head]! : undefined;
    if (this.exact === undefined && !this.addFast(value, full)) this.exact = this.sum;
    if (this.exact !== undefined) {
      if (leaving) this.exact = this.exact.sub(leaving);
      this.exact = this.exact.add(value);
    }
    if (full) {
      this.window[this.head] = value;
      // A compare instead of a modulo: this runs twice per bar in a crossover bot.
      if (++this.head === this.period) this.head = 0;
    } else {
      this.window.push(value);
    }
  }

  /** Adds `value` to the number sum; false (and nothing changed) when that would not be exact. */
  private addFast(value: Decimal, full: boolean): boolean {
    if (this.scale !== -1 && value.scale !== this.scale) return false;
    const u = Number(value.units);
    if (!Number.isSafeInteger(u)) return false;
    // A sum or difference of safe integers is computed exactly whenever the exact result is itself a
    // safe integer, and comes out unsafe otherwise: checking each step is enough.
    const without = full ? this.fastTotal - this.units[this.head]! : this.fastTotal;
    const next = without + u;
    if (!Number.isSafeInteger(without) || !Number.isSafeInteger(next)) return false;
    this.scale = value.scale;
    this.fastTotal = next;
    if (full) this.units[this.head] = u;
    else this.units.push(u);
    return true;
  }

  /** True once `period` values have been seen. */
  get ready(): boolean {
    return this.window.length === this.period;
  }

  /** The exact sum of the window. */
  get sum(): Decimal {
    if (this.exact !== undefined) return this.exact;
    // Scaled like a Decimal running total from ZERO: at the values' scale once one was seen.
    return this.scale === -1 ? Decimal.ZERO : Decimal.of(BigInt(this.fastTotal), this.scale);
  }

  /** The average rounded to `scale` decimals (half-even); undefined until ready. */
  value(scale = 10): Decimal | undefined {
    return this.ready ? this.sum.div(Decimal.from(this.period), scale, Rounding.HALF_EVEN) : undefined;
  }

  /** Forgets everything seen, as if just constructed. */
  reset(): void {
    this.window.length = 0;
    this.units.length = 0;
    this.head = 0;
    this.scale = -1;
    this.fastTotal = 0;
    this.exact = undefined;
  }

  /** Exact comparison of two ready averages: sign of (this − other), by cross-multiplying the sums. */
  compare(other: Sma): -1 | 0 | 1 {
    if (!this.ready || !other.ready) throw new ModelError('sma', 'both averages must be ready to compare');
    if (this.exact === undefined && other.exact === undefined && this.scale === other.scale) {
      // Products of safe integers are exact when the result is safe, as for sums above.
      const a = this.fastTotal * other.period;
      const b = other.fastTotal * this.period;
      if (Number.isSafeInteger(a) && Number.isSafeInteger(b)) return a > b ? 1 : a < b ? -1 : 0;
    }
    return this.sum.mulInt(other.period).cmp(other.sum.mulInt(this.period));
  }
}

import { requireFinite, requirePeriod } from './validate.js';

/**
 * Exponential moving average, seeded with the simple mean of the first `period` values (talipp's and TA-Lib's
 * rule), then `ema += α·(x − ema)` with α = 2 / (period + 1).
 *
 * Floats, not Decimal: an EMA is a signal, never an amount of money, and it is a recurrence — each step
 * rounds once and old errors decay by (1 − α) per step, so there is no growing float sum to drift.
 */
export class Ema {
  /** The smoothing factor 2 / (period + 1). */
  readonly alpha: number;
  private count = 0;
  private seedSum = 0;
  private current: number | undefined;

  constructor(readonly period: number) {
    requirePeriod('period', period);
    this.alpha = 2 / (period + 1);
  }

  /** Feeds one value; returns the average, or undefined during the first `period − 1` values. */
  update(x: number): number | undefined {
    requireFinite('x', x);
    if (this.current !== undefined) {
      this.current += this.alpha * (x - this.current);
      return this.current;
    }
    this.seedSum += x;
    this.count++;
    if (this.count === this.period) this.current = this.seedSum / this.period;
    return this.current;
  }

  /** True once `period` values have been seen. */
  get ready(): boolean {
    return this.current !== undefined;
  }

  /** The current average; undefined until ready. */
  get value(): number | undefined {
    return this.current;
  }

  /** Forgets everything seen, as if just constructed. */
  reset(): void {
    this.count = 0;
    this.seedSum = 0;
    this.current = undefined;
  }
}

import { Decimal, ModelError, Rounding } from '@qubit/model';
import { requirePeriod } from './validate.js';

/**
 * Simple moving average over the last `period` values, updated in O(1). The running sum is exact
 * (Decimal), so two SMAs compare without float noise and a crossover is the same on every machine.
 */
export class Sma {
  private readonly window: Decimal[] = [];
  private head = 0;
  private total: Decimal = Decimal.ZERO;

  constructor(readonly period: number) {
    requirePeriod('period', period);
  }

  update(value: Decimal): void {
    if (this.window.length < this.period) {
      this.window.push(value);
    } else {
      this.total = this.total.sub(this.window[this.head]!);
      this.window[this.head] = value;
      this.head = (this.head + 1) % this.period;
    }
    this.total = this.total.add(value);
  }

  /** True once `period` values have been seen. */
  get ready(): boolean {
    return this.window.length === this.period;
  }

  /** The exact sum of the window. */
  get sum(): Decimal {
    return this.total;
  }

  /** The average rounded to `scale` decimals (half-even); undefined until ready. */
  value(scale = 10): Decimal | undefined {
    return this.ready ? this.total.div(Decimal.from(this.period), scale, Rounding.HALF_EVEN) : undefined;
  }

  /** Forgets everything seen, as if just constructed. */
  reset(): void {
    this.window.length = 0;
    this.head = 0;
    this.total = Decimal.ZERO;
  }

  /** Exact comparison of two ready averages: sign of (this − other), by cross-multiplying the sums. */
  compare(other: Sma): -1 | 0 | 1 {
    if (!this.ready || !other.ready) throw new ModelError('sma', 'both averages must be ready to compare');
    return this.total.mulInt(other.period).cmp(other.total.mulInt(this.period));
  }
}

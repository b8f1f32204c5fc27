import { ModelError } from '@qubit/model';
import { RollingMoments } from './rolling-moments.js';
import { requireFinite, requirePeriod } from './validate.js';

/**
 * Realized volatility: the SAMPLE standard deviation (n − 1) of the last `period` log returns ln(pₜ / pₜ₋₁),
 * multiplied by √periodsPerYear when that is given (e.g. 365 × 24 for hourly crypto bars, 252 for daily stock
 * bars) so that it reads as an annual figure. The first value needs `period + 1` prices.
 *
 * Floats, not Decimal: a risk signal, not an amount; logarithms are not exact in any representation. The window
 * statistics come from RollingMoments, recomputed from the window every `period` updates so they cannot drift.
 */
export class RealizedVolatility {
  private readonly moments: RollingMoments;
  private readonly scale: number;
  private previous: number | undefined;
  private current: number | undefined;

  constructor(
    readonly period: number,
    readonly periodsPerYear?: number,
  ) {
    // A sample standard deviation needs at least two returns.
    requirePeriod('period', period, 2);
    if (periodsPerYear !== undefined && (!Number.isFinite(periodsPerYear) || periodsPerYear <= 0)) {
      throw new ModelError('periodsPerYear', `must be a finite number > 0, got ${periodsPerYear}`);
    }
    this.moments = new RollingMoments(period);
    this.scale = periodsPerYear === undefined ? 1 : Math.sqrt(periodsPerYear);
  }

  /** Feeds one price (> 0); returns the volatility, or undefined during the first `period` prices. */
  update(price: number): number | undefined {
    requireFinite('price', price);
    if (price <= 0) throw new ModelError('price', `must be > 0 for a log return, got ${price}`);
    const previous = this.previous;
    this.previous = price;
    if (previous === undefined) return undefined;
    const m = this.moments;
    m.push(Math.log(price / previous));
    if (!m.full) return undefined;
    this.current = Math.sqrt(m.sumSquaredDeviations / (this.period - 1)) * this.scale;
    return this.current;
  }

  /** True once `period + 1` prices have been seen. */
  get ready(): boolean {
    return this.current !== undefined;
  }

  /** The current volatility (annualized when periodsPerYear was given); undefined until ready. */
  get value(): number | undefined {
    return this.current;
  }

  /** Forgets everything seen, as if just constructed. */
  reset(): void {
    this.moments.reset();
    this.previous = undefined;
    this.current = undefined;
  }
}

import { ModelError } from '@qubit/model';
import { RollingMoments } from './rolling-moments.js';
import { requireFinite, requirePeriod } from './validate.js';

/** One Bollinger reading: the mean of the window and the bands `k` standard deviations either side. */
export interface BollingerBandsValue {
  readonly upper: number;
  readonly middle: number;
  readonly lower: number;
}

/**
 * Bollinger Bands: middle = simple mean of the last `period` closes, bands at ± k × the POPULATION standard
 * deviation of the same window (Bollinger's definition, and what talipp, TA-Lib and cinar/indicator use).
 *
 * Floats, not Decimal: the bands are a signal, not an amount. The window statistics come from RollingMoments,
 * which recomputes them from the window every `period` updates, so the error cannot drift over a long stream.
 */
export class BollingerBands {
  private readonly moments: RollingMoments;
  private current: BollingerBandsValue | undefined;

  constructor(
    readonly period = 20,
    readonly k = 2,
  ) {
    requirePeriod('period', period);
    if (!Number.isFinite(k) || k < 0) throw new ModelError('k', `must be a finite number >= 0, got ${k}`);
    this.moments = new RollingMoments(period);
  }

  /** Feeds one close; returns the bands, or undefined during the first `period − 1` closes. */
  update(close: number): BollingerBandsValue | undefined {
    requireFinite('close', close);
    const m = this.moments;
    m.push(close);
    if (!m.full) return undefined;
    const middle = m.mean;
    const width = this.k * Math.sqrt(m.sumSquaredDeviations / this.period);
    this.current = { upper: middle + width, middle, lower: middle - width };
    return this.current;
  }

  /** True once `period` closes have been seen. */
  get ready(): boolean {
    return this.current !== undefined;
  }

  /** The latest bands; undefined until ready. */
  get value(): BollingerBandsValue | undefined {
    return this.current;
  }

  /** Forgets everything seen, as if just constructed. */
  reset(): void {
    this.moments.reset();
    this.current = undefined;
  }
}

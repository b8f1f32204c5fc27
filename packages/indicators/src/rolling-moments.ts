import { requirePeriod } from './validate.js';

/**
 * Mean and sum of squared deviations (M2) of the last `size` values, for rolling standard deviations.
 *
 * Each update is a sliding Welford step: it works on differences from the mean, so prices around 1e5 with a
 * spread of a few units lose no precision to cancellation (Σx² − n·mean² would). Sliding steps still round a
 * little each time, so every `size` updates — each time the ring buffer wraps — mean and M2 are recomputed in
 * two passes from the window itself. The error therefore depends only on the window, never on how long the
 * stream has run, and the cost stays O(1) amortized (two extra operations per update).
 */
export class RollingMoments {
  private readonly window: Float64Array;
  private head = 0;
  private filled = 0;
  private mu = 0;
  private m2 = 0;

  constructor(readonly size: number) {
    requirePeriod('size', size);
    this.window = new Float64Array(size);
  }

  /** Adds `x`, dropping the oldest value once the window is full. The caller checks that `x` is finite. */
  push(x: number): void {
    const n = this.size;
    if (this.filled < n) {
      this.window[this.filled++] = x;
      const delta = x - this.mu;
      this.mu += delta / this.filled;
      this.m2 += delta * (x - this.mu);
      return;
    }
    const old = this.window[this.head]!;
    this.window[this.head] = x;
    this.head = this.head + 1 === n ? 0 : this.head + 1;
    if (this.head === 0) {
      this.recompute();
      return;
    }
    const mean = this.mu + (x - old) / n;
    this.m2 += (x - old) * (x - mean + old - this.mu);
    this.mu = mean;
    // Rounding can push M2 of an almost-constant window a hair below zero; the true value never is.
    if (this.m2 < 0) this.m2 = 0;
  }

  /** True once `size` values have been pushed. */
  get full(): boolean {
    return this.filled === this.size;
  }

  /** Number of values currently in the window. */
  get count(): number {
    return this.filled;
  }

  /** Mean of the values in the window (0 when empty). */
  get mean(): number {
    return this.mu;
  }

  /** Sum of squared deviations from the mean of the values in the window. */
  get sumSquaredDeviations(): number {
    return this.m2;
  }

  /** Empties the window. */
  reset(): void {
    this.head = 0;
    this.filled = 0;
    this.mu = 0;
    this.m2 = 0;
  }

  private recompute(): void {
    const w = this.window;
    const n = this.size;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += w[i]!;
    const mean = sum / n;
    let m2 = 0;
    for (let i = 0; i < n; i++) {
      const d = w[i]! - mean;
      m2 += d * d;
    }
    this.mu = mean;
    this.m2 = m2;
  }
}

import { requireFinite, requirePeriod } from './validate.js';

/**
 * Relative Strength Index with Wilder's smoothing: the first average gain and loss are the simple means of the
 * first `period` changes, then `avg = (avg·(period − 1) + x) / period`. The first value therefore needs
 * `period + 1` inputs.
 *
 * Floats, not Decimal: RSI is a bounded oscillator used as a signal, and Wilder's averages are recurrences in
 * which old rounding errors decay geometrically — no float sum grows with the history.
 *
 * Degenerate windows: no losses gives 100, no gains gives 0, and no movement at all gives 50 (neither
 * overbought nor oversold) instead of 0/0.
 */
export class Rsi {
  private previous: number | undefined;
  private changes = 0;
  private avgGain = 0;
  private avgLoss = 0;
  private current: number | undefined;

  constructor(readonly period = 14) {
    requirePeriod('period', period);
  }

  /** Feeds one close; returns the RSI in [0, 100], or undefined during the first `period` closes. */
  update(close: number): number | undefined {
    requireFinite('close', close);
    const previous = this.previous;
    this.previous = close;
    if (previous === undefined) return undefined;
    const change = close - previous;
    const gain = change > 0 ? change : 0;
    const loss = change < 0 ? -change : 0;
    const n = this.period;
    if (this.changes < n) {
      // Seeding: accumulate the first `period` changes; at most `period` terms, so the sum cannot drift.
      this.avgGain += gain;
      this.avgLoss += loss;
      if (++this.changes < n) return undefined;
      this.avgGain /= n;
      this.avgLoss /= n;
    } else {
      this.avgGain = (this.avgGain * (n - 1) + gain) / n;
      this.avgLoss = (this.avgLoss * (n - 1) + loss) / n;
    }
    const total = this.avgGain + this.avgLoss;
    this.current = total === 0 ? 50 : (100 * this.avgGain) / total;
    return this.current;
  }

  /** True once `period + 1` closes have been seen. */
  get ready(): boolean {
    return this.current !== undefined;
  }

  /** The current RSI in [0, 100]; undefined until ready. */
  get value(): number | undefined {
    return this.current;
  }

  /** Forgets everything seen, as if just constructed. */
  reset(): void {
    this.previous = undefined;
    this.changes = 0;
    this.avgGain = 0;
    this.avgLoss = 0;
    this.current = undefined;
  }
}

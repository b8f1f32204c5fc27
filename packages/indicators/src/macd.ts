import { ModelError } from '@qubit/model';
import { Ema } from './ema.js';
import { requireFinite, requirePeriod } from './validate.js';

/** One MACD reading: the MACD line, its signal line and their difference. */
export interface MacdValue {
  readonly macd: number;
  readonly signal: number;
  readonly histogram: number;
}

/**
 * Moving Average Convergence/Divergence: MACD line = EMA(fast) − EMA(slow) of the closes, both EMAs SMA-seeded
 * from the first close; signal = SMA-seeded EMA(signal) of the MACD line. The MACD line first exists at close
 * number `slow`, the full reading at close number `slow + signal − 1` (index 33 for 12/26/9, as in talipp and
 * cinar/indicator).
 *
 * Floats, not Decimal: a signal, built from EMA recurrences (see Ema).
 */
export class Macd {
  private readonly fastEma: Ema;
  private readonly slowEma: Ema;
  private readonly signalEma: Ema;
  private line: number | undefined;
  private current: MacdValue | undefined;

  constructor(
    readonly fast = 12,
    readonly slow = 26,
    readonly signal = 9,
  ) {
    requirePeriod('fast', fast);
    requirePeriod('slow', slow);
    requirePeriod('signal', signal);
    if (fast >= slow) throw new ModelError('fast', `must be less than slow (${slow}), got ${fast}`);
    this.fastEma = new Ema(fast);
    this.slowEma = new Ema(slow);
    this.signalEma = new Ema(signal);
  }

  /** Feeds one close; returns the reading, or undefined until the signal line exists. */
  update(close: number): MacdValue | undefined {
    // Checked here so that a bad close leaves all three EMAs untouched rather than only some of them.
    requireFinite('close', close);
    const fast = this.fastEma.update(close);
    const slow = this.slowEma.update(close);
    if (fast === undefined || slow === undefined) return undefined;
    const macd = fast - slow;
    this.line = macd;
    const signal = this.signalEma.update(macd);
    if (signal === undefined) return undefined;
    this.current = { macd, signal, histogram: macd - signal };
    return this.current;
  }

  /** True once the signal line exists (`slow + signal − 1` closes). */
  get ready(): boolean {
    return this.current !== undefined;
  }

  /** The latest full reading; undefined until ready. */
  get value(): MacdValue | undefined {
    return this.current;
  }

  /** The MACD line alone, available `signal − 1` closes before the full reading; undefined before that. */
  get macdLine(): number | undefined {
    return this.line;
  }

  /** Forgets everything seen, as if just constructed. */
  reset(): void {
    this.fastEma.reset();
    this.slowEma.reset();
    this.signalEma.reset();
    this.line = undefined;
    this.current = undefined;
  }
}

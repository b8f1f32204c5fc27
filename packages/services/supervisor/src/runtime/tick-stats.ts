/**
 * onTick durations and intent counts of one bot, read at each heartbeat. The p95 is over the last
 * `window` ticks, so one slow minute an hour ago no longer shows while a slow bot now does.
 */
export class TickStats {
  private readonly durations: Float64Array;
  private filled = 0;
  private next = 0;
  private ticksInInterval = 0;
  private intentsInInterval = 0;
  totalTicks = 0;
  errors = 0;

  constructor(readonly window = 512) {
    if (!Number.isSafeInteger(window) || window < 1) {
      throw new RangeError(`window: must be a positive integer, got ${String(window)}`);
    }
    this.durations = new Float64Array(window);
  }

  tick(ms: number): void {
    this.durations[this.next] = ms;
    this.next = (this.next + 1) % this.window;
    if (this.filled < this.window) this.filled++;
    this.ticksInInterval++;
    this.totalTicks++;
  }

  intents(count: number): void {
    this.intentsInInterval += count;
  }

  /** The 95th percentile (nearest rank) of the kept durations; undefined before the first tick. */
  p95(): number | undefined {
    if (this.filled === 0) return undefined;
    const sorted = Array.from(this.durations.subarray(0, this.filled)).sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)];
  }

  /** This interval's tick and intent counts, and a fresh interval. */
  takeInterval(): { readonly ticks: number; readonly intents: number } {
    const out = { ticks: this.ticksInInterval, intents: this.intentsInInterval };
    this.ticksInInterval = 0;
    this.intentsInInterval = 0;
    return out;
  }
}

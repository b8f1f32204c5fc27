import type { UnixNanos } from '@qubit/model';
import type { SubmitRate } from './risk-limits.js';

/**
 * A sliding-window event counter on clock time: an event at `t` counts for every `now` with
 * `now - windowNs < t <= now`. Checking and recording are separate so that a caller can check
 * several windows and record in all of them only when every one allows the event.
 * Memory stays near the configured count: old times are dropped as the window slides.
 */
export class SlidingWindow {
  private times: UnixNanos[] = [];
  private head = 0;
  /** The last cutoff computed: a check and a record at the same time need one subtraction, not two. */
  private cutoffFor: UnixNanos | undefined;
  private cutoffWindow = 0n;
  private lastCutoff = 0n;

  /** Events inside the window that ends at `now`. */
  count(now: UnixNanos, windowNs: bigint): number {
    this.prune(this.cutoff(now, windowNs));
    return this.times.length - this.head;
  }

  /** True when one more event at `now` stays within the rate. */
  allows(now: UnixNanos, rate: SubmitRate): boolean {
    return this.count(now, rate.windowNs) < rate.count;
  }

  record(now: UnixNanos, windowNs: bigint): void {
    this.prune(this.cutoff(now, windowNs));
    this.times.push(now);
  }

  private cutoff(now: UnixNanos, windowNs: bigint): UnixNanos {
    if (now !== this.cutoffFor || windowNs !== this.cutoffWindow) {
      this.cutoffFor = now;
      this.cutoffWindow = windowNs;
      this.lastCutoff = now - windowNs;
    }
    return this.lastCutoff;
  }

  private prune(cutoff: UnixNanos): void {
    const times = this.times;
    let h = this.head;
    while (h < times.length && times[h]! <= cutoff) h++;
    if (h === times.length) {
      times.length = 0;
      h = 0;
    } else if (h > 64 && h * 2 > times.length) {
      // Compact once the dead prefix dominates, so the array does not grow with the run's length.
      this.times = times.slice(h);
      h = 0;
    }
    this.head = h;
  }
}

/** One sliding window per key (an instrument, a scope), created on first use. */
export class RateLimiters {
  private readonly windows = new Map<string, SlidingWindow>();

  allows(key: string, now: UnixNanos, rate: SubmitRate): boolean {
    const w = this.windows.get(key);
    return w ? w.allows(now, rate) : rate.count > 0;
  }

  count(key: string, now: UnixNanos, windowNs: bigint): number {
    return this.windows.get(key)?.count(now, windowNs) ?? 0;
  }

  record(key: string, now: UnixNanos, windowNs: bigint): void {
    let w = this.windows.get(key);
    if (!w) this.windows.set(key, (w = new SlidingWindow()));
    w.record(now, windowNs);
  }
}

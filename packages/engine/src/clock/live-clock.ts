import type { UnixNanos } from '@qubit/model';
import type { Clock, TimerCallback } from './clock.js';

const MAX_DELAY_MS = 2 ** 31 - 1;

/** Wall-clock time with nanosecond resolution, anchored once to Date.now and advanced by hrtime. */
export class LiveClock implements Clock {
  private readonly anchorNs = BigInt(Date.now()) * 1_000_000n;
  private readonly anchorHr = process.hrtime.bigint();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();

  now(): UnixNanos {
    return this.anchorNs + (process.hrtime.bigint() - this.anchorHr);
  }

  setTimer(name: string, at: UnixNanos, callback: TimerCallback): void {
    this.cancelTimer(name);
    this.arm(name, at, callback);
  }

  private arm(name: string, at: UnixNanos, callback: TimerCallback): void {
    const remaining = at - this.now();
    // Round up so a timer never fires before its time; setTimeout caps delays at 2^31-1 ms, so a
    // longer timer wakes early and re-arms for the rest.
    const delayMs = remaining <= 0n ? 0 : Math.min(MAX_DELAY_MS, Number((remaining + 999_999n) / 1_000_000n));
    const handle = setTimeout(() => {
      if (this.now() < at) {
        this.arm(name, at, callback);
        return;
      }
      this.timers.delete(name);
      callback(name, at);
    }, delayMs);
    handle.unref?.();
    this.timers.set(name, handle);
  }

  cancelTimer(name: string): void {
    const h = this.timers.get(name);
    if (h !== undefined) clearTimeout(h);
    this.timers.delete(name);
  }
}

import type { UnixNanos } from '@qubit/model';
import type { Clock, TimerCallback } from './clock.js';

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
    const delayMs = Math.max(0, Number((at - this.now()) / 1_000_000n));
    const handle = setTimeout(() => {
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

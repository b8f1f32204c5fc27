import { ModelError, type UnixNanos } from '@qubit/model';
import type { Clock, TimerCallback } from './clock.js';

interface Timer {
  readonly name: string;
  readonly at: UnixNanos;
  readonly seq: number;
  readonly callback: TimerCallback;
}

/**
 * A clock moved only by `advanceTo`, as a backtest moves it with data time. Timers fire in
 * (time, creation) order, each with the clock set to its own time, so runs are reproducible.
 */
export class TestClock implements Clock {
  private time: UnixNanos;
  private readonly timers = new Map<string, Timer>();
  private seq = 0;
  /**
   * No timer is due before this time (a lower bound, kept on cancel): a backtest advances the clock
   * twice per datum and usually has no timer due, which this answers without scanning the timers.
   */
  private earliest: UnixNanos | undefined;

  constructor(start: UnixNanos = 0n) {
    this.time = start;
  }

  now(): UnixNanos {
    return this.time;
  }

  setTimer(name: string, at: UnixNanos, callback: TimerCallback): void {
    this.timers.set(name, { name, at, seq: this.seq++, callback });
    if (this.earliest === undefined || at < this.earliest) this.earliest = at;
  }

  cancelTimer(name: string): void {
    this.timers.delete(name);
  }

  /** True when a timer is due at or before `ts`. */
  hasTimerDue(ts: UnixNanos): boolean {
    if (this.earliest === undefined || ts < this.earliest) return false;
    for (const t of this.timers.values()) if (t.at <= ts) return true;
    return false;
  }

  /** Moves time forward to `ts`, firing every timer due on the way. Going backwards is an error. */
  advanceTo(ts: UnixNanos): void {
    if (ts < this.time) {
      throw new ModelError('ts', `the clock cannot go back from ${this.time} to ${ts}`);
    }
    for (;;) {
      if (this.earliest === undefined || ts < this.earliest) break;
      let next: Timer | undefined;
      let earliest: UnixNanos | undefined;
      for (const t of this.timers.values()) {
        if (earliest === undefined || t.at < earliest) earliest = t.at;
        if (t.at <= ts && (!next || t.at < next.at || (t.at === next.at && t.seq < next.seq))) next = t;
      }
      this.earliest = earliest;
      if (!next) break;
      this.timers.delete(next.name);
      if (next.at > this.time) this.time = next.at;
      next.callback(next.name, next.at);
    }
    this.time = ts;
  }
}

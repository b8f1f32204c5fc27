import type { Timers } from '../runtime/timers.js';

/** Timers that fire only when the test advances them, in time order. */
export class FakeTimers implements Timers {
  private nowValue: number;
  private seq = 0;
  private readonly pending = new Map<number, { readonly at: number; readonly callback: () => void }>();

  constructor(startMs = 1_700_000_000_000) {
    this.nowValue = startMs;
  }

  nowMs(): number {
    return this.nowValue;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.pending.set(id, { at: this.nowValue + ms, callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  /** Moves time forward by `ms`, firing each timer due on the way at its own time. */
  advance(ms: number): void {
    const end = this.nowValue + ms;
    for (;;) {
      let next: [number, { at: number; callback: () => void }] | undefined;
      for (const e of this.pending) if (e[1].at <= end && (!next || e[1].at < next[1].at)) next = e;
      if (!next) break;
      this.pending.delete(next[0]);
      this.nowValue = Math.max(this.nowValue, next[1].at);
      next[1].callback();
    }
    this.nowValue = end;
  }
}

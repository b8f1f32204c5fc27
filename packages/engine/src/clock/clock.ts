import type { UnixNanos } from '@qubit/model';

export type TimerCallback = (name: string, ts: UnixNanos) => void;

/** The only source of time in the kernel. */
export interface Clock {
  now(): UnixNanos;
  /** Calls `callback` once at `at` (or at once, on the next advance, when `at` is already past). Replaces a timer of the same name. */
  setTimer(name: string, at: UnixNanos, callback: TimerCallback): void;
  cancelTimer(name: string): void;
}

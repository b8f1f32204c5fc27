import { ModelError } from '@qubit/model';

export interface BackoffOptions {
  /** Delay before the first retry, in milliseconds (default 250). */
  readonly initialMs?: number;
  /** The delay never grows beyond this (default 30000). */
  readonly maxMs?: number;
}

/**
 * Exponential backoff with jitter: the n-th delay is drawn from [cap/2, cap], cap = min(maxMs, initialMs·2ⁿ).
 * The jitter keeps many feeds that lost the same venue from reconnecting in lockstep; the floor keeps one
 * from hammering a venue that is still down.
 */
export class Backoff {
  readonly initialMs: number;
  readonly maxMs: number;
  private attempt = 0;

  constructor(
    options: BackoffOptions = {},
    private readonly random: () => number = Math.random,
    field = 'backoff',
  ) {
    const initialMs = options.initialMs ?? 250;
    const maxMs = options.maxMs ?? 30_000;
    if (!Number.isFinite(initialMs) || initialMs <= 0) {
      throw new ModelError(
        `${field}.initialMs`,
        `must be a positive number of milliseconds, got ${initialMs}`,
      );
    }
    if (!Number.isFinite(maxMs) || maxMs < initialMs) {
      throw new ModelError(`${field}.maxMs`, `must be at least initialMs (${initialMs}), got ${maxMs}`);
    }
    this.initialMs = initialMs;
    this.maxMs = maxMs;
  }

  /** The delay before the next attempt; each call doubles the ceiling until `maxMs`. */
  next(): number {
    const cap = Math.min(this.maxMs, this.initialMs * 2 ** Math.min(this.attempt, 30));
    this.attempt++;
    return cap / 2 + this.random() * (cap / 2);
  }

  /** After a success the next failure waits `initialMs` again. */
  reset(): void {
    this.attempt = 0;
  }
}

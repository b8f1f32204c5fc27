import { ModelError } from '@qubit/model';

export interface BackoffOptions {
  /** Delay before the first retry, in milliseconds (the caller's default when absent). */
  readonly initialMs?: number;
  /** The delay never grows beyond this. */
  readonly maxMs?: number;
}

/**
 * Exponential backoff with jitter, for anything that reconnects or retries (venue links, feeds, history
 * downloads): the n-th delay is drawn uniformly from [cap/2, cap], cap = min(maxMs, initialMs·2ⁿ). The
 * jitter keeps many clients that lost the same venue from reconnecting in lockstep; the floor of cap/2
 * keeps one from hammering a venue that is still down. The random source is the caller's, so the kernel
 * stays deterministic and tests can pin it.
 */
export class Backoff {
  readonly initialMs: number;
  readonly maxMs: number;
  private attempt = 0;

  constructor(
    options: BackoffOptions,
    defaults: Required<BackoffOptions>,
    private readonly random: () => number,
    field = 'backoff',
  ) {
    const initialMs = options.initialMs ?? defaults.initialMs;
    const maxMs = options.maxMs ?? defaults.maxMs;
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

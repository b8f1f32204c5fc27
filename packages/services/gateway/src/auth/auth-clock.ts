import type { UnixNanos } from '@qubit/model';

/** What auth needs of the engine's Clock (TestClock and LiveClock both fit): the time now. */
export interface AuthClock {
  now(): UnixNanos;
}

export function epochSeconds(clock: AuthClock): number {
  return Number(clock.now() / 1_000_000_000n);
}

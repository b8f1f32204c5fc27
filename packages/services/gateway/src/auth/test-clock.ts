// Tests only: a clock the test moves by hand.
import type { AuthClock } from './auth-clock.js';

export class ManualClock implements AuthClock {
  private nanos: bigint;

  constructor(epochSeconds: number) {
    this.nanos = BigInt(epochSeconds) * 1_000_000_000n;
  }

  now(): bigint {
    return this.nanos;
  }

  advanceSeconds(seconds: number): void {
    this.nanos += BigInt(seconds) * 1_000_000_000n;
  }
}

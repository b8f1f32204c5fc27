import { NANOS_PER_MILLI } from '@qubit/model';
import { it } from 'vitest';
import { TestClock } from '/work/main/packages/engine/src/clock/test-clock.js';
import { ClientOrderIdGenerator } from '/work/main/packages/engine/src/execution/client-order-id-generator.js';
it('speed', () => {
  for (const cap of [100_000, 10_000_000]) {
  const gen = new ClientOrderIdGenerator({ clock: new TestClock(1_717_171_717_171n * NANOS_PER_MILLI), capacity: cap });
  for (let r = 0; r < 3; r++) {
    const t = performance.now();
    for (let i = 0; i < 300_000; i++) gen.generate('550e8400-e29b-41d4-a716-446655440000', 'entry');
    console.log(cap, r, ((performance.now() - t) / 300_000 * 1e6).toFixed(0), 'ns/id');
  }}
});

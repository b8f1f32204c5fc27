import { NANOS_PER_MILLI } from '@qubit/model';
import { bench, describe } from 'vitest';
import { TestClock } from '../clock/test-clock.js';
import { ClientOrderIdGenerator } from './client-order-id-generator.js';

// Run with: npx vitest bench --run packages/engine/src/execution
describe('ClientOrderIdGenerator.generate', () => {
  const clock = new TestClock(1_717_171_717_171n * NANOS_PER_MILLI);
  const gen = new ClientOrderIdGenerator({ clock, capacity: 100_000 });
  let i = 0;

  bench('one bot, known reason, same millisecond', () => {
    gen.generate('550e8400-e29b-41d4-a716-446655440000', 'entry');
  });

  bench('ten bots, mixed reasons, a new millisecond every 10 ids', () => {
    if (++i % 10 === 0) clock.advanceTo(clock.now() + NANOS_PER_MILLI);
    gen.generate(`strategy_${i % 10}_long_name`, i % 2 === 0 ? 'take_profit' : 'breakout');
  });
});

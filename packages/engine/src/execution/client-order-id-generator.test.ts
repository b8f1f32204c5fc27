import { ClientOrderId, ModelError, NANOS_PER_MILLI, type UnixNanos } from '@qubit/model';
import { describe, expect, it } from 'vitest';
import type { Clock } from '../clock/clock.js';
import { TestClock } from '../clock/test-clock.js';
import {
  ClientOrderIdGenerator,
  REASON_CODES,
  botTag,
  parseClientOrderId,
  reasonCode,
} from './client-order-id-generator.js';

const VENUE_SAFE = /^[A-Za-z0-9_-]{1,32}$/;
const T0 = 1_717_171_717_171n * NANOS_PER_MILLI; // 2024-05-31

/** A clock a test can move anywhere, backwards too, as a misbehaving host clock might. */
class SettableClock implements Clock {
  constructor(public time: UnixNanos) {}
  now(): UnixNanos {
    return this.time;
  }
  setTimer(): void {}
  cancelTimer(): void {}
}

describe('ClientOrderIdGenerator', () => {
  it('makes ids of the form <bot tag>-<reason code>-<ms base36>-<seq base36>', () => {
    const gen = new ClientOrderIdGenerator({ clock: new TestClock(T0) });
    expect(gen.generate('bot1', 'entry')).toBe(`bot1-EN-${(T0 / NANOS_PER_MILLI).toString(36)}-0`);
    expect(gen.generate('bot1', 'take_profit')).toBe(`bot1-TP-${(T0 / NANOS_PER_MILLI).toString(36)}-1`);
  });

  it('tags a UUID bot with its first 8 hex digits', () => {
    const gen = new ClientOrderIdGenerator({ clock: new TestClock(T0) });
    const id = gen.generate('550E8400-e29b-41d4-a716-446655440000', 'stop_loss');
    expect(id.startsWith('550e8400-SL-')).toBe(true);
  });

  it('gives long bot ids with a common prefix different tags', () => {
    expect(botTag('strategy_001')).not.toBe(botTag('strategy_002'));
    expect(botTag('strategy_001')).toMatch(/^strate[0-9a-z]{4}$/);
    expect(botTag('sma-cross')).not.toBe(botTag('sma_cross'));
    expect(botTag('sma-cross')).not.toContain('-');
    expect(botTag('strategy_001')).toBe(botTag('strategy_001'));
  });

  it('codes every known reason with two capitals and shortens any other to 4 lower-case characters', () => {
    for (const [reason, code] of Object.entries(REASON_CODES)) expect(reasonCode(reason)).toBe(code);
    expect(reasonCode('Take Profit')).toBe('TP');
    expect(reasonCode('trailing-stop')).toBe('TS');
    expect(reasonCode('breakout')).toBe('brea');
    expect(reasonCode('EN')).toBe('en');
    expect(reasonCode('!!')).toBe('none');
    expect(reasonCode('')).toBe('none');
  });

  it('keeps every id within 32 venue-safe characters, whatever the bot id and reason', () => {
    const gen = new ClientOrderIdGenerator({ clock: new TestClock(T0) });
    const bots = [
      'a',
      'bot_1',
      'ABCDEFGHIJ',
      'ABCDEFGHIJK',
      'strategy_with_a_very_long_name_0001',
      '550e8400-e29b-41d4-a716-446655440000',
      'x'.repeat(64),
      'a-b-c-d',
    ];
    const reasons = ['entry', 'exit', 'a reason with spaces and ünïcode', '', '----', 'x'.repeat(200)];
    for (const bot of bots) {
      for (const reason of reasons) {
        const id = gen.generate(bot, reason);
        expect(id).toMatch(VENUE_SAFE);
        expect(ClientOrderId(id)).toBe(id);
      }
    }
  });

  it('still fits in 32 characters in the year 5000 with 100 000 ids in one millisecond', () => {
    const year5000 = 95_617_584_000_000n * NANOS_PER_MILLI;
    const gen = new ClientOrderIdGenerator({ clock: new TestClock(year5000) });
    let last = '';
    for (let i = 0; i < 100_000; i++) last = gen.generate('ABCDEFGHIJ', 'breakout');
    expect(last.length).toBeLessThanOrEqual(32);
    expect(last).toMatch(VENUE_SAFE);
  });

  it('never repeats an id over 100 000 ids, in one millisecond or spread over time', () => {
    const clock = new TestClock(T0);
    const gen = new ClientOrderIdGenerator({ clock });
    const seen = new Set<string>();
    for (let i = 0; i < 100_000; i++) {
      if (i % 7 === 0) clock.advanceTo(clock.now() + BigInt(i % 3) * NANOS_PER_MILLI);
      seen.add(gen.generate(i % 2 === 0 ? 'bot_a' : 'bot_b', i % 3 === 0 ? 'entry' : 'exit'));
    }
    expect(seen.size).toBe(100_000);
  });

  it('never repeats an id when the clock steps back', () => {
    const clock = new SettableClock(T0);
    const gen = new ClientOrderIdGenerator({ clock });
    const first = gen.generate('bot1', 'entry');
    clock.time = T0 - 5n * NANOS_PER_MILLI;
    const second = gen.generate('bot1', 'entry');
    expect(second).not.toBe(first);
    expect(parseClientOrderId(second)?.timeMs).toBe(T0 / NANOS_PER_MILLI);
    expect(parseClientOrderId(second)?.seq).toBe(1);
  });

  it('gives the same ids for the same calls at the same clock times', () => {
    const run = (): string[] => {
      const clock = new TestClock(T0);
      const gen = new ClientOrderIdGenerator({ clock });
      const out: string[] = [];
      for (let i = 0; i < 50; i++) {
        clock.advanceTo(T0 + BigInt(i * 400_000));
        out.push(gen.generate(`bot${i % 3}`, i % 2 === 0 ? 'entry' : 'grid'));
      }
      return out;
    };
    expect(run()).toEqual(run());
  });

  it('describes every id it generated with its bot and reason, and nothing else', () => {
    const gen = new ClientOrderIdGenerator({ clock: new TestClock(T0) });
    const a = gen.generate('550e8400-e29b-41d4-a716-446655440000', 'take_profit');
    const b = gen.generate('momentum_scalper', 'breakout');
    expect(gen.describe(a)).toEqual({ botId: '550e8400-e29b-41d4-a716-446655440000', reason: 'take_profit' });
    expect(gen.describe(b)).toEqual({ botId: 'momentum_scalper', reason: 'breakout' });
    expect(gen.describe('someone-else-1')).toBeUndefined();
  });

  it('forgets the oldest ids beyond its capacity', () => {
    const gen = new ClientOrderIdGenerator({ clock: new TestClock(T0), capacity: 2 });
    const a = gen.generate('bot1', 'entry');
    const b = gen.generate('bot1', 'exit');
    const c = gen.generate('bot1', 'exit');
    expect(gen.describe(a)).toBeUndefined();
    expect(gen.describe(b)).toBeDefined();
    expect(gen.describe(c)).toBeDefined();
  });

  it('re-learns ids after a restart and continues after them', () => {
    const before = new ClientOrderIdGenerator({ clock: new TestClock(T0) });
    const old = [before.generate('bot1', 'entry'), before.generate('bot1', 'entry')];
    // The restarted process reads an earlier time (a host clock set back) but must not reuse the old ids.
    const after = new ClientOrderIdGenerator({ clock: new TestClock(T0 - NANOS_PER_MILLI) });
    for (const id of old) after.register(id, 'bot1', 'entry');
    expect(after.describe(old[1]!)).toEqual({ botId: 'bot1', reason: 'entry' });
    const next = after.generate('bot1', 'entry');
    expect(old).not.toContain(next);
    expect(parseClientOrderId(next)).toMatchObject({ timeMs: T0 / NANOS_PER_MILLI, seq: 2 });
  });

  it('registers ids of another format for lookup only', () => {
    const gen = new ClientOrderIdGenerator({ clock: new TestClock(T0) });
    gen.register('manual_order_42', 'ops', 'manual');
    expect(gen.describe('manual_order_42')).toEqual({ botId: 'ops', reason: 'manual' });
  });

  it('refuses to register an id no venue would accept, naming the field', () => {
    const gen = new ClientOrderIdGenerator({ clock: new TestClock(T0) });
    expect(() => gen.register('bot:entry:123', 'bot1', 'entry')).toThrow(/client_order_id/);
    expect(() => gen.register('x'.repeat(33), 'bot1', 'entry')).toThrow(ModelError);
    expect(gen.describe('bot:entry:123')).toBeUndefined();
  });

  it('refuses an invalid bot id with an error naming bot_id', () => {
    const gen = new ClientOrderIdGenerator({ clock: new TestClock(T0) });
    expect(() => gen.generate('bad bot', 'entry')).toThrow(/bot_id/);
    expect(() => gen.generate('', 'entry')).toThrow(ModelError);
  });

  it('refuses a clock before 1970', () => {
    const gen = new ClientOrderIdGenerator({ clock: new SettableClock(-NANOS_PER_MILLI) });
    expect(() => gen.generate('bot1', 'entry')).toThrow(/clock/);
  });

  it('parses the tag, reason code, time and sequence from the string alone', () => {
    const gen = new ClientOrderIdGenerator({ clock: new TestClock(T0) });
    gen.generate('bot1', 'entry');
    const id = gen.generate('550e8400-e29b-41d4-a716-446655440000', 'trailing_stop');
    expect(gen.parse(id)).toEqual({
      botTag: '550e8400',
      reasonCode: 'TS',
      reason: 'trailing_stop',
      timeMs: T0 / NANOS_PER_MILLI,
      seq: 1,
    });
    expect(parseClientOrderId(gen.generate('bot1', 'breakout'))).toEqual({
      botTag: 'bot1',
      reasonCode: 'brea',
      timeMs: T0 / NANOS_PER_MILLI,
      seq: 2,
    });
    expect(parseClientOrderId('O-1')).toBeUndefined();
    expect(parseClientOrderId('a-b-c')).toBeUndefined();
    expect(parseClientOrderId('abcdefghijk-EN-1-0')).toBeUndefined();
  });

  it('generates 100 000 ids in well under a second', () => {
    const gen = new ClientOrderIdGenerator({ clock: new TestClock(T0) });
    const start = performance.now();
    for (let i = 0; i < 100_000; i++) gen.generate('550e8400-e29b-41d4-a716-446655440000', 'entry');
    const elapsed = performance.now() - start;
    expect(elapsed).toBeLessThan(1000);
  });
});

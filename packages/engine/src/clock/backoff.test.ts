import { describe, expect, it } from 'vitest';
import { Backoff } from './backoff.js';

const D = { initialMs: 100, maxMs: 5000 };

describe('Backoff', () => {
  it('doubles the ceiling up to maxMs and draws each delay from its upper half', () => {
    const lows = new Backoff({ initialMs: 100, maxMs: 1000 }, D, () => 0);
    expect([1, 2, 3, 4, 5, 6].map(() => lows.next())).toEqual([50, 100, 200, 400, 500, 500]);
    const highs = new Backoff({ initialMs: 100, maxMs: 1000 }, D, () => 0.999999);
    const h = [1, 2, 3, 4, 5].map(() => Math.round(highs.next()));
    expect(h).toEqual([100, 200, 400, 800, 1000]);
  });

  it('starts again from initialMs after a reset', () => {
    const b = new Backoff({ initialMs: 10, maxMs: 80 }, D, () => 0);
    b.next();
    b.next();
    b.reset();
    expect(b.next()).toBe(5);
  });

  it('refuses delays that are not positive or a ceiling below the first delay', () => {
    expect(() => new Backoff({ initialMs: 0 }, D, () => 0.5, 'reconnect')).toThrow(
      'reconnect.initialMs: must be a positive number of milliseconds, got 0',
    );
    expect(() => new Backoff({ initialMs: 50, maxMs: 10 }, D, () => 0.5, 'reconnect')).toThrow(
      'reconnect.maxMs: must be at least initialMs (50), got 10',
    );
  });
});

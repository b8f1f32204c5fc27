import { describe, expect, it } from 'vitest';
import { TickStats } from './tick-stats.js';

describe('TickStats', () => {
  it('reports the nearest-rank p95 of the last window of ticks', () => {
    const s = new TickStats(100);
    expect(s.p95()).toBeUndefined();
    for (let i = 1; i <= 100; i++) s.tick(i);
    expect(s.p95()).toBe(95);
    // A new window pushes the old durations out.
    for (let i = 0; i < 100; i++) s.tick(1);
    expect(s.p95()).toBe(1);
    expect(s.totalTicks).toBe(200);
  });

  it('counts ticks and intents per interval and starts a fresh one when read', () => {
    const s = new TickStats();
    s.tick(1);
    s.tick(2);
    s.intents(3);
    expect(s.takeInterval()).toEqual({ ticks: 2, intents: 3 });
    expect(s.takeInterval()).toEqual({ ticks: 0, intents: 0 });
  });

  it('refuses a window that is not a positive integer', () => {
    expect(() => new TickStats(0)).toThrow('window: must be a positive integer, got 0');
  });
});

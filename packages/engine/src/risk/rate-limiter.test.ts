import { describe, expect, it } from 'vitest';
import { SlidingWindow } from './rate-limiter.js';

describe('SlidingWindow', () => {
  const rate = { count: 3, windowNs: 100n };

  it('allows `count` events inside a window and refuses the next', () => {
    const w = new SlidingWindow();
    for (const t of [0n, 10n, 20n]) {
      expect(w.allows(t, rate)).toBe(true);
      w.record(t, rate.windowNs);
    }
    expect(w.allows(99n, rate)).toBe(false);
    expect(w.count(99n, rate.windowNs)).toBe(3);
  });

  it('frees a slot when the oldest event is a whole window old', () => {
    const w = new SlidingWindow();
    for (const t of [0n, 10n, 20n]) w.record(t, rate.windowNs);
    expect(w.allows(100n, rate)).toBe(true); // the event at 0 no longer counts at 100
    expect(w.count(110n, rate.windowNs)).toBe(1);
  });

  it('refuses everything at a count of zero', () => {
    expect(new SlidingWindow().allows(0n, { count: 0, windowNs: 10n })).toBe(false);
  });

  it('keeps only the events still inside the window over a long run', () => {
    const w = new SlidingWindow();
    for (let t = 0n; t < 100_000n; t++) w.record(t, 10n);
    expect(w.count(100_000n, 10n)).toBe(9);
    expect((w as unknown as { times: bigint[] }).times.length).toBeLessThan(200);
  });
});

import { describe, expect, it, vi } from 'vitest';
import { LiveClock } from './live-clock.js';

const MS = 1_000_000n;

function waitMs(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe('LiveClock', () => {
  it('reads wall time in nanoseconds, close to Date.now()', () => {
    const clock = new LiveClock();
    const before = BigInt(Date.now()) * MS;
    const now = clock.now();
    const after = BigInt(Date.now()) * MS;
    // Anchored to Date.now at construction and advanced by hrtime: within a few ms of the wall clock.
    expect(now).toBeGreaterThanOrEqual(before - 5n * MS);
    expect(now).toBeLessThanOrEqual(after + 5n * MS);
  });

  it('never goes backwards', () => {
    const clock = new LiveClock();
    let prev = clock.now();
    for (let i = 0; i < 10_000; i++) {
      const t = clock.now();
      expect(t >= prev).toBe(true);
      prev = t;
    }
  });

  it('fires a timer at (not before) its time, with its name and time', async () => {
    const clock = new LiveClock();
    const at = clock.now() + 20n * MS;
    const fired: { name: string; ts: bigint; now: bigint }[] = [];
    clock.setTimer('tick', at, (name, ts) => fired.push({ name, ts, now: clock.now() }));
    await waitMs(60);
    expect(fired).toHaveLength(1);
    expect(fired[0]!.name).toBe('tick');
    expect(fired[0]!.ts).toBe(at);
    // Real timers round to whole ms against a cached loop time; the exact contract is tested under fake timers below.
    expect(fired[0]!.now).toBeGreaterThanOrEqual(at - 3n * MS);
  });

  it('fires a timer whose time is already past as soon as possible', async () => {
    const clock = new LiveClock();
    let fired = 0;
    clock.setTimer('past', clock.now() - 1_000n * MS, () => fired++);
    await waitMs(20);
    expect(fired).toBe(1);
  });

  it('does not fire a cancelled timer, and a replaced timer fires only once with the new callback', async () => {
    const clock = new LiveClock();
    const fired: string[] = [];
    clock.setTimer('a', clock.now() + 5n * MS, () => fired.push('a'));
    clock.cancelTimer('a');
    clock.setTimer('b', clock.now() + 5n * MS, () => fired.push('b-old'));
    clock.setTimer('b', clock.now() + 10n * MS, () => fired.push('b-new'));
    clock.cancelTimer('unknown');
    await waitMs(50);
    expect(fired).toEqual(['b-new']);
  });
});

describe('LiveClock timers under fake timers', () => {
  const DAY = 86_400_000_000_000n;

  it('never fires a timer before its time', () => {
    vi.useFakeTimers();
    try {
      const clock = new LiveClock();
      const at = clock.now() + 20_500_000n; // 20.5 ms ahead
      let firedAt: bigint | undefined;
      clock.setTimer('t', at, () => (firedAt = clock.now()));
      vi.advanceTimersByTime(25);
      expect(firedAt).toBeDefined();
      expect(firedAt! >= at).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it('does not fire a timer due in 30 days after a few milliseconds', () => {
    vi.useFakeTimers();
    try {
      const clock = new LiveClock();
      let fired = false;
      clock.setTimer('far', clock.now() + 30n * DAY, () => (fired = true));
      vi.advanceTimersByTime(10);
      expect(fired).toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });

  it('fires a timer due in 10 days after 10 days', () => {
    vi.useFakeTimers();
    try {
      const clock = new LiveClock();
      const at = clock.now() + 10n * DAY;
      let fired = 0;
      clock.setTimer('ten-days', at, () => fired++);
      vi.advanceTimersByTime(10 * 86_400_000 - 10);
      expect(fired).toBe(0);
      vi.advanceTimersByTime(20);
      expect(fired).toBe(1);
    } finally {
      vi.useRealTimers();
    }
  });
});

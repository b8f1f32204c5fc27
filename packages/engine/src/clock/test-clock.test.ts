import { ModelError } from '@qubit/model';
import { describe, expect, it } from 'vitest';
import { TestClock } from './test-clock.js';

describe('TestClock', () => {
  it('starts at the given time (0 by default) and moves only when advanced', () => {
    expect(new TestClock().now()).toBe(0n);
    const clock = new TestClock(1_000n);
    expect(clock.now()).toBe(1_000n);
    clock.advanceTo(1_500n);
    expect(clock.now()).toBe(1_500n);
    clock.advanceTo(1_500n); // advancing to now is allowed
    expect(clock.now()).toBe(1_500n);
  });

  it('fires timers in (time, creation) order with the clock set to each timer time', () => {
    const clock = new TestClock(0n);
    const fired: [string, bigint, bigint][] = [];
    const cb = (name: string, ts: bigint): void => {
      fired.push([name, ts, clock.now()]);
    };
    clock.setTimer('late', 30n, cb);
    clock.setTimer('tie-first', 20n, cb);
    clock.setTimer('early', 10n, cb);
    clock.setTimer('tie-second', 20n, cb);
    clock.setTimer('beyond', 50n, cb);
    clock.advanceTo(40n);
    expect(fired).toEqual([
      ['early', 10n, 10n],
      ['tie-first', 20n, 20n],
      ['tie-second', 20n, 20n],
      ['late', 30n, 30n],
    ]);
    expect(clock.now()).toBe(40n);
    expect(clock.hasTimerDue(49n)).toBe(false);
    expect(clock.hasTimerDue(50n)).toBe(true);
    clock.advanceTo(60n);
    expect(fired.at(-1)).toEqual(['beyond', 50n, 50n]);
  });

  it('fires a timer due exactly at the target time', () => {
    const clock = new TestClock(0n);
    const fired: bigint[] = [];
    clock.setTimer('t', 100n, (_n, ts) => fired.push(ts));
    clock.advanceTo(99n);
    expect(fired).toEqual([]);
    clock.advanceTo(100n);
    expect(fired).toEqual([100n]);
  });

  it('fires each timer once', () => {
    const clock = new TestClock(0n);
    let calls = 0;
    clock.setTimer('once', 5n, () => calls++);
    clock.advanceTo(10n);
    clock.advanceTo(20n);
    expect(calls).toBe(1);
  });

  it('replaces a timer of the same name: only the new one fires, at its new time and creation order', () => {
    const clock = new TestClock(0n);
    const fired: string[] = [];
    clock.setTimer('a', 10n, () => fired.push('a-old'));
    clock.setTimer('b', 20n, () => fired.push('b'));
    clock.setTimer('a', 20n, () => fired.push('a-new'));
    clock.advanceTo(30n);
    // a-new was created after b, so at the same time it fires second.
    expect(fired).toEqual(['b', 'a-new']);
  });

  it('cancels a timer so that it never fires; cancelling an unknown name is harmless', () => {
    const clock = new TestClock(0n);
    const fired: string[] = [];
    clock.setTimer('a', 10n, () => fired.push('a'));
    clock.setTimer('b', 10n, () => fired.push('b'));
    clock.cancelTimer('a');
    clock.cancelTimer('never-set');
    expect(clock.hasTimerDue(10n)).toBe(true);
    clock.advanceTo(10n);
    expect(fired).toEqual(['b']);
    expect(clock.hasTimerDue(1_000n)).toBe(false);
  });

  it('refuses to go backwards with an error naming ts and changes nothing', () => {
    const clock = new TestClock(100n);
    let fired = false;
    clock.setTimer('t', 50n, () => (fired = true));
    let error: unknown;
    try {
      clock.advanceTo(99n);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ModelError);
    expect((error as ModelError).field).toBe('ts');
    expect((error as ModelError).message).toMatch(/^ts: .*100.*99/);
    expect(clock.now()).toBe(100n);
    expect(fired).toBe(false);
  });

  it('fires in the same advance a timer set inside a timer callback when it is already due', () => {
    const clock = new TestClock(0n);
    const fired: [string, bigint][] = [];
    clock.setTimer('outer', 10n, () => {
      fired.push(['outer', clock.now()]);
      clock.setTimer('inner', 15n, () => fired.push(['inner', clock.now()]));
      clock.setTimer('later', 25n, () => fired.push(['later', clock.now()]));
    });
    clock.setTimer('other', 20n, () => fired.push(['other', clock.now()]));
    clock.advanceTo(20n);
    expect(fired).toEqual([
      ['outer', 10n],
      ['inner', 15n],
      ['other', 20n],
    ]);
    clock.advanceTo(25n);
    expect(fired.at(-1)).toEqual(['later', 25n]);
  });

  it('fires a timer set in the past on the next advance without moving the clock back', () => {
    const clock = new TestClock(100n);
    const fired: [bigint, bigint][] = [];
    clock.setTimer('past', 40n, (_n, ts) => fired.push([ts, clock.now()]));
    expect(clock.hasTimerDue(100n)).toBe(true);
    clock.advanceTo(100n);
    expect(fired).toEqual([[40n, 100n]]);
    expect(clock.now()).toBe(100n);
  });

  it('passes the timer name to its callback', () => {
    const clock = new TestClock(0n);
    const names: string[] = [];
    clock.setTimer('expire:O-1', 1n, (name) => names.push(name));
    clock.advanceTo(1n);
    expect(names).toEqual(['expire:O-1']);
  });
});

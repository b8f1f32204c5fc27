import { describe, expect, it } from 'vitest';
import { RecentIds } from './recent-ids.js';

describe('RecentIds', () => {
  it('remembers ids once and reports a repeat', () => {
    const ids = new RecentIds(3);
    expect(ids.add('a')).toBe(true);
    expect(ids.add('a')).toBe(false);
    expect(ids.has('a')).toBe(true);
  });

  it('always remembers the last `capacity` ids and forgets older ones in bounded memory', () => {
    const ids = new RecentIds(100);
    for (let i = 0; i < 10_000; i++) ids.add(`id-${i}`);
    for (let i = 9_900; i < 10_000; i++) expect(ids.has(`id-${i}`)).toBe(true);
    expect(ids.has('id-0')).toBe(false);
    expect(ids.has('id-9000')).toBe(false);
    expect(ids.size).toBeLessThanOrEqual(200);
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new RecentIds(0)).toThrow(/positive integer/);
  });
});

import { describe, expect, it } from 'vitest';
import { BoundedMap } from './bounded-map.js';

describe('BoundedMap', () => {
  it('forgets the oldest entries beyond its capacity', () => {
    const m = new BoundedMap<string, number>(3);
    for (const [i, k] of ['a', 'b', 'c', 'd', 'e'].entries()) m.set(k, i);
    expect(m.size).toBe(3);
    expect(m.has('a')).toBe(false);
    expect(m.has('b')).toBe(false);
    expect([m.get('c'), m.get('d'), m.get('e')]).toEqual([2, 3, 4]);
  });

  it('keeps the place in line of a key set again', () => {
    const m = new BoundedMap<string, number>(2);
    m.set('a', 1);
    m.set('b', 2);
    m.set('a', 3);
    m.set('c', 4);
    expect(m.has('a')).toBe(false);
    expect(m.get('b')).toBe(2);
    expect(m.get('c')).toBe(4);
  });

  it('does not evict a key deleted and set again when its old slot comes round', () => {
    const m = new BoundedMap<string, number>(2);
    m.set('a', 1);
    m.delete('a');
    m.set('b', 2);
    m.set('a', 3); // takes slot 0 again, where the stale 'a' was
    m.set('c', 4); // evicts 'b' (slot 1)
    expect(m.get('a')).toBe(3);
    expect(m.has('b')).toBe(false);
    expect(m.get('c')).toBe(4);
  });

  it('takes a value out', () => {
    const m = new BoundedMap<string, number>(2);
    m.set('a', 1);
    expect(m.take('a')).toBe(1);
    expect(m.take('a')).toBeUndefined();
    expect(m.size).toBe(0);
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new BoundedMap(0)).toThrow(/capacity/);
    expect(() => new BoundedMap(1.5)).toThrow(RangeError);
  });
});

import fc from 'fast-check';
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

  it('sets a key only when absent and says whether it was', () => {
    const m = new BoundedMap<string, number>(2);
    expect(m.setIfAbsent('a', 1)).toBe(true);
    expect(m.setIfAbsent('a', 2)).toBe(false);
    expect(m.get('a')).toBe(1);
  });

  it('holds a full window of 100 000 ids and forgets exactly the older ones', () => {
    const m = new BoundedMap<string, number>(100_000);
    for (let i = 0; i < 250_000; i++) m.set(`B-${i.toString(36)}`, i);
    expect(m.size).toBe(100_000);
    for (let i = 150_000; i < 250_000; i += 997) expect(m.get(`B-${i.toString(36)}`)).toBe(i);
    for (let i = 0; i < 150_000; i += 997) expect(m.has(`B-${i.toString(36)}`)).toBe(false);
  });

  it('behaves like a Map with a first-in-first-out eviction under any mix of operations', () => {
    // The reference: a Map and a ring of keys, the straightforward implementation of the same contract.
    const op = fc.oneof(
      fc.record({
        kind: fc.constant('set' as const),
        key: fc.integer({ min: 0, max: 100 }),
        value: fc.integer(),
      }),
      fc.record({
        kind: fc.constant('add' as const),
        key: fc.integer({ min: 0, max: 100 }),
        value: fc.integer(),
      }),
      fc.record({ kind: fc.constant('delete' as const), key: fc.integer({ min: 0, max: 100 }) }),
      fc.record({ kind: fc.constant('take' as const), key: fc.integer({ min: 0, max: 100 }) }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 64 }), fc.array(op, { maxLength: 600 }), (capacity, ops) => {
        const m = new BoundedMap<string, number>(capacity);
        const ref = new Map<string, { value: number; slot: number }>();
        const ring: string[] = [];
        let next = 0;
        const refInsert = (key: string, value: number): void => {
          const slot = next;
          next = (slot + 1) % capacity;
          if (slot < ring.length) {
            const oldest = ring[slot]!;
            if (ref.get(oldest)?.slot === slot) ref.delete(oldest);
            ring[slot] = key;
          } else ring.push(key);
          ref.set(key, { value, slot });
        };
        for (const o of ops) {
          const key = `k${o.key}`;
          if (o.kind === 'set') {
            m.set(key, o.value);
            const e = ref.get(key);
            if (e) e.value = o.value;
            else refInsert(key, o.value);
          } else if (o.kind === 'add') {
            const absent = !ref.has(key);
            expect(m.setIfAbsent(key, o.value)).toBe(absent);
            if (absent) refInsert(key, o.value);
          } else if (o.kind === 'delete') {
            expect(m.delete(key)).toBe(ref.delete(key));
          } else {
            const e = ref.get(key);
            ref.delete(key);
            expect(m.take(key)).toBe(e?.value);
          }
          expect(m.size).toBe(ref.size);
        }
        for (let k = 0; k <= 100; k++) expect(m.get(`k${k}`)).toBe(ref.get(`k${k}`)?.value);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new BoundedMap(0)).toThrow(/capacity/);
    expect(() => new BoundedMap(1.5)).toThrow(RangeError);
  });
});

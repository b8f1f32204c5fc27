import { ModelError } from '@qubit/model';
import { describe, expect, it } from 'vitest';
import { InMemoryKeyValueState } from './in-memory-state.js';

function errorOf(fn: () => void): ModelError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ModelError) return e;
    throw e;
  }
  throw new Error('expected a ModelError');
}

describe('InMemoryKeyValueState', () => {
  it('round-trips JSON values', () => {
    const state = new InMemoryKeyValueState();
    const values: Record<string, unknown> = {
      number: 42.5,
      text: 'entry',
      flag: false,
      nothing: null,
      list: [1, 'two', { three: 3 }],
      nested: { a: { b: [true, null] } },
    };
    for (const [k, v] of Object.entries(values)) state.set(k, v);
    for (const [k, v] of Object.entries(values)) expect(state.get(k)).toEqual(v);
    expect(state.keys()).toEqual(Object.keys(values));
  });

  it('stores a copy: changing the object after set, or the value read, changes nothing stored', () => {
    const state = new InMemoryKeyValueState();
    const value = { count: 1, tags: ['a'] };
    state.set('k', value);
    value.count = 2;
    value.tags.push('b');
    const read = state.get<{ count: number; tags: string[] }>('k')!;
    expect(read).toEqual({ count: 1, tags: ['a'] });
    read.count = 99;
    expect(state.get('k')).toEqual({ count: 1, tags: ['a'] });
  });

  it('gives back what a durable store would: bigints as strings, dates as ISO text', () => {
    const state = new InMemoryKeyValueState();
    state.set('ts', { at: 1_700_000_000_000_000_000n });
    state.set('when', new Date(Date.UTC(2024, 0, 2)));
    expect(state.get('ts')).toEqual({ at: '1700000000000000000' });
    expect(state.get('when')).toBe('2024-01-02T00:00:00.000Z');
  });

  it('refuses values that are not JSON, naming the key, and keeps the old value', () => {
    const state = new InMemoryKeyValueState();
    state.set('position', { qty: 1 });
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    const bad: [string, unknown][] = [
      ['circular', circular],
      ['undefined', undefined],
      ['function', () => 1],
      ['symbol', Symbol('s')],
    ];
    for (const [what, value] of bad) {
      const e = errorOf(() => state.set('position', value));
      expect(e.field, what).toBe('state.position');
      expect(e.message, what).toMatch(/^state\.position: value is not JSON/);
    }
    expect(state.get('position')).toEqual({ qty: 1 });
  });

  it('refuses an empty key or one longer than 256 characters', () => {
    const state = new InMemoryKeyValueState();
    expect(errorOf(() => state.set('', 1)).field).toBe('state.key');
    expect(errorOf(() => state.set('k'.repeat(257), 1)).field).toBe('state.key');
    state.set('k'.repeat(256), 1);
    expect(state.get('k'.repeat(256))).toBe(1);
  });

  it('answers undefined for a missing key, deletes keys, and snapshots everything', () => {
    const state = new InMemoryKeyValueState({ a: 1, b: { c: 'x' } });
    expect(state.get('missing')).toBeUndefined();
    expect(state.snapshot()).toEqual({ a: 1, b: { c: 'x' } });
    state.delete('a');
    state.delete('not-there');
    expect(state.get('a')).toBeUndefined();
    expect(state.keys()).toEqual(['b']);
    expect(state.snapshot()).toEqual({ b: { c: 'x' } });
  });

  it('refuses a non-JSON initial value naming its key', () => {
    expect(() => new InMemoryKeyValueState({ fn: () => 1 })).toThrow(/^state\.fn: /);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StringSet } from './string-set.js';

describe('StringSet', () => {
  it('adds a string once and reports a repeat', () => {
    const s = new StringSet();
    expect(s.add('BINANCE-T1')).toBe(true);
    expect(s.add('BINANCE-T1')).toBe(false);
    expect(s.has('BINANCE-T1')).toBe(true);
    expect(s.has('BINANCE-T2')).toBe(false);
    expect(s.size).toBe(1);
  });

  it('keeps every string through growth, the empty string included', () => {
    const s = new StringSet();
    for (let i = 0; i < 50_000; i++) s.add(`T${i}`);
    s.add('');
    expect(s.size).toBe(50_001);
    for (let i = 0; i < 50_000; i += 7) expect(s.has(`T${i}`)).toBe(true);
    expect(s.has('')).toBe(true);
    expect(s.has('T50000')).toBe(false);
  });

  it('agrees with a Set on any sequence of adds', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 4 }), { maxLength: 400 }), (words) => {
        const s = new StringSet();
        const ref = new Set<string>();
        for (const w of words) {
          expect(s.add(w)).toBe(!ref.has(w));
          ref.add(w);
        }
        expect(s.size).toBe(ref.size);
        for (const w of words) expect(s.has(w)).toBe(true);
        expect(s.has('not-added-here')).toBe(ref.has('not-added-here'));
      }),
    );
  });
});

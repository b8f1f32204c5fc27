import { describe, expect, it } from 'vitest';
import { SeededRandom } from './seeded-random.js';

const draw = (r: SeededRandom, n: number): number[] => Array.from({ length: n }, () => r.next());

describe('SeededRandom', () => {
  it('repeats the same sequence for the same seed', () => {
    expect(draw(new SeededRandom(42), 100)).toEqual(draw(new SeededRandom(42), 100));
  });

  it('gives a different sequence for a different seed', () => {
    expect(draw(new SeededRandom(1), 10)).not.toEqual(draw(new SeededRandom(2), 10));
  });

  it('draws uniformly in [0, 1)', () => {
    const xs = draw(new SeededRandom(7), 20_000);
    for (const x of xs) {
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
    }
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean).toBeGreaterThan(0.49);
    expect(mean).toBeLessThan(0.51);
    // Each tenth of the interval gets about a tenth of the draws.
    const buckets = new Array<number>(10).fill(0);
    for (const x of xs) buckets[Math.floor(x * 10)]!++;
    for (const b of buckets) expect(Math.abs(b - 2_000)).toBeLessThan(250);
  });

  it('draws standard normals (mean 0, variance 1)', () => {
    const r = new SeededRandom(11);
    const xs = Array.from({ length: 20_000 }, () => r.normal());
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length;
    expect(xs.every(Number.isFinite)).toBe(true);
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
  });

  it('draws integers in [min, max], both ends included', () => {
    const r = new SeededRandom(3);
    const seen = new Set<number>();
    for (let i = 0; i < 2_000; i++) {
      const v = r.int(-2, 2);
      expect(Number.isInteger(v)).toBe(true);
      expect(v).toBeGreaterThanOrEqual(-2);
      expect(v).toBeLessThanOrEqual(2);
      seen.add(v);
    }
    expect([...seen].sort((a, b) => a - b)).toEqual([-2, -1, 0, 1, 2]);
  });

  it('treats seeds modulo 2^32', () => {
    expect(draw(new SeededRandom(2 ** 32 + 5), 5)).toEqual(draw(new SeededRandom(5), 5));
    expect(draw(new SeededRandom(-1), 5)).toEqual(draw(new SeededRandom(2 ** 32 - 1), 5));
  });
});

import { describe, expect, it } from 'vitest';
import { RollingMoments } from './rolling-moments.js';

/** A deterministic generator (mulberry32) so the long-stream tests are reproducible. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function twoPass(values: readonly number[]): { mean: number; m2: number } {
  const mean = values.reduce((s, x) => s + x, 0) / values.length;
  return { mean, m2: values.reduce((s, x) => s + (x - mean) ** 2, 0) };
}

describe('RollingMoments', () => {
  it('tracks mean and squared deviations while filling and after the window slides', () => {
    const m = new RollingMoments(4);
    for (const x of [2, 4, 4]) m.push(x);
    expect(m.full).toBe(false);
    expect(m.count).toBe(3);
    expect(m.mean).toBeCloseTo(10 / 3, 14);
    m.push(6);
    expect(m.full).toBe(true);
    expect(m.mean).toBe(4);
    expect(m.sumSquaredDeviations).toBeCloseTo(8, 12);
    m.push(10); // window 4, 4, 6, 10
    expect(m.mean).toBe(6);
    expect(m.sumSquaredDeviations).toBeCloseTo(24, 12);
  });

  it('does not drift over a million updates of large, tightly spread prices', () => {
    const size = 50;
    const m = new RollingMoments(size);
    const next = random(42);
    const values: number[] = [];
    let price = 1e8;
    for (let i = 0; i < 1_000_003; i++) {
      price += (next() - 0.5) * 0.01;
      m.push(price);
      values.push(price);
    }
    const { mean, m2 } = twoPass(values.slice(-size));
    expect(Math.abs(m.mean - mean) / mean).toBeLessThan(1e-15);
    // Against prices of 1e8 a spread of cents keeps M2 near 5e-3: Σx² − n·mean² would lose it entirely, and
    // sliding Welford steps alone drift to an error thousands of times M2 over this run.
    expect(Math.abs(m.sumSquaredDeviations - m2) / m2).toBeLessThan(1e-6);
  });

  it('gives zero spread, never a negative one, for a constant window', () => {
    const m = new RollingMoments(3);
    for (let i = 0; i < 10; i++) m.push(0.1 * 3);
    expect(m.sumSquaredDeviations).toBeGreaterThanOrEqual(0);
    expect(m.sumSquaredDeviations).toBeLessThan(1e-30);
  });

  it('empties on reset', () => {
    const m = new RollingMoments(2);
    for (const x of [1, 2, 3]) m.push(x);
    m.reset();
    expect(m.full).toBe(false);
    expect(m.count).toBe(0);
    m.push(10);
    m.push(20);
    expect(m.mean).toBe(15);
    expect(m.sumSquaredDeviations).toBe(50);
  });

  it('refuses a size that is not a positive integer, naming the parameter', () => {
    expect(() => new RollingMoments(0)).toThrow(/size: must be a positive integer, got 0/);
  });
});

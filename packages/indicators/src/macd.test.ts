import { ModelError } from '@qubit/model';
import { describe, expect, it } from 'vitest';
import { Macd } from './macd.js';

describe('Macd', () => {
  it('computes the MACD line from SMA-seeded EMAs and the signal as an SMA-seeded EMA of the line', () => {
    const macd = new Macd(2, 3, 2);
    expect(macd.update(1)).toBeUndefined();
    expect(macd.update(2)).toBeUndefined();
    // fast EMA(2) = 2.5, slow EMA(3) = 2: the line exists, the signal does not yet.
    expect(macd.update(3)).toBeUndefined();
    expect(macd.macdLine).toBeCloseTo(0.5, 12);
    expect(macd.ready).toBe(false);
    // fast 3.5, slow 3: line 0.5; signal seeded with the mean of the lines 0.5 and 0.5.
    const first = macd.update(4);
    expect(first?.macd).toBeCloseTo(0.5, 12);
    expect(first?.signal).toBeCloseTo(0.5, 12);
    expect(first?.histogram).toBeCloseTo(0, 12);
    // fast 3.5 + 2/3 × 2.5, slow 3 + 1/2 × 3: line 2/3; signal 0.5 + 2/3 × (2/3 − 0.5) = 11/18.
    const next = macd.update(6);
    expect(next?.macd).toBeCloseTo(2 / 3, 12);
    expect(next?.signal).toBeCloseTo(11 / 18, 12);
    expect(next?.histogram).toBeCloseTo(2 / 3 - 11 / 18, 12);
    expect(macd.value).toBe(next);
  });

  it('is first ready on close number slow + signal − 1 (34 with 12/26/9)', () => {
    const macd = new Macd();
    for (let i = 1; i <= 33; i++) expect(macd.update(100 + Math.sin(i))).toBeUndefined();
    expect(macd.macdLine).toBeDefined();
    expect(macd.update(100)).toBeDefined();
    expect(macd.ready).toBe(true);
  });

  it('forgets everything on reset', () => {
    const macd = new Macd(2, 3, 2);
    for (const c of [1, 2, 3, 4]) macd.update(c);
    macd.reset();
    expect(macd.ready).toBe(false);
    expect(macd.value).toBeUndefined();
    expect(macd.macdLine).toBeUndefined();
    for (const c of [1, 2, 3]) expect(macd.update(c)).toBeUndefined();
    expect(macd.update(4)?.macd).toBeCloseTo(0.5, 12);
  });

  it('refuses a non-finite close before touching any of its averages', () => {
    const macd = new Macd(2, 3, 2);
    const twin = new Macd(2, 3, 2);
    for (const c of [1, 2, 3]) {
      macd.update(c);
      twin.update(c);
    }
    expect(() => macd.update(Number.NEGATIVE_INFINITY)).toThrow(/close: must be a finite number/);
    for (const c of [4, 6, 5]) expect(macd.update(c)).toEqual(twin.update(c));
  });

  it('refuses bad periods, naming the parameter', () => {
    expect(() => new Macd(0, 26, 9)).toThrow(/fast: must be a positive integer/);
    expect(() => new Macd(12, 2.5, 9)).toThrow(/slow: must be a positive integer/);
    expect(() => new Macd(12, 26, -1)).toThrow(/signal: must be a positive integer/);
    expect(() => new Macd(26, 12, 9)).toThrow(/fast: must be less than slow \(12\), got 26/);
    expect(() => new Macd(12, 12, 9)).toThrow(ModelError);
  });
});

import { ModelError } from '@qubit/model';
import { describe, expect, it } from 'vitest';
import { BollingerBands } from './bollinger-bands.js';

/** Bands computed from scratch over the window with a two-pass population standard deviation. */
function direct(window: readonly number[], k: number): { upper: number; middle: number; lower: number } {
  const middle = window.reduce((s, x) => s + x, 0) / window.length;
  const sd = Math.sqrt(window.reduce((s, x) => s + (x - middle) ** 2, 0) / window.length);
  return { upper: middle + k * sd, middle, lower: middle - k * sd };
}

describe('BollingerBands', () => {
  it('uses the population standard deviation of the window', () => {
    const bb = new BollingerBands(8, 2);
    const closes = [2, 4, 4, 4, 5, 5, 7];
    for (const c of closes) expect(bb.update(c)).toBeUndefined();
    expect(bb.ready).toBe(false);
    // Mean 5, population standard deviation exactly 2 (the sample one would be 2.14).
    const v = bb.update(9);
    expect(v?.middle).toBe(5);
    expect(v?.upper).toBeCloseTo(9, 12);
    expect(v?.lower).toBeCloseTo(1, 12);
    expect(bb.value).toBe(v);
  });

  it('matches a from-scratch computation on every bar of a long stream', () => {
    const period = 20;
    const bb = new BollingerBands(period, 2.5);
    const closes: number[] = [];
    let worst = 0;
    for (let i = 0; i < 20_000; i++) {
      const close = 50_000 + 300 * Math.sin(i / 17) + 40 * Math.cos(i / 3.1) + (i % 7);
      closes.push(close);
      const v = bb.update(close);
      if (i < period - 1) {
        expect(v).toBeUndefined();
        continue;
      }
      const want = direct(closes.slice(-period), 2.5);
      worst = Math.max(
        worst,
        Math.abs(v!.upper - want.upper) / want.upper,
        Math.abs(v!.lower - want.lower) / want.lower,
      );
      expect(Math.abs(v!.middle - want.middle) / want.middle).toBeLessThan(1e-12);
    }
    expect(worst).toBeLessThan(1e-12);
  });

  it('collapses the bands onto the middle when the window is constant', () => {
    const bb = new BollingerBands(3);
    for (let i = 0; i < 5; i++) bb.update(42);
    expect(bb.value).toEqual({ upper: 42, middle: 42, lower: 42 });
  });

  it('forgets everything on reset', () => {
    const bb = new BollingerBands(2, 1);
    for (const c of [100, 200, 300]) bb.update(c);
    bb.reset();
    expect(bb.ready).toBe(false);
    expect(bb.value).toBeUndefined();
    expect(bb.update(1)).toBeUndefined();
    expect(bb.update(3)).toEqual({ upper: 3, middle: 2, lower: 1 });
  });

  it('refuses a non-finite close and keeps its window', () => {
    const bb = new BollingerBands(2, 1);
    bb.update(1);
    expect(() => bb.update(Number.NaN)).toThrow(/close: must be a finite number/);
    expect(bb.update(3)).toEqual({ upper: 3, middle: 2, lower: 1 });
  });

  it('refuses a bad period or multiplier, naming the parameter', () => {
    expect(() => new BollingerBands(0)).toThrow(/period: must be a positive integer, got 0/);
    expect(() => new BollingerBands(20.5)).toThrow(ModelError);
    expect(() => new BollingerBands(20, -1)).toThrow(/k: must be a finite number >= 0, got -1/);
    expect(() => new BollingerBands(20, Number.NaN)).toThrow(/k:/);
    expect(new BollingerBands(20, 0).k).toBe(0);
  });
});

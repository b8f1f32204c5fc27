import { ModelError } from '@qubit/model';
import { describe, expect, it } from 'vitest';
import { RealizedVolatility } from './realized-volatility.js';

/** Sample standard deviation of the log returns of `prices`, computed from scratch. */
function direct(prices: readonly number[]): number {
  const returns = prices.slice(1).map((p, i) => Math.log(p / prices[i]!));
  const mean = returns.reduce((s, r) => s + r, 0) / returns.length;
  return Math.sqrt(returns.reduce((s, r) => s + (r - mean) ** 2, 0) / (returns.length - 1));
}

describe('RealizedVolatility', () => {
  it('is the sample standard deviation of the log returns in the window', () => {
    const rv = new RealizedVolatility(2);
    expect(rv.update(100)).toBeUndefined();
    expect(rv.update(200)).toBeUndefined();
    expect(rv.ready).toBe(false);
    // Returns ln 2 and −ln 2: mean 0, sample variance 2·ln²2 / 1.
    expect(rv.update(100)).toBeCloseTo(Math.SQRT2 * Math.LN2, 14);
    expect(rv.value).toBeCloseTo(Math.SQRT2 * Math.LN2, 14);
  });

  it('reads zero for a constant growth rate', () => {
    const rv = new RealizedVolatility(3);
    for (const p of [100, 110, 121, 133.1]) rv.update(p);
    expect(rv.value).toBeCloseTo(0, 12);
  });

  it('matches a direct computation on every bar of a long stream, and scales by √periodsPerYear', () => {
    const period = 24;
    const raw = new RealizedVolatility(period);
    const annual = new RealizedVolatility(period, 365 * 24);
    const prices: number[] = [];
    let worst = 0;
    for (let i = 0; i < 10_000; i++) {
      const price = 60_000 * Math.exp(0.02 * Math.sin(i / 13) + 0.005 * Math.cos(i * 1.7));
      prices.push(price);
      const v = raw.update(price);
      const a = annual.update(price);
      if (i < period) {
        expect(v).toBeUndefined();
        continue;
      }
      const want = direct(prices.slice(-(period + 1)));
      worst = Math.max(worst, Math.abs(v! - want) / want);
      expect(a).toBeCloseTo(v! * Math.sqrt(365 * 24), 10);
    }
    expect(worst).toBeLessThan(1e-9);
  });

  it('forgets everything on reset, including the previous price', () => {
    const rv = new RealizedVolatility(2);
    for (const p of [1, 2, 4]) rv.update(p);
    rv.reset();
    expect(rv.ready).toBe(false);
    expect(rv.value).toBeUndefined();
    for (const p of [100, 200]) expect(rv.update(p)).toBeUndefined();
    expect(rv.update(100)).toBeCloseTo(Math.SQRT2 * Math.LN2, 14);
  });

  it('refuses a price that has no log return and keeps its state', () => {
    const rv = new RealizedVolatility(2);
    rv.update(100);
    expect(() => rv.update(0)).toThrow(/price: must be > 0 for a log return, got 0/);
    expect(() => rv.update(-5)).toThrow(ModelError);
    expect(() => rv.update(Number.NaN)).toThrow(/price: must be a finite number/);
    rv.update(200);
    expect(rv.update(100)).toBeCloseTo(Math.SQRT2 * Math.LN2, 14);
  });

  it('refuses a period below 2 or a non-positive periodsPerYear, naming the parameter', () => {
    expect(() => new RealizedVolatility(1)).toThrow(/period: must be an integer >= 2, got 1/);
    expect(() => new RealizedVolatility(10.5)).toThrow(/period/);
    expect(() => new RealizedVolatility(10, 0)).toThrow(/periodsPerYear: must be a finite number > 0, got 0/);
    expect(() => new RealizedVolatility(10, Number.POSITIVE_INFINITY)).toThrow(/periodsPerYear/);
  });
});

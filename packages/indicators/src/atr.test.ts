import { ModelError } from '@qubit/model';
import { describe, expect, it } from 'vitest';
import { Atr } from './atr.js';

describe('Atr', () => {
  it('seeds with the mean of the first period true ranges (first bar: high − low), then Wilder-smooths', () => {
    const atr = new Atr(3);
    expect(atr.update(10, 8, 9)).toBeUndefined(); // TR 2
    expect(atr.update(11, 9, 10)).toBeUndefined(); // TR max(2, 2, 0) = 2
    expect(atr.ready).toBe(false);
    expect(atr.update(13, 9.5, 12)).toBe(2.5); // TR max(3.5, 3, 0.5) = 3.5; (2 + 2 + 3.5) / 3
    // A gap down: TR = |low − previous close| = |8 − 12| = 4; (2.5 × 2 + 4) / 3 = 3.
    expect(atr.update(9, 8, 8.5)).toBe(3);
    expect(atr.value).toBe(3);
  });

  it('is first ready on bar number period (bar 14 with the default)', () => {
    const atr = new Atr();
    for (let i = 0; i < 13; i++) expect(atr.update(101, 99, 100)).toBeUndefined();
    expect(atr.update(101, 99, 100)).toBe(2);
  });

  it('forgets everything on reset, including the previous close', () => {
    const atr = new Atr(1);
    atr.update(10, 9, 9.5);
    atr.update(100, 99, 99.5);
    atr.reset();
    expect(atr.ready).toBe(false);
    expect(atr.value).toBeUndefined();
    // A leftover previous close of 99.5 would make this true range 89.5 instead of 2.
    expect(atr.update(12, 10, 11)).toBe(2);
  });

  it('refuses a bar whose high is below its low, or a non-finite price, and keeps its state', () => {
    const atr = new Atr(2);
    atr.update(10, 8, 9);
    expect(() => atr.update(7, 8, 7.5)).toThrow(/high: must be >= low \(8\), got 7/);
    expect(() => atr.update(10, Number.NaN, 9)).toThrow(/low: must be a finite number/);
    expect(() => atr.update(10, 8, Number.POSITIVE_INFINITY)).toThrow(/close: must be a finite number/);
    expect(atr.ready).toBe(false);
    expect(atr.update(11, 10, 10.5)).toBe(2); // TR max(1, 2, 1) = 2; (2 + 2) / 2
  });

  it('refuses a period that is not a positive integer, naming the parameter', () => {
    expect(() => new Atr(0)).toThrow(/period: must be a positive integer, got 0/);
    expect(() => new Atr(1.2)).toThrow(ModelError);
  });
});

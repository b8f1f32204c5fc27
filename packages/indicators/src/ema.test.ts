import { ModelError } from '@qubit/model';
import { describe, expect, it } from 'vitest';
import { Ema } from './ema.js';

describe('Ema', () => {
  it('is seeded with the simple mean of the first period values, then smooths with 2 / (period + 1)', () => {
    const ema = new Ema(3);
    expect(ema.update(1)).toBeUndefined();
    expect(ema.update(2)).toBeUndefined();
    expect(ema.ready).toBe(false);
    expect(ema.value).toBeUndefined();
    expect(ema.update(3)).toBe(2);
    expect(ema.ready).toBe(true);
    expect(ema.alpha).toBe(0.5);
    expect(ema.update(4)).toBe(3); // 2 + 0.5 × (4 − 2)
    expect(ema.update(10)).toBe(6.5); // 3 + 0.5 × (10 − 3)
    expect(ema.value).toBe(6.5);
  });

  it('with period 1 follows the input exactly', () => {
    const ema = new Ema(1);
    for (const x of [5, -3, 1e9, 0.25]) expect(ema.update(x)).toBe(x);
  });

  it('forgets everything on reset and warms up again', () => {
    const ema = new Ema(2);
    ema.update(100);
    ema.update(200);
    ema.reset();
    expect(ema.ready).toBe(false);
    expect(ema.value).toBeUndefined();
    expect(ema.update(1)).toBeUndefined();
    expect(ema.update(3)).toBe(2);
  });

  it('refuses a NaN or infinite value and keeps its state', () => {
    const ema = new Ema(2);
    ema.update(1);
    ema.update(3);
    expect(() => ema.update(Number.NaN)).toThrow(ModelError);
    expect(() => ema.update(Number.POSITIVE_INFINITY)).toThrow(/x: must be a finite number/);
    expect(ema.value).toBe(2);
    expect(ema.update(5)).toBeCloseTo(2 + (2 / 3) * 3, 15);
  });

  it('refuses a period that is not a positive integer, naming the parameter', () => {
    expect(() => new Ema(0)).toThrow(/period: must be a positive integer, got 0/);
    expect(() => new Ema(-5)).toThrow(ModelError);
    expect(() => new Ema(2.5)).toThrow(/period/);
    expect(() => new Ema(Number.NaN)).toThrow(/period/);
  });
});

import { ModelError } from '@qubit/model';
import { describe, expect, it } from 'vitest';
import { Rsi } from './rsi.js';

describe('Rsi', () => {
  it('seeds with the simple means of the first period changes, then applies Wilder smoothing', () => {
    const rsi = new Rsi(3);
    for (const c of [10, 11, 10]) expect(rsi.update(c)).toBeUndefined();
    expect(rsi.ready).toBe(false);
    // Changes +1, −1, +2: average gain 1, average loss 1/3, RSI = 100 × 1 / (1 + 1/3).
    expect(rsi.update(12)).toBeCloseTo(75, 12);
    // Change −1: gain (1 × 2 + 0) / 3 = 2/3, loss (1/3 × 2 + 1) / 3 = 5/9, RSI = 600 / 11.
    expect(rsi.update(11)).toBeCloseTo(600 / 11, 12);
    expect(rsi.value).toBeCloseTo(600 / 11, 12);
  });

  it('needs period + 1 closes before the first value (15 with the default period of 14)', () => {
    const rsi = new Rsi();
    expect(rsi.period).toBe(14);
    for (let i = 0; i < 14; i++) expect(rsi.update(100 + (i % 3))).toBeUndefined();
    expect(rsi.update(101)).toBeDefined();
    expect(rsi.ready).toBe(true);
  });

  it('reads 100 with no losses, 0 with no gains and 50 when nothing moves', () => {
    const up = new Rsi(2);
    for (const c of [1, 2, 3]) up.update(c);
    expect(up.value).toBe(100);
    const down = new Rsi(2);
    for (const c of [3, 2, 1]) down.update(c);
    expect(down.value).toBe(0);
    const flat = new Rsi(2);
    for (const c of [7, 7, 7]) flat.update(c);
    expect(flat.value).toBe(50);
  });

  it('leaves 100 as soon as a loss appears', () => {
    const rsi = new Rsi(2);
    for (const c of [1, 2, 3]) rsi.update(c);
    expect(rsi.update(2)).toBe(50); // gain (1 + 0) / 2, loss (0 + 1) / 2
    expect(rsi.update(1)).toBe(25); // gain 0.25, loss 0.75
  });

  it('forgets everything on reset, including the previous close', () => {
    const rsi = new Rsi(2);
    for (const c of [1, 2, 3]) rsi.update(c);
    rsi.reset();
    expect(rsi.ready).toBe(false);
    expect(rsi.value).toBeUndefined();
    // A leftover previous close of 3 would turn the first change into a loss.
    for (const c of [4, 5]) expect(rsi.update(c)).toBeUndefined();
    expect(rsi.update(6)).toBe(100);
  });

  it('refuses a non-finite close and keeps its state', () => {
    const rsi = new Rsi(2);
    const twin = new Rsi(2);
    for (const c of [1, 2]) {
      rsi.update(c);
      twin.update(c);
    }
    expect(() => rsi.update(Number.NaN)).toThrow(/close: must be a finite number/);
    for (const c of [1.5, 3, 2.5]) expect(rsi.update(c)).toBe(twin.update(c));
  });

  it('refuses a period that is not a positive integer, naming the parameter', () => {
    expect(() => new Rsi(0)).toThrow(/period: must be a positive integer, got 0/);
    expect(() => new Rsi(3.5)).toThrow(ModelError);
  });
});

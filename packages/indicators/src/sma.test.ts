import { Decimal } from '@qubit/model';
import { describe, expect, it } from 'vitest';
import { Sma } from './sma.js';

const d = (s: string) => Decimal.parse(s);

describe('Sma', () => {
  it('is not ready until it has seen a full window', () => {
    const sma = new Sma(3);
    sma.update(d('1'));
    sma.update(d('2'));
    expect(sma.ready).toBe(false);
    expect(sma.value()).toBeUndefined();
    sma.update(d('3'));
    expect(sma.value(2)?.toString()).toBe('2.00');
  });

  it('drops the oldest value once the window is full', () => {
    const sma = new Sma(2);
    for (const v of ['10', '20', '40']) sma.update(d(v));
    expect(sma.sum.toString()).toBe('60');
    expect(sma.value(1)?.toString()).toBe('30.0');
  });

  it('keeps an exact sum over many updates (no float drift)', () => {
    const sma = new Sma(7);
    for (let i = 0; i < 100_000; i++) sma.update(d('0.1'));
    expect(sma.sum.toString()).toBe('0.7');
  });

  it('compares two averages exactly by cross-multiplying their sums', () => {
    const fast = new Sma(2);
    const slow = new Sma(3);
    for (const v of ['1', '2', '3']) {
      fast.update(d(v));
      slow.update(d(v));
    }
    expect(fast.compare(slow)).toBe(1); // 2.5 > 2
    const a = new Sma(3);
    const b = new Sma(6);
    for (const v of ['1', '1', '1', '1', '1', '1']) {
      a.update(d(v));
      b.update(d(v));
    }
    expect(a.compare(b)).toBe(0);
  });

  it('forgets everything on reset', () => {
    const sma = new Sma(2);
    for (const v of ['10', '20', '40']) sma.update(d(v));
    sma.reset();
    expect(sma.ready).toBe(false);
    expect(sma.sum.toString()).toBe('0');
    sma.update(d('1'));
    sma.update(d('2'));
    expect(sma.value(1)?.toString()).toBe('1.5');
  });

  it('rejects a period that is not a positive integer', () => {
    expect(() => new Sma(0)).toThrow(/period: must be a positive integer/);
    expect(() => new Sma(1.5)).toThrow(/period/);
  });
});

describe('Sma beyond the number fast path', () => {
  it('stays exact when the sum passes 2^53 and comes back', () => {
    const sma = new Sma(2);
    const big = Decimal.of(2n ** 52n + 1n, 0);
    sma.update(big);
    sma.update(big);
    expect(sma.sum.toString()).toBe((2n * (2n ** 52n + 1n)).toString());
    sma.update(d('1'));
    expect(sma.sum.toString()).toBe((2n ** 52n + 2n).toString());
    sma.update(d('1'));
    expect(sma.sum.toString()).toBe('2');
  });

  it('adds values of different scales exactly, at the finest scale', () => {
    const sma = new Sma(3);
    for (const v of ['1.5', '2.25', '3']) sma.update(d(v));
    expect(sma.sum.toString()).toBe('6.75');
    sma.update(d('0.001'));
    expect(sma.sum.toString()).toBe('5.251');
  });

  it('compares exactly when the cross products pass 2^53', () => {
    const a = new Sma(3);
    const b = new Sma(4);
    const x = Decimal.of(2n ** 51n, 0);
    for (let i = 0; i < 3; i++) a.update(x);
    for (let i = 0; i < 3; i++) b.update(x);
    b.update(Decimal.of(2n ** 51n + 1n, 0));
    expect(a.compare(b)).toBe(-1);
    expect(b.compare(a)).toBe(1);
  });

  it('keeps the scale of its prices in the sum', () => {
    const sma = new Sma(2);
    sma.update(d('1.10'));
    sma.update(d('2.20'));
    expect(sma.sum.toString()).toBe('3.30');
    expect(sma.value(2)?.toString()).toBe('1.65');
  });
});

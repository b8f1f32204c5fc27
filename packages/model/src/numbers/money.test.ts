import { describe, expect, it } from 'vitest';
import { ModelError } from '../errors.js';
import { Currencies, currency } from './currency.js';
import { Decimal } from './decimal.js';
import { Money } from './money.js';

function modelError(fn: () => unknown): ModelError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ModelError) return e;
    throw new Error(`expected a ModelError, got ${String(e)}`);
  }
  throw new Error('expected the call to throw');
}

const { USD, USDT, VND } = Currencies;

describe('Money', () => {
  it('holds amounts at the currency precision', () => {
    expect(Money.of('12.5', USDT).amount.toString()).toBe('12.50000000');
    expect(Money.of(5, USD).toString()).toBe('5.00 USD');
    expect(Money.of(250100000n, VND).toString()).toBe('250100000 VND');
    expect(Money.zero(USD).toString()).toBe('0.00 USD');
  });

  it('rounds half-even to the currency precision', () => {
    expect(Money.of('0.125', USD).toString()).toBe('0.12 USD');
    expect(Money.of('0.135', USD).toString()).toBe('0.14 USD');
    expect(Money.of('-0.125', USD).toString()).toBe('-0.12 USD');
    expect(Money.of('2.5', VND).toString()).toBe('2 VND');
    expect(Money.of('3.5', VND).toString()).toBe('4 VND');
    expect(Money.of(0.125, USD).toString()).toBe('0.12 USD');
  });

  it('rounds once, straight to the currency precision, not digit by digit', () => {
    // Rounding 0.12549 to 3 decimals first would give 0.125 and then 0.12.
    expect(Money.of('0.12549', USD).toString()).toBe('0.13 USD');
    expect(Money.of(Decimal.parse('1.4999'), VND).toString()).toBe('1 VND');
  });

  it('adds and subtracts exactly in one currency', () => {
    const a = Money.of('0.10', USD);
    const b = Money.of('0.20', USD);
    expect(a.add(b).toString()).toBe('0.30 USD');
    expect(a.sub(b).toString()).toBe('-0.10 USD');
    expect(a.sub(b).isNegative()).toBe(true);
    expect(a.sub(a).isZero()).toBe(true);
    expect(a.neg().toString()).toBe('-0.10 USD');
    expect(a.cmp(b)).toBe(-1);
    expect(b.cmp(a)).toBe(1);
    expect(a.cmp(Money.of('0.1', USD))).toBe(0);
  });

  it('keeps a long sum of cents exact', () => {
    let total = Money.zero(USD);
    const cent = Money.of('0.01', USD);
    for (let i = 0; i < 100_000; i++) total = total.add(cent);
    expect(total.toString()).toBe('1000.00 USD');
  });

  it('refuses to mix currencies, naming the currency field and both codes', () => {
    const usd = Money.of('1', USD);
    const usdt = Money.of('1', USDT);
    for (const op of [() => usd.add(usdt), () => usd.sub(usdt), () => usd.cmp(usdt)]) {
      const e = modelError(op);
      expect(e.field).toBe('currency');
      expect(e.message).toContain('USD');
      expect(e.message).toContain('USDT');
    }
  });

  it('rejects malformed amounts naming the field', () => {
    expect(modelError(() => Money.of('ten', USD, 'balance.free')).field).toBe('balance.free');
    expect(modelError(() => Money.of(NaN, USD)).field).toBe('money');
  });

  it('serializes as amount and currency code', () => {
    expect(Money.of('12.5', USD).toJSON()).toEqual({ amount: '12.50', currency: 'USD' });
    expect(JSON.stringify({ fee: Money.of('2700', VND) })).toBe('{"fee":{"amount":"2700","currency":"VND"}}');
  });
});

describe('currency', () => {
  it('builds frozen currencies with a precision', () => {
    const c = currency('JPY', 0);
    expect(c).toEqual({ code: 'JPY', precision: 0 });
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('rejects bad codes and precisions with the field named', () => {
    expect(modelError(() => currency('usd', 2)).field).toBe('currency');
    expect(modelError(() => currency('U', 2)).field).toBe('currency');
    expect(modelError(() => currency('USD', -1)).field).toBe('currency USD precision');
    expect(modelError(() => currency('USD', 1.5)).field).toBe('currency USD precision');
  });
});

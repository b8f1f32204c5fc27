import { describe, expect, it } from 'vitest';
import { ModelError } from '../errors.js';
import { Decimal } from './decimal.js';
import { Price } from './price.js';
import { Rounding } from './rounding.js';

function modelError(fn: () => unknown): ModelError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ModelError) return e;
    throw new Error(`expected a ModelError, got ${String(e)}`);
  }
  throw new Error('expected the call to throw');
}

describe('Price', () => {
  it('takes its precision from the decimals written', () => {
    const p = Price.from('42000.10');
    expect(p).toBeInstanceOf(Price);
    expect(p.precision).toBe(2);
    expect(p.units).toBe(4200010n);
    expect(p.toString()).toBe('42000.10');
  });

  it('builds from integers, bigints, finite numbers and Decimals', () => {
    expect(Price.from(42000).toString()).toBe('42000');
    expect(Price.from(42000n).precision).toBe(0);
    expect(Price.from(0.1).toString()).toBe('0.1');
    expect(Price.from(Decimal.parse('1.230')).toString()).toBe('1.230');
  });

  it('allows negative prices, which spreads and some futures have', () => {
    expect(Price.from('-37.63').isNegative()).toBe(true);
  });

  it('rejects malformed input naming the field, defaulting to "price"', () => {
    expect(modelError(() => Price.from('abc')).field).toBe('price');
    expect(modelError(() => Price.from('1e5', 'order.price')).field).toBe('order.price');
    expect(modelError(() => Price.from(NaN, 'bar.open')).field).toBe('bar.open');
  });

  it('rejects a Decimal finer than 18 decimals naming the field', () => {
    const fine = Decimal.parse('0.000000001').mul(Decimal.parse('0.0000000001'));
    expect(modelError(() => Price.from(fine, 'trigger_price')).field).toBe('trigger_price');
  });

  it('builds from scaled units', () => {
    const p = Price.fromUnits(4200010n, 2);
    expect(p.toString()).toBe('42000.10');
    expect(p.precision).toBe(2);
  });

  it('rejects a negative or fractional precision in fromUnits naming the field', () => {
    expect(modelError(() => Price.fromUnits(1n, -1, 'limit')).field).toBe('limit');
    expect(modelError(() => Price.fromUnits(1n, 0.5)).field).toBe('price');
  });

  it('rejects a precision above 18 in fromUnits as Price.from does', () => {
    expect(modelError(() => Price.fromUnits(1n, 19)).field).toBe('price');
  });

  it('rounds a float half-even to the precision asked for', () => {
    expect(Price.fromNumber(42000.125, 2).toString()).toBe('42000.12');
    expect(Price.fromNumber(42000.135, 2).toString()).toBe('42000.14');
    expect(Price.fromNumber(1, 2).toString()).toBe('1.00');
    expect(Price.fromNumber(-0.05, 1).toString()).toBe('0.0');
    expect(Price.fromNumber(-0.15, 1).toString()).toBe('-0.2');
  });

  it('rejects a non-finite float naming the field', () => {
    expect(modelError(() => Price.fromNumber(Infinity, 2, 'sma')).field).toBe('sma');
    expect(modelError(() => Price.fromNumber('1' as unknown as number, 2)).field).toBe('price');
  });

  it('changes precision exactly upwards and with the rounding mode downwards', () => {
    const p = Price.from('1.25');
    expect(p.withPrecision(4).toString()).toBe('1.2500');
    expect(p.withPrecision(1).toString()).toBe('1.2');
    expect(p.withPrecision(1, Rounding.CEIL).toString()).toBe('1.3');
    expect(p.withPrecision(1)).toBeInstanceOf(Price);
  });

  it('serializes to its exact string', () => {
    expect(JSON.stringify({ price: Price.from('0.10') })).toBe('{"price":"0.10"}');
  });

  it('yields plain Decimals from arithmetic', () => {
    const sum = Price.from('1.5').add(Price.from('0.25'));
    expect(sum).not.toBeInstanceOf(Price);
    expect(sum.toString()).toBe('1.75');
  });
});

import { describe, expect, it } from 'vitest';
import { ModelError } from '../errors.js';
import { Decimal } from './decimal.js';
import { Quantity } from './quantity.js';
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

describe('Quantity', () => {
  it('takes its precision from the decimals written', () => {
    const q = Quantity.from('0.00100');
    expect(q).toBeInstanceOf(Quantity);
    expect(q.precision).toBe(5);
    expect(q.toString()).toBe('0.00100');
  });

  it('builds from integers, bigints, numbers, units and Decimals', () => {
    expect(Quantity.from(3).toString()).toBe('3');
    expect(Quantity.from(3n).toString()).toBe('3');
    expect(Quantity.from(0.001).toString()).toBe('0.001');
    expect(Quantity.fromUnits(1500n, 3).toString()).toBe('1.500');
    expect(Quantity.from(Decimal.parse('2.50')).precision).toBe(2);
  });

  it('accepts zero', () => {
    expect(Quantity.from('0').isZero()).toBe(true);
    expect(Quantity.zero().toString()).toBe('0');
    expect(Quantity.zero(3).toString()).toBe('0.000');
  });

  it('rejects negatives with the field named, from every constructor', () => {
    const a = modelError(() => Quantity.from('-0.5', 'order.quantity'));
    expect(a.field).toBe('order.quantity');
    expect(a.message).toBe('order.quantity: must not be negative, got -0.5');
    expect(modelError(() => Quantity.from(-1)).field).toBe('quantity');
    expect(modelError(() => Quantity.fromUnits(-1n, 2, 'fill.last_qty')).field).toBe('fill.last_qty');
    expect(modelError(() => Quantity.fromNumber(-0.5, 1, 'size')).field).toBe('size');
    expect(modelError(() => Quantity.from(Decimal.parse('-2'), 'leaves')).field).toBe('leaves');
  });

  it('rejects malformed input and more than 18 decimals naming the field', () => {
    expect(modelError(() => Quantity.from('1.5x', 'qty')).field).toBe('qty');
    expect(modelError(() => Quantity.fromUnits(1n, 19, 'qty')).field).toBe('qty');
    const fine = Decimal.parse('0.000000001').mul(Decimal.parse('0.0000000001'));
    expect(modelError(() => Quantity.from(fine, 'qty')).message).toContain('more than 18 decimals');
    expect(modelError(() => Quantity.fromNumber(NaN, 2, 'qty')).field).toBe('qty');
  });

  it('rounds a float half-even to the precision asked for', () => {
    expect(Quantity.fromNumber(0.0125, 3).toString()).toBe('0.012');
    expect(Quantity.fromNumber(0.0135, 3).toString()).toBe('0.014');
  });

  it('changes precision exactly upwards and with the rounding mode downwards', () => {
    const q = Quantity.from('1.2345');
    expect(q.withPrecision(6).toString()).toBe('1.234500');
    expect(q.withPrecision(3).toString()).toBe('1.234');
    expect(q.withPrecision(3, Rounding.DOWN).toString()).toBe('1.234');
    expect(q.withPrecision(3, Rounding.UP).toString()).toBe('1.235');
    expect(q.withPrecision(2)).toBeInstanceOf(Quantity);
  });

  it('serializes to its exact string', () => {
    expect(JSON.stringify([Quantity.from('0.00100')])).toBe('["0.00100"]');
  });
});

import { describe, expect, it } from 'vitest';
import { Decimal } from '../numbers/decimal.js';
import { Price } from '../numbers/price.js';
import { Quantity } from '../numbers/quantity.js';
import { firstDifference } from './test-support.js';

describe('firstDifference', () => {
  it('treats equal decimals of the same class and scale as the same', () => {
    expect(firstDifference({ a: [Price.from('1.50')] }, { a: [Price.from('1.50')] })).toBeUndefined();
  });

  it('tells apart decimals of another scale, value or class', () => {
    expect(firstDifference(Price.from('1.5'), Price.from('1.50'))).toBe('$: 1.5 is not 1.50');
    expect(firstDifference(Price.from('1.51'), Price.from('1.50'))).toBe('$: 1.51 is not 1.50');
    expect(firstDifference(Decimal.parse('1'), Quantity.from('1'))).toBe('$: expected a Quantity');
  });

  it('tells an absent key from one set to undefined', () => {
    expect(firstDifference({ a: 1, b: undefined }, { a: 1 })).toBe('$.b: unexpected');
    expect(firstDifference({ a: 1 }, { a: 1, b: undefined })).toBe('$.b: missing');
  });

  it('compares bigints, arrays and nested paths', () => {
    expect(firstDifference({ t: 1n }, { t: 1n })).toBeUndefined();
    expect(firstDifference({ t: [1n, 2n] }, { t: [1n, 3n] })).toBe('$.t[1]: 2 is not 3');
    expect(firstDifference([1], [1, 2])).toBe('$: length 1 is not 2');
  });
});

import { describe, expect, it } from 'vitest';
import { OrderSideValues } from '../enums/order-side.js';
import { currency } from '../numbers/currency.js';
import { Decimal } from '../numbers/decimal.js';
import { Price } from '../numbers/price.js';
import { Quantity } from '../numbers/quantity.js';
import {
  Fields,
  array,
  bool,
  decimal,
  enumOf,
  int,
  money,
  nanos,
  nonEmptyStr,
  optStr,
  price,
  quantity,
  str,
  type DecodeContext,
  type Reader,
} from './schema.js';
import { instrument } from './test-support.js';

const NO_CTX: DecodeContext = {};

function read<T>(reader: Reader<T>, value: unknown, ctx: DecodeContext = NO_CTX): T {
  return reader(value, 'payload.x', ctx);
}

describe('decimal readers', () => {
  it('read decimal strings keeping the written scale', () => {
    const p = read(price, '42000.10');
    expect(p).toBeInstanceOf(Price);
    expect(p.toString()).toBe('42000.10');
    expect(p.scale).toBe(2);
  });

  it('accept finite JSON numbers and convert them exactly', () => {
    expect(read(decimal, 0.1).toString()).toBe('0.1');
    expect(read(quantity, 1e-7).toString()).toBe('0.0000001');
    expect(read(price, 42000).toString()).toBe('42000');
  });

  it('reject NaN and Infinity given as numbers, naming the field', () => {
    expect(() => read(price, Number.NaN)).toThrow('payload.x: must be a finite number, got NaN');
    expect(() => read(quantity, Number.POSITIVE_INFINITY)).toThrow(
      'payload.x: must be a finite number, got Infinity',
    );
    expect(() => read(decimal, Number.NEGATIVE_INFINITY)).toThrow(
      'payload.x: must be a finite number, got -Infinity',
    );
  });

  it('reject NaN, Infinity and exponents given as strings', () => {
    expect(() => read(price, 'NaN')).toThrow('payload.x: "NaN" is not a decimal number');
    expect(() => read(price, 'Infinity')).toThrow('payload.x: "Infinity" is not a decimal number');
    expect(() => read(decimal, '1e5')).toThrow('payload.x: "1e5" is not a decimal number');
  });

  it('reject numbers too large to have been exact in JSON', () => {
    expect(() => read(decimal, 2 ** 60)).toThrow(/^payload\.x: .* is too large to be exact as a JSON number/);
  });

  it('reject a negative quantity with the value in the message', () => {
    expect(() => read(quantity, '-1')).toThrow('payload.x: must not be negative, got -1');
    expect(() => read(quantity, -0.5)).toThrow('payload.x: must not be negative, got -0.5');
  });

  it('allow negative decimals and prices (spreads, PnL)', () => {
    expect(read(decimal, '-0.250').toString()).toBe('-0.250');
    expect(read(price, '-3.5').isNegative()).toBe(true);
  });

  it('report a missing value as required and a wrong kind as what it is', () => {
    expect(() => read(quantity, undefined)).toThrow('payload.x: is required');
    expect(() => read(quantity, null)).toThrow('payload.x: is required');
    expect(() => read(price, true)).toThrow('payload.x: expected a decimal string, got true');
    expect(() => read(price, {})).toThrow('payload.x: expected a decimal string, got object');
  });
});

describe('scalar readers', () => {
  it('str accepts any string, nonEmptyStr refuses the empty one, optStr maps absence to undefined', () => {
    expect(read(str, '')).toBe('');
    expect(() => read(nonEmptyStr, '')).toThrow('payload.x: must not be empty');
    expect(() => read(str, 5)).toThrow('payload.x: expected a string, got 5');
    expect(read(optStr, undefined)).toBeUndefined();
    expect(read(optStr, null)).toBeUndefined();
    expect(read(optStr, 'a')).toBe('a');
  });

  it('bool accepts only booleans', () => {
    expect(read(bool, false)).toBe(false);
    expect(() => read(bool, 'true')).toThrow('payload.x: expected true or false, got "true"');
  });

  it('int accepts safe integers only', () => {
    expect(read(int, -3)).toBe(-3);
    expect(() => read(int, Number.NaN)).toThrow('payload.x: must be a safe integer, got NaN');
    expect(() => read(int, 2 ** 53)).toThrow('payload.x: must be a safe integer');
  });

  it('enumOf names the allowed values', () => {
    const side = enumOf(OrderSideValues);
    expect(read(side, 'SELL')).toBe('SELL');
    expect(() => read(side, 'sell')).toThrow('payload.x: "sell" is not one of BUY, SELL');
    expect(() => read(enumOf([1, 2] as const), 3)).toThrow('payload.x: 3 is not one of 1, 2');
  });

  it('nanos reads digit strings, safe integers and bigints, and refuses floats and negatives', () => {
    expect(read(nanos, '1700000000000000000')).toBe(1_700_000_000_000_000_000n);
    expect(read(nanos, 5000)).toBe(5000n);
    expect(read(nanos, 7n)).toBe(7n);
    expect(() => read(nanos, 1.5)).toThrow(
      'payload.x: must be nanoseconds as a string of digits, got the inexact number 1.5',
    );
    expect(() => read(nanos, -1)).toThrow('payload.x: must not be negative, got -1');
    expect(() => read(nanos, '99999999999999999999')).toThrow(
      'payload.x: "99999999999999999999" is not a whole number',
    );
    expect(() => read(nanos, '9223372036854775808')).toThrow(
      'payload.x: 9223372036854775808 does not fit in 64 bits',
    );
  });
});

describe('money', () => {
  it('widens an amount to the precision of a known currency', () => {
    const m = read(money, { amount: '1.5', currency: 'USDT' });
    expect(m.amount.toString()).toBe('1.50000000');
    expect(m.currency).toEqual({ code: 'USDT', precision: 8 });
  });

  it('refuses more decimals than a known currency carries rather than rounding', () => {
    expect(() => read(money, { amount: '5400.5', currency: 'VND' })).toThrow(
      'payload.x.amount: "5400.5" has 1 decimals, more than the precision of VND (0)',
    );
  });

  it('keeps the written precision for a currency it does not know', () => {
    const m = read(money, { amount: '12.345', currency: 'XYZ' });
    expect(m.currency).toEqual({ code: 'XYZ', precision: 3 });
  });

  it('uses the currency lookup of the context when one is given', () => {
    const ctx: DecodeContext = { currencies: (code) => (code === 'USDT' ? currency('USDT', 2) : undefined) };
    expect(read(money, { amount: '1.5', currency: 'USDT' }, ctx).amount.toString()).toBe('1.50');
  });

  it('names the bad part of a money value', () => {
    expect(() => read(money, { amount: 'NaN', currency: 'USDT' })).toThrow(
      'payload.x.amount: "NaN" is not a decimal number',
    );
    expect(() => read(money, { amount: '1', currency: 'usdt' })).toThrow(
      'payload.x.currency: "usdt" is not a currency code',
    );
    expect(() => read(money, { amount: '1' })).toThrow('payload.x.currency: is required');
    expect(() => read(money, '1 USDT')).toThrow('payload.x: expected an object, got "1 USDT"');
  });
});

describe('arrays and objects', () => {
  it('array builds item paths with their index', () => {
    const levels = array((v, path, ctx) => Fields.of(v, path, ctx).get('price', price));
    expect(levels([{ price: '1' }, { price: '2.5' }], 'payload.bids', NO_CTX).map(String)).toEqual([
      '1',
      '2.5',
    ]);
    expect(() => levels([{ price: '1' }, { price: 'x' }], 'payload.bids', NO_CTX)).toThrow(
      'payload.bids[1].price: "x" is not a decimal number',
    );
    expect(() => levels('nope', 'payload.bids', NO_CTX)).toThrow(
      'payload.bids: expected an array, got "nope"',
    );
  });

  it('Fields names nested paths and ignores keys it was not asked for', () => {
    const f = Fields.of({ outer: { inner: '1.0' }, extra: 1 }, 'payload', NO_CTX);
    expect(f.fields('outer').get('inner', decimal)).toEqual(Decimal.parse('1.0'));
    expect(() => f.fields('missing')).toThrow('payload.missing: is required');
    expect(f.at('outer')).toBe('payload.outer');
  });

  it('Fields checks prices against the tick grid and quantities against the lot grid', () => {
    const btc = instrument('BTCUSDT.BINANCE');
    const f = Fields.of({ price: '42000.123', qty: '0.000015', ok: '42000.12' }, 'payload', NO_CTX);
    expect(() => f.price('price', btc)).toThrow(
      'payload.price: 42000.123 is not on the tick grid of BTCUSDT.BINANCE (tick 0.01)',
    );
    expect(() => f.quantity('qty', btc)).toThrow(
      'payload.qty: 0.000015 is not a multiple of the lot size of BTCUSDT.BINANCE (lot 0.00001)',
    );
    expect(f.price('ok', btc).toString()).toBe('42000.12');
    expect(f.price('price', undefined).toString()).toBe('42000.123');
    expect(f.optPrice('absent', btc)).toBeUndefined();
    expect(f.optQuantity('absent', btc)).toBeUndefined();
    expect(Quantity.from('0.00002').isMultipleOf(btc.lotSize)).toBe(true);
  });
});

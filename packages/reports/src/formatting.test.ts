import { Decimal } from '@qubit/model';
import { describe, expect, it } from 'vitest';
import { canonicalJson, decimalString, formatDuration, quotient, ratio } from './formatting.js';

describe('formatting', () => {
  it('rounds ratios to 6 significant digits and turns the undefined ones into null', () => {
    expect(ratio(1 / 3)).toBe(0.333333);
    expect(ratio(123456789)).toBe(123457000);
    expect(ratio(-0)).toBe(0);
    expect(ratio(Number.POSITIVE_INFINITY)).toBeNull();
    expect(ratio(Number.NaN)).toBeNull();
    expect(ratio(null)).toBeNull();
  });

  it('prints exact decimals with no more decimals than needed and at least the minimum', () => {
    expect(decimalString(Decimal.parse('180000.000000000'), 0)).toBe('180000');
    expect(decimalString(Decimal.parse('12.5'), 2)).toBe('12.50');
    expect(decimalString(Decimal.parse('926666.66670000'), 0)).toBe('926666.6667');
    expect(decimalString(Decimal.parse('-5.1000'), 2)).toBe('-5.10');
  });

  it('divides through an exact quotient and refuses division by zero with null', () => {
    expect(quotient(Decimal.parse('1'), Decimal.parse('8'))).toBe(0.125);
    expect(quotient(Decimal.parse('1'), Decimal.ZERO)).toBeNull();
  });

  it('writes durations in whole units down to the second, milliseconds only below a second', () => {
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(250)).toBe('250ms');
    expect(formatDuration(90_061_000)).toBe('1d 1h 1m 1s');
    expect(formatDuration(3 * 86_400_000 + 1500)).toBe('3d 1s');
    expect(() => formatDuration(-1)).toThrow('duration_ms');
  });

  it('sorts object keys at every depth and keeps array order', () => {
    expect(JSON.stringify(canonicalJson({ b: 1, a: { d: [3, 1], c: null } }, 'config'))).toBe(
      '{"a":{"c":null,"d":[3,1]},"b":1}',
    );
    expect(() => canonicalJson({ a: new Map() }, 'config')).toThrow(
      'config.a: cannot be written as JSON (a Map)',
    );
  });
});

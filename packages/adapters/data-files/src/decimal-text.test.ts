import { Decimal } from '@qubit/model';
import { describe, expect, it } from 'vitest';
import {
  isFloatNoiseOf,
  isMissing,
  looksLikeFloatNoise,
  parseDecimalText,
  significantDigits,
} from './decimal-text.js';

describe('parseDecimalText', () => {
  it.each([
    ['42000.10', '42000.10'],
    ['-0.5', '-0.5'],
    ['+3', '3'],
    ['5.33e-05', '0.0000533'],
    ['5.330000000000001e-05', '0.00005330000000000001'],
    ['1E+3', '1000'],
    ['1.5e2', '150'],
    [' 7 ', '7'],
  ])('reads %s exactly as %s', (text, exact) => {
    expect(parseDecimalText(text)!.toString()).toBe(exact);
  });

  it.each(['abc', '', '1.', '.5', '1e', '1,5', 'NaN', '0x10', '1e999'])('refuses "%s"', (text) => {
    expect(parseDecimalText(text)).toBeUndefined();
  });
});

describe('float noise', () => {
  it('counts significant digits without leading zeros or the exponent', () => {
    expect(significantDigits('0.07745453000000001')).toBe(16);
    expect(significantDigits('5.330000000000001e-05')).toBe(16);
    expect(significantDigits('2300413.7295')).toBe(11);
  });

  it('takes 16 or more significant digits as a float printed in full', () => {
    expect(looksLikeFloatNoise('0.07745453000000001')).toBe(true);
    expect(looksLikeFloatNoise('10483.26501446')).toBe(false);
  });

  it('accepts a value within 4 ulps of its grid value and refuses one further off', () => {
    const grid = Decimal.parse('0.07745453');
    expect(isFloatNoiseOf(Decimal.parse('0.07745453000000001'), grid)).toBe(true);
    expect(isFloatNoiseOf(Decimal.parse('0.07745453000001'), grid)).toBe(false);
  });

  it('measures noise around zero against the reference step', () => {
    expect(isFloatNoiseOf(Decimal.parse('0.000000000000000001'), Decimal.ZERO, Decimal.parse('0.01'))).toBe(
      true,
    );
    expect(isFloatNoiseOf(Decimal.parse('0.001'), Decimal.ZERO, Decimal.parse('0.01'))).toBe(false);
  });
});

describe('isMissing', () => {
  it.each(['', ' ', 'NaN', 'nan', 'None', 'null'])('reads "%s" as no value', (t) =>
    expect(isMissing(t)).toBe(true),
  );
  it('reads a zero as a value', () => expect(isMissing('0')).toBe(false));
});

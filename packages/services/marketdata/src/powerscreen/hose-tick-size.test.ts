import { Decimal } from '@qubit/model';
import { describe, expect, it } from 'vitest';
import { hoseTickSize } from './hose-tick-size.js';

const tick = (code: string, price: string): string => hoseTickSize(code, Decimal.parse(price)).toString();

describe('the HOSE price step', () => {
  it('steps shares by 10 below 10,000 VND, 50 below 50,000 and 100 from 50,000', () => {
    expect(tick('VIB', '9990')).toBe('10');
    expect(tick('HPG', '10000')).toBe('50');
    expect(tick('HPG', '49950')).toBe('50');
    expect(tick('FPT', '50000')).toBe('100');
  });

  it('steps ETFs and covered warrants by 10 at any price', () => {
    expect(tick('E1VFVN30', '25680')).toBe('10');
    expect(tick('CFPT2314', '1230')).toBe('10');
  });
});

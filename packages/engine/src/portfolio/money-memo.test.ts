import { describe, expect, it } from 'vitest';
import { Decimal, Money, currency } from '@qubit/model';
import { MoneyMemo } from './money-memo.js';

const USD = currency('USD', 2);

describe('MoneyMemo', () => {
  it('rounds to the currency half-even, as Money.of does', () => {
    const memo = new MoneyMemo(USD);
    for (const s of ['1.005', '1.015', '-2.125', '3', '0.0049999']) {
      const d = Decimal.from(s);
      expect(memo.of(d).toString()).toBe(Money.of(d, USD).toString());
    }
  });

  it('hands back the same Money while it is asked for the same amount', () => {
    const memo = new MoneyMemo(USD);
    const d = Decimal.from('12.3456');
    const first = memo.of(d);
    expect(memo.of(d)).toBe(first);
    const other = memo.of(Decimal.from('12.3456'));
    expect(other).not.toBe(first);
    expect(other.toString()).toBe('12.35 USD');
  });

  it('makes one zero in its currency', () => {
    const memo = new MoneyMemo(USD);
    expect(memo.zero.toString()).toBe('0.00 USD');
    expect(memo.zero).toBe(memo.zero);
  });
});

import { describe, expect, it } from 'vitest';
import { sameMismatches } from './same-mismatches.js';

const position = {
  kind: 'position',
  instrument_id: 'BTCUSDT-PERP.BINANCE',
  ours: '0.010',
  theirs: '0.000',
  detail: 'BTCUSDT-PERP.BINANCE: ours 0.010, venue 0.000',
};
const balance = { kind: 'balance', currency: 'USDT', ours: '100000.00', theirs: '99990.00', detail: 'USDT' };

describe('sameMismatches', () => {
  it('is true for the same mismatches in another order, whatever their detail says', () => {
    expect(
      sameMismatches(
        { mismatches: [position, balance] },
        { mismatches: [{ ...balance, detail: 'reworded' }, position] },
      ),
    ).toBe(true);
  });

  it('is false when a figure, an instrument, a currency or an order differs', () => {
    const a = { mismatches: [position, balance] };
    expect(sameMismatches(a, { mismatches: [{ ...position, ours: '0.020' }, balance] })).toBe(false);
    expect(sameMismatches(a, { mismatches: [position, { ...balance, theirs: '99980.00' }] })).toBe(false);
    expect(
      sameMismatches(a, { mismatches: [{ ...position, instrument_id: 'ETHUSDT-PERP.BINANCE' }, balance] }),
    ).toBe(false);
    expect(sameMismatches(a, { mismatches: [position, { ...balance, currency: 'BTC' }] })).toBe(false);
    expect(
      sameMismatches({ mismatches: [position] }, { mismatches: [{ ...position, client_order_id: 'O-1' }] }),
    ).toBe(false);
  });

  it('is false when one side has a mismatch more, even a repeat of one it has', () => {
    expect(sameMismatches({ mismatches: [position] }, { mismatches: [position, balance] })).toBe(false);
    expect(sameMismatches({ mismatches: [position, position] }, { mismatches: [position] })).toBe(false);
  });

  it('is false for a summary without mismatches to compare', () => {
    expect(sameMismatches({}, { mismatches: [] })).toBe(false);
    expect(sameMismatches(null, { mismatches: [] })).toBe(false);
    expect(sameMismatches({ mismatches: [42] }, { mismatches: [42] })).toBe(false);
    expect(sameMismatches({ mismatches: [] }, { mismatches: [] })).toBe(true);
  });
});

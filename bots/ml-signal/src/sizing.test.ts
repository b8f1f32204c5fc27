import { BTCUSDT_BINANCE, BTCUSDT_PERP_BINANCE, VN30F1M_HNX, instrumentFromSpec } from '@qubit/model';
import { Decimal } from '@qubit/sdk';
import { describe, expect, it } from 'vitest';
import { orderSize } from './sizing.js';

const d = (v: string): Decimal => Decimal.parse(v);
const PERP = instrumentFromSpec(BTCUSDT_PERP_BINANCE);

describe('order size', () => {
  it('rounds a fixed quantity down to the lot', () => {
    expect(
      orderSize({ kind: 'fixed', quantity: d('0.0129') }, 0.9, d('0'), d('42000.0'), PERP)!.toString(),
    ).toBe('0.012');
    expect(
      orderSize({ kind: 'fixed', quantity: d('0.01') }, 0.1, d('0'), d('42000.0'), PERP)!.toString(),
    ).toBe('0.010');
  });

  it('commits equity × fraction × confidence of notional, rounded down to the lot', () => {
    // 100,000 × 0.1 × 0.537049 = 5370.49 USDT / 42000 = 0.12786… → 0.127
    const q = orderSize(
      { kind: 'equity_fraction', fraction: d('0.1') },
      0.5370495669980355,
      d('100000'),
      d('42000.0'),
      PERP,
    );
    expect(q!.toString()).toBe('0.127');
    // Confidence scales the notional: 0.25 → 2500 USDT → 0.059; 0.5 → 5000 USDT → 0.119.
    const at = (c: number) =>
      orderSize({ kind: 'equity_fraction', fraction: d('0.1') }, c, d('100000'), d('42000.0'), PERP);
    expect(at(0.25)!.toString()).toBe('0.059');
    expect(at(0.5)!.toString()).toBe('0.119');
  });

  it('caps the confidence at 1 and cuts it to 6 decimals before it touches money', () => {
    const rule = { kind: 'equity_fraction', fraction: d('1') } as const;
    expect(orderSize(rule, 7, d('42000'), d('42000.0'), PERP)!.toString()).toBe('1.000');
    // 0.9999999 → 0.999999: 41999.958 / 42000 = 0.999999 → 0.999
    expect(orderSize(rule, 0.9999999, d('42000'), d('42000.0'), PERP)!.toString()).toBe('0.999');
  });

  it('gives nothing below one lot or the minimum notional', () => {
    // 1000 × 0.1 × 0.5 = 50 USDT: below the perpetual's 100 USDT minimum notional.
    expect(
      orderSize({ kind: 'equity_fraction', fraction: d('0.1') }, 0.5, d('1000'), d('42000.0'), PERP),
    ).toBeUndefined();
    expect(
      orderSize({ kind: 'fixed', quantity: d('0.0009') }, 1, d('0'), d('42000.0'), PERP),
    ).toBeUndefined();
    const spot = instrumentFromSpec(BTCUSDT_BINANCE);
    expect(
      orderSize({ kind: 'fixed', quantity: d('0.000123') }, 1, d('0'), d('42000.00'), spot)!.toString(),
    ).toBe('0.00012');
  });

  it('divides by the contract multiplier (VN30F1M: 100,000 VND per point)', () => {
    const vn30 = instrumentFromSpec(VN30F1M_HNX);
    // 2,000,000,000 VND × 0.5 × 0.6 = 600,000,000 / (1250.0 × 100,000) = 4.8 → 4 contracts
    expect(
      orderSize(
        { kind: 'equity_fraction', fraction: d('0.5') },
        0.6,
        d('2000000000'),
        d('1250.0'),
        vn30,
      )!.toString(),
    ).toBe('4');
  });
});

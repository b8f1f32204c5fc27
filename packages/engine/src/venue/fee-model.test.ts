import {
  BTCUSDT_BINANCE,
  Decimal,
  LiquiditySide,
  Price,
  Quantity,
  VN30F1M_HNX,
  instrumentFromSpec,
} from '@qubit/model';
import { describe, expect, it } from 'vitest';
import { FeeModel } from './fee-model.js';

const BTC = instrumentFromSpec(BTCUSDT_BINANCE);
const VN30 = instrumentFromSpec(VN30F1M_HNX);

describe('FeeModel', () => {
  it('charges notional × rate in the settlement currency, rounded half-even to its precision', () => {
    const fee = new FeeModel().fee(
      BTC,
      Price.from('42000.01'),
      Quantity.from('0.00003'),
      LiquiditySide.TAKER,
    );
    // 42000.01 × 0.00003 × 0.001 = 0.00126000030 → 0.00126000 USDT
    expect(fee.toString()).toBe('0.00126000 USDT');
  });

  it('adds the fee per contract, and for VN30F1M only that (VND has no decimals)', () => {
    const fee = new FeeModel().fee(VN30, Price.from('1250.3'), Quantity.from('4'), LiquiditySide.MAKER);
    expect(fee.toString()).toBe('10800 VND');
  });

  it('uses override rates, and a negative maker rate is a rebate', () => {
    const model = new FeeModel({ maker: Decimal.parse('-0.0002') });
    expect(model.fee(BTC, Price.from('40000.00'), Quantity.from('1'), LiquiditySide.MAKER).toString()).toBe(
      '-8.00000000 USDT',
    );
    expect(model.fee(BTC, Price.from('40000.00'), Quantity.from('1'), LiquiditySide.TAKER).toString()).toBe(
      '40.00000000 USDT',
    );
  });

  it('is zero when neither a rate nor a per-contract fee applies', () => {
    const model = new FeeModel({ maker: Decimal.ZERO, taker: Decimal.ZERO });
    expect(model.fee(BTC, Price.from('40000.00'), Quantity.from('1'), LiquiditySide.TAKER).isZero()).toBe(
      true,
    );
  });
});

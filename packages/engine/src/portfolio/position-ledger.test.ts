import {
  BTCUSDT_BINANCE,
  BTCUSDT_PERP_BINANCE,
  Decimal,
  ModelError,
  VN30F1M_HNX,
  instrumentFromSpec,
  type Instrument,
} from '@qubit/model';
import { describe, expect, it } from 'vitest';
import { PositionLedger, checkAccountingScale, costScaleOf } from './position-ledger.js';

const spot = instrumentFromSpec(BTCUSDT_BINANCE);
const perp = instrumentFromSpec(BTCUSDT_PERP_BINANCE);
const vn30 = instrumentFromSpec(VN30F1M_HNX);

function trade(ledger: PositionLedger, side: 'BUY' | 'SELL', qty: string, px: string, fee = '0'): bigint {
  const i = ledger.instrument;
  const effect = ledger.apply(
    side === 'BUY' ? 1 : -1,
    Decimal.parse(qty).rescale(i.sizePrecision).units,
    Decimal.parse(px).rescale(i.pricePrecision).units,
    Decimal.parse(fee),
  );
  return effect.realizedUnits;
}

function state(ledger: PositionLedger): Record<string, string> {
  const avg = ledger.avgPxOpenUnits();
  return {
    qty: ledger.signedQty.toString(),
    cost: ledger.openCost.normalize().toString(),
    realized: ledger.realizedPnl.normalize().toString(),
    avg: avg === undefined ? '-' : Decimal.of(avg, ledger.instrument.pricePrecision).toString(),
  };
}

describe('PositionLedger', () => {
  it('keeps cost at price + size + 8 decimals', () => {
    expect(costScaleOf(spot)).toBe(2 + 5 + 8);
    expect(costScaleOf(perp)).toBe(2 + 3 + 8);
    expect(costScaleOf(vn30)).toBe(1 + 0 + 8);
  });

  it('opens and adds to a long position at the exact average cost', () => {
    const l = new PositionLedger(perp);
    trade(l, 'BUY', '0.003', '100.00');
    expect(state(l)).toEqual({ qty: '0.003', cost: '0.3', realized: '0', avg: '100.00' });
    trade(l, 'BUY', '0.001', '104.00');
    expect(state(l)).toEqual({ qty: '0.004', cost: '0.404', realized: '0', avg: '101.00' });
  });

  it('reduces a long with removed cost rounded half-even to the cost scale and closes to cost 0 exactly', () => {
    const l = new PositionLedger(perp);
    trade(l, 'BUY', '0.001', '100.00');
    trade(l, 'BUY', '0.002', '100.10');
    expect(l.openCost.normalize().toString()).toBe('0.3002');
    // removed = 0.3002 / 3 = 0.10006666… → 0.1000666666667 at 13 decimals
    trade(l, 'SELL', '0.001', '101.00');
    expect(state(l)).toEqual({
      qty: '0.002',
      cost: '0.2001333333333',
      realized: '0.0009333333333',
      avg: '100.07',
    });
    trade(l, 'SELL', '0.002', '99.00');
    // Nothing drifted: bought for 0.3002, sold for 0.299.
    expect(state(l)).toEqual({ qty: '0.000', cost: '0', realized: '-0.0012', avg: '-' });
    expect(l.cost).toBe(0n);
  });

  it('breaks an exact tie of the removed cost to the even unit', () => {
    const l = new PositionLedger(spot);
    trade(l, 'BUY', '0.00511', '100.00');
    trade(l, 'BUY', '0.00001', '100.01');
    // removed = 0.5120001 × 1/512 = 0.0010000001953125, a tie at 15 decimals: half-even keeps …312
    trade(l, 'SELL', '0.00001', '100.00');
    expect(state(l).cost).toBe('0.511000099804688');
    expect(state(l).realized).toBe('-0.000000000195312');
  });

  it('realizes a short with the multiplier', () => {
    const l = new PositionLedger(vn30);
    trade(l, 'SELL', '2', '1000.0');
    expect(state(l)).toEqual({ qty: '-2', cost: '-2000', realized: '0', avg: '1000.0' });
    const realized = trade(l, 'BUY', '1', '990.0');
    expect(Decimal.of(realized, l.realizedScale).normalize().toString()).toBe('1000000');
    expect(state(l)).toEqual({ qty: '-1', cost: '-1000', realized: '1000000', avg: '1000.0' });
    expect(l.unrealizedPnl(Decimal.parse('1005.0')).normalize().toString()).toBe('-500000');
  });

  it('flips a long into a short: closes the whole long and opens the rest at the fill price', () => {
    const l = new PositionLedger(vn30);
    trade(l, 'BUY', '1', '1000.0');
    const realized = trade(l, 'SELL', '3', '1010.0');
    expect(Decimal.of(realized, l.realizedScale).normalize().toString()).toBe('1000000');
    expect(state(l)).toEqual({ qty: '-2', cost: '-2020', realized: '1000000', avg: '1010.0' });
  });

  it('flips a short into a long', () => {
    const l = new PositionLedger(perp);
    trade(l, 'SELL', '0.002', '200.00');
    trade(l, 'BUY', '0.005', '190.00');
    expect(state(l)).toEqual({ qty: '0.003', cost: '0.57', realized: '0.02', avg: '190.00' });
  });

  it('computes unrealized as (mark × qty − cost) × multiplier and is zero when flat', () => {
    const l = new PositionLedger(vn30);
    trade(l, 'BUY', '3', '1000.1');
    expect(l.unrealizedPnl(Decimal.parse('1000.4')).normalize().toString()).toBe('90000');
    trade(l, 'SELL', '3', '1000.2');
    expect(l.unrealizedPnl(Decimal.parse('5000.0')).isZero()).toBe(true);
    expect(l.realizedPnl.normalize().toString()).toBe('30000');
  });

  it('sums fees separately from realized PnL', () => {
    const l = new PositionLedger(perp);
    trade(l, 'BUY', '0.001', '100.00', '0.00005');
    trade(l, 'SELL', '0.001', '110.00', '0.0000550');
    expect(l.fees.normalize().toString()).toBe('0.000105');
    expect(l.realizedPnl.normalize().toString()).toBe('0.01');
  });

  it('refuses an instrument whose exact PnL needs more than 38 decimals', () => {
    const fine: Instrument = { ...perp, pricePrecision: 18, sizePrecision: 12 };
    expect(() => checkAccountingScale(fine, 'instrument')).not.toThrow();
    const tooFine: Instrument = { ...perp, pricePrecision: 18, sizePrecision: 18 };
    expect(() => new PositionLedger(tooFine)).toThrow(ModelError);
    expect(() => new PositionLedger(tooFine)).toThrow(/needs 44 decimals/);
  });
});

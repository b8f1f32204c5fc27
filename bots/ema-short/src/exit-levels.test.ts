import { BTCUSDT_PERP_BINANCE, VN30F1M_HNX, instrumentFromSpec } from '@qubit/model';
import { Decimal, Rounding } from '@qubit/sdk';
import { describe, expect, it } from 'vitest';
import {
  activeStop,
  entryQuantity,
  shifted,
  stopLossPrice,
  takeProfitPrice,
  trailingStopPrice,
} from './exit-levels.js';

const d = (v: string): Decimal => Decimal.parse(v);
const TICK = d('0.10');

describe('exit levels of a short', () => {
  it('puts the take-profit at or below entry × (1 − tp), rounded down to the tick', () => {
    // 42001.30 × 0.96 = 40321.248 → 40321.20
    expect(takeProfitPrice(d('42001.30'), 4, TICK).toString()).toBe('40321.20');
    expect(takeProfitPrice(d('42000.00'), 4, TICK).toString()).toBe('40320.00');
  });

  it('puts the stop-loss trigger at or above entry × (1 + sl), rounded up to the tick', () => {
    // 42001.30 × 1.02 = 42841.326 → 42841.40
    expect(stopLossPrice(d('42001.30'), 2, TICK).toString()).toBe('42841.40');
  });

  it('puts the trailing trigger at or above lowest × (1 + ts), rounded up to the tick', () => {
    // 41000.10 × 1.015 = 41615.1015 → 41615.20
    expect(trailingStopPrice(d('41000.10'), 1.5, TICK).toString()).toBe('41615.20');
  });

  it('guards with the stop-loss until the trailing stop would lock in a profit, then with the trailing stop', () => {
    const entry = d('42000.00');
    expect(activeStop(entry, d('42000.00'), 2, 1.5, TICK)).toEqual({
      reason: 'stop_loss',
      trigger: d('42840.00'),
    });
    // 41379.40 × 1.015 = 42000.091 → 42000.10: not yet below the entry.
    expect(activeStop(entry, d('41379.40'), 2, 1.5, TICK).reason).toBe('stop_loss');
    // 41379.20 × 1.015 = 41999.888 → 41999.90: below the entry, the trailing stop takes over.
    const s = activeStop(entry, d('41379.20'), 2, 1.5, TICK);
    expect(s.reason).toBe('trailing_stop');
    expect(s.trigger.toString()).toBe('41999.90');
  });

  it('shifts by exact decimal percentages (no float on the way)', () => {
    expect(shifted(d('100.00'), 0.1, d('0.01'), Rounding.HALF_EVEN).toString()).toBe('100.10');
    expect(shifted(d('3.00'), -33.3, d('0.01'), Rounding.FLOOR).toString()).toBe('2.00');
  });
});

describe('entryQuantity', () => {
  const perp = instrumentFromSpec(BTCUSDT_PERP_BINANCE);

  it('rounds notional / price down to the lot', () => {
    // 1000 / 42000 = 0.0238… → 0.023
    expect(entryQuantity(d('1000'), d('42000.0'), perp)!.toString()).toBe('0.023');
  });

  it('refuses a size under the minimum notional or a single lot', () => {
    // 99 USDT is under the 100 USDT minimum notional of the perpetual.
    expect(entryQuantity(d('99'), d('42000.0'), perp)).toBeUndefined();
    expect(entryQuantity(d('20'), d('42000.0'), perp)).toBeUndefined();
  });

  it('counts the contract multiplier (VN30F1M: 100,000 VND per point)', () => {
    const vn30 = instrumentFromSpec(VN30F1M_HNX);
    // 500,000,000 VND / (1250.0 × 100,000) = 4 contracts
    expect(entryQuantity(d('500000000'), d('1250.0'), vn30)!.toString()).toBe('4');
    expect(entryQuantity(d('100000000'), d('1250.0'), vn30)).toBeUndefined();
  });
});

import {
  BTCUSDT_BINANCE,
  BarAggregation,
  NANOS_PER_MINUTE,
  PriceType,
  VN30F1M_HNX,
  barTypeToString,
  instrumentFromSpec,
  makeBarType,
  type Bar,
  type Instrument,
} from '@qubit/model';
import { describe, expect, it } from 'vitest';
import { syntheticBars, type SyntheticBarsOptions } from './synthetic-bars.js';

const BTC = instrumentFromSpec(BTCUSDT_BINANCE);
const VN30 = instrumentFromSpec(VN30F1M_HNX);
const BTC_1M = makeBarType(BTC.id, 1, BarAggregation.MINUTE, PriceType.LAST);
const VN30_5M = makeBarType(VN30.id, 5, BarAggregation.MINUTE, PriceType.LAST);
const START = 1_704_067_200_000_000_000n; // 2024-01-01T00:00:00Z

const options = (o: Partial<SyntheticBarsOptions> = {}): SyntheticBarsOptions => ({
  instrument: BTC,
  barType: BTC_1M,
  count: 500,
  start: START,
  startPrice: 42_000,
  ...o,
});

/** Bars as plain text, to compare runs exactly. */
const text = (bars: Bar[]): string[] =>
  bars.map((b) => `${b.tsEvent} ${b.open} ${b.high} ${b.low} ${b.close} ${b.volume}`);

function checkGrid(bars: Bar[], i: Instrument): void {
  for (const b of bars) {
    for (const p of [b.open, b.high, b.low, b.close]) {
      expect(p.isMultipleOf(i.tickSize)).toBe(true);
      expect(p.precision).toBe(i.pricePrecision);
      expect(p.isPositive()).toBe(true);
    }
    expect(b.volume.isMultipleOf(i.lotSize)).toBe(true);
    expect(b.volume.precision).toBe(i.sizePrecision);
    expect(b.volume.isPositive()).toBe(true);
  }
}

describe('syntheticBars', () => {
  it('gives the same bars for the same seed and different bars for another seed', () => {
    const a = syntheticBars(options({ seed: 1 }));
    const b = syntheticBars(options({ seed: 1 }));
    const c = syntheticBars(options({ seed: 2 }));
    expect(text(a)).toEqual(text(b));
    expect(text(a)).not.toEqual(text(c));
    // Without a seed the default one is used, so runs still repeat.
    expect(text(syntheticBars(options()))).toEqual(text(syntheticBars(options())));
  });

  it('makes `count` bars of the bar type, each closing one interval after the previous', () => {
    const bars = syntheticBars(options({ count: 50 }));
    expect(bars).toHaveLength(50);
    expect(bars[0]!.tsEvent).toBe(START + NANOS_PER_MINUTE);
    for (let i = 1; i < bars.length; i++)
      expect(bars[i]!.tsEvent - bars[i - 1]!.tsEvent).toBe(NANOS_PER_MINUTE);
    for (const b of bars) {
      expect(b.type).toBe('Bar');
      expect(barTypeToString(b.barType)).toBe('BTCUSDT.BINANCE-1-MINUTE-LAST');
      expect(b.tsInit).toBe(b.tsEvent);
    }
    const five = syntheticBars(options({ instrument: VN30, barType: VN30_5M, startPrice: 1250, count: 3 }));
    expect(five.map((b) => b.tsEvent - START)).toEqual([5n, 10n, 15n].map((m) => m * NANOS_PER_MINUTE));
  });

  it('puts prices on the tick grid and volumes on the lot grid', () => {
    checkGrid(syntheticBars(options()), BTC);
    checkGrid(
      syntheticBars(options({ instrument: VN30, barType: VN30_5M, startPrice: 1250, volatility: 0.01 })),
      VN30,
    );
  });

  it('keeps high at or above open and close, and low at or below them', () => {
    for (const seed of [1, 2, 3]) {
      for (const b of syntheticBars(options({ seed, volatility: 0.02 }))) {
        expect(b.high.gte(b.open.max(b.close))).toBe(true);
        expect(b.low.lte(b.open.min(b.close))).toBe(true);
      }
    }
  });

  it('starts near the start price and opens each bar at the previous close', () => {
    const bars = syntheticBars(options({ count: 100 }));
    expect(bars[0]!.open.toString()).toBe('42000.00');
    for (let i = 1; i < bars.length; i++) expect(bars[i]!.open.eq(bars[i - 1]!.close)).toBe(true);
  });

  it('drifts in the direction of the drift', () => {
    const up = syntheticBars(options({ count: 300, drift: 0.01, volatility: 0.001 }));
    const down = syntheticBars(options({ count: 300, drift: -0.01, volatility: 0.001 }));
    expect(up.at(-1)!.close.gt(up[0]!.open)).toBe(true);
    expect(down.at(-1)!.close.lt(down[0]!.open)).toBe(true);
  });

  it('gives no bars for a count of zero', () => {
    expect(syntheticBars(options({ count: 0 }))).toEqual([]);
  });

  it('refuses a bar type without a time interval', () => {
    const ticks = makeBarType(BTC.id, 100, BarAggregation.TICK, PriceType.LAST);
    expect(() => syntheticBars(options({ barType: ticks }))).toThrow(/time aggregation/);
  });
});

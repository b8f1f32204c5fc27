import { Macd, Rsi } from '@qubit/sdk';
import { describe, expect, it } from 'vitest';
import { DEFAULT_FEATURE_SETTINGS, FeatureExtractor, type FeatureSettings } from './features.js';

const SMALL: FeatureSettings = {
  rsiPeriod: 3,
  macdFast: 2,
  macdSlow: 4,
  macdSignal: 2,
  volPeriod: 3,
  volLongPeriod: 5,
  emaPeriod: 2,
  returnBars: 2,
};

const sampleStd = (xs: readonly number[]): number => {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
};

describe('feature extractor', () => {
  it('returns nothing until its slowest input is warm, then all five features', () => {
    const f = new FeatureExtractor(SMALL);
    expect(f.warmUp).toBe(6); // the 5-return long volatility needs 6 closes
    const closes = [100, 101, 99, 102, 103, 101, 104];
    const out = closes.map((c) => f.update(c));
    expect(out.slice(0, 5)).toEqual([undefined, undefined, undefined, undefined, undefined]);
    expect(Object.keys(out[5]!).sort()).toEqual(['ema_slope', 'macd_hist', 'return_n', 'rsi', 'volatility']);
    expect(new FeatureExtractor(DEFAULT_FEATURE_SETTINGS).warmUp).toBe(101);
  });

  it('normalizes each feature as documented (checked against a hand computation)', () => {
    const closes = [100, 101, 99, 102, 103, 101, 104];
    const f = new FeatureExtractor(SMALL);
    const rsi = new Rsi(3);
    const macd = new Macd(2, 4, 2);
    let last;
    for (const c of closes) {
      last = f.update(c);
      rsi.update(c);
      macd.update(c);
    }
    const r = closes.slice(1).map((c, i) => Math.log(c / closes[i]!));
    const sigma = sampleStd(r.slice(-3));
    const sigmaLong = sampleStd(r.slice(-5));
    // EMA(2): seeded with the mean of the first two closes, then ema += (2/3)(x − ema).
    let ema = (100 + 101) / 2;
    let before = ema;
    for (const c of closes.slice(2)) {
      before = ema;
      ema += (2 / 3) * (c - ema);
    }
    expect(last!.rsi).toBeCloseTo((rsi.value! - 50) / 50, 12);
    expect(last!.macd_hist).toBeCloseTo(Math.max(-3, Math.min(3, macd.value!.histogram / 104 / sigma)), 12);
    expect(last!.volatility).toBeCloseTo(sigma / sigmaLong - 1, 12);
    expect(last!.ema_slope).toBeCloseTo(Math.max(-3, Math.min(3, (ema - before) / before / sigma)), 12);
    expect(last!.return_n).toBeCloseTo(
      Math.max(-3, Math.min(3, Math.log(104 / 103) / (sigma * Math.SQRT2))),
      12,
    );
  });

  it('reads a market that does not move as all zeros (no division by a zero volatility)', () => {
    const f = new FeatureExtractor(SMALL);
    let last;
    for (let i = 0; i < 10; i++) last = f.update(50);
    expect(last).toEqual({ rsi: 0, macd_hist: 0, volatility: 0, ema_slope: 0, return_n: 0 });
  });

  it('clips the volatility-scaled features to ±3 in a steady trend whose volatility is (almost) nil', () => {
    const up = new FeatureExtractor(SMALL);
    const down = new FeatureExtractor(SMALL);
    let a;
    let b;
    for (let i = 0; i < 12; i++) {
      a = up.update(100 * 1.001 ** i);
      b = down.update(100 * 0.999 ** i);
    }
    expect(a!.rsi).toBeCloseTo(1, 12);
    expect(b!.rsi).toBeCloseTo(-1, 12);
    expect(a).toMatchObject({ macd_hist: 3, ema_slope: 3, return_n: 3 });
    // (The histogram measures acceleration: a geometric fall shrinks the MACD line toward zero, so it is not −3.)
    expect(b).toMatchObject({ ema_slope: -3, return_n: -3 });
  });

  it('keeps a jump in proportion: the jump widens the volatility that scales it', () => {
    const f = new FeatureExtractor(SMALL);
    let last;
    for (const c of [100, 100.1, 100, 100.1, 100, 100.1, 100, 100.1, 130]) last = f.update(c);
    expect(last!.return_n).toBeGreaterThan(1);
    expect(last!.return_n).toBeLessThan(3);
    expect(last!.volatility).toBeGreaterThan(0);
    expect(last!.volatility).toBeLessThanOrEqual(3);
  });
});

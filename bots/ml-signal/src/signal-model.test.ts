import { describe, expect, it } from 'vitest';
import { LOGISTIC_V1, type LogisticWeights } from './model-weights.js';
import { LogisticModel, sigmoid } from './signal-model.js';

const one = (w: number, bias = 0): LogisticWeights => ({
  name: 'one',
  version: 1,
  features: ['rsi'],
  weights: [w],
  bias,
  thresholds: { buy: 0.6, sell: 0.4 },
});

describe('logistic model math', () => {
  it('is the logistic function of the weighted sum', () => {
    expect(sigmoid(0)).toBe(0.5);
    expect(sigmoid(Math.log(3))).toBeCloseTo(0.75, 15);
    expect(sigmoid(-Math.log(3))).toBeCloseTo(0.25, 15);
    // Stable far out in both tails (no exp overflow to NaN).
    expect(sigmoid(800)).toBe(1);
    expect(sigmoid(-800)).toBe(0);
  });

  it('gives the hand-computed probability for the shipped weights', () => {
    // z = −0.8·0.5 + 0.9·1 − 0.3·0 + 0.6·0.5 + 0.4·1 = 1.2 → P = 1 / (1 + e^−1.2) = 0.768524783…
    const m = new LogisticModel(LOGISTIC_V1);
    const up = m.predict({ rsi: 0.5, macd_hist: 1, volatility: 0, ema_slope: 0.5, return_n: 1 });
    expect(up.probability).toBeCloseTo(0.7685247834990178, 12);
    expect(up.signal).toBe('BUY');
    expect(up.confidence).toBeCloseTo(0.5370495669980355, 12);
    // z = −0.8·(−0.6) + 0.9·(−1.5) − 0.3·2 + 0.6·(−1) + 0.4·(−2) = −2.87 → P = 0.053656652…
    const down = m.predict({ rsi: -0.6, macd_hist: -1.5, volatility: 2, ema_slope: -1, return_n: -2 });
    expect(down.probability).toBeCloseTo(0.05365665200717188, 12);
    expect(down.signal).toBe('SELL');
    expect(down.confidence).toBeCloseTo(0.8926866959856562, 12);
  });

  it('adds the bias to the weighted sum', () => {
    expect(new LogisticModel(one(0, Math.log(3))).probability({ rsi: 123 })).toBeCloseTo(0.75, 15);
  });
});

describe('thresholds → signals', () => {
  const m = new LogisticModel(one(1));
  const logit = (p: number): number => Math.log(p / (1 - p));

  it('says BUY at or above the buy threshold, SELL at or below the sell threshold, HOLD between', () => {
    expect(m.predict({ rsi: logit(0.6) + 1e-9 }).signal).toBe('BUY');
    expect(m.predict({ rsi: logit(0.6) - 1e-9 }).signal).toBe('HOLD');
    expect(m.predict({ rsi: 0 }).signal).toBe('HOLD');
    expect(m.predict({ rsi: logit(0.4) + 1e-9 }).signal).toBe('HOLD');
    expect(m.predict({ rsi: logit(0.4) - 1e-9 }).signal).toBe('SELL');
  });

  it('measures confidence as |2P − 1| whatever the signal', () => {
    expect(m.predict({ rsi: logit(0.9) }).confidence).toBeCloseTo(0.8, 12);
    expect(m.predict({ rsi: logit(0.1) }).confidence).toBeCloseTo(0.8, 12);
    expect(m.predict({ rsi: logit(0.55) }).confidence).toBeCloseTo(0.1, 12);
    expect(m.predict({ rsi: 0 }).confidence).toBe(0);
  });

  it('refuses a missing or non-finite feature, naming it', () => {
    expect(() => m.predict({ macd_hist: 1 })).toThrow(/feature "rsi" is missing/);
    expect(() => m.predict({ rsi: Number.NaN })).toThrow(/feature "rsi" is not finite/);
  });
});

import { Ema, Macd, RealizedVolatility, Rsi } from '@qubit/sdk';

export const FEATURE_NAMES = ['rsi', 'macd_hist', 'volatility', 'ema_slope', 'return_n'] as const;
export type FeatureName = (typeof FEATURE_NAMES)[number];
export type Features = Record<FeatureName, number>;

export interface FeatureSettings {
  readonly rsiPeriod: number;
  readonly macdFast: number;
  readonly macdSlow: number;
  readonly macdSignal: number;
  /** Window of the per-bar realised volatility σ that scales the other features. */
  readonly volPeriod: number;
  /** Longer window the short volatility is compared with. */
  readonly volLongPeriod: number;
  readonly emaPeriod: number;
  /** N of the N-bar return. */
  readonly returnBars: number;
}

export const DEFAULT_FEATURE_SETTINGS: FeatureSettings = {
  rsiPeriod: 14,
  macdFast: 12,
  macdSlow: 26,
  macdSignal: 9,
  volPeriod: 20,
  volLongPeriod: 100,
  emaPeriod: 20,
  returnBars: 10,
};

const clip = (x: number, lo: number, hi: number): number => (x < lo ? lo : x > hi ? hi : x);

/**
 * Turns closes into the five model features, each normalized so that one set of weights fits any price level
 * and any market (floats: these are signals, never amounts):
 * - rsi        = (RSI − 50) / 50, in [−1, 1]
 * - macd_hist  = MACD histogram / (close × σ), clipped to [−3, 3]
 * - volatility = σ / σ_long − 1, clipped to [−1, 3]
 * - ema_slope  = (EMAₜ − EMAₜ₋₁) / (EMAₜ₋₁ × σ), clipped to [−3, 3]
 * - return_n   = ln(closeₜ / closeₜ₋N) / (σ × √N), clipped to [−3, 3]
 * where σ is the per-bar realised volatility (sample std of log returns over volPeriod bars). A zero move is 0;
 * a move while σ is zero (a perfectly steady trend) is the clip, ±3.
 */
export class FeatureExtractor {
  private readonly rsi: Rsi;
  private readonly macd: Macd;
  private readonly vol: RealizedVolatility;
  private readonly volLong: RealizedVolatility;
  private readonly ema: Ema;
  private readonly closes: number[] = [];
  private previousEma: number | undefined;

  constructor(readonly settings: FeatureSettings = DEFAULT_FEATURE_SETTINGS) {
    this.rsi = new Rsi(settings.rsiPeriod);
    this.macd = new Macd(settings.macdFast, settings.macdSlow, settings.macdSignal);
    this.vol = new RealizedVolatility(settings.volPeriod);
    this.volLong = new RealizedVolatility(settings.volLongPeriod);
    this.ema = new Ema(settings.emaPeriod);
  }

  /** Closes needed before the first feature set (the slowest of the inputs). */
  get warmUp(): number {
    const s = this.settings;
    return Math.max(
      s.rsiPeriod + 1,
      s.macdSlow + s.macdSignal - 1,
      s.volLongPeriod + 1,
      s.emaPeriod + 1,
      s.returnBars + 1,
    );
  }

  /** Feeds one close; returns the features, or undefined while any input is still warming up. */
  update(close: number): Features | undefined {
    const rsi = this.rsi.update(close);
    const macd = this.macd.update(close);
    const sigma = this.vol.update(close);
    const sigmaLong = this.volLong.update(close);
    const before = this.previousEma;
    const ema = this.ema.update(close);
    this.previousEma = ema;
    const n = this.settings.returnBars;
    this.closes.push(close);
    if (this.closes.length > n + 1) this.closes.shift();
    if (
      rsi === undefined ||
      macd === undefined ||
      sigma === undefined ||
      sigmaLong === undefined ||
      ema === undefined ||
      before === undefined ||
      this.closes.length <= n
    ) {
      return undefined;
    }
    // A move against a volatility of zero is an infinite z-score: it reads as the clip, not as nothing.
    const scaled = (x: number): number =>
      x === 0 ? 0 : clip(sigma > 0 ? x / sigma : Math.sign(x) * Infinity, -3, 3);
    return {
      rsi: (rsi - 50) / 50,
      macd_hist: scaled(macd.histogram / close),
      volatility: sigmaLong > 0 ? clip(sigma / sigmaLong - 1, -1, 3) : 0,
      ema_slope: scaled((ema - before) / before),
      return_n: scaled(Math.log(close / this.closes[0]!) / Math.sqrt(n)),
    };
  }
}

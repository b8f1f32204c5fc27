import { BollingerBands, Ema, Macd, RealizedVolatility, Rsi } from '@qubit/indicators';
import { ModelError, barIntervalNanos, barTypeToString, type Bar, type BarType } from '@qubit/model';
import type { FeatureSet } from './feature-set.js';

/** Which indicators to compute, and their periods. The defaults are the textbook ones. */
export interface FeatureSettings {
  readonly rsiPeriod?: number;
  readonly macd?: readonly [fast: number, slow: number, signal: number];
  readonly emaPeriods?: readonly number[];
  readonly bollinger?: readonly [period: number, k: number];
  /** Window of the realised volatility (annualised from the bar length). */
  readonly volatilityPeriod?: number;
}

const NANOS_PER_YEAR = 365n * 86_400n * 1_000_000_000n;

/** The indicators of one series, updated once per closed bar. */
class SeriesFeatures {
  private readonly rsi: Rsi;
  private readonly macd: Macd;
  private readonly emas: { period: number; ema: Ema }[];
  private readonly bands: BollingerBands;
  private readonly vol: RealizedVolatility;

  constructor(barType: BarType, s: FeatureSettings) {
    this.rsi = new Rsi(s.rsiPeriod ?? 14);
    const [fast, slow, signal] = s.macd ?? [12, 26, 9];
    this.macd = new Macd(fast, slow, signal);
    this.emas = (s.emaPeriods ?? [20, 50]).map((period) => ({ period, ema: new Ema(period) }));
    const [bbPeriod, k] = s.bollinger ?? [20, 2];
    this.bands = new BollingerBands(bbPeriod, k);
    const interval = barIntervalNanos(barType);
    const perYear = interval === undefined ? undefined : Number(NANOS_PER_YEAR / interval);
    this.vol = new RealizedVolatility(s.volatilityPeriod ?? 30, perYear);
  }

  update(bar: Bar): Record<string, number | null> {
    const close = Number(bar.close.toString());
    const rsi = this.rsi.update(close);
    const macd = this.macd.update(close);
    const bb = this.bands.update(close);
    const vol = this.vol.update(close);
    const values: Record<string, number | null> = {
      close,
      rsi: rsi ?? null,
      macd: macd?.macd ?? null,
      macd_signal: macd?.signal ?? null,
      macd_hist: macd?.histogram ?? null,
      bb_upper: bb?.upper ?? null,
      bb_middle: bb?.middle ?? null,
      bb_lower: bb?.lower ?? null,
      volatility: vol ?? null,
    };
    for (const { period, ema } of this.emas) values[`ema_${period}`] = ema.update(close) ?? null;
    return values;
  }
}

/**
 * Computes features on bar close for every series that asked for them (seed 001's feature engineering):
 * RSI, MACD, EMAs, Bollinger bands and realised volatility. Series are independent; a bar of a series
 * that did not ask gives nothing.
 */
export class FeatureEngine {
  private readonly series = new Map<string, SeriesFeatures>();

  /** Starts computing features for a series (settings checked by the indicators, naming the period). */
  enable(barType: BarType, settings: FeatureSettings = {}): void {
    const key = barTypeToString(barType);
    if (this.series.has(key)) return;
    try {
      this.series.set(key, new SeriesFeatures(barType, settings));
    } catch (err) {
      throw new ModelError(`features.${key}`, (err as Error).message);
    }
  }

  disable(barType: BarType): void {
    this.series.delete(barTypeToString(barType));
  }

  /** The features at this closed bar, or undefined when its series has none enabled. */
  onBar(bar: Bar): FeatureSet | undefined {
    const s = this.series.get(barTypeToString(bar.barType));
    if (!s) return undefined;
    return {
      type: 'FeatureSet',
      instrumentId: bar.barType.instrumentId,
      barType: bar.barType,
      tsEvent: bar.tsEvent,
      tsInit: bar.tsInit,
      values: s.update(bar),
    };
  }
}

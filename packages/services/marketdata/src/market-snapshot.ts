import {
  ModelError,
  type Bar,
  type InstrumentId,
  type QuoteTick,
  type TradeTick,
  type UnixNanos,
} from '@qubit/model';
import type { FeatureSet } from './features/feature-set.js';
import type { MarketDataPipeline, Timeframe } from './ingestion/market-data-pipeline.js';
import { timeframeBarType } from './ingestion/market-data-pipeline.js';

/** What a bot, the dashboard or the API sees of one instrument now (seed 001's market snapshot). */
export interface MarketSnapshot {
  readonly instrumentId: InstrumentId;
  /** The clock's time when the snapshot was taken. */
  readonly asOf: UnixNanos;
  readonly lastTrade?: TradeTick;
  readonly quote?: QuoteTick;
  /** Closed bars of the timeframe asked for, oldest first, and the bar being built. */
  readonly bars: readonly Bar[];
  readonly partialBar?: Bar;
  readonly features: readonly FeatureSet[];
  /** asOf minus the time of the last datum; undefined before any datum. */
  readonly ageNanos?: bigint;
  /** True when no datum came for longer than the stale threshold (or none came at all). */
  readonly stale: boolean;
}

export interface SnapshotOptions {
  /** Default 1 MINUTE. */
  readonly timeframe?: Timeframe;
  /** Closed bars to include (default 50). */
  readonly bars?: number;
  /** Age beyond which the data is stale (default 10 s). */
  readonly staleAfterNanos?: bigint;
}

/** The snapshot of an instrument the pipeline ingests; an instrument it does not is refused by name. */
export function marketSnapshot(
  pipeline: MarketDataPipeline,
  now: UnixNanos,
  instrumentId: InstrumentId,
  o: SnapshotOptions = {},
): MarketSnapshot {
  const window = pipeline.window(instrumentId);
  if (!window)
    throw new ModelError('instrument', `${String(instrumentId)} is not registered for market data`);
  const count = o.bars ?? 50;
  if (!Number.isInteger(count) || count < 0 || count > 10_000) {
    throw new ModelError('bars', `must be a whole number in [0, 10000], got ${String(o.bars)}`);
  }
  const barType = timeframeBarType(instrumentId, o.timeframe ?? { step: 1, aggregation: 'MINUTE' });
  const last = pipeline.lastEventAt(instrumentId);
  const age = last === undefined ? undefined : now - last;
  const partial = pipeline
    .partialBars(instrumentId)
    .find((b) => b.barType.step === barType.step && b.barType.aggregation === barType.aggregation);
  return {
    instrumentId,
    asOf: now,
    ...(window.lastTrade ? { lastTrade: window.lastTrade } : {}),
    ...(window.lastQuote ? { quote: window.lastQuote } : {}),
    bars: count === 0 ? [] : window.lastBars(barType, count),
    ...(partial ? { partialBar: partial } : {}),
    features: window.allFeatures(),
    ...(age !== undefined ? { ageNanos: age } : {}),
    stale: age === undefined || age > (o.staleAfterNanos ?? 10_000_000_000n),
  };
}

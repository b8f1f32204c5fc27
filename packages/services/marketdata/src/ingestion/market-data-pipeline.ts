import { Topic, TimeBarAggregator, instrumentKey, type Bus, type Clock } from '@qubit/engine';
import {
  BarAggregation,
  ModelError,
  Quantity,
  barIntervalNanos,
  barTypeToString,
  makeBarType,
  type Bar,
  type BarType,
  type Instrument,
  type InstrumentId,
  type MarketData,
  type UnixNanos,
} from '@qubit/model';
import { FeatureEngine, type FeatureSettings } from '../features/feature-engine.js';
import type { FeatureSet } from '../features/feature-set.js';
import { HotWindow, type HotWindowOptions } from '../hot-window.js';

/** Where ingested data is stored: the store's MarketDataWriter (batched, idempotent) fits. */
export interface MarketDataSink {
  addTrade(trade: Extract<MarketData, { type: 'TradeTick' }>): void;
  addBar(bar: Bar): void;
}

/** Where features are stored. */
export interface FeatureSink {
  addFeatures(features: FeatureSet): void;
}

/** One bar length: step and unit (1 MINUTE, 5 MINUTE, 1 DAY…). */
export interface Timeframe {
  readonly step: number;
  readonly aggregation:
    | typeof BarAggregation.SECOND
    | typeof BarAggregation.MINUTE
    | typeof BarAggregation.HOUR
    | typeof BarAggregation.DAY;
}

export const DEFAULT_TIMEFRAMES: readonly Timeframe[] = Object.freeze([
  { step: 1, aggregation: BarAggregation.SECOND },
  { step: 1, aggregation: BarAggregation.MINUTE },
  { step: 5, aggregation: BarAggregation.MINUTE },
  { step: 15, aggregation: BarAggregation.MINUTE },
  { step: 1, aggregation: BarAggregation.HOUR },
  { step: 1, aggregation: BarAggregation.DAY },
]);

export interface MarketDataPipelineOptions {
  readonly bus: Bus;
  readonly clock: Clock;
  /** Bars built from trades for every instrument (default 1s, 1m, 5m, 15m, 1h, 1d). */
  readonly timeframes?: readonly Timeframe[];
  readonly hotWindow?: HotWindowOptions;
  readonly sink?: MarketDataSink;
  readonly featureSink?: FeatureSink;
  /**
   * How long after its end a bar waits for late data before the clock closes it (default 2 s): feeds
   * deliver with some latency, and a closed bar never changes.
   */
  readonly closeDelayNanos?: bigint;
  /** One line per refused datum or failed sink call (the pipeline goes on). */
  readonly log?: (line: string) => void;
}

export interface AddInstrumentOptions {
  /** Compute features on these timeframes' bar closes (default: 1 MINUTE); false for none. */
  readonly features?:
    false | { readonly timeframes?: readonly Timeframe[]; readonly settings?: FeatureSettings };
}

interface Ingested {
  readonly instrument: Instrument;
  readonly window: HotWindow;
  /** Shortest interval first: the order bars must close in, so a sub-bar lands before its parent closes. */
  readonly aggregators: TimeBarAggregator[];
  /** Those fed by trades (the others are fed by the closed bars of a shorter series). */
  readonly fromTrades: TimeBarAggregator[];
  /** For a composed aggregator, the one whose closed bars feed it. */
  readonly sourceOf: Map<TimeBarAggregator, TimeBarAggregator>;
  lastEventAt: UnixNanos | undefined;
}

export interface PipelineCounts {
  readonly ingested: number;
  readonly bars: number;
  readonly features: number;
  readonly refused: number;
}

/**
 * Ingestion (seed 001): every normalized datum of a registered instrument is published on
 * `market.raw.data` (keyed `venue:symbol`), kept in the instrument's hot window and handed to the
 * store's sink; trades are aggregated into bars of every timeframe, which are published, kept and
 * stored when they close; features are computed on the closes of the series that asked for them and
 * published on `features.indicators`. A datum of an instrument not registered here is refused and
 * counted, never thrown back at the feed.
 */
export class MarketDataPipeline {
  private readonly instruments = new Map<InstrumentId, Ingested>();
  private readonly features = new FeatureEngine();
  private readonly timeframes: readonly Timeframe[];
  private readonly log: (line: string) => void;
  private counts = { ingested: 0, bars: 0, features: 0, refused: 0 };
  private running = false;
  private readonly timerName = 'marketdata:bar-close';
  private readonly closeDelay: bigint;

  constructor(private readonly o: MarketDataPipelineOptions) {
    this.timeframes = o.timeframes ?? DEFAULT_TIMEFRAMES;
    this.closeDelay = o.closeDelayNanos ?? 2_000_000_000n;
    if (typeof this.closeDelay !== 'bigint' || this.closeDelay < 0n) {
      throw new ModelError('closeDelayNanos', `must be a bigint ≥ 0, got ${String(o.closeDelayNanos)}`);
    }
    this.log = o.log ?? (() => {});
  }

  get stats(): PipelineCounts {
    return { ...this.counts };
  }

  addInstrument(instrument: Instrument, options: AddInstrumentOptions = {}): void {
    if (this.instruments.has(instrument.id)) return;
    // Each series is built from the longest shorter series that divides it (1s → 1m → 5m → 15m → 1h →
    // 1d): one aggregator sees every trade, the others one closed bar at a time, for the same bars.
    const types = this.timeframes
      .map((tf) => timeframeBarType(instrument.id, tf))
      .sort((a, b) => (barIntervalNanos(a)! < barIntervalNanos(b)! ? -1 : 1));
    const aggregators: TimeBarAggregator[] = [];
    const fromTrades: TimeBarAggregator[] = [];
    const sourceOf = new Map<TimeBarAggregator, TimeBarAggregator>();
    const parentsOf = new Map<TimeBarAggregator, TimeBarAggregator[]>();
    for (const barType of types) {
      const agg = new TimeBarAggregator(barType, (bar) => {
        this.onBarClosed(bar);
        for (const parent of parentsOf.get(agg) ?? []) parent.onSubBar(bar);
      });
      const interval = agg.interval;
      const source = [...aggregators]
        .reverse()
        .find((a) => a.interval < interval && interval % a.interval === 0n);
      if (source) {
        sourceOf.set(agg, source);
        parentsOf.set(source, [...(parentsOf.get(source) ?? []), agg]);
      } else {
        fromTrades.push(agg);
      }
      aggregators.push(agg);
    }
    if (options.features !== false) {
      const f = options.features ?? {};
      for (const tf of f.timeframes ?? [{ step: 1, aggregation: BarAggregation.MINUTE }]) {
        this.features.enable(makeBarType(instrument.id, tf.step, tf.aggregation), f.settings);
      }
    }
    this.instruments.set(instrument.id, {
      instrument,
      window: new HotWindow(instrument.id, this.o.hotWindow),
      aggregators,
      fromTrades,
      sourceOf,
      lastEventAt: undefined,
    });
  }

  /**
   * Stops ingesting an instrument. Bars still open are dropped, not emitted: their interval has not
   * ended, and a bar published as closed must be the whole interval.
   */
  removeInstrument(instrumentId: InstrumentId): void {
    const ing = this.instruments.get(instrumentId);
    if (!ing) return;
    for (const a of ing.aggregators) this.features.disable(a.barType);
    this.instruments.delete(instrumentId);
  }

  has(instrumentId: InstrumentId): boolean {
    return this.instruments.has(instrumentId);
  }

  window(instrumentId: InstrumentId): HotWindow | undefined {
    return this.instruments.get(instrumentId)?.window;
  }

  /** Bars being built now for an instrument (for charts), one per timeframe with trades in it. */
  partialBars(instrumentId: InstrumentId): Bar[] {
    const ing = this.instruments.get(instrumentId);
    return ing ? ing.aggregators.flatMap((a) => partialOf(a, ing.sourceOf) ?? []) : [];
  }

  /** When the last datum of an instrument happened (its tsEvent). */
  lastEventAt(instrumentId: InstrumentId): UnixNanos | undefined {
    return this.instruments.get(instrumentId)?.lastEventAt;
  }

  /** Closes bars every second by the clock (after the close delay), so a quiet market's bars close too. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.armTimer();
  }

  stop(): void {
    this.running = false;
    this.o.clock.cancelTimer(this.timerName);
  }

  ingest(data: MarketData): void {
    const id = data.type === 'Bar' ? data.barType.instrumentId : data.instrumentId;
    const ing = this.instruments.get(id);
    if (!ing) {
      this.counts.refused++;
      this.log(`marketdata: refused ${data.type} of ${String(id)}: the instrument is not registered`);
      return;
    }
    this.counts.ingested++;
    if (ing.lastEventAt === undefined || data.tsEvent > ing.lastEventAt) ing.lastEventAt = data.tsEvent;
    this.o.bus.publish(Topic.MARKET_RAW_DATA, instrumentKey(id), data);
    switch (data.type) {
      case 'TradeTick':
        ing.window.onTrade(data);
        this.toSink(() => this.o.sink?.addTrade(data));
        for (const a of ing.fromTrades) a.onTrade(data);
        break;
      case 'QuoteTick':
        ing.window.onQuote(data);
        break;
      case 'Bar':
        // A venue's own bar (kline): kept and stored as it came; bars from trades come from the aggregators.
        ing.window.onBar(data);
        this.toSink(() => this.o.sink?.addBar(data));
        break;
      default:
        break;
    }
  }

  /** Closes every bar whose interval ended by `now`. */
  onTime(now: UnixNanos): void {
    for (const ing of this.instruments.values()) for (const a of ing.aggregators) a.onTime(now);
  }

  private onBarClosed(bar: Bar): void {
    const id = bar.barType.instrumentId;
    const ing = this.instruments.get(id);
    this.counts.bars++;
    ing?.window.onBar(bar);
    this.o.bus.publish(Topic.MARKET_RAW_DATA, instrumentKey(id), bar);
    this.toSink(() => this.o.sink?.addBar(bar));
    let features: FeatureSet | undefined;
    try {
      features = this.features.onBar(bar);
    } catch (err) {
      this.log(`marketdata: features of ${barTypeToString(bar.barType)} failed: ${(err as Error).message}`);
    }
    if (!features) return;
    this.counts.features++;
    ing?.window.onFeatures(features);
    this.o.bus.publish(Topic.FEATURES_INDICATORS, instrumentKey(id), features);
    this.toSink(() => this.o.featureSink?.addFeatures(features));
  }

  private toSink(write: () => void): void {
    try {
      write();
    } catch (err) {
      this.log(`marketdata: store write refused: ${(err as Error).message}`);
    }
  }

  private armTimer(): void {
    const now = this.o.clock.now();
    const next = now - (now % 1_000_000_000n) + 1_000_000_000n;
    this.o.clock.setTimer(this.timerName, next, (_name, at) => {
      if (!this.running) return;
      this.onTime(at - this.closeDelay);
      this.armTimer();
    });
  }
}

/**
 * The bar being built by a composed aggregator: what it folded so far plus its source's own bar in
 * progress (and so on down to the series fed by trades), stamped with the end of its interval.
 */
function partialOf(
  agg: TimeBarAggregator,
  sourceOf: ReadonlyMap<TimeBarAggregator, TimeBarAggregator>,
): Bar | undefined {
  const own = agg.partial();
  const source = sourceOf.get(agg);
  const inner = source ? partialOf(source, sourceOf) : undefined;
  if (!inner) return own;
  const innerStart = inner.tsEvent - source!.interval;
  const end = innerStart - (innerStart % agg.interval) + agg.interval;
  if (own && own.tsEvent !== end) return own;
  if (!own) return { ...inner, barType: agg.barType, tsEvent: end, tsInit: end };
  return {
    ...own,
    high: inner.high.gt(own.high) ? inner.high : own.high,
    low: inner.low.lt(own.low) ? inner.low : own.low,
    close: inner.close,
    volume: Quantity.from(own.volume.add(inner.volume)),
  };
}

export function timeframeBarType(instrumentId: InstrumentId, tf: Timeframe): BarType {
  if (!Number.isInteger(tf.step) || tf.step <= 0) {
    throw new ModelError('timeframe.step', `must be a positive integer, got ${String(tf.step)}`);
  }
  return makeBarType(instrumentId, tf.step, tf.aggregation);
}

import {
  barTypeToString,
  type Bar,
  type BarType,
  type InstrumentId,
  type QuoteTick,
  type TradeTick,
  type UnixNanos,
} from '@qubit/model';
import type { FeatureSet } from './features/feature-set.js';

export interface HotWindowOptions {
  /** Trades kept, by age (default 15 minutes). */
  readonly tradeWindowNanos?: bigint;
  /** Closed bars kept per series (default 500). */
  readonly barsPerSeries?: number;
}

const NANOS_PER_MINUTE = 60_000_000_000n;

/**
 * One instrument's recent market in memory: the trades of the last minutes, the last quote, the last
 * closed bars of each series and their latest features — what a snapshot or a chart needs without a
 * query. Bounded by age and count, so a busy instrument cannot grow it without limit. (The Redis
 * implementation of seed 000's `markets:<ticker>:price|volume` comes with the distributed issue.)
 */
export class HotWindow {
  private readonly tradeWindow: bigint;
  private readonly barsPerSeries: number;
  private trades: TradeTick[] = [];
  /** Index of the oldest kept trade in `trades` (dropped lazily, compacted in bulk). */
  private head = 0;
  private quote: QuoteTick | undefined;
  private readonly bars = new Map<string, Bar[]>();
  private readonly features = new Map<string, FeatureSet>();

  constructor(
    readonly instrumentId: InstrumentId,
    o: HotWindowOptions = {},
  ) {
    this.tradeWindow = o.tradeWindowNanos ?? 15n * NANOS_PER_MINUTE;
    this.barsPerSeries = o.barsPerSeries ?? 500;
  }

  onTrade(t: TradeTick): void {
    this.trades.push(t);
    const oldest = t.tsEvent - this.tradeWindow;
    while (this.head < this.trades.length && this.trades[this.head]!.tsEvent < oldest) this.head++;
    if (this.head > 1024 && this.head * 2 > this.trades.length) {
      this.trades = this.trades.slice(this.head);
      this.head = 0;
    }
  }

  onQuote(q: QuoteTick): void {
    this.quote = q;
  }

  onBar(b: Bar): void {
    const key = barTypeToString(b.barType);
    let list = this.bars.get(key);
    if (!list) this.bars.set(key, (list = []));
    list.push(b);
    if (list.length > this.barsPerSeries * 2) list.splice(0, list.length - this.barsPerSeries);
  }

  onFeatures(f: FeatureSet): void {
    this.features.set(barTypeToString(f.barType), f);
  }

  get lastTrade(): TradeTick | undefined {
    return this.trades.length > this.head ? this.trades[this.trades.length - 1] : undefined;
  }

  get lastQuote(): QuoteTick | undefined {
    return this.quote;
  }

  /** Trades with tsEvent ≥ `since` among those kept, oldest first. */
  recentTrades(since?: UnixNanos): TradeTick[] {
    const kept = this.trades.slice(this.head);
    return since === undefined ? kept : kept.filter((t) => t.tsEvent >= since);
  }

  /** The last `count` closed bars of a series (all kept when absent), oldest first. */
  lastBars(barType: BarType, count?: number): Bar[] {
    const list = this.bars.get(barTypeToString(barType)) ?? [];
    const kept = list.slice(-this.barsPerSeries);
    return count === undefined ? kept : kept.slice(-count);
  }

  latestFeatures(barType: BarType): FeatureSet | undefined {
    return this.features.get(barTypeToString(barType));
  }

  /** Every series with features, latest first by series name. */
  allFeatures(): FeatureSet[] {
    return [...this.features.values()];
  }
}

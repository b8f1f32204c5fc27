import {
  ModelError,
  Quantity,
  barIntervalNanos,
  barTypeToString,
  type Bar,
  type BarType,
  type Price,
  type TradeTick,
  type UnixNanos,
} from '@qubit/model';

/** What the aggregator did not use, for the feed's status: trades older than the open bar. */
export interface AggregatorCounts {
  readonly trades: number;
  readonly bars: number;
  readonly late: number;
}

/**
 * Builds time bars of one series from trades: interval [start, end) aligned on the epoch (so 1-DAY bars
 * are UTC days), stamped with their end (the close time, as Nautilus does). A bar is emitted when it
 * closes — at the first trade of a later interval, or when `onTime` passes its end, whichever comes
 * first — and never again; an interval without trades makes no bar. The open bar is `partial()`, for
 * charts. A trade of an interval already emitted (or older than the open bar) is counted as late and
 * dropped: an emitted bar never changes. Callers that close by time give late data a grace period by
 * passing `onTime` a time behind the clock. Prices and volumes are exact.
 */
export class TimeBarAggregator {
  readonly interval: UnixNanos;
  private start: UnixNanos = -1n;
  /** Everything before this was emitted: a trade stamped earlier is late, whether a bar is open or not. */
  private closedUntil: UnixNanos = -1n;
  private open: Price | undefined;
  private high: Price | undefined;
  private low: Price | undefined;
  private close: Price | undefined;
  private volume: Quantity | undefined;
  private counts = { trades: 0, bars: 0, late: 0 };

  constructor(
    readonly barType: BarType,
    private readonly onBar: (bar: Bar) => void,
  ) {
    const interval = barIntervalNanos(barType);
    if (interval === undefined) {
      throw new ModelError(
        'barType',
        `${barTypeToString(barType)} is not a time aggregation (SECOND, MINUTE, HOUR or DAY)`,
      );
    }
    if (barType.priceType !== 'LAST') {
      throw new ModelError('barType', `${barTypeToString(barType)}: bars from trades are LAST bars`);
    }
    this.interval = interval;
  }

  get stats(): AggregatorCounts {
    return { ...this.counts };
  }

  onTrade(trade: TradeTick): void {
    if (trade.instrumentId !== this.barType.instrumentId) {
      throw new ModelError(
        'trade.instrumentId',
        `${trade.instrumentId} is not the instrument of ${barTypeToString(this.barType)}`,
      );
    }
    if (this.add(trade.tsEvent, trade.price, trade.price, trade.price, trade.price, trade.size)) {
      this.counts.trades++;
    }
  }

  /**
   * Folds in a closed bar of a shorter series of the same instrument whose length divides this one's
   * (1-SECOND bars into 1-MINUTE bars): one update per sub-bar instead of one per trade, for the same
   * OHLCV as aggregating the trades themselves.
   */
  onSubBar(sub: Bar): void {
    const t = sub.barType;
    const subInterval = barIntervalNanos(t);
    if (t.instrumentId !== this.barType.instrumentId || subInterval === undefined || this.interval % subInterval !== 0n) {
      throw new ModelError(
        'bar.barType',
        `${barTypeToString(t)} cannot be folded into ${barTypeToString(this.barType)}: another instrument, or a length that does not divide it`,
      );
    }
    this.add(sub.tsEvent - subInterval, sub.open, sub.high, sub.low, sub.close, sub.volume);
  }

  /** Adds what happened at `ts` (a trade, or a sub-bar opening then); false when it came too late. */
  private add(ts: UnixNanos, open: Price, high: Price, low: Price, close: Price, volume: Quantity): boolean {
    // Most data falls into the open bar: no division needed to know it.
    if (this.open !== undefined && ts >= this.start && ts < this.start + this.interval) {
      if (high.gt(this.high!)) this.high = high;
      if (low.lt(this.low!)) this.low = low;
      this.close = close;
      this.volume = Quantity.from(this.volume!.add(volume));
      return true;
    }
    const start = ts - (ts % this.interval);
    if (start < this.closedUntil || (this.open !== undefined && start < this.start)) {
      this.counts.late++;
      return false;
    }
    if (this.open !== undefined) this.emit();
    this.start = start;
    this.open = open;
    this.high = high;
    this.low = low;
    this.close = close;
    this.volume = volume;
    return true;
  }

  /** Closes the open bar once the clock has reached its end (a quiet market still closes its bars). */
  onTime(now: UnixNanos): void {
    if (this.open !== undefined && now >= this.start + this.interval) this.emit();
  }

  /** The bar being built, stamped with the end of its interval; undefined when no trade is in it yet. */
  partial(): Bar | undefined {
    return this.open === undefined ? undefined : this.bar();
  }

  private emit(): void {
    const bar = this.bar();
    this.closedUntil = bar.tsEvent;
    this.open = this.high = this.low = this.close = undefined;
    this.volume = undefined;
    this.counts.bars++;
    this.onBar(bar);
  }

  private bar(): Bar {
    const end = this.start + this.interval;
    return {
      type: 'Bar',
      barType: this.barType,
      open: this.open!,
      high: this.high!,
      low: this.low!,
      close: this.close!,
      volume: this.volume!,
      tsEvent: end,
      tsInit: end,
    };
  }
}

import { barTypeToString, type Bar, type BarType, type MarketData } from '@qubit/model';
import type { Bus } from '../bus/message-bus.js';
import { Topic, instrumentKey } from '../bus/topics.js';
import type { Cache } from '../cache/cache.js';
import { BarHistory } from './bar-history.js';

export interface DataEngineOptions {
  readonly bus: Bus;
  readonly cache: Cache;
  /** Bars kept per series for bot contexts and charts. */
  readonly barHistory?: number;
}

/**
 * Where market data enters the kernel: it updates the cache and the bar history, then publishes the
 * datum on `market.raw.data` (keyed by instrument) for the simulated venue, the bots and ingestion.
 * Data for an instrument the cache does not know is refused with an error that names it.
 */
export class DataEngine {
  private readonly bus: Bus;
  private readonly cache: Cache;
  private readonly capacity: number;
  private readonly histories = new Map<string, BarHistory>();
  private processedCount = 0;
  private lastBarType: BarType | undefined;
  private lastHistory: BarHistory | undefined;

  constructor(options: DataEngineOptions) {
    this.bus = options.bus;
    this.cache = options.cache;
    this.capacity = options.barHistory ?? 1000;
  }

  process(data: MarketData): void {
    const instrumentId = data.type === 'Bar' ? data.barType.instrumentId : data.instrumentId;
    this.cache.requireInstrument(instrumentId);
    this.processKnown(data, instrumentId);
  }

  /**
   * `process` for a caller that has already refused data for an unknown instrument (the trading node
   * does so before it moves its clock), so that a datum is not looked up twice on its way in.
   */
  processKnown(data: MarketData, instrumentId: string): void {
    switch (data.type) {
      case 'TradeTick':
        this.cache.onTrade(data);
        break;
      case 'QuoteTick':
        this.cache.onQuote(data);
        break;
      case 'Bar':
        this.cache.onBar(data);
        this.historyOf(data.barType).push(data);
        break;
      case 'OrderBookDeltas':
      case 'OrderBookSnapshot':
        break;
    }
    this.processedCount++;
    this.bus.publish(Topic.MARKET_RAW_DATA, instrumentKey(instrumentId), data);
  }

  /** The last `count` closed bars of a series ("BTCUSDT.BINANCE-1-MINUTE-LAST"), oldest first. */
  bars(barType: string, count?: number): Bar[] {
    return this.histories.get(barType)?.tail(count) ?? [];
  }

  get processed(): number {
    return this.processedCount;
  }

  private historyOf(barType: BarType): BarHistory {
    // Bars of one series share one frozen BarType: its history is found without building its key.
    if (barType === this.lastBarType && this.lastHistory !== undefined) return this.lastHistory;
    const key = barTypeToString(barType);
    let h = this.histories.get(key);
    if (!h) this.histories.set(key, (h = new BarHistory(this.capacity)));
    if (Object.isFrozen(barType)) {
      this.lastBarType = barType;
      this.lastHistory = h;
    }
    return h;
  }
}

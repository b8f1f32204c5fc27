import {
  SyntheticMarket,
  type Clock,
  type FeedSubscription,
  type SyntheticMarketConfig,
} from '@qubit/engine';
import { ModelError, type InstrumentId, type MarketData, type UnixNanos } from '@qubit/model';
import { ClockDrivenFeed, byEventTime } from './clock-driven-feed.js';

/** Per instrument: the generator's settings except the instrument itself. */
export type SyntheticInstrumentConfig = Omit<SyntheticMarketConfig, 'instrument'>;

export interface SyntheticFeedOptions {
  readonly clock: Clock;
  /** Settings per instrument id; an instrument without any is refused at subscribe. */
  readonly instruments: Readonly<Record<string, SyntheticInstrumentConfig>>;
  /** How often the generator catches up with the clock, in milliseconds (default 250). */
  readonly intervalMs?: number;
  /** Seed mixed into every instrument's own seed, so one setting repeats a whole session. */
  readonly seed?: number;
  readonly name?: string;
}

/**
 * The synthetic feed: one SyntheticMarket per subscribed instrument, drawn up to the clock every
 * `intervalMs` and handed on in time order across instruments. Seeded, so a session repeats.
 */
export class SyntheticFeed extends ClockDrivenFeed {
  readonly source = 'synthetic' as const;
  private readonly markets = new Map<
    InstrumentId,
    { market: SyntheticMarket; quotes: boolean; trades: boolean }
  >();

  constructor(private readonly o: SyntheticFeedOptions) {
    super(o.name ?? 'synthetic', o.clock, o.intervalMs ?? 250);
  }

  subscribe(s: FeedSubscription): void {
    const id = s.instrument.id;
    const config = this.o.instruments[id];
    if (!config) {
      throw new ModelError(
        `${this.name}.instruments.${id}`,
        'has no synthetic settings (start price, volatility): add them to the feed config',
      );
    }
    if (this.markets.has(id)) return;
    const seed = ((config.seed ?? 1) * 1_000_003 + (this.o.seed ?? 0)) | 0;
    const market = new SyntheticMarket({ ...config, instrument: s.instrument, seed });
    // Start at the clock: nothing is generated for the time before the subscription.
    market.advanceTo(this.clock.now(), this.clock.now());
    this.markets.set(id, { market, quotes: s.quotes ?? true, trades: s.trades ?? true });
    this.publishStatus();
  }

  unsubscribe(instrumentId: InstrumentId): void {
    if (this.markets.delete(instrumentId)) this.publishStatus();
  }

  protected instrumentIds(): InstrumentId[] {
    return [...this.markets.keys()];
  }

  protected draw(now: UnixNanos): MarketData[] {
    const batch: MarketData[] = [];
    for (const { market, quotes, trades } of this.markets.values()) {
      for (const d of market.advanceTo(now)) {
        if (d.type === 'QuoteTick' ? quotes : trades) batch.push(d);
      }
    }
    if (this.markets.size > 1) batch.sort(byEventTime);
    return batch;
  }
}

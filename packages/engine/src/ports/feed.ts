import type { BarType, Instrument, InstrumentId, MarketData, UnixNanos } from '@qubit/model';

/** Where a feed's data comes from: the venue itself, the synthetic generator, or recorded files. */
export type FeedSource = 'live' | 'synthetic' | 'replay';

/**
 * `connecting` until the first datum or subscription acknowledgement; `live` while data flows;
 * `reconnecting` after the link dropped (with backoff); `stale` when connected but nothing arrived for
 * longer than the feed's stale threshold; `stopped` after stop().
 */
export type FeedState = 'connecting' | 'live' | 'reconnecting' | 'stale' | 'stopped';

/** What a feed says about itself: shown in the status page, the dashboard and the metrics. */
export interface FeedStatus {
  readonly feed: string;
  readonly source: FeedSource;
  readonly state: FeedState;
  /** Instruments subscribed. */
  readonly instruments: readonly InstrumentId[];
  /** Time of the last datum (the clock's), undefined before the first. */
  readonly lastEventAt?: UnixNanos;
  readonly events: number;
  readonly reconnects: number;
  /** Sequence gaps seen (each resynced), and data refused (malformed, out of order, or a consumer failed on it). */
  readonly gaps: number;
  readonly rejected: number;
  /** The last problem, in one line, for an operator. */
  readonly detail?: string;
}

/** What to receive for one instrument. */
export interface FeedSubscription {
  readonly instrument: Instrument;
  readonly trades?: boolean;
  readonly quotes?: boolean;
  readonly book?: boolean;
  /** Venue bars (klines), where the venue provides them; bars from trades are built by the aggregator. */
  readonly bars?: readonly BarType[];
}

/**
 * A source of normalized market data for the market data plane: ccxt venues, the synthetic generator,
 * recorded files. Every implementation reconnects with backoff and reports gaps itself; a malformed
 * message is counted in `rejected` and never ends the feed.
 */
export interface Feed {
  readonly name: string;
  readonly source: FeedSource;
  subscribe(subscription: FeedSubscription): void;
  unsubscribe(instrumentId: InstrumentId): void;
  onData(listener: (data: MarketData) => void): void;
  onStatus(listener: (status: FeedStatus) => void): void;
  status(): FeedStatus;
  start(): Promise<void>;
  stop(): Promise<void>;
}

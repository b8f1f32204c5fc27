import {
  SyntheticMarket,
  type Clock,
  type Feed,
  type FeedStatus,
  type FeedSubscription,
  type SyntheticMarketConfig,
} from '@qubit/engine';
import { ModelError, type InstrumentId, type MarketData, type UnixNanos } from '@qubit/model';

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
 * `intervalMs` and handed on in time order across instruments. Seeded, so a session repeats; with a
 * TestClock it runs as fast as the test advances time.
 */
export class SyntheticFeed implements Feed {
  readonly name: string;
  readonly source = 'synthetic' as const;
  private readonly markets = new Map<
    InstrumentId,
    { market: SyntheticMarket; quotes: boolean; trades: boolean }
  >();
  private readonly dataListeners: ((d: MarketData) => void)[] = [];
  private readonly statusListeners: ((s: FeedStatus) => void)[] = [];
  private readonly intervalNs: bigint;
  private readonly timerName: string;
  private running = false;
  private stopped = false;
  private events = 0;
  private rejected = 0;
  private lastEventAt: UnixNanos | undefined;
  private detail: string | undefined;

  constructor(private readonly o: SyntheticFeedOptions) {
    this.name = o.name ?? 'synthetic';
    const ms = o.intervalMs ?? 250;
    if (!Number.isInteger(ms) || ms < 1 || ms > 60_000) {
      throw new ModelError(
        `${this.name}.intervalMs`,
        `must be a whole number of ms in [1, 60000], got ${String(ms)}`,
      );
    }
    this.intervalNs = BigInt(ms) * 1_000_000n;
    this.timerName = `feed:${this.name}`;
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
    market.advanceTo(this.o.clock.now(), this.o.clock.now());
    this.markets.set(id, { market, quotes: s.quotes ?? true, trades: s.trades ?? true });
    this.publishStatus();
  }

  unsubscribe(instrumentId: InstrumentId): void {
    if (this.markets.delete(instrumentId)) this.publishStatus();
  }

  onData(listener: (d: MarketData) => void): void {
    this.dataListeners.push(listener);
  }

  onStatus(listener: (s: FeedStatus) => void): void {
    this.statusListeners.push(listener);
  }

  status(): FeedStatus {
    const state = this.stopped ? 'stopped' : this.running ? 'live' : 'connecting';
    const s: FeedStatus = {
      feed: this.name,
      source: 'synthetic',
      state,
      instruments: [...this.markets.keys()],
      events: this.events,
      reconnects: 0,
      gaps: 0,
      rejected: this.rejected,
      ...(this.lastEventAt !== undefined ? { lastEventAt: this.lastEventAt } : {}),
      ...(this.detail !== undefined ? { detail: this.detail } : {}),
    };
    return s;
  }

  async start(): Promise<void> {
    if (this.stopped) throw new ModelError(this.name, 'was stopped; create a new feed');
    if (this.running) return;
    this.running = true;
    this.arm();
    this.publishStatus();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.running = false;
    this.o.clock.cancelTimer(this.timerName);
    this.publishStatus();
  }

  private arm(): void {
    this.o.clock.setTimer(this.timerName, this.o.clock.now() + this.intervalNs, () => this.pump());
  }

  private pump(): void {
    if (!this.running) return;
    const now = this.o.clock.now();
    const batch: MarketData[] = [];
    for (const { market, quotes, trades } of this.markets.values()) {
      for (const d of market.advanceTo(now)) {
        if (d.type === 'QuoteTick' ? quotes : trades) batch.push(d);
      }
    }
    // Stable: per instrument the generator's order is kept; across instruments, time order.
    if (this.markets.size > 1)
      batch.sort((a, b) => (a.tsEvent < b.tsEvent ? -1 : a.tsEvent > b.tsEvent ? 1 : 0));
    for (const d of batch) {
      this.events++;
      this.lastEventAt = d.tsEvent;
      for (const l of this.dataListeners) {
        try {
          l(d);
        } catch (err) {
          // A consumer's failure is its own; the feed goes on and says so.
          this.rejected++;
          this.detail = `a listener failed: ${(err as Error).message}`;
        }
      }
    }
    this.arm();
  }

  private publishStatus(): void {
    const s = this.status();
    for (const l of this.statusListeners) l(s);
  }
}

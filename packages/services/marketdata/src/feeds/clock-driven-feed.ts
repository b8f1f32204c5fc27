import type { Clock, Feed, FeedSource, FeedStatus, FeedSubscription } from '@qubit/engine';
import { ModelError, type InstrumentId, type MarketData, type UnixNanos } from '@qubit/model';

/**
 * What the synthetic and replay feeds share: a timer on the clock that draws what is due every
 * `intervalMs` and hands it on in time order, the listeners, the counters and the status. With a
 * TestClock such a feed runs as fast as a test advances time. A listener that throws is counted in
 * `rejected` and named in `detail`; the feed goes on.
 */
export abstract class ClockDrivenFeed implements Feed {
  abstract readonly source: FeedSource;
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

  protected constructor(
    readonly name: string,
    protected readonly clock: Clock,
    intervalMs: number,
  ) {
    if (!Number.isInteger(intervalMs) || intervalMs < 1 || intervalMs > 60_000) {
      throw new ModelError(
        `${name}.intervalMs`,
        `must be a whole number of ms in [1, 60000], got ${String(intervalMs)}`,
      );
    }
    this.intervalNs = BigInt(intervalMs) * 1_000_000n;
    this.timerName = `feed:${name}`;
  }

  abstract subscribe(subscription: FeedSubscription): void;
  abstract unsubscribe(instrumentId: InstrumentId): void;
  /** The instruments subscribed, for the status. */
  protected abstract instrumentIds(): InstrumentId[];
  /** Everything due by `now`, in time order. */
  protected abstract draw(now: UnixNanos): MarketData[];
  /** The status detail when nothing went wrong. */
  protected defaultDetail(): string | undefined {
    return undefined;
  }

  onData(listener: (d: MarketData) => void): void {
    this.dataListeners.push(listener);
  }

  onStatus(listener: (s: FeedStatus) => void): void {
    this.statusListeners.push(listener);
  }

  status(): FeedStatus {
    const detail = this.detail ?? this.defaultDetail();
    return {
      feed: this.name,
      source: this.source,
      state: this.stopped ? 'stopped' : this.running ? 'live' : 'connecting',
      instruments: this.instrumentIds(),
      events: this.events,
      reconnects: 0,
      gaps: 0,
      rejected: this.rejected,
      ...(this.lastEventAt !== undefined ? { lastEventAt: this.lastEventAt } : {}),
      ...(detail !== undefined ? { detail } : {}),
    };
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
    this.clock.cancelTimer(this.timerName);
    this.publishStatus();
  }

  protected publishStatus(): void {
    const s = this.status();
    for (const l of this.statusListeners) l(s);
  }

  private arm(): void {
    this.clock.setTimer(this.timerName, this.clock.now() + this.intervalNs, () => this.pump());
  }

  private pump(): void {
    if (!this.running) return;
    for (const d of this.draw(this.clock.now())) {
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
}

/** Time order across instruments, stable within each (sort is stable). */
export function byEventTime(a: MarketData, b: MarketData): number {
  return a.tsEvent < b.tsEvent ? -1 : a.tsEvent > b.tsEvent ? 1 : 0;
}

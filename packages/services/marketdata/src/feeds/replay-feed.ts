import type { Clock, Feed, FeedStatus, FeedSubscription } from '@qubit/engine';
import { ModelError, TradeId, type InstrumentId, type MarketData, type UnixNanos } from '@qubit/model';

export interface ReplayFeedOptions {
  readonly clock: Clock;
  /** The recording of each instrument, in time order (what the backtest's file loaders return). */
  readonly recordings: Readonly<Record<string, readonly MarketData[]>>;
  /** 1 = as recorded; 60 = a recorded minute per second. Default 1. */
  readonly speed?: number;
  /**
   * Shift the data's times so that it happens now (speed 1 only: a shift keeps every interval, a
   * faster replay would not). Default true at speed 1, false otherwise.
   */
  readonly restamp?: boolean;
  /** Start over when the recording ends (restamped runs only; trade ids get a `-L<n>` suffix). */
  readonly loop?: boolean;
  /** How often the feed catches up with the clock, in ms (default 100). */
  readonly intervalMs?: number;
  readonly name?: string;
}

interface Playing {
  readonly data: readonly MarketData[];
  /** Clock time the recording's first datum plays at. */
  startAt: UnixNanos;
  next: number;
  lap: number;
}

/**
 * The replay feed: plays recorded files at real or accelerated speed, one cursor per subscribed
 * instrument, merged in time order. At speed 1 the data is restamped to the present by a constant
 * shift, so a paper session on a recording behaves like a live one; faster, it keeps its own times.
 */
export class ReplayFeed implements Feed {
  readonly name: string;
  readonly source = 'replay' as const;
  private readonly playing = new Map<InstrumentId, Playing>();
  private readonly dataListeners: ((d: MarketData) => void)[] = [];
  private readonly statusListeners: ((s: FeedStatus) => void)[] = [];
  private readonly speed: number;
  private readonly restamp: boolean;
  private readonly intervalNs: bigint;
  private running = false;
  private stopped = false;
  private events = 0;
  private rejected = 0;
  private lastEventAt: UnixNanos | undefined;
  private detail: string | undefined;

  constructor(private readonly o: ReplayFeedOptions) {
    this.name = o.name ?? 'replay';
    this.speed = o.speed ?? 1;
    if (
      typeof this.speed !== 'number' ||
      !Number.isFinite(this.speed) ||
      this.speed <= 0 ||
      this.speed > 1e6
    ) {
      throw new ModelError(`${this.name}.speed`, `must be a number in (0, 1000000], got ${String(o.speed)}`);
    }
    this.restamp = o.restamp ?? this.speed === 1;
    if (this.restamp && this.speed !== 1) {
      throw new ModelError(`${this.name}.restamp`, 'only a replay at speed 1 can be moved to the present');
    }
    if (o.loop && !this.restamp) throw new ModelError(`${this.name}.loop`, 'a loop needs restamped times');
    const ms = o.intervalMs ?? 100;
    if (!Number.isInteger(ms) || ms < 1 || ms > 60_000) {
      throw new ModelError(
        `${this.name}.intervalMs`,
        `must be a whole number of ms in [1, 60000], got ${String(ms)}`,
      );
    }
    this.intervalNs = BigInt(ms) * 1_000_000n;
    for (const [id, data] of Object.entries(o.recordings)) {
      for (let i = 1; i < data.length; i++) {
        if (data[i]!.tsEvent < data[i - 1]!.tsEvent) {
          throw new ModelError(`${this.name}.recordings.${id}[${i}]`, 'is earlier than the datum before it');
        }
      }
    }
  }

  subscribe(s: FeedSubscription): void {
    const id = s.instrument.id;
    const data = this.o.recordings[id];
    if (!data)
      throw new ModelError(`${this.name}.recordings.${id}`, 'there is no recording of this instrument');
    if (data.length === 0) throw new ModelError(`${this.name}.recordings.${id}`, 'the recording is empty');
    if (this.playing.has(id)) return;
    this.playing.set(id, { data, startAt: this.o.clock.now(), next: 0, lap: 0 });
    this.publishStatus();
  }

  unsubscribe(instrumentId: InstrumentId): void {
    if (this.playing.delete(instrumentId)) this.publishStatus();
  }

  onData(listener: (d: MarketData) => void): void {
    this.dataListeners.push(listener);
  }

  onStatus(listener: (s: FeedStatus) => void): void {
    this.statusListeners.push(listener);
  }

  /** True once every subscribed recording has played to its end (never, when looping). */
  get finished(): boolean {
    for (const p of this.playing.values()) if (p.next < p.data.length) return false;
    return this.playing.size > 0;
  }

  status(): FeedStatus {
    return {
      feed: this.name,
      source: 'replay',
      state: this.stopped ? 'stopped' : this.running ? 'live' : 'connecting',
      instruments: [...this.playing.keys()],
      events: this.events,
      reconnects: 0,
      gaps: 0,
      rejected: this.rejected,
      ...(this.lastEventAt !== undefined ? { lastEventAt: this.lastEventAt } : {}),
      detail:
        this.detail ?? `speed ${this.speed}×${this.restamp ? ', restamped to now' : ', recorded times'}`,
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
    this.o.clock.cancelTimer(`feed:${this.name}`);
    this.publishStatus();
  }

  private arm(): void {
    this.o.clock.setTimer(`feed:${this.name}`, this.o.clock.now() + this.intervalNs, () => this.pump());
  }

  private pump(): void {
    if (!this.running) return;
    const now = this.o.clock.now();
    const due: { at: UnixNanos; d: MarketData }[] = [];
    for (const p of this.playing.values()) {
      for (;;) {
        if (p.next >= p.data.length) {
          if (!this.o.loop) break;
          // Next lap: it starts one average interval after the last datum, so times keep rising.
          const first = p.data[0]!.tsEvent;
          const last = p.data[p.data.length - 1]!.tsEvent;
          const step = p.data.length > 1 ? (last - first) / BigInt(p.data.length - 1) : 1_000_000_000n;
          p.startAt += last - first + (step > 0n ? step : 1n);
          p.next = 0;
          p.lap++;
        }
        const d = p.data[p.next]!;
        const at = p.startAt + this.scaled(d.tsEvent - p.data[0]!.tsEvent);
        if (at > now) break;
        due.push({ at, d: this.restamp ? restamped(d, at - d.tsEvent, p.lap) : d });
        p.next++;
      }
    }
    if (this.playing.size > 1) due.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
    for (const { d } of due) {
      this.events++;
      this.lastEventAt = d.tsEvent;
      for (const l of this.dataListeners) {
        try {
          l(d);
        } catch (err) {
          this.rejected++;
          this.detail = `a listener failed: ${(err as Error).message}`;
        }
      }
    }
    this.arm();
  }

  private scaled(elapsed: bigint): bigint {
    return this.speed === 1 ? elapsed : BigInt(Math.round(Number(elapsed) / this.speed));
  }

  private publishStatus(): void {
    const s = this.status();
    for (const l of this.statusListeners) l(s);
  }
}

/** The datum moved by `shift`; a later lap's trades get ids of their own. */
function restamped(d: MarketData, shift: bigint, lap: number): MarketData {
  const moved = { ...d, tsEvent: d.tsEvent + shift, tsInit: d.tsInit + shift } as MarketData;
  if (lap > 0 && moved.type === 'TradeTick')
    return { ...moved, tradeId: TradeId(`${moved.tradeId}-L${lap}`) };
  return moved;
}

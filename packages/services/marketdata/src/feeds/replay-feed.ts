import type { Clock, FeedSubscription } from '@qubit/engine';
import { ModelError, TradeId, type InstrumentId, type MarketData, type UnixNanos } from '@qubit/model';
import { ClockDrivenFeed } from './clock-driven-feed.js';

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
export class ReplayFeed extends ClockDrivenFeed {
  readonly source = 'replay' as const;
  private readonly playing = new Map<InstrumentId, Playing>();
  private readonly speed: number;
  private readonly restamp: boolean;

  constructor(private readonly o: ReplayFeedOptions) {
    super(o.name ?? 'replay', o.clock, o.intervalMs ?? 100);
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
    this.playing.set(id, { data, startAt: this.clock.now(), next: 0, lap: 0 });
    this.publishStatus();
  }

  unsubscribe(instrumentId: InstrumentId): void {
    if (this.playing.delete(instrumentId)) this.publishStatus();
  }

  /** True once every subscribed recording has played to its end (never, when looping). */
  get finished(): boolean {
    for (const p of this.playing.values()) if (p.next < p.data.length) return false;
    return this.playing.size > 0;
  }

  protected instrumentIds(): InstrumentId[] {
    return [...this.playing.keys()];
  }

  protected override defaultDetail(): string {
    return `speed ${this.speed}×${this.restamp ? ', restamped to now' : ', recorded times'}`;
  }

  protected draw(now: UnixNanos): MarketData[] {
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
    return due.map((x) => x.d);
  }

  private scaled(elapsed: bigint): bigint {
    return this.speed === 1 ? elapsed : BigInt(Math.round(Number(elapsed) / this.speed));
  }
}

/** The datum moved by `shift`; a later lap's trades get ids of their own. */
function restamped(d: MarketData, shift: bigint, lap: number): MarketData {
  const moved = { ...d, tsEvent: d.tsEvent + shift, tsInit: d.tsInit + shift } as MarketData;
  if (lap > 0 && moved.type === 'TradeTick')
    return { ...moved, tradeId: TradeId(`${moved.tradeId}-L${lap}`) };
  return moved;
}

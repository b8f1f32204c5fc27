import { Backoff, type BackoffOptions } from '@qubit/engine';
import { FEED_BACKOFF } from './feed-backoff.js';
import type { Clock, Feed, FeedState, FeedStatus, FeedSubscription } from '@qubit/engine';
import {
  BarAggregation,
  ModelError,
  barTypeToString,
  type BarType,
  type InstrumentId,
  type MarketData,
  type QuoteTick,
  type UnixNanos,
} from '@qubit/model';
import { ExchangeError, InvalidNonce, NetworkError, type Exchange, type OHLCV } from 'ccxt';
import { barFromCcxt, bookFromCcxt, quoteFromBook, tradeFromCcxt, type MapContext } from './ccxt-data.js';
import { marketOfInstrument } from './ccxt-markets.js';
import { checkVenueId, createCcxtExchange, type CcxtVenueId } from './ccxt-venues.js';
import { VenueMessageError } from './venue-message-error.js';

export interface CcxtFeedOptions {
  readonly exchangeId: CcxtVenueId;
  /** Stamps `tsInit`, `lastEventAt` and drives the stale check. */
  readonly clock: Clock;
  /** The ccxt pro exchange to use (default: a fresh public one); tests point its URLs at local servers. */
  readonly exchange?: Exchange;
  /** Waits between reconnect attempts (default: a real timer); tests pass one that returns at once. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly backoff?: BackoffOptions;
  readonly random?: () => number;
  /** Connected but nothing for this long is `stale` (default 30000 ms). */
  readonly staleAfterMs?: number;
  /** Levels per side in each book snapshot emitted (default 20). */
  readonly bookDepth?: number;
  readonly name?: string;
}

interface Subscription {
  readonly spec: FeedSubscription;
  active: boolean;
}

type LoopOutcome = number | 'end';

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Live public market data from one ccxt venue: a `watchTrades`, `watchOrderBook` and `watchOHLCV` loop per
 * subscription. Each loop reconnects with exponential backoff on a NetworkError, resyncs the book at once on
 * a sequence gap (ccxt's InvalidNonce/ChecksumError: counted in `gaps`), counts a malformed message in
 * `rejected` and goes on, and ends only when the venue refuses the subscription (an ExchangeError such as
 * BadSymbol), saying so in `detail`.
 */
export class CcxtFeed implements Feed {
  readonly name: string;
  readonly source = 'live' as const;
  readonly exchange: Exchange;
  private readonly exchangeId: CcxtVenueId;
  private readonly subs = new Map<InstrumentId, Subscription>();
  private readonly dataListeners: ((d: MarketData) => void)[] = [];
  private readonly statusListeners: ((s: FeedStatus) => void)[] = [];
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly staleAfterNs: bigint;
  private readonly bookDepth: number;
  private readonly timerName: string;
  private running = false;
  private stopped = false;
  private readonly reconnectingLoops = new Set<string>();
  private readonly loops = new Set<Promise<void>>();
  private events = 0;
  private reconnects = 0;
  private gaps = 0;
  private rejected = 0;
  private lastEventAt: UnixNanos | undefined;
  private detail: string | undefined;
  private lastState: FeedState | undefined;

  constructor(private readonly o: CcxtFeedOptions) {
    this.exchangeId = checkVenueId(o.exchangeId, 'ccxtFeed.exchangeId');
    this.name = o.name ?? `ccxt:${this.exchangeId}`;
    this.exchange = o.exchange ?? createCcxtExchange(this.exchangeId);
    this.sleep = o.sleep ?? realSleep;
    const staleMs = o.staleAfterMs ?? 30_000;
    if (!Number.isInteger(staleMs) || staleMs < 1) {
      throw new ModelError(
        `${this.name}.staleAfterMs`,
        `must be a positive whole number of ms, got ${String(staleMs)}`,
      );
    }
    this.staleAfterNs = BigInt(staleMs) * 1_000_000n;
    const depth = o.bookDepth ?? 20;
    if (!Number.isInteger(depth) || depth < 1 || depth > 1000) {
      throw new ModelError(
        `${this.name}.bookDepth`,
        `must be a whole number in [1, 1000], got ${String(depth)}`,
      );
    }
    this.bookDepth = depth;
    // Checked at construction so that a bad setting fails at wiring, not at the first reconnect.
    new Backoff(o.backoff ?? {}, FEED_BACKOFF, o.random ?? Math.random, `${this.name}.backoff`);
    this.timerName = `feed:${this.name}:stale`;
  }

  subscribe(spec: FeedSubscription): void {
    const id = spec.instrument.id;
    for (const [i, bt] of (spec.bars ?? []).entries())
      this.timeframeOf(bt, `${this.name}.subscribe.bars[${i}]`);
    if (!spec.trades && !spec.quotes && !spec.book && !(spec.bars ?? []).length) {
      throw new ModelError(
        `${this.name}.subscribe.${id}`,
        'asks for nothing: set trades, quotes, book or bars',
      );
    }
    if (this.subs.get(id)?.active) return;
    const sub: Subscription = { spec, active: true };
    this.subs.set(id, sub);
    if (this.running) this.startLoops(sub);
    this.publishStatus();
  }

  unsubscribe(instrumentId: InstrumentId): void {
    const sub = this.subs.get(instrumentId);
    if (!sub) return;
    // Its loops end at their next wake-up; ccxt keeps the venue stream until the exchange is closed.
    sub.active = false;
    this.subs.delete(instrumentId);
    this.publishStatus();
  }

  onData(listener: (d: MarketData) => void): void {
    this.dataListeners.push(listener);
  }

  onStatus(listener: (s: FeedStatus) => void): void {
    this.statusListeners.push(listener);
  }

  status(): FeedStatus {
    return {
      feed: this.name,
      source: 'live',
      state: this.state(),
      instruments: [...this.subs.keys()],
      events: this.events,
      reconnects: this.reconnects,
      gaps: this.gaps,
      rejected: this.rejected,
      ...(this.lastEventAt !== undefined ? { lastEventAt: this.lastEventAt } : {}),
      ...(this.detail !== undefined ? { detail: this.detail } : {}),
    };
  }

  /** Loads the venue's markets (one REST round; rejects when the venue is unreachable) and starts every loop. */
  async start(): Promise<void> {
    if (this.stopped) throw new ModelError(this.name, 'was stopped; create a new feed');
    if (this.running) return;
    try {
      await this.exchange.loadMarkets();
    } catch (e) {
      this.detail = `markets could not be loaded: ${oneLine(e)}`;
      this.publishStatus();
      throw e;
    }
    this.running = true;
    for (const sub of this.subs.values()) this.startLoops(sub);
    this.armStaleCheck();
    this.publishStatus();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.running = false;
    this.o.clock.cancelTimer(this.timerName);
    for (const sub of this.subs.values()) sub.active = false;
    try {
      await this.exchange.close();
    } catch (e) {
      this.detail = `closing the venue connection failed: ${oneLine(e)}`;
    }
    await Promise.allSettled([...this.loops]);
    this.publishStatus();
  }

  private state(): FeedState {
    if (this.stopped) return 'stopped';
    if (this.reconnectingLoops.size > 0) return 'reconnecting';
    if (!this.running || this.lastEventAt === undefined) return 'connecting';
    return this.o.clock.now() - this.lastEventAt > this.staleAfterNs ? 'stale' : 'live';
  }

  private startLoops(sub: Subscription): void {
    const { spec } = sub;
    const id = spec.instrument.id;
    let symbol: string;
    try {
      symbol = marketOfInstrument(this.exchange, this.exchangeId, id).symbol;
    } catch (e) {
      sub.active = false;
      this.detail = oneLine(e);
      return;
    }
    if (spec.trades) this.run(sub, `${id}:trades`, () => this.tradesOnce(sub, symbol));
    if (spec.book || spec.quotes) {
      const last: { quote?: QuoteTick; sequence: number } = { sequence: 0 };
      this.run(sub, `${id}:book`, () => this.bookOnce(sub, symbol, last));
    }
    for (const bt of spec.bars ?? []) {
      const tf = this.timeframeOf(bt, `${this.name}.subscribe.bars`);
      const pending: { row?: OHLCV } = {};
      this.run(sub, `${id}:bars:${tf}`, () => this.barsOnce(sub, symbol, bt, tf, pending));
    }
  }

  private run(sub: Subscription, key: string, once: () => Promise<void>): void {
    const backoff = new Backoff(
      this.o.backoff ?? {},
      FEED_BACKOFF,
      this.o.random ?? Math.random,
      `${this.name}.backoff`,
    );
    const loop = (async () => {
      while (this.running && sub.active) {
        try {
          await once();
          backoff.reset();
          if (this.reconnectingLoops.delete(key)) this.publishStatus();
        } catch (e) {
          if (!this.running || !sub.active) break;
          const outcome = this.onLoopError(key, e, backoff);
          if (outcome === 'end') break;
          if (outcome > 0) await this.sleep(outcome);
        }
      }
      if (this.reconnectingLoops.delete(key)) this.publishStatus();
    })();
    this.loops.add(loop);
    void loop.finally(() => this.loops.delete(loop));
  }

  private onLoopError(key: string, e: unknown, backoff: Backoff): LoopOutcome {
    // InvalidNonce (and its ChecksumError) is a NetworkError in ccxt: test it first. ccxt has already
    // dropped its book; the next watch subscribes again and takes a fresh snapshot.
    if (e instanceof InvalidNonce) {
      this.gaps++;
      this.detail = `${key}: sequence gap, resyncing (${oneLine(e)})`;
      this.publishStatus();
      return 0;
    }
    if (e instanceof VenueMessageError) {
      this.rejected++;
      this.detail = `${key}: ${e.message}`;
      this.publishStatus();
      return 0;
    }
    if (e instanceof NetworkError) {
      this.reconnects++;
      this.reconnectingLoops.add(key);
      this.detail = `${key}: connection lost, reconnecting (${oneLine(e)})`;
      this.publishStatus();
      return backoff.next();
    }
    if (e instanceof ExchangeError) {
      this.detail = `${key}: the venue refused the subscription, not retried (${oneLine(e)})`;
      this.publishStatus();
      return 'end';
    }
    // Anything else came out of ccxt's own handling of a message it could not read.
    this.rejected++;
    this.detail = `${key}: a message could not be read (${oneLine(e)})`;
    this.publishStatus();
    return backoff.next();
  }

  private async tradesOnce(sub: Subscription, symbol: string): Promise<void> {
    const trades = await this.exchange.watchTrades(symbol);
    for (const t of trades) {
      if (!sub.active) return;
      const mapped = this.map(() => tradeFromCcxt(t, this.ctx(sub)));
      if (mapped) this.emit(mapped);
    }
  }

  private async bookOnce(
    sub: Subscription,
    symbol: string,
    last: { quote?: QuoteTick; sequence: number },
  ): Promise<void> {
    const book = await this.exchange.watchOrderBook(symbol);
    if (!sub.active) return;
    const snapshot = this.map(() => bookFromCcxt(book, this.bookDepth, ++last.sequence, this.ctx(sub)));
    if (!snapshot) return;
    if (sub.spec.book) this.emit(snapshot);
    if (sub.spec.quotes) {
      const q = quoteFromBook(snapshot);
      const prev = last.quote;
      const changed =
        q &&
        (!prev ||
          !q.bidPrice.eq(prev.bidPrice) ||
          !q.askPrice.eq(prev.askPrice) ||
          !q.bidSize.eq(prev.bidSize) ||
          !q.askSize.eq(prev.askSize));
      if (q && changed) {
        last.quote = q;
        this.emit(q);
      }
    }
  }

  /** ccxt sends the current candle again on every change: a candle is closed once a later one opens. */
  private async barsOnce(
    sub: Subscription,
    symbol: string,
    barType: BarType,
    tf: string,
    pending: { row?: OHLCV },
  ): Promise<void> {
    const rows = await this.exchange.watchOHLCV(symbol, tf);
    for (const row of rows) {
      if (!sub.active) return;
      const open = row[0];
      const current = pending.row;
      if (typeof open !== 'number') {
        this.rejected++;
        this.detail = `${sub.spec.instrument.id}: an OHLCV row without an open time`;
        continue;
      }
      if (current && typeof current[0] === 'number' && open < current[0]) {
        this.rejected++;
        this.detail = `${sub.spec.instrument.id}: ${tf} candle at ${open} arrived after the one at ${current[0]}`;
        continue;
      }
      if (current && current[0] !== open) {
        const bar = this.map(() => barFromCcxt(current, barType, this.ctx(sub)));
        if (bar) this.emit(bar);
      }
      pending.row = row;
    }
  }

  private timeframeOf(bt: BarType, field: string): string {
    const unit: Partial<Record<BarAggregation, string>> = {
      [BarAggregation.SECOND]: 's',
      [BarAggregation.MINUTE]: 'm',
      [BarAggregation.HOUR]: 'h',
      [BarAggregation.DAY]: 'd',
    };
    const u = unit[bt.aggregation];
    const tf = u ? `${bt.step}${u}` : undefined;
    const known = this.exchange.timeframes as Record<string, unknown> | undefined;
    if (!tf || (known && !(tf in known))) {
      throw new ModelError(
        field,
        `${barTypeToString(bt)} is not a bar ${this.exchangeId} sends (its timeframes: ${Object.keys(known ?? {}).join(', ')})`,
      );
    }
    return tf;
  }

  private ctx(sub: Subscription): MapContext {
    return { venue: this.exchangeId, instrumentId: sub.spec.instrument.id, tsInit: this.o.clock.now() };
  }

  private map<T>(fn: () => T): T | undefined {
    try {
      return fn();
    } catch (e) {
      this.rejected++;
      this.detail = oneLine(e);
      this.publishStatus();
      return undefined;
    }
  }

  private emit(d: MarketData): void {
    this.events++;
    this.lastEventAt = this.o.clock.now();
    for (const l of this.dataListeners) {
      try {
        l(d);
      } catch (err) {
        // A consumer's failure is its own; the feed goes on and says so.
        this.rejected++;
        this.detail = `a listener failed: ${oneLine(err)}`;
      }
    }
    if (this.state() !== this.lastState) this.publishStatus();
  }

  private armStaleCheck(): void {
    const half = this.staleAfterNs / 2n > 0n ? this.staleAfterNs / 2n : 1n;
    this.o.clock.setTimer(this.timerName, this.o.clock.now() + half, () => {
      if (!this.running) return;
      if (this.state() !== this.lastState) this.publishStatus();
      this.armStaleCheck();
    });
  }

  private publishStatus(): void {
    const s = this.status();
    this.lastState = s.state;
    for (const l of this.statusListeners) l(s);
  }
}

function oneLine(e: unknown): string {
  const text = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  const line = text.split('\n')[0] ?? text;
  return line.length > 200 ? line.slice(0, 200) + '…' : line;
}

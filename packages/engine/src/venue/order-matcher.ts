import {
  LiquiditySide,
  ModelError,
  OrderType,
  Price,
  TimeInForce,
  pow10,
  type Bar,
  type BarType,
  type Decimal,
  type Instrument,
  type OrderBookDeltas,
  type OrderBookSnapshot,
  type QuoteTick,
  type TradeTick,
} from '@qubit/model';
import { barPathInto, slippedPrice, type BarPath } from './fill-model.js';
import { L2Book, type BookSide } from './l2-book.js';
import type { SimOrder } from './sim-order.js';
import { SortedOrders } from './sorted-orders.js';
import { UNLIMITED, exactUnits, floorToStep, priceUnits, sizeUnits } from './units.js';

/** What the matcher asks of the venue: how much an order may fill, and to report what happened. */
export interface MatchHost {
  /** How much of `wanted` the order may fill now; reduce-only orders are clipped to the position they reduce. */
  fillable(order: SimOrder, wanted: bigint): bigint;
  /** Records one execution; closes the order when it is complete (or when a reduce-only order has nothing left to reduce). */
  fill(order: SimOrder, px: bigint, qty: bigint, liquidity: LiquiditySide): void;
  /** A STOP_LIMIT's trigger traded: it now works as a limit order. */
  trigger(order: SimOrder): void;
  /** The venue cancels the rest of the order (IOC/FOK remainder, market order without liquidity, nothing left to reduce). */
  cancel(order: SimOrder): void;
}

/** The parts of the venue config the matcher reads. */
export interface MatcherSettings {
  readonly useVisibleVolume: boolean;
  readonly bookLevelsFromQuotes: boolean;
  readonly barPath: BarPath;
  readonly slippageTicks: number;
  readonly barVolumeShare: Decimal | undefined;
}

/**
 * What drives an instrument's matching. The richest kind of data seen so far wins (L2 book, else
 * quotes, else trades, else bars); poorer data that arrives later is ignored for matching.
 */
export const MatchDriver = { NONE: 0, BARS: 1, TRADES: 2, QUOTES: 3, BOOK: 4 } as const;
export type MatchDriver = (typeof MatchDriver)[keyof typeof MatchDriver];

/** Where a working order waits in its matcher: a limit or stop list, or neither (a taker waiting for a print). */
export type RestingKind = 'limit' | 'stop' | 'none';

/**
 * What a matcher must remember to continue exactly where another left off, in instrument units: the
 * working orders themselves are the venue's, named here by client order id.
 */
export interface MatcherSnapshot {
  readonly driver: MatchDriver;
  readonly barType: BarType | undefined;
  readonly lastU: bigint | undefined;
  /** Book levels best first, [price units, size units]; a size of UNLIMITED is a quote without depth. */
  readonly bids: readonly (readonly [bigint, bigint])[];
  readonly asks: readonly (readonly [bigint, bigint])[];
  readonly takers: readonly string[];
  readonly immediate: readonly string[];
  readonly fresh: readonly string[];
}

/**
 * The matching engine of one instrument.
 *
 * Book-driven (L2 data, or quotes as a one-level book): a marketable order takes liquidity at once,
 * level by level, one fill per level, limited by visible size; a MARKET order (or a triggered
 * STOP_MARKET) cancels what it could not fill. Resting limits fill as MAKER at their own price when
 * book data crosses them, consuming that visible size. Stops trigger on the opposite best price
 * (buy stops on the ask, sell stops on the bid).
 *
 * Trade- or bar-driven (no book to take from): MARKET, IOC and FOK orders wait for the next print.
 * A trade fills waiting takers at its price (± slippage), triggers stops at or through it and fills
 * resting limits at or through it at their limit price, all sharing the trade's size when
 * `useVisibleVolume`. A bar is walked along its assumed path (see fill-model.ts): takers fill at the
 * open, a limit or stop gapped through at the open fills there, others fill where the path reaches
 * them. IOC/FOK orders are canceled after the first event that drove matching. A limit that was
 * through the last price on arrival is a taker at its first look at the market (the print, or the
 * bar's open) and a resting MAKER after that. A bar has no depth: fills are not limited by its
 * volume unless `barVolumeShare` is set.
 *
 * Priority is price, then time; our own orders never trade with each other.
 */
export class OrderMatcher {
  readonly book: L2Book;
  private readonly buyLimits = new SortedOrders(false, true);
  private readonly sellLimits = new SortedOrders(false, false);
  private readonly buyStops = new SortedOrders(true, false);
  private readonly sellStops = new SortedOrders(true, true);
  /** MARKET orders and triggered STOP_MARKETs waiting for the next print (trade/bar-driven only). */
  private takers: SimOrder[] = [];
  /** IOC/FOK orders to cancel after the next event that drives matching. */
  private immediate: SimOrder[] = [];
  /** Orders flagged taker-on-arrival, until the event that gives them their first look at the market. */
  private readonly fresh: SimOrder[] = [];
  private driver: MatchDriver = MatchDriver.NONE;
  private lastQuote: QuoteTick | undefined;
  private barType: BarType | undefined;
  /** Last trade price or bar close, for trade/bar-driven decisions (post-only, taker-on-arrival). */
  private lastU: bigint | undefined;
  private readonly path: bigint[] = [0n, 0n, 0n, 0n];
  private readonly priceScale: number;
  private readonly sizeScale: number;
  private readonly tick: bigint;
  private readonly lot: bigint;
  private readonly slip: bigint;

  constructor(
    readonly instrument: Instrument,
    private readonly settings: MatcherSettings,
    private readonly host: MatchHost,
  ) {
    this.priceScale = instrument.pricePrecision;
    this.sizeScale = instrument.sizePrecision;
    this.tick = exactUnits(instrument.tickSize, this.priceScale) ?? 1n;
    this.lot = exactUnits(instrument.lotSize, this.sizeScale) ?? 1n;
    this.slip = BigInt(settings.slippageTicks);
    this.book = new L2Book(this.priceScale, this.sizeScale);
  }

  private get bookDriven(): boolean {
    return this.driver >= MatchDriver.QUOTES;
  }

  /**
   * True when a limit at `px` would take liquidity now: against the book when there is one, else
   * when it is strictly through the last trade or close (at the last price it is taken to rest).
   */
  wouldTake(isBuy: boolean, px: bigint): boolean {
    if (this.bookDriven) {
      const best = (isBuy ? this.book.asks : this.book.bids).best();
      return best !== undefined && (isBuy ? best.px <= px : best.px >= px);
    }
    const last = this.lastU;
    return last !== undefined && (isBuy ? px > last : px < last);
  }

  /** The price a MARKET order would trade at now, if the venue knows one (for notional checks). */
  marketPrice(isBuy: boolean): bigint | undefined {
    if (this.bookDriven) {
      const best = (isBuy ? this.book.asks : this.book.bids).best();
      if (best) return best.px;
    }
    return this.lastU;
  }

  /**
   * The last quote's own Price object when it is `px` at the instrument's precision: a fill at the
   * quoted price reports that object (prices are immutable) instead of allocating an equal one.
   */
  quotedPrice(px: bigint): Price | undefined {
    const q = this.lastQuote;
    if (q === undefined) return undefined;
    const { askPrice, bidPrice } = q;
    if (askPrice.units === px && askPrice.scale === this.priceScale && askPrice instanceof Price)
      return askPrice;
    if (bidPrice.units === px && bidPrice.scale === this.priceScale && bidPrice instanceof Price)
      return bidPrice;
    return undefined;
  }

  /** Works a newly accepted (or just modified) order: it trades now if it can, else rests. */
  place(o: SimOrder): void {
    if (this.bookDriven) this.placeOnBook(o);
    else this.placeWaiting(o);
  }

  /** Takes an order out of every list (cancel, expiry, before a modify). */
  remove(o: SimOrder): void {
    o.where?.remove(o);
    if (this.takers.length > 0) {
      const i = this.takers.indexOf(o);
      if (i >= 0) this.takers.splice(i, 1);
    }
    if (this.immediate.length > 0) {
      const i = this.immediate.indexOf(o);
      if (i >= 0) this.immediate.splice(i, 1);
    }
  }

  /** Which list `o` rests in (for a venue exporting its state). */
  restingKind(o: SimOrder): RestingKind {
    const w = o.where;
    if (w === null) return 'none';
    return w === this.buyLimits || w === this.sellLimits ? 'limit' : 'stop';
  }

  /** Puts a restored working order back in its list; takers are put back by `restore`. */
  rest(o: SimOrder, kind: RestingKind): void {
    if (kind === 'limit') (o.isBuy ? this.buyLimits : this.sellLimits).insert(o);
    else if (kind === 'stop') (o.isBuy ? this.buyStops : this.sellStops).insert(o);
  }

  snapshot(): MatcherSnapshot {
    const id = (o: SimOrder): string => o.cmd.clientOrderId;
    return {
      driver: this.driver,
      barType: this.barType,
      lastU: this.lastU,
      bids: this.book.bids.levels.map((l) => [l.px, l.size] as const),
      asks: this.book.asks.levels.map((l) => [l.px, l.size] as const),
      takers: this.takers.filter((o) => o.open).map(id),
      immediate: this.immediate.filter((o) => o.open).map(id),
      fresh: this.fresh.filter((o) => o.open).map(id),
    };
  }

  /**
   * Takes over a snapshot of another matcher of the same instrument, after the working orders were
   * put back with `rest`. `order` resolves a client order id to the restored working order.
   */
  restore(s: MatcherSnapshot, order: (clientOrderId: string, list: string) => SimOrder): void {
    this.driver = s.driver;
    this.barType = s.barType;
    this.lastU = s.lastU;
    this.book.clear();
    for (const [px, size] of s.bids) this.book.bids.set(px, size);
    for (const [px, size] of s.asks) this.book.asks.set(px, size);
    this.takers = s.takers.map((id) => order(id, 'takers'));
    this.immediate = s.immediate.map((id) => order(id, 'immediate'));
    this.fresh.length = 0;
    for (const id of s.fresh) this.fresh.push(order(id, 'fresh'));
  }

  // ---- market data -------------------------------------------------------------------------

  onQuote(q: QuoteTick): void {
    const bid = priceUnits(q.bidPrice, this.priceScale, 'quote.bidPrice');
    const ask = priceUnits(q.askPrice, this.priceScale, 'quote.askPrice');
    this.lastQuote = q;
    if (this.driver > MatchDriver.QUOTES) return;
    this.driver = MatchDriver.QUOTES;
    const sized = this.settings.bookLevelsFromQuotes;
    this.book.bids.setSingle(bid, sized ? sizeUnits(q.bidSize, this.sizeScale) : UNLIMITED);
    this.book.asks.setSingle(ask, sized ? sizeUnits(q.askSize, this.sizeScale) : UNLIMITED);
    this.matchBook();
  }

  onSnapshot(s: OrderBookSnapshot): void {
    this.book.applySnapshot(s);
    this.driver = MatchDriver.BOOK;
    this.matchBook();
  }

  onDeltas(d: OrderBookDeltas): void {
    this.book.applyDeltas(d, this.driver < MatchDriver.BOOK);
    this.driver = MatchDriver.BOOK;
    this.matchBook();
  }

  onTrade(t: TradeTick): void {
    const p = priceUnits(t.price, this.priceScale, 'trade.price');
    if (this.driver > MatchDriver.TRADES) return;
    this.driver = MatchDriver.TRADES;
    this.atPoint(p, this.settings.useVisibleVolume ? sizeUnits(t.size, this.sizeScale) : UNLIMITED, false);
    this.lastU = p;
    this.endEvent();
  }

  /**
   * Matches along the bar's path. Only the first bar type seen drives an instrument, so feeding
   * 1-minute and 1-hour bars of the same instrument does not fill orders twice.
   */
  onBar(bar: Bar): void {
    if (this.driver > MatchDriver.BARS) return;
    const bt = this.barType;
    if (
      bt &&
      bt !== bar.barType && // a series' bars usually share one BarType object
      (bt.step !== bar.barType.step ||
        bt.aggregation !== bar.barType.aggregation ||
        bt.priceType !== bar.barType.priceType)
    ) {
      return;
    }
    const c = priceUnits(bar.close, this.priceScale, 'bar.close');
    this.barType = bar.barType;
    this.driver = MatchDriver.BARS;
    if (this.idle()) {
      // Most bars of a backtest meet no working order: there is no path to walk, and only the close is
      // read (loaders and feeds check a bar's shape where it enters; this check guards the matching).
      this.lastU = c;
      return;
    }
    const o = priceUnits(bar.open, this.priceScale, 'bar.open');
    const h = priceUnits(bar.high, this.priceScale, 'bar.high');
    const l = priceUnits(bar.low, this.priceScale, 'bar.low');
    if (l > h || o > h || c > h || o < l || c < l) {
      throw new ModelError(
        'bar',
        `${this.instrument.id} bar is inconsistent: open ${bar.open.toString()} high ${bar.high.toString()} low ${bar.low.toString()} close ${bar.close.toString()}`,
      );
    }
    const path = this.path;
    barPathInto(path, this.settings.barPath, o, h, l, c);
    let cap = this.barCapacity(bar);
    cap = this.atPoint(path[0]!, cap, true);
    // Whatever was marketable on arrival and did not trade at the open now rests like any limit.
    this.settleFresh();
    for (let k = 1; k < 4; k++) {
      const a = path[k - 1]!;
      const b = path[k]!;
      if (b > a) cap = this.moveUp(a, b, cap);
      else if (b < a) cap = this.moveDown(a, b, cap);
    }
    this.lastU = c;
    this.endEvent();
  }

  /** True when no order waits, rests or is due to be canceled here. */
  idle(): boolean {
    return (
      this.takers.length === 0 &&
      this.immediate.length === 0 &&
      this.fresh.length === 0 &&
      this.buyLimits.length === 0 &&
      this.sellLimits.length === 0 &&
      this.buyStops.length === 0 &&
      this.sellStops.length === 0
    );
  }

  // ---- book-driven matching ------------------------------------------------------------------

  private placeOnBook(o: SimOrder): void {
    const type = o.cmd.orderType;
    if (type === OrderType.MARKET || (type === OrderType.STOP_MARKET && o.triggered)) {
      this.takeBook(o, undefined, false);
      if (o.open) this.host.cancel(o);
    } else if (o.actsAsLimit) {
      this.limitOnBook(o);
    } else if (this.stopHitOnBook(o)) {
      this.activateStopOnBook(o);
    } else {
      (o.isBuy ? this.buyStops : this.sellStops).insert(o);
    }
  }

  private limitOnBook(o: SimOrder): void {
    if (this.wouldTake(o.isBuy, o.pxU)) this.takeBook(o, o.pxU, false);
    if (!o.open) return;
    if (o.isImmediate) this.host.cancel(o);
    else (o.isBuy ? this.buyLimits : this.sellLimits).insert(o);
  }

  private stopHitOnBook(o: SimOrder): boolean {
    if (o.isBuy) {
      const ref = this.book.asks.best() ?? this.book.bids.best();
      return ref !== undefined && ref.px >= o.trgU;
    }
    const ref = this.book.bids.best() ?? this.book.asks.best();
    return ref !== undefined && ref.px <= o.trgU;
  }

  private activateStopOnBook(o: SimOrder): void {
    o.triggered = true;
    if (o.cmd.orderType === OrderType.STOP_MARKET) {
      this.takeBook(o, undefined, false);
      if (o.open) this.host.cancel(o);
    } else {
      this.host.trigger(o);
      this.limitOnBook(o);
    }
  }

  /**
   * Fills `o` from the opposite side of the book, best level first, up to `limit`. A taker pays each
   * level's price; a resting order crossed by the book (`maker`) gets its own limit price.
   */
  private takeBook(o: SimOrder, limit: bigint | undefined, maker: boolean): void {
    const side: BookSide = o.isBuy ? this.book.asks : this.book.bids;
    let want = this.host.fillable(o, o.leavesU);
    if (want <= 0n) {
      this.host.cancel(o);
      return;
    }
    const visible = this.settings.useVisibleVolume;
    if (o.tif === TimeInForce.FOK) {
      const top = side.best();
      const enough = visible
        ? side.volumeWithin(limit) >= want
        : top !== undefined && (limit === undefined || side.within(top.px, limit));
      if (want < o.leavesU || !enough) {
        this.host.cancel(o);
        return;
      }
    }
    const liquidity = maker ? LiquiditySide.MAKER : LiquiditySide.TAKER;
    while (want > 0n && o.open) {
      const top = side.best();
      if (!top || (limit !== undefined && !side.within(top.px, limit))) break;
      const levelPx = top.px;
      const q = floorToStep(visible && top.size < want ? top.size : want, this.lot);
      if (q === 0n) {
        // Less than one lot at this level: nobody can trade it, so it is skipped for good.
        side.consumeBest(top.size);
        continue;
      }
      if (visible) side.consumeBest(q);
      want -= q;
      this.host.fill(o, maker && limit !== undefined ? limit : levelPx, q, liquidity);
      if (!visible) break;
    }
  }

  private matchBook(): void {
    if (this.idle()) return; // nothing to match: most quotes of a backtest
    if (this.takers.length > 0) {
      const waiting = this.takers;
      this.takers = [];
      for (const o of waiting) {
        if (!o.open) continue;
        this.takeBook(o, undefined, false);
        if (o.open) this.host.cancel(o);
      }
    }
    this.triggerStopsOnBook(this.buyStops);
    this.triggerStopsOnBook(this.sellStops);
    this.crossRestingOnBook(this.buyLimits, this.book.asks);
    this.crossRestingOnBook(this.sellLimits, this.book.bids);
    this.endEvent();
  }

  private triggerStopsOnBook(stops: SortedOrders): void {
    for (;;) {
      const o = stops.first();
      if (!o || !this.stopHitOnBook(o)) return;
      stops.remove(o);
      this.activateStopOnBook(o);
    }
  }

  private crossRestingOnBook(limits: SortedOrders, side: BookSide): void {
    for (;;) {
      const o = limits.first();
      if (!o) return;
      const top = side.best();
      if (!top || !side.within(top.px, o.pxU)) return;
      this.takeBook(o, o.pxU, !o.takerOnArrival);
      // Still open means the crossing liquidity is gone; the next order cannot do better.
      if (o.open) return;
      limits.remove(o);
    }
  }

  /**
   * After an event that drove matching: IOC/FOK orders have had their chance and are canceled, and
   * orders that were marketable on arrival have met the market once; what is left of them rests,
   * so later fills are MAKER fills at their own price.
   */
  private endEvent(): void {
    if (this.immediate.length > 0) {
      const due = this.immediate;
      this.immediate = [];
      for (const o of due) {
        if (!o.open) continue;
        this.remove(o);
        this.host.cancel(o);
      }
    }
    this.settleFresh();
  }

  private settleFresh(): void {
    if (this.fresh.length === 0) return;
    for (const o of this.fresh) o.takerOnArrival = false;
    this.fresh.length = 0;
  }

  // ---- trade- and bar-driven matching ------------------------------------------------------

  private placeWaiting(o: SimOrder): void {
    const type = o.cmd.orderType;
    if (type === OrderType.MARKET || (type === OrderType.STOP_MARKET && o.triggered)) {
      this.takers.push(o);
      if (o.isImmediate) this.immediate.push(o);
    } else if (o.actsAsLimit) {
      o.takerOnArrival = this.wouldTake(o.isBuy, o.pxU);
      if (o.takerOnArrival) this.fresh.push(o);
      (o.isBuy ? this.buyLimits : this.sellLimits).insert(o);
      if (o.isImmediate) this.immediate.push(o);
    } else {
      (o.isBuy ? this.buyStops : this.sellStops).insert(o);
    }
  }

  private barCapacity(bar: Bar): bigint {
    const share = this.settings.barVolumeShare;
    if (share === undefined) return UNLIMITED;
    const volume = sizeUnits(bar.volume, this.sizeScale);
    return floorToStep((volume * share.units) / pow10(share.scale), this.lot);
  }

  /**
   * Everything that acts at one price `p` (a trade print, or a bar's open): waiting takers, stops at
   * or through `p`, limits at or through `p`. `gapFill` fills those limits at `p` (a bar that opens
   * through a limit gives the better price); otherwise a resting limit gets its own price.
   * Returns the size left of `cap`.
   */
  private atPoint(p: bigint, cap: bigint, gapFill: boolean): bigint {
    if (this.takers.length > 0) {
      const waiting = this.takers;
      this.takers = [];
      for (const o of waiting) {
        if (!o.open) continue;
        cap = this.execAt(o, slippedPrice(p, o.isBuy, this.slip, this.tick), cap, LiquiditySide.TAKER);
        if (o.open) this.takers.push(o);
      }
    }
    cap = this.triggerAtPoint(this.buyStops, p, cap);
    cap = this.triggerAtPoint(this.sellStops, p, cap);
    cap = this.limitsAtPoint(this.buyLimits, p, cap, gapFill);
    cap = this.limitsAtPoint(this.sellLimits, p, cap, gapFill);
    return cap;
  }

  private triggerAtPoint(stops: SortedOrders, p: bigint, cap: bigint): bigint {
    const c = stops.scan();
    for (let o = c.peek(); o !== undefined; c.advance(), o = c.peek()) {
      if (o.isBuy ? o.trgU > p : o.trgU < p) break;
      stops.detach(o);
      cap = this.fireStop(o, p, cap);
    }
    stops.compact();
    return cap;
  }

  private limitsAtPoint(limits: SortedOrders, p: bigint, cap: bigint, gapFill: boolean): bigint {
    const c = limits.scan();
    for (let o = c.peek(); o !== undefined && cap > 0n; c.advance(), o = c.peek()) {
      if (o.isBuy ? o.pxU < p : o.pxU > p) break;
      const px = gapFill || o.takerOnArrival ? p : o.pxU;
      cap = this.execAt(o, px, cap, o.liquidityOfRestingFill());
      if (!o.open) limits.detach(o);
    }
    limits.compact();
    return cap;
  }

  /** A continuous rise from `a` to `b`: sell limits and buy stops in (a, b], lowest price first. */
  private moveUp(a: bigint, b: bigint, cap: bigint): bigint {
    const lim = this.sellLimits;
    const stp = this.buyStops;
    const lc = lim.scan();
    const sc = stp.scan();
    for (;;) {
      const l = lc.peek();
      const s = sc.peek();
      const lHit = l !== undefined && l.pxU <= b;
      const sHit = s !== undefined && s.trgU <= b;
      if (lHit && (!sHit || l.pxU <= s.trgU)) {
        cap = this.execAt(l, l.pxU > a ? l.pxU : a, cap, l.liquidityOfRestingFill());
        if (!l.open) lim.detach(l);
        lc.advance();
      } else if (sHit) {
        stp.detach(s);
        cap = this.fireStop(s, s.trgU > a ? s.trgU : a, cap);
        sc.advance();
      } else {
        break;
      }
    }
    lim.compact();
    stp.compact();
    return cap;
  }

  /** A continuous fall from `a` to `b`: buy limits and sell stops in [b, a), highest price first. */
  private moveDown(a: bigint, b: bigint, cap: bigint): bigint {
    const lim = this.buyLimits;
    const stp = this.sellStops;
    const lc = lim.scan();
    const sc = stp.scan();
    for (;;) {
      const l = lc.peek();
      const s = sc.peek();
      const lHit = l !== undefined && l.pxU >= b;
      const sHit = s !== undefined && s.trgU >= b;
      if (lHit && (!sHit || l.pxU >= s.trgU)) {
        cap = this.execAt(l, l.pxU < a ? l.pxU : a, cap, l.liquidityOfRestingFill());
        if (!l.open) lim.detach(l);
        lc.advance();
      } else if (sHit) {
        stp.detach(s);
        cap = this.fireStop(s, s.trgU < a ? s.trgU : a, cap);
        sc.advance();
      } else {
        break;
      }
    }
    lim.compact();
    stp.compact();
    return cap;
  }

  /**
   * A stop whose trigger the market reached at `at`. A STOP_MARKET fills there (± slippage) or waits
   * for the next print; a STOP_LIMIT reports OrderTriggered, fills at `at` as a taker when its limit
   * allows, and rests as a limit for the rest.
   */
  private fireStop(o: SimOrder, at: bigint, cap: bigint): bigint {
    o.triggered = true;
    if (o.isImmediate) this.immediate.push(o);
    if (o.cmd.orderType === OrderType.STOP_MARKET) {
      cap = this.execAt(o, slippedPrice(at, o.isBuy, this.slip, this.tick), cap, LiquiditySide.TAKER);
      if (o.open) this.takers.push(o);
      return cap;
    }
    this.host.trigger(o);
    if (o.isBuy ? o.pxU >= at : o.pxU <= at) {
      o.takerOnArrival = true;
      this.fresh.push(o);
      cap = this.execAt(o, at, cap, LiquiditySide.TAKER);
    }
    if (o.open) (o.isBuy ? this.buyLimits : this.sellLimits).insert(o);
    return cap;
  }

  /** Fills as much of `o` as `cap` and reduce-only allow at `px`; a FOK order fills completely or not at all. */
  private execAt(o: SimOrder, px: bigint, cap: bigint, liquidity: LiquiditySide): bigint {
    let want = this.host.fillable(o, o.leavesU);
    if (want <= 0n) {
      this.host.cancel(o);
      return cap;
    }
    if (want > cap) want = cap;
    want = floorToStep(want, this.lot);
    if (want === 0n) return cap;
    // All or nothing; an unfilled FOK is canceled once this event is over.
    if (o.tif === TimeInForce.FOK && want < o.leavesU) return cap;
    this.host.fill(o, px, want, liquidity);
    return cap - want;
  }
}

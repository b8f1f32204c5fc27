import {
  Decimal,
  MAX_SCALE,
  ModelError,
  Price,
  Rounding,
  divRound,
  pow10,
  rescaleUnits,
  type Bar,
  type ClientOrderId,
  type Instrument,
  type InstrumentId,
  type QuoteTick,
  type TradeTick,
  type UnixNanos,
} from '@qubit/model';
import type { Order } from '../orders/order.js';

export interface OrderFilter {
  readonly accountId?: string;
  readonly botId?: string;
  readonly instrumentId?: string;
}

/**
 * The kernel's in-memory view of instruments, orders and the latest prices. Writers: the data side
 * for prices, the ExecutionEngine for orders. Everyone else reads.
 */
export interface CacheOptions {
  /**
   * How many closed (terminal) orders stay in memory, oldest dropped first. The store keeps the full
   * history; the kernel only needs recent ones (late reports, bot look-ups), and keeping every order of a
   * long run would turn into garbage-collector time.
   */
  readonly closedOrderRetention?: number;
}

export class Cache {
  private readonly closedRetention: number;
  private readonly closedQueue: string[] = [];
  private closedHead = 0;
  private recent: Instrument | undefined;
  private readonly instrumentsById = new Map<string, Instrument>();
  private readonly ordersById = new Map<string, Order>();
  private readonly openOrders = new Map<string, Order>();
  private readonly last = new Map<string, LastPrice>();
  /** The last entry found in `last`, by its instrument id: entries are updated in place and never removed. */
  private recentLastId = '';
  private recentLast: LastPrice | undefined;
  private marks = 0;
  private readonly quotes = new Map<string, QuoteTick>();
  private readonly references = new Map<string, Price>();

  constructor(options: CacheOptions = {}) {
    this.closedRetention = options.closedOrderRetention ?? 100_000;
  }

  addInstrument(instrument: Instrument): void {
    this.instrumentsById.set(instrument.id, instrument);
    this.recent = undefined;
    this.marks++;
  }

  /**
   * A counter that moves whenever a last price changes or an instrument is added: anything computed
   * from marks (PnL, exposure) and still tagged with the current value is still right.
   */
  get marksVersion(): number {
    return this.marks;
  }

  instrument(id: string): Instrument | undefined {
    // Consecutive data are mostly of one instrument: the last one found answers without a map lookup.
    const recent = this.recent;
    if (recent !== undefined && recent.id === id) return recent;
    const i = this.instrumentsById.get(id);
    if (i !== undefined) this.recent = i;
    return i;
  }

  /** Like `instrument`, but an unknown id is an error that names it. */
  requireInstrument(id: string, field = 'instrument_id'): Instrument {
    const i = this.instrument(id);
    if (!i) throw new ModelError(field, `unknown instrument ${id}`);
    return i;
  }

  instruments(): Instrument[] {
    return [...this.instrumentsById.values()];
  }

  /**
   * The instruments as a live view, without the copy `instruments` makes: for a caller that walks them
   * on every order (risk's margin check) and adds none while it iterates.
   */
  instrumentValues(): IterableIterator<Instrument> {
    return this.instrumentsById.values();
  }

  addOrder(order: Order): void {
    if (this.ordersById.has(order.clientOrderId)) {
      throw new ModelError('client_order_id', `order ${order.clientOrderId} already exists`);
    }
    this.ordersById.set(order.clientOrderId, order);
    this.openOrders.set(order.clientOrderId, order);
  }

  order(clientOrderId: ClientOrderId | string): Order | undefined {
    return this.ordersById.get(clientOrderId);
  }

  /** Call after an order changed so the open-order index stays right. */
  orderUpdated(order: Order): void {
    if (!order.isClosed) {
      this.openOrders.set(order.clientOrderId, order);
      return;
    }
    if (this.openOrders.delete(order.clientOrderId)) this.retireClosed(order.clientOrderId);
  }

  private retireClosed(id: string): void {
    this.closedQueue.push(id);
    if (this.closedQueue.length - this.closedHead > this.closedRetention) {
      const oldest = this.closedQueue[this.closedHead++]!;
      const o = this.ordersById.get(oldest);
      if (o?.isClosed) this.ordersById.delete(oldest);
    }
    // Compact the queue now and then instead of shifting on every close.
    if (this.closedHead > 65_536 && this.closedHead * 2 > this.closedQueue.length) {
      this.closedQueue.splice(0, this.closedHead);
      this.closedHead = 0;
    }
  }

  /** Orders not yet in a terminal state (including ones not yet acknowledged by the venue). */
  ordersOpen(filter: OrderFilter = {}): Order[] {
    const out: Order[] = [];
    for (const o of this.openOrders.values()) if (matches(o, filter)) out.push(o);
    return out;
  }

  /**
   * The open orders as a live view, without the copy `ordersOpen` makes: for a caller that reads them
   * on every order (risk's commitments) and changes nothing while it iterates.
   */
  openOrderValues(): IterableIterator<Order> {
    return this.openOrders.values();
  }

  countOpen(filter: OrderFilter = {}): number {
    let n = 0;
    for (const o of this.openOrders.values()) if (matches(o, filter)) n++;
    return n;
  }

  orders(filter: OrderFilter = {}): Order[] {
    const out: Order[] = [];
    for (const o of this.ordersById.values()) if (matches(o, filter)) out.push(o);
    return out;
  }

  /** Last traded price (or bar close, or mid when only quotes arrive). */
  lastPrice(instrumentId: InstrumentId | string): Price | undefined {
    return this.lastEntry(instrumentId)?.price;
  }

  lastPriceTs(instrumentId: InstrumentId | string): UnixNanos | undefined {
    return this.lastEntry(instrumentId)?.ts;
  }

  quote(instrumentId: InstrumentId | string): QuoteTick | undefined {
    // Bar-driven backtests never see a quote, and bots ask on every bar.
    return this.quotes.size === 0 ? undefined : this.quotes.get(instrumentId);
  }

  /** The reference price a daily band is measured from (previous settlement / close). */
  referencePrice(instrumentId: InstrumentId | string): Price | undefined {
    return this.references.get(instrumentId);
  }

  setReferencePrice(instrumentId: InstrumentId | string, price: Price): void {
    this.references.set(instrumentId, price);
  }

  onTrade(t: TradeTick): void {
    this.setLast(t.instrumentId, t.price, t.tsEvent);
  }

  onQuote(q: QuoteTick): void {
    this.quotes.set(q.instrumentId, q);
    const entry = this.lastEntry(q.instrumentId);
    // Until a trade or a bar prints, the mid is the best mark we have, and it must follow the quotes.
    if (entry === undefined || entry.fromQuote) {
      this.setLast(q.instrumentId, midOf(q, entry?.price), q.tsEvent, true);
    }
  }

  onBar(b: Bar): void {
    this.setLast(b.barType.instrumentId, b.close, b.tsEvent);
  }

  /**
   * The entry of an instrument's last price. Data come mostly one instrument at a time and every datum
   * both sets the price and has it read back (venue, bots): the entry found last answers without a lookup.
   */
  private lastEntry(instrumentId: string): LastPrice | undefined {
    if (instrumentId === this.recentLastId) return this.recentLast;
    const entry = this.last.get(instrumentId);
    if (entry !== undefined) {
      this.recentLastId = instrumentId;
      this.recentLast = entry;
    }
    return entry;
  }

  /** Entries are updated in place: a price per trade must not cost an object per trade. */
  private setLast(instrumentId: string, price: Price, ts: UnixNanos, fromQuote = false): void {
    const entry = this.lastEntry(instrumentId);
    if (entry) {
      // The same value at the same scale leaves everything derived from it as it was.
      if (entry.price.units !== price.units || entry.price.scale !== price.scale) this.marks++;
      entry.price = price;
      entry.ts = ts;
      entry.fromQuote = fromQuote;
    } else {
      this.last.set(instrumentId, { price, ts, fromQuote });
      this.marks++;
    }
  }
}

interface LastPrice {
  price: Price;
  ts: UnixNanos;
  /** A mid from quotes, replaced by every quote until a trade or bar prints. */
  fromQuote: boolean;
}

const TWO = Decimal.from(2);

/**
 * (bid + ask) / 2 at one decimal more than the bid, rounded half-even. Computed on the units, as
 * `bid.add(ask).div(TWO, scale)` would, without its two intermediate Decimals: this runs per quote.
 * A mid equal to `previous` is `previous` itself (prices are immutable), so an unchanged mid allocates
 * nothing at all.
 */
function midOf(q: QuoteTick, previous: Price | undefined): Price {
  const bid = q.bidPrice;
  const ask = q.askPrice;
  const scale = bid.precision + 1;
  // Past the finest price scale, the Decimal route reports the error as it always has.
  if (scale > MAX_SCALE) return Price.from(bid.add(ask).div(TWO, scale));
  const s = Math.max(bid.scale, ask.scale);
  const sum =
    rescaleUnits(bid.units, bid.scale, s, Rounding.DOWN) +
    rescaleUnits(ask.units, ask.scale, s, Rounding.DOWN);
  // Rescaling to s only ever raises a scale, so the rounding mode above is never used.
  const units =
    scale >= s
      ? divRound(sum * pow10(scale - s), 2n, Rounding.HALF_EVEN)
      : divRound(sum, 2n * pow10(s - scale), Rounding.HALF_EVEN);
  if (previous !== undefined && previous.units === units && previous.scale === scale) return previous;
  return Price.fromUnits(units, scale);
}

function matches(o: Order, f: OrderFilter): boolean {
  return (
    (f.accountId === undefined || o.accountId === f.accountId) &&
    (f.botId === undefined || o.botId === f.botId) &&
    (f.instrumentId === undefined || o.instrumentId === f.instrumentId)
  );
}

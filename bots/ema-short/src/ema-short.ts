import {
  Decimal,
  Ema,
  OrderSide,
  OrderType,
  TimeInForce,
  barSubscriptions,
  closingIntent,
  defineBot,
  lastBarType,
  type Bar,
  type Bot,
  type BotContext,
  type BotEvent,
  type BotHealth,
  type MarketSnapshot,
  type OrderIntent,
  type OrderView,
  type StopReason,
} from '@qubit/sdk';
import { emaShortConfig, type EmaShortConfig } from './ema-short-config.js';
import { activeStop, entryQuantity, takeProfitPrice } from './exit-levels.js';

type Ctx = BotContext<EmaShortConfig>;

const EXIT_REASONS: ReadonlySet<string> = new Set(['take_profit', 'stop_loss', 'trailing_stop', 'exit']);

/** What survives a restart for one instrument (ctx.state, JSON): the lowest price since entry and the cooldown. */
interface DurableBook {
  lowest?: string;
  cooldown: number;
}

/** One instrument's indicators and memory; the position itself is always read from ctx.position. */
class InstrumentBook {
  readonly fast: Ema;
  readonly slow: Ema;
  lowest: Decimal | undefined;
  cooldown = 0;
  wasShort = false;
  /** Orders sent at the current position that are not open yet (denied ones are not resent until it changes). */
  readonly sent = new Set<string>();
  sentAt = '';

  constructor(
    readonly instrumentId: string,
    readonly barType: string,
    fastPeriod: number,
    slowPeriod: number,
  ) {
    this.fast = new Ema(fastPeriod);
    this.slow = new Ema(slowPeriod);
  }

  get stateKey(): string {
    return `book:${this.instrumentId}`;
  }

  /** -1 fast below slow, 1 above, 0 equal, undefined while warming up. */
  trend(): -1 | 0 | 1 | undefined {
    const f = this.fast.value;
    const s = this.slow.value;
    if (f === undefined || s === undefined) return undefined;
    return f < s ? -1 : f > s ? 1 : 0;
  }
}

/**
 * Short bias on two EMAs, for each configured instrument on its own. The exact rule, per instrument, on each
 * closed bar:
 * - entry: flat, not cooling down, EMA(fast) < EMA(slow) and close < EMA(fast) → MARKET sell of
 *   order_notional worth (reason entry), filled at the next bar's open;
 * - while short, resting reduce-only BUY exits placed on the close of the bar that filled the entry and kept
 *   up to date: a LIMIT at entry × (1 − take_profit_pct) (take_profit) and a STOP_MARKET that is the
 *   stop-loss at entry × (1 + stop_loss_pct) (stop_loss) until the trailing stop — lowest low since entry ×
 *   (1 + trailing_stop_pct) — is below the entry, and from then on that trailing stop (trailing_stop), moved
 *   down as new lows come;
 * - EMA(fast) > EMA(slow) while short → its exit orders cancelled and a MARKET buy (reason exit);
 * - after the position is flat again the instrument waits cooldown_bars bars before a new entry.
 * The entry price is the position's average price (ctx.position), never a fill the bot counted itself.
 */
export class EmaShortBot implements Bot<EmaShortConfig> {
  private readonly books = new Map<string, InstrumentBook>();

  constructor(private readonly config: EmaShortConfig) {
    for (const id of config.instruments) {
      this.books.set(
        id,
        new InstrumentBook(id, lastBarType(id, config.timeframe), config.fast_period, config.slow_period),
      );
    }
  }

  onStart(ctx: Ctx): void {
    for (const book of this.books.values()) {
      // A restarted bot warms its EMAs on the bars the platform still holds instead of waiting slow_period bars.
      for (const bar of ctx.bars(book.barType)) this.feed(book, bar);
      const saved = ctx.state.get<DurableBook>(book.stateKey);
      if (saved) {
        book.lowest =
          saved.lowest === undefined ? undefined : Decimal.parse(saved.lowest, `${book.stateKey}.lowest`);
        book.cooldown = saved.cooldown;
      }
      book.wasShort = ctx.position(book.instrumentId).signedQty.isNegative();
    }
  }

  onTick(market: MarketSnapshot, ctx: Ctx): OrderIntent[] {
    const bar = market.bar;
    if (!bar) return [];
    const book = this.books.get(market.instrumentId);
    if (!book) return [];
    this.feed(book, bar);
    const out = this.decide(book, bar, ctx);
    ctx.state.set(book.stateKey, {
      lowest: book.lowest?.toString(),
      cooldown: book.cooldown,
    } satisfies DurableBook);
    return out;
  }

  onEvent(event: BotEvent, ctx: Ctx): void {
    if (event.type !== 'OrderDenied' && event.type !== 'OrderRejected') return;
    ctx.metrics.counter('ema_short_orders_refused_total', 1, { symbol: event.instrumentId });
    ctx.log.warn(`order ${event.clientOrderId} on ${event.instrumentId} refused: ${event.reason}`);
    const book = this.books.get(event.instrumentId);
    // A refused entry would be refused again on the next bar: wait as after an exit.
    if (book && ctx.position(book.instrumentId).signedQty.isZero()) book.cooldown = this.config.cooldown_bars;
  }

  onStop(reason: StopReason, ctx: Ctx): OrderIntent[] {
    const out: OrderIntent[] = [];
    for (const book of this.books.values()) {
      const id = book.instrumentId;
      // Pending entries go; the protective exits stay on a restart, so a position is never left unguarded.
      for (const o of ctx.openOrders(id))
        if (reason === 'end_of_data' || o.reason === 'entry') ctx.cancel(o.clientOrderId);
      if (reason !== 'end_of_data') continue;
      out.push(...closingIntent(id, ctx.position(id).signedQty, 'end_of_data'));
    }
    return out;
  }

  health(): BotHealth {
    const books: Record<string, unknown> = {};
    for (const b of this.books.values()) {
      books[b.instrumentId] = {
        fast: b.fast.value,
        slow: b.slow.value,
        lowest: b.lowest?.toString(),
        cooldown: b.cooldown,
      };
    }
    return { ok: true, instruments: books };
  }

  private feed(book: InstrumentBook, bar: Bar): void {
    const close = bar.close.toNumber();
    book.fast.update(close);
    book.slow.update(close);
  }

  private decide(book: InstrumentBook, bar: Bar, ctx: Ctx): OrderIntent[] {
    const id = book.instrumentId;
    const position = ctx.position(id);
    const pos = position.signedQty;
    const positionKey = pos.toString();
    if (positionKey !== book.sentAt) {
      book.sent.clear();
      book.sentAt = positionKey;
    }
    const open = ctx.openOrders(id);
    if (pos.isNegative()) {
      book.wasShort = true;
      return this.manageShort(book, bar, ctx, pos.abs(), position.avgPx ?? bar.close, open);
    }
    if (book.wasShort) {
      book.wasShort = false;
      book.lowest = undefined;
      book.cooldown = this.config.cooldown_bars;
    }
    // Flat (or long, which this bot never opens): exits left by a closed short have nothing to guard.
    for (const o of open) if (EXIT_REASONS.has(o.reason)) this.cancelOnce(book, o, ctx);
    if (book.cooldown > 0) {
      book.cooldown--;
      return [];
    }
    if (!pos.isZero() || open.some((o) => o.reason === 'entry')) return [];
    const fast = book.fast.value;
    if (book.trend() !== -1 || fast === undefined || !(bar.close.toNumber() < fast)) return [];
    const instrument = ctx.instrument(id);
    const notional = Decimal.parse(this.config.notional_by_instrument[id] ?? this.config.order_notional);
    const quantity = entryQuantity(notional, bar.close, instrument);
    if (!quantity) {
      if (!book.sent.has('entry-size'))
        ctx.log.warn(`${id}: ${notional} at ${bar.close} is below one lot or the minimum notional`);
      book.sent.add('entry-size');
      return [];
    }
    return this.once(book, 'entry', { instrumentId: id, side: OrderSide.SELL, quantity, reason: 'entry' });
  }

  private manageShort(
    book: InstrumentBook,
    bar: Bar,
    ctx: Ctx,
    qty: Decimal,
    entry: Decimal,
    open: readonly OrderView[],
  ): OrderIntent[] {
    const id = book.instrumentId;
    const c = this.config;
    const tick = ctx.instrument(id).tickSize;
    const lows = book.lowest ?? entry;
    book.lowest = bar.low.lt(lows) ? bar.low : lows;
    const exits = open.filter((o) => EXIT_REASONS.has(o.reason));
    if (book.trend() === 1) {
      if (exits.some((o) => o.reason === 'exit')) return [];
      for (const o of exits) this.cancelOnce(book, o, ctx);
      return this.once(book, 'exit', {
        instrumentId: id,
        side: OrderSide.BUY,
        quantity: qty,
        reduceOnly: true,
        reason: 'exit',
      });
    }
    const out: OrderIntent[] = [];
    if (!exits.some((o) => o.reason === 'take_profit')) {
      out.push(
        ...this.once(book, 'take_profit', {
          instrumentId: id,
          side: OrderSide.BUY,
          orderType: OrderType.LIMIT,
          price: takeProfitPrice(entry, c.take_profit_pct, tick),
          quantity: qty,
          timeInForce: TimeInForce.GTC,
          reduceOnly: true,
          reason: 'take_profit',
        }),
      );
    }
    const want = activeStop(entry, book.lowest, c.stop_loss_pct, c.trailing_stop_pct, tick);
    const stop = exits.find((o) => o.reason === 'stop_loss' || o.reason === 'trailing_stop');
    if (stop && stop.reason !== want.reason) this.cancelOnce(book, stop, ctx);
    if (!stop || stop.reason !== want.reason) {
      out.push(
        ...this.once(book, want.reason, {
          instrumentId: id,
          side: OrderSide.BUY,
          orderType: OrderType.STOP_MARKET,
          triggerPrice: want.trigger,
          quantity: qty,
          timeInForce: TimeInForce.GTC,
          reduceOnly: true,
          reason: want.reason,
        }),
      );
    } else if (want.reason === 'trailing_stop' && stop.triggerPrice && want.trigger.lt(stop.triggerPrice)) {
      ctx.modify(stop.clientOrderId, { triggerPrice: want.trigger });
    }
    return out;
  }

  /** An intent unless the same one was already sent at this position (then it is open, denied or in flight). */
  private once(book: InstrumentBook, key: string, intent: OrderIntent): OrderIntent[] {
    if (book.sent.has(key)) return [];
    book.sent.add(key);
    return [intent];
  }

  private cancelOnce(book: InstrumentBook, o: OrderView, ctx: Ctx): void {
    const key = `cancel:${o.clientOrderId}`;
    if (book.sent.has(key)) return;
    book.sent.add(key);
    ctx.cancel(o.clientOrderId);
  }
}

export const emaShort = defineBot({
  name: 'ema-short',
  version: '1.0.0',
  description:
    'Short bias on EMA 240/600 per instrument: shorts while the fast EMA is below the slow one and price below the fast; exits by take-profit, stop-loss, trailing stop or a cross back up.',
  configSchema: emaShortConfig,
  subscriptions: (c) => barSubscriptions(c.instruments, c.timeframe),
  create: (c) => new EmaShortBot(c),
});

import {
  AggressorSide,
  NANOS_PER_MILLI,
  Price,
  Quantity,
  TradeId,
  barIntervalNanos,
  type Bar,
  type BarType,
  type BookLevel,
  type InstrumentId,
  type OrderBookSnapshot,
  type QuoteTick,
  type TradeTick,
  type UnixNanos,
} from '@qubit/model';
import type { OHLCV, OrderBook, Trade } from 'ccxt';
import { VenueMessageError } from './venue-message-error.js';

// ccxt's unified structures → the model. ccxt hands prices as JavaScript numbers; where the venue's own
// string is still at hand (a trade's `info`), it is used; otherwise the number is read through its shortest
// round-trip string, which gives back the venue's decimal exactly for anything of ≤15 significant digits
// (every price and size the five venues print).

/** The fields of a trade's raw `info` that hold the venue's price and size strings. */
const TRADE_INFO_FIELDS: Readonly<Record<string, readonly [string, string]>> = {
  binance: ['p', 'q'],
  bybit: ['p', 'v'],
  okx: ['px', 'sz'],
  bitget: ['price', 'size'],
  gate: ['price', 'amount'],
};

export interface MapContext {
  readonly venue: string;
  readonly instrumentId: InstrumentId;
  readonly tsInit: UnixNanos;
}

function fail(ctx: MapContext, kind: string, field: string, value: unknown, reason: string): never {
  throw new VenueMessageError(ctx.venue, kind, field, value, reason);
}

function decimalText(ctx: MapContext, kind: string, field: string, exact: unknown, value: unknown): string {
  if (typeof exact === 'string' && exact !== '') return exact;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return fail(ctx, kind, field, value, 'is not a finite number');
}

function price(ctx: MapContext, kind: string, field: string, value: unknown, exact?: unknown): Price {
  const text = decimalText(ctx, kind, field, exact, value);
  try {
    return typeof exact === 'string' && exact !== ''
      ? Price.from(text, field)
      : Price.from(Number(text), field);
  } catch (e) {
    return fail(ctx, kind, field, value, (e as Error).message);
  }
}

function quantity(ctx: MapContext, kind: string, field: string, value: unknown, exact?: unknown): Quantity {
  const text = decimalText(ctx, kind, field, exact, value);
  try {
    return typeof exact === 'string' && exact !== ''
      ? Quantity.from(text, field)
      : Quantity.from(Number(text), field);
  } catch (e) {
    return fail(ctx, kind, field, value, (e as Error).message);
  }
}

function millis(ctx: MapContext, kind: string, field: string, value: unknown): UnixNanos {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    return fail(ctx, kind, field, value, 'is not a time in epoch milliseconds');
  }
  return BigInt(value) * NANOS_PER_MILLI;
}

/** A ccxt trade as a TradeTick; ccxt's `side` is the taker's. */
export function tradeFromCcxt(trade: Trade, ctx: MapContext): TradeTick {
  const info = (typeof trade.info === 'object' && trade.info !== null ? trade.info : {}) as Record<
    string,
    unknown
  >;
  const [pField, qField] = TRADE_INFO_FIELDS[ctx.venue] ?? ['', ''];
  const side = trade.side;
  const tsEvent = millis(ctx, 'trade', 'timestamp', trade.timestamp);
  const p = price(ctx, 'trade', 'price', trade.price, info[pField]);
  const q = quantity(ctx, 'trade', 'amount', trade.amount, info[qField]);
  const id = trade.id ?? undefined;
  return {
    type: 'TradeTick',
    instrumentId: ctx.instrumentId,
    price: p,
    size: q,
    aggressorSide:
      side === 'buy'
        ? AggressorSide.BUYER
        : side === 'sell'
          ? AggressorSide.SELLER
          : AggressorSide.NO_AGGRESSOR,
    // A venue that numbers no trades still prints each at one time, price and size.
    tradeId: TradeId(
      id !== undefined && id !== '' ? String(id) : `${tsEvent}-${p.toString()}-${q.toString()}`,
    ),
    tsEvent,
    tsInit: ctx.tsInit,
  };
}

/** A ccxt OHLCV row `[openMs, o, h, l, c, v]` as a Bar stamped at its close. */
export function barFromCcxt(row: OHLCV, barType: BarType, ctx: MapContext): Bar {
  const interval = barIntervalNanos(barType);
  if (interval === undefined) return fail(ctx, 'ohlcv', 'barType', barType.aggregation, 'is not a time bar');
  return {
    type: 'Bar',
    barType,
    open: price(ctx, 'ohlcv', '[1] open', row[1]),
    high: price(ctx, 'ohlcv', '[2] high', row[2]),
    low: price(ctx, 'ohlcv', '[3] low', row[3]),
    close: price(ctx, 'ohlcv', '[4] close', row[4]),
    volume: quantity(ctx, 'ohlcv', '[5] volume', row[5]),
    tsEvent: millis(ctx, 'ohlcv', '[0] time', row[0]) + interval,
    tsInit: ctx.tsInit,
  };
}

/** The top `depth` levels of ccxt's book as a snapshot; `sequence` is the venue's nonce where it has one. */
export function bookFromCcxt(
  book: OrderBook,
  depth: number,
  fallbackSequence: number,
  ctx: MapContext,
): OrderBookSnapshot {
  const side = (levels: OrderBook['bids'], name: string): BookLevel[] => {
    if (!Array.isArray(levels)) return fail(ctx, 'orderbook', name, levels, 'is not an array');
    const out: BookLevel[] = [];
    for (let i = 0; i < levels.length && out.length < depth; i++) {
      const level = levels[i]!;
      const size = quantity(ctx, 'orderbook', `${name}[${i}][1]`, level[1]);
      if (size.isZero()) continue;
      out.push({ price: price(ctx, 'orderbook', `${name}[${i}][0]`, level[0]), size });
    }
    return out;
  };
  const time = book.timestamp;
  return {
    type: 'OrderBookSnapshot',
    instrumentId: ctx.instrumentId,
    bids: side(book.bids, 'bids'),
    asks: side(book.asks, 'asks'),
    sequence:
      typeof book.nonce === 'number' && Number.isSafeInteger(book.nonce) ? book.nonce : fallbackSequence,
    tsEvent: typeof time === 'number' ? millis(ctx, 'orderbook', 'timestamp', time) : ctx.tsInit,
    tsInit: ctx.tsInit,
  };
}

/** The best bid and ask of a snapshot as a quote; undefined while either side is empty. */
export function quoteFromBook(book: OrderBookSnapshot): QuoteTick | undefined {
  const bid = book.bids[0];
  const ask = book.asks[0];
  if (!bid || !ask) return undefined;
  return {
    type: 'QuoteTick',
    instrumentId: book.instrumentId,
    bidPrice: bid.price,
    bidSize: bid.size,
    askPrice: ask.price,
    askSize: ask.size,
    tsEvent: book.tsEvent,
    tsInit: book.tsInit,
  };
}

import {
  AggressorSide,
  BarAggregation,
  BookAction,
  ModelError,
  NANOS_PER_MILLI,
  OrderSide,
  Price,
  Quantity,
  TradeId,
  barIntervalNanos,
  makeBarType,
  type Bar,
  type BookLevel,
  type InstrumentId,
  type OrderBookDelta,
  type OrderBookDeltas,
  type OrderBookSnapshot,
  type QuoteTick,
  type TradeTick,
  type UnixNanos,
} from '@qubit/model';
import { VenueMessageError } from './venue-message-error.js';

// The raw payloads of Binance, Bybit and OKX, read straight from the venue's JSON. Prices and sizes come
// from the venue's strings, never through a float; times are the venue's epoch milliseconds as nanoseconds.
// Venue types keep their venue prefix and stay in this file (ARCHITECTURE.md §6).

/** Who the parsed data is for and when it arrived. */
export interface ParseContext {
  readonly instrumentId: InstrumentId;
  /** When we received the message (the clock's). */
  readonly tsInit: UnixNanos;
}

/** A venue bar and whether the venue says it has closed (an open bar is the partial current bar). */
export interface ParsedBar {
  readonly bar: Bar;
  readonly closed: boolean;
}

/** One Binance diff-depth event: its update-id range and the changes, ready for `BinanceBookSync`. */
export interface BinanceDepthDiff {
  readonly symbol: string;
  /** First update id in the event (`U`). */
  readonly firstUpdateId: number;
  /** Final update id in the event (`u`); the deltas carry it as their sequence. */
  readonly finalUpdateId: number;
  /** Final update id of the previous event (`pu`), sent by futures streams only. */
  readonly previousFinalUpdateId?: number;
  readonly deltas: OrderBookDeltas;
}

/** A Bybit or OKX book message: the whole book or changes to it, with the venue's sequence. */
export type BookMessage =
  | { readonly kind: 'snapshot'; readonly snapshot: OrderBookSnapshot; readonly previousSequence?: number }
  | { readonly kind: 'delta'; readonly deltas: OrderBookDeltas; readonly previousSequence?: number };

type BinanceTradeKind = 'trade' | 'aggTrade';

/** Reads fields of one message, turning every failure into a VenueMessageError naming venue, kind and field. */
class MessageReader {
  constructor(
    readonly venue: string,
    readonly kind: string,
  ) {}

  fail(field: string, value: unknown, reason: string): never {
    throw new VenueMessageError(this.venue, this.kind, field, value, reason);
  }

  object(value: unknown, field: string): Record<string, unknown> {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.fail(field, value, 'is not an object');
    }
    return value as Record<string, unknown>;
  }

  array(value: unknown, field: string): readonly unknown[] {
    if (!Array.isArray(value)) this.fail(field, value, 'is not an array');
    return value;
  }

  string(value: unknown, field: string): string {
    if (typeof value !== 'string' || value === '') this.fail(field, value, 'is not a non-empty string');
    return value;
  }

  /** An integer the venue sends as a JSON number or a digit string (OKX). */
  integer(value: unknown, field: string): number {
    if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
    if (typeof value === 'string' && /^-?\d{1,15}$/.test(value)) return Number(value);
    return this.fail(field, value, 'is not an integer');
  }

  /** Epoch milliseconds (number or digit string) as nanoseconds, exactly. */
  millis(value: unknown, field: string): UnixNanos {
    const ms = this.integer(value, field);
    if (ms < 0) this.fail(field, value, 'is a negative time');
    return BigInt(ms) * NANOS_PER_MILLI;
  }

  price(value: unknown, field: string): Price {
    if (typeof value !== 'string') this.fail(field, value, 'is not a decimal string');
    try {
      return Price.from(value, field);
    } catch (e) {
      return this.fail(field, value, reasonOf(e));
    }
  }

  quantity(value: unknown, field: string): Quantity {
    if (typeof value !== 'string') this.fail(field, value, 'is not a decimal string');
    try {
      return Quantity.from(value, field);
    } catch (e) {
      return this.fail(field, value, reasonOf(e));
    }
  }

  boolean(value: unknown, field: string): boolean {
    if (typeof value !== 'boolean') this.fail(field, value, 'is not true or false');
    return value;
  }
}

function reasonOf(e: unknown): string {
  return e instanceof ModelError ? e.reason : e instanceof Error ? e.message : String(e);
}

/** Binance's combined streams wrap each payload as `{stream, data}`; single streams send it bare. */
function unwrapBinance(message: unknown, r: MessageReader): Record<string, unknown> {
  const m = r.object(message, 'message');
  return 'stream' in m && 'data' in m ? r.object(m.data, 'data') : m;
}

// ---------------------------------------------------------------------------------------------- Binance

/** A Binance `trade` or `aggTrade` event (spot or futures). `m` true means the buyer was the maker. */
export function parseBinanceTrade(message: unknown, ctx: ParseContext): TradeTick {
  const probe = new MessageReader('binance', 'trade');
  const m = unwrapBinance(message, probe);
  const kind = m.e as BinanceTradeKind;
  if (kind !== 'trade' && kind !== 'aggTrade') probe.fail('e', m.e, 'is not "trade" or "aggTrade"');
  const r = new MessageReader('binance', kind);
  const id = kind === 'trade' ? r.integer(m.t, 't') : r.integer(m.a, 'a');
  return {
    type: 'TradeTick',
    instrumentId: ctx.instrumentId,
    price: r.price(m.p, 'p'),
    size: r.quantity(m.q, 'q'),
    aggressorSide: r.boolean(m.m, 'm') ? AggressorSide.SELLER : AggressorSide.BUYER,
    tradeId: TradeId(String(id)),
    tsEvent: r.millis(m.T, 'T'),
    tsInit: ctx.tsInit,
  };
}

/**
 * A Binance `bookTicker` event. Spot streams recorded before 2022 carry no event time; the quote is then
 * stamped with its arrival time, as nothing better exists.
 */
export function parseBinanceBookTicker(message: unknown, ctx: ParseContext): QuoteTick {
  const r = new MessageReader('binance', 'bookTicker');
  const m = unwrapBinance(message, r);
  const time = m.T ?? m.E;
  return {
    type: 'QuoteTick',
    instrumentId: ctx.instrumentId,
    bidPrice: r.price(m.b, 'b'),
    bidSize: r.quantity(m.B, 'B'),
    askPrice: r.price(m.a, 'a'),
    askSize: r.quantity(m.A, 'A'),
    tsEvent: time === undefined ? ctx.tsInit : r.millis(time, m.T !== undefined ? 'T' : 'E'),
    tsInit: ctx.tsInit,
  };
}

/** A Binance `kline` event; `k.x` says whether the bar has closed. */
export function parseBinanceKline(message: unknown, ctx: ParseContext): ParsedBar {
  const r = new MessageReader('binance', 'kline');
  const m = unwrapBinance(message, r);
  const k = r.object(m.k, 'k');
  const interval = r.string(k.i, 'k.i');
  return ohlcv(r, ctx, {
    interval: binanceInterval(r, interval, 'k.i'),
    open: [k.t, 'k.t'],
    o: [k.o, 'k.o'],
    h: [k.h, 'k.h'],
    l: [k.l, 'k.l'],
    c: [k.c, 'k.c'],
    v: [k.v, 'k.v'],
    closed: r.boolean(k.x, 'k.x'),
  });
}

/** A Binance `depthUpdate` (diff depth) event, spot or futures. */
export function parseBinanceDepthUpdate(message: unknown, ctx: ParseContext): BinanceDepthDiff {
  const r = new MessageReader('binance', 'depthUpdate');
  const m = unwrapBinance(message, r);
  if (m.e !== 'depthUpdate') r.fail('e', m.e, 'is not "depthUpdate"');
  const firstUpdateId = r.integer(m.U, 'U');
  const finalUpdateId = r.integer(m.u, 'u');
  if (finalUpdateId < firstUpdateId) r.fail('u', m.u, `is below U (${firstUpdateId})`);
  const deltas = [...levelDeltas(r, m.b, 'b', OrderSide.BUY), ...levelDeltas(r, m.a, 'a', OrderSide.SELL)];
  return {
    symbol: r.string(m.s, 's'),
    firstUpdateId,
    finalUpdateId,
    ...(m.pu !== undefined ? { previousFinalUpdateId: r.integer(m.pu, 'pu') } : {}),
    deltas: {
      type: 'OrderBookDeltas',
      instrumentId: ctx.instrumentId,
      deltas,
      sequence: finalUpdateId,
      tsEvent: r.millis(m.E, 'E'),
      tsInit: ctx.tsInit,
    },
  };
}

/** A Binance REST depth snapshot (`GET /api/v3/depth`, `/fapi/v1/depth`): its sequence is `lastUpdateId`. */
export function parseBinanceDepthSnapshot(message: unknown, ctx: ParseContext): OrderBookSnapshot {
  const r = new MessageReader('binance', 'depth');
  const m = r.object(message, 'message');
  const time = m.T ?? m.E;
  return {
    type: 'OrderBookSnapshot',
    instrumentId: ctx.instrumentId,
    bids: levels(r, m.bids, 'bids'),
    asks: levels(r, m.asks, 'asks'),
    sequence: r.integer(m.lastUpdateId, 'lastUpdateId'),
    tsEvent: time === undefined ? ctx.tsInit : r.millis(time, m.T !== undefined ? 'T' : 'E'),
    tsInit: ctx.tsInit,
  };
}

function binanceInterval(r: MessageReader, text: string, field: string): [number, BarAggregation] {
  const match = /^(\d+)([smhdw])$/.exec(text);
  if (!match) return r.fail(field, text, 'is not an interval such as 1m, 4h or 1d');
  const n = Number(match[1]);
  switch (match[2]) {
    case 's':
      return [n, BarAggregation.SECOND];
    case 'm':
      return [n, BarAggregation.MINUTE];
    case 'h':
      return [n, BarAggregation.HOUR];
    case 'd':
      return [n, BarAggregation.DAY];
    default:
      return [n * 7, BarAggregation.DAY];
  }
}

// ------------------------------------------------------------------------------------------------ Bybit

/** A Bybit v5 `publicTrade` message: one or more trades; `S` is the taker's side. */
export function parseBybitTrades(message: unknown, ctx: ParseContext): TradeTick[] {
  const r = new MessageReader('bybit', 'publicTrade');
  const m = r.object(message, 'message');
  return r.array(m.data, 'data').map((item, i) => {
    const t = r.object(item, `data[${i}]`);
    return {
      type: 'TradeTick',
      instrumentId: ctx.instrumentId,
      price: r.price(t.p, `data[${i}].p`),
      size: r.quantity(t.v, `data[${i}].v`),
      aggressorSide: takerSide(r, t.S, `data[${i}].S`, 'Buy', 'Sell'),
      tradeId: TradeId(r.string(t.i, `data[${i}].i`)),
      tsEvent: r.millis(t.T, `data[${i}].T`),
      tsInit: ctx.tsInit,
    } satisfies TradeTick;
  });
}

/** A Bybit v5 `kline` message; `confirm` says whether the bar has closed. */
export function parseBybitKlines(message: unknown, ctx: ParseContext): ParsedBar[] {
  const r = new MessageReader('bybit', 'kline');
  const m = r.object(message, 'message');
  return r.array(m.data, 'data').map((item, i) => {
    const k = r.object(item, `data[${i}]`);
    const f = `data[${i}]`;
    return ohlcv(r, ctx, {
      interval: bybitInterval(r, r.string(k.interval, `${f}.interval`), `${f}.interval`),
      open: [k.start, `${f}.start`],
      o: [k.open, `${f}.open`],
      h: [k.high, `${f}.high`],
      l: [k.low, `${f}.low`],
      c: [k.close, `${f}.close`],
      v: [k.volume, `${f}.volume`],
      closed: r.boolean(k.confirm, `${f}.confirm`),
    });
  });
}

/**
 * A Bybit v5 `orderbook.N` message. A snapshot replaces the book; a delta's size "0" deletes the level.
 * `u` is the update id: each delta must follow the previous message's `u` by one, otherwise a gap.
 */
export function parseBybitOrderBook(message: unknown, ctx: ParseContext): BookMessage {
  const r = new MessageReader('bybit', 'orderbook');
  const m = r.object(message, 'message');
  const d = r.object(m.data, 'data');
  const sequence = r.integer(d.u, 'data.u');
  const tsEvent = r.millis(m.ts, 'ts');
  if (m.type === 'snapshot') {
    return {
      kind: 'snapshot',
      snapshot: {
        type: 'OrderBookSnapshot',
        instrumentId: ctx.instrumentId,
        bids: levels(r, d.b, 'data.b'),
        asks: levels(r, d.a, 'data.a'),
        sequence,
        tsEvent,
        tsInit: ctx.tsInit,
      },
    };
  }
  if (m.type !== 'delta') r.fail('type', m.type, 'is not "snapshot" or "delta"');
  return {
    kind: 'delta',
    previousSequence: sequence - 1,
    deltas: {
      type: 'OrderBookDeltas',
      instrumentId: ctx.instrumentId,
      deltas: [
        ...levelDeltas(r, d.b, 'data.b', OrderSide.BUY),
        ...levelDeltas(r, d.a, 'data.a', OrderSide.SELL),
      ],
      sequence,
      tsEvent,
      tsInit: ctx.tsInit,
    },
  };
}

function bybitInterval(r: MessageReader, text: string, field: string): [number, BarAggregation] {
  if (text === 'D') return [1, BarAggregation.DAY];
  if (text === 'W') return [7, BarAggregation.DAY];
  if (!/^[1-9]\d*$/.test(text)) return r.fail(field, text, 'is not an interval such as 1, 60, D or W');
  const minutes = Number(text);
  return minutes % 60 === 0 ? [minutes / 60, BarAggregation.HOUR] : [minutes, BarAggregation.MINUTE];
}

// -------------------------------------------------------------------------------------------------- OKX

/** An OKX v5 `trades` push: one or more trades; `side` is the taker's. */
export function parseOkxTrades(message: unknown, ctx: ParseContext): TradeTick[] {
  const r = new MessageReader('okx', 'trades');
  const m = r.object(message, 'message');
  return r.array(m.data, 'data').map((item, i) => {
    const t = r.object(item, `data[${i}]`);
    return {
      type: 'TradeTick',
      instrumentId: ctx.instrumentId,
      price: r.price(t.px, `data[${i}].px`),
      size: r.quantity(t.sz, `data[${i}].sz`),
      aggressorSide: takerSide(r, t.side, `data[${i}].side`, 'buy', 'sell'),
      tradeId: TradeId(r.string(t.tradeId, `data[${i}].tradeId`)),
      tsEvent: r.millis(t.ts, `data[${i}].ts`),
      tsInit: ctx.tsInit,
    } satisfies TradeTick;
  });
}

/** An OKX v5 `candleXX` push: `[ts, o, h, l, c, vol, volCcy, volCcyQuote, confirm]` per row. */
export function parseOkxCandles(message: unknown, ctx: ParseContext): ParsedBar[] {
  const r = new MessageReader('okx', 'candle');
  const m = r.object(message, 'message');
  const arg = r.object(m.arg, 'arg');
  const channel = r.string(arg.channel, 'arg.channel');
  const interval = okxInterval(r, channel, 'arg.channel');
  return r.array(m.data, 'data').map((item, i) => {
    const row = r.array(item, `data[${i}]`);
    const f = `data[${i}]`;
    const confirm = row[8];
    if (confirm !== '0' && confirm !== '1') r.fail(`${f}[8]`, confirm, 'is not "0" or "1"');
    return ohlcv(r, ctx, {
      interval,
      open: [row[0], `${f}[0]`],
      o: [row[1], `${f}[1]`],
      h: [row[2], `${f}[2]`],
      l: [row[3], `${f}[3]`],
      c: [row[4], `${f}[4]`],
      v: [row[5], `${f}[5]`],
      closed: confirm === '1',
    });
  });
}

/**
 * An OKX v5 `books` push. `action` snapshot replaces the book, update changes it; each update's
 * `prevSeqId` must equal the previous message's `seqId`, otherwise a gap.
 */
export function parseOkxBooks(message: unknown, ctx: ParseContext): BookMessage {
  const r = new MessageReader('okx', 'books');
  const m = r.object(message, 'message');
  const data = r.array(m.data, 'data');
  if (data.length !== 1) r.fail('data', data.length, 'must hold exactly one book');
  const d = r.object(data[0], 'data[0]');
  const sequence = r.integer(d.seqId, 'data[0].seqId');
  const previous = r.integer(d.prevSeqId, 'data[0].prevSeqId');
  const tsEvent = r.millis(d.ts, 'data[0].ts');
  if (m.action === 'snapshot') {
    return {
      kind: 'snapshot',
      snapshot: {
        type: 'OrderBookSnapshot',
        instrumentId: ctx.instrumentId,
        bids: levels(r, d.bids, 'data[0].bids'),
        asks: levels(r, d.asks, 'data[0].asks'),
        sequence,
        tsEvent,
        tsInit: ctx.tsInit,
      },
    };
  }
  if (m.action !== 'update') r.fail('action', m.action, 'is not "snapshot" or "update"');
  return {
    kind: 'delta',
    previousSequence: previous,
    deltas: {
      type: 'OrderBookDeltas',
      instrumentId: ctx.instrumentId,
      deltas: [
        ...levelDeltas(r, d.bids, 'data[0].bids', OrderSide.BUY),
        ...levelDeltas(r, d.asks, 'data[0].asks', OrderSide.SELL),
      ],
      sequence,
      tsEvent,
      tsInit: ctx.tsInit,
    },
  };
}

function okxInterval(r: MessageReader, channel: string, field: string): [number, BarAggregation] {
  const match = /^candle(\d+)([smHDW])(utc)?$/.exec(channel);
  if (!match) return r.fail(field, channel, 'is not a candle channel such as candle1m or candle1D');
  const n = Number(match[1]);
  const unit = match[2];
  if (unit === 's') return [n, BarAggregation.SECOND];
  if (unit === 'm') return [n, BarAggregation.MINUTE];
  if (unit === 'H') return [n, BarAggregation.HOUR];
  if (unit === 'D') return [n, BarAggregation.DAY];
  return [n * 7, BarAggregation.DAY];
}

// ------------------------------------------------------------------------------------------- shared

function takerSide(
  r: MessageReader,
  value: unknown,
  field: string,
  buy: string,
  sell: string,
): AggressorSide {
  if (value === buy) return AggressorSide.BUYER;
  if (value === sell) return AggressorSide.SELLER;
  return r.fail(field, value, `is not "${buy}" or "${sell}"`);
}

/** `[[price, size, ...], ...]` best first, as venues send them; a zero-size level in a snapshot is refused. */
function levels(r: MessageReader, value: unknown, field: string): BookLevel[] {
  return r.array(value, field).map((item, i) => {
    const level = r.array(item, `${field}[${i}]`);
    const size = r.quantity(level[1], `${field}[${i}][1]`);
    if (size.units === 0n) r.fail(`${field}[${i}][1]`, level[1], 'is a zero size in a snapshot');
    return { price: r.price(level[0], `${field}[${i}][0]`), size };
  });
}

/** Level changes: a size of zero deletes the level, any other size sets it. */
function levelDeltas(r: MessageReader, value: unknown, field: string, side: OrderSide): OrderBookDelta[] {
  return r.array(value, field).map((item, i) => {
    const level = r.array(item, `${field}[${i}]`);
    const price = r.price(level[0], `${field}[${i}][0]`);
    const size = r.quantity(level[1], `${field}[${i}][1]`);
    return { action: size.units === 0n ? BookAction.DELETE : BookAction.UPDATE, side, price, size };
  });
}

interface OhlcvFields {
  readonly interval: [number, BarAggregation];
  readonly open: [unknown, string];
  readonly o: [unknown, string];
  readonly h: [unknown, string];
  readonly l: [unknown, string];
  readonly c: [unknown, string];
  readonly v: [unknown, string];
  readonly closed: boolean;
}

/**
 * A bar stamped at its close (open time + interval), as the model's Bar is. Open/close outside high/low is
 * passed on as the venue sent it (Binance's own fixtures have such bars): the venue is the record.
 */
function ohlcv(r: MessageReader, ctx: ParseContext, f: OhlcvFields): ParsedBar {
  let barType;
  try {
    barType = makeBarType(ctx.instrumentId, f.interval[0], f.interval[1]);
  } catch (e) {
    return r.fail('interval', f.interval.join(' '), reasonOf(e));
  }
  const open = r.price(...f.o);
  const high = r.price(...f.h);
  const low = r.price(...f.l);
  const close = r.price(...f.c);
  const openedAt = r.millis(...f.open);
  return {
    bar: {
      type: 'Bar',
      barType,
      open,
      high,
      low,
      close,
      volume: r.quantity(...f.v),
      tsEvent: openedAt + (barIntervalNanos(barType) ?? 0n),
      tsInit: ctx.tsInit,
    },
    closed: f.closed,
  };
}

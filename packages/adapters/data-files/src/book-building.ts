import {
  BookAction,
  OrderSide,
  type BookLevel,
  type InstrumentId,
  type OrderBookDelta,
  type OrderBookDeltas,
  type OrderBookSnapshot,
  type UnixNanos,
} from '@qubit/model';
import type { DataFileLocation } from './data-file-error.js';
import type { ReadContext } from './read-context.js';
import { inTimeOrder } from './time-order.js';

/** What a book file yields: whole books where the file has them, changes otherwise. */
export type BookData = OrderBookSnapshot | OrderBookDeltas;

/** One snapshot or one batch of changes, before it is checked for time order. */
export interface BookItem {
  readonly at: DataFileLocation;
  readonly ts: UnixNanos;
  readonly data: BookData;
}

/** A snapshot with bids best (highest) first and asks best (lowest) first; empty levels dropped. */
export function snapshot(
  instrumentId: InstrumentId,
  bids: BookLevel[],
  asks: BookLevel[],
  sequence: number,
  tsEvent: UnixNanos,
  tsInit: UnixNanos,
): OrderBookSnapshot {
  const live = (l: BookLevel): boolean => !l.size.isZero();
  return {
    type: 'OrderBookSnapshot',
    instrumentId,
    bids: bids.filter(live).sort((x, y) => y.price.cmp(x.price)),
    asks: asks.filter(live).sort((x, y) => x.price.cmp(y.price)),
    sequence,
    tsEvent,
    tsInit,
  };
}

/** A level change as venues send it: size zero deletes the level, anything else sets it. */
export function levelDelta(side: OrderSide, level: BookLevel): OrderBookDelta {
  return {
    action: level.size.isZero() ? BookAction.DELETE : BookAction.UPDATE,
    side,
    price: level.price,
    size: level.size,
  };
}

export function sideOf(text: string): OrderSide | undefined {
  const t = text.trim().toLowerCase();
  if (t === 'b' || t === 'bid' || t === 'bids' || t === 'buy') return OrderSide.BUY;
  if (t === 'a' || t === 'ask' || t === 'asks' || t === 'sell') return OrderSide.SELL;
  return undefined;
}

/** A sequence number must fit a JavaScript number exactly. */
export function sequenceOf(text: string): number | undefined {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return undefined;
  const n = Number(t);
  return Number.isSafeInteger(n) ? n : undefined;
}

export function orderedBook(items: BookItem[], ctx: ReadContext): BookData[] {
  if (items.length === 0) throw ctx.error(undefined, 'has no data rows');
  return inTimeOrder(items, ctx.file, ctx.options.sort ?? false).map((i) => i.data);
}

import { OrderSide, type BookLevel } from '@qubit/model';
import { CellError } from './cell-error.js';
import {
  levelDelta,
  orderedBook,
  sequenceOf,
  sideOf,
  snapshot,
  type BookData,
  type BookItem,
} from './book-building.js';
import type { DataFileLocation } from './data-file-error.js';
import type { ReadContext } from './read-context.js';

interface Row {
  readonly at: DataFileLocation;
  readonly ts: bigint;
  readonly updateId: number;
  readonly type: 'snap' | 'set';
  readonly side: OrderSide;
  readonly level: BookLevel;
}

/**
 * Binance USDT-M depth CSV as nautilus records it (symbol, timestamp, first_update_id, last_update_id,
 * side b/a, update_type snap/set, price, qty, pu). Consecutive rows of one update (same timestamp,
 * last_update_id and type) form one message: `snap` rows a whole OrderBookSnapshot, `set` rows an
 * OrderBookDeltas in which qty 0 deletes the level. `sequence` is Binance's last_update_id.
 */
export function readBinanceDepth(ctx: ReadContext): { data: BookData[]; rows: number } {
  const { grid, table, options } = ctx;
  const time = ctx.timeColumn(['timestamp']);
  const u = ctx.require(['last_update_id', 'first_update_id'], 'update id');
  const typeCol = ctx.require(['update_type'], 'update_type');
  const sideCol = ctx.require(['side'], 'side');
  const p = ctx.require(['price'], 'price');
  const q = ctx.require(['qty'], 'qty');
  const rows: Row[] = table.records.map((rec) => {
    ctx.checkWidth(rec);
    return {
      at: rec.at,
      ts: time.read(rec),
      updateId: ctx.convert(rec, u, (t) => sequenceOf(t) ?? fail(`"${t}" is not an update id below 2^53`)),
      type: ctx.convert(rec, typeCol, (t) => {
        const v = t.trim().toLowerCase();
        if (v === 'snap' || v === 'set') return v;
        throw new CellError(`"${t}" is not snap or set`);
      }),
      side: ctx.convert(rec, sideCol, (t) => sideOf(t) ?? fail(`"${t}" is not b or a`)),
      level: {
        price: ctx.convert(rec, p, (t) => grid.price(t)),
        size: ctx.convert(rec, q, (t) => grid.quantity(t)),
      },
    };
  });
  const id = options.instrument.id;
  const items: BookItem[] = [];
  for (let i = 0; i < rows.length;) {
    const head = rows[i]!;
    let j = i + 1;
    while (
      j < rows.length &&
      rows[j]!.ts === head.ts &&
      rows[j]!.updateId === head.updateId &&
      rows[j]!.type === head.type
    )
      j++;
    const group = rows.slice(i, j);
    if (head.type === 'snap') {
      const bids = group.filter((r) => r.side === OrderSide.BUY).map((r) => r.level);
      const asks = group.filter((r) => r.side === OrderSide.SELL).map((r) => r.level);
      items.push({
        at: head.at,
        ts: head.ts,
        data: snapshot(id, bids, asks, head.updateId, head.ts, head.ts),
      });
    } else {
      items.push({
        at: head.at,
        ts: head.ts,
        data: {
          type: 'OrderBookDeltas',
          instrumentId: id,
          deltas: group.map((r) => levelDelta(r.side, r.level)),
          sequence: head.updateId,
          tsEvent: head.ts,
          tsInit: head.ts,
        },
      });
    }
    i = j;
  }
  return { data: orderedBook(items, ctx), rows: rows.length };
}

function fail(reason: string): never {
  throw new CellError(reason);
}

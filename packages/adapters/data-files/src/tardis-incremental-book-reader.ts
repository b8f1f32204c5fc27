import { OrderSide, type BookLevel, type OrderBookDelta } from '@qubit/model';
import { CellError } from './cell-error.js';
import { levelDelta, orderedBook, sideOf, snapshot, type BookData, type BookItem } from './book-building.js';
import type { DataFileLocation } from './data-file-error.js';
import type { ReadContext } from './read-context.js';

interface Row {
  readonly at: DataFileLocation;
  readonly ts: bigint;
  readonly tsInit: bigint;
  readonly isSnapshot: boolean;
  readonly side: OrderSide;
  readonly level: BookLevel;
}

/**
 * Tardis incremental_book_L2 CSV (one level per row) to book data. Consecutive rows with the same
 * timestamps and is_snapshot flag form one message: a run of is_snapshot=true rows is a whole book
 * (OrderBookSnapshot; Tardis sends one at the start and after each reconnection), a run of changes is
 * an OrderBookDeltas where amount 0 deletes the level. `sequence` counts messages (1, 2, …).
 */
export function readTardisIncrementalBook(ctx: ReadContext): { data: BookData[]; rows: number } {
  const { grid, table, options } = ctx;
  const time = ctx.timeColumn(['timestamp']);
  const local = ctx.timeColumn(['local_timestamp']);
  const snap = ctx.require(['is_snapshot'], 'is_snapshot');
  const sideCol = ctx.require(['side'], 'side');
  const p = ctx.require(['price'], 'price');
  const a = ctx.require(['amount'], 'amount');
  const rows: Row[] = table.records.map((rec) => {
    ctx.checkWidth(rec);
    return {
      at: rec.at,
      ts: time.read(rec),
      tsInit: local.read(rec),
      isSnapshot: ctx.convert(rec, snap, booleanOf),
      side: ctx.convert(rec, sideCol, (t) => sideOf(t) ?? fail(`"${t}" is not bid or ask`)),
      level: {
        price: ctx.convert(rec, p, (t) => grid.price(t)),
        size: ctx.convert(rec, a, (t) => grid.quantity(t)),
      },
    };
  });
  const items: BookItem[] = [];
  const id = options.instrument.id;
  for (let i = 0; i < rows.length;) {
    const head = rows[i]!;
    let j = i + 1;
    while (
      j < rows.length &&
      rows[j]!.ts === head.ts &&
      rows[j]!.tsInit === head.tsInit &&
      rows[j]!.isSnapshot === head.isSnapshot
    )
      j++;
    const group = rows.slice(i, j);
    const sequence = items.length + 1;
    if (head.isSnapshot) {
      const bids = group.filter((r) => r.side === OrderSide.BUY).map((r) => r.level);
      const asks = group.filter((r) => r.side === OrderSide.SELL).map((r) => r.level);
      items.push({
        at: head.at,
        ts: head.ts,
        data: snapshot(id, bids, asks, sequence, head.ts, head.tsInit),
      });
    } else {
      const deltas: OrderBookDelta[] = group.map((r) => levelDelta(r.side, r.level));
      items.push({
        at: head.at,
        ts: head.ts,
        data: {
          type: 'OrderBookDeltas',
          instrumentId: id,
          deltas,
          sequence,
          tsEvent: head.ts,
          tsInit: head.tsInit,
        },
      });
    }
    i = j;
  }
  return { data: orderedBook(items, ctx), rows: rows.length };
}

function booleanOf(text: string): boolean {
  const t = text.trim().toLowerCase();
  if (t === 'true' || t === '1') return true;
  if (t === 'false' || t === '0') return false;
  throw new CellError(`"${text}" is not true or false`);
}

function fail(reason: string): never {
  throw new CellError(reason);
}

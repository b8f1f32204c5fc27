import type { BookLevel } from '@qubit/model';
import { isMissing } from './decimal-text.js';
import { orderedBook, snapshot, type BookData, type BookItem } from './book-building.js';
import type { ReadContext } from './read-context.js';

/**
 * Tardis book_snapshot_N CSV (wide: asks[i].price, asks[i].amount, bids[i].price, bids[i].amount) to one
 * OrderBookSnapshot per row; a blank level ends that side (books thinner than N). Tardis gives no
 * sequence numbers, so `sequence` is the row's position in the file (1, 2, …).
 */
export function readTardisBookSnapshots(ctx: ReadContext): { data: BookData[]; rows: number } {
  const { grid, table, options } = ctx;
  const time = ctx.timeColumn(['timestamp']);
  const local = ctx.timeColumn(['local_timestamp']);
  const side = (name: 'asks' | 'bids'): Array<[number, number]> => {
    const levels: Array<[number, number]> = [];
    for (let i = 0; ; i++) {
      const p = ctx.find([`${name}[${i}].price`]);
      const a = ctx.find([`${name}[${i}].amount`]);
      if (p === undefined || a === undefined) return levels;
      levels.push([p, a]);
    }
  };
  const askCols = side('asks');
  const bidCols = side('bids');
  const items: BookItem[] = [];
  table.records.forEach((rec, i) => {
    ctx.checkWidth(rec);
    const levels = (cols: Array<[number, number]>): BookLevel[] => {
      const out: BookLevel[] = [];
      for (const [p, a] of cols) {
        if (isMissing(ctx.cell(rec, p))) break;
        out.push({
          price: ctx.convert(rec, p, (t) => grid.price(t)),
          size: ctx.convert(rec, a, (t) => grid.quantity(t)),
        });
      }
      return out;
    };
    const ts = time.read(rec);
    const data = snapshot(
      options.instrument.id,
      levels(bidCols),
      levels(askCols),
      i + 1,
      ts,
      local.read(rec),
    );
    items.push({ at: rec.at, ts, data });
  });
  return { data: orderedBook(items, ctx), rows: table.records.length };
}

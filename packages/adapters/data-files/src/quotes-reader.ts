import type { Price, Quantity, QuoteTick, UnixNanos } from '@qubit/model';
import type { DataFileLocation } from './data-file-error.js';
import { ASK_NAMES, ASK_SIZE_NAMES, BID_NAMES, BID_SIZE_NAMES } from './layout.js';
import type { ReadContext } from './read-context.js';
import { inTimeOrder } from './time-order.js';

interface QuoteRow {
  readonly at: DataFileLocation;
  readonly ts: UnixNanos;
  readonly tsInit: UnixNanos;
  readonly bid: Price;
  readonly ask: Price;
  readonly bidSize: Quantity;
  readonly askSize: Quantity;
}

/**
 * Best bid/ask rows to QuoteTicks. Files without sizes (TrueFX, HistData) get `defaultQuoteSize`
 * (zero unless given) on both sides, with a note. Several quotes may share an instant.
 */
export function readQuotes(ctx: ReadContext): { data: QuoteTick[]; rows: number } {
  const { grid, table, options } = ctx;
  const time = ctx.timeColumn();
  const initTime =
    ctx.find(['local_timestamp', 'ts_init']) === undefined
      ? undefined
      : ctx.timeColumn(['local_timestamp', 'ts_init']);
  const b = ctx.require(BID_NAMES, 'bid');
  const a = ctx.require(ASK_NAMES, 'ask');
  const bs = ctx.find(BID_SIZE_NAMES);
  const as = ctx.find(ASK_SIZE_NAMES);
  let defaultSize: Quantity | undefined;
  if (bs === undefined || as === undefined) {
    try {
      defaultSize =
        options.defaultQuoteSize === undefined
          ? grid.zeroQuantity()
          : grid.quantity(options.defaultQuoteSize);
    } catch (e) {
      throw ctx.error(undefined, `defaultQuoteSize: ${e instanceof Error ? e.message : String(e)}`);
    }
    ctx.notes.push(`the file has no quote sizes: sizes are ${defaultSize} (defaultQuoteSize)`);
  }
  const rows: QuoteRow[] = [];
  for (const rec of table.records) {
    ctx.checkWidth(rec);
    const ts = time.read(rec);
    rows.push({
      at: rec.at,
      ts,
      tsInit: initTime ? initTime.read(rec) : ts,
      bid: ctx.convert(rec, b, (t) => grid.price(t)),
      ask: ctx.convert(rec, a, (t) => grid.price(t)),
      bidSize: bs === undefined ? defaultSize! : ctx.convert(rec, bs, (t) => grid.quantity(t)),
      askSize: as === undefined ? defaultSize! : ctx.convert(rec, as, (t) => grid.quantity(t)),
    });
  }
  if (rows.length === 0) throw ctx.error(undefined, 'has no data rows');
  const id = options.instrument.id;
  const data = inTimeOrder(rows, ctx.file, options.sort ?? false).map((r): QuoteTick => ({
    type: 'QuoteTick',
    instrumentId: id,
    bidPrice: r.bid,
    askPrice: r.ask,
    bidSize: r.bidSize,
    askSize: r.askSize,
    tsEvent: r.ts,
    tsInit: r.tsInit,
  }));
  return { data, rows: rows.length };
}

import {
  AggressorSide,
  TradeId,
  type Price,
  type Quantity,
  type TradeTick,
  type UnixNanos,
} from '@qubit/model';
import { CellError } from './cell-error.js';
import type { DataFileLocation } from './data-file-error.js';
import { PRICE_NAMES, SIZE_NAMES } from './layout.js';
import type { ReadContext } from './read-context.js';
import { inTimeOrder, where } from './time-order.js';

interface TradeRow {
  readonly at: DataFileLocation;
  readonly ts: UnixNanos;
  readonly tsInit: UnixNanos;
  readonly price: Price;
  readonly size: Quantity;
  readonly aggressor: AggressorSide;
  readonly id: string | undefined;
}

/**
 * Trade lists to TradeTicks. The aggressor comes from a side column (the taker's side: buy → BUYER) or
 * from Binance's buyer_maker flag (true → the seller took liquidity → SELLER); without either it is
 * NO_AGGRESSOR. Files without trade ids (Kraken) get `<tsEvent ns>-<n>`, n counting trades at the
 * same instant. A receive-time column (tardis local_timestamp) gives tsInit, else tsInit = tsEvent.
 */
export function readTrades(ctx: ReadContext): { data: TradeTick[]; rows: number } {
  const { grid, table, options } = ctx;
  const time = ctx.timeColumn();
  const initTime =
    ctx.find(['local_timestamp', 'ts_init']) === undefined
      ? undefined
      : ctx.timeColumn(['local_timestamp', 'ts_init']);
  const p = ctx.require(PRICE_NAMES, 'price');
  const s = ctx.require(SIZE_NAMES, 'quantity');
  const idCol = ctx.find(['trade_id', 'id', 'tradeid', 'tid']);
  const sideCol = ctx.find(['side', 'taker_side', 'aggressor_side']);
  const makerCol =
    sideCol === undefined ? ctx.find(['buyer_maker', 'is_buyer_maker', 'isbuyermaker', 'm']) : undefined;
  const rows: TradeRow[] = [];
  for (const rec of table.records) {
    ctx.checkWidth(rec);
    const ts = time.read(rec);
    rows.push({
      at: rec.at,
      ts,
      tsInit: initTime ? initTime.read(rec) : ts,
      price: ctx.convert(rec, p, (t) => grid.price(t)),
      size: ctx.convert(rec, s, (t) => grid.quantity(t)),
      aggressor:
        sideCol !== undefined
          ? ctx.convert(rec, sideCol, aggressorFromSide)
          : makerCol !== undefined
            ? ctx.convert(rec, makerCol, aggressorFromBuyerMaker)
            : AggressorSide.NO_AGGRESSOR,
      id: idCol === undefined ? undefined : ctx.convert(rec, idCol, (t) => TradeId(t.trim(), 'trade id')),
    });
  }
  if (rows.length === 0) throw ctx.error(undefined, 'has no data rows');
  const ordered = inTimeOrder(rows, ctx.file, options.sort ?? false);
  const unique = idCol === undefined ? ordered : dropDuplicateIds(ordered, ctx);
  if (idCol === undefined) ctx.notes.push('the file has no trade ids: ids are <tsEvent ns>-<n>');
  if (sideCol === undefined && makerCol === undefined)
    ctx.notes.push('the file has no side: aggressor NO_AGGRESSOR');
  const id = options.instrument.id;
  let sameInstant = 0;
  const data = unique.map((r, i): TradeTick => {
    sameInstant = i > 0 && unique[i - 1]!.ts === r.ts ? sameInstant + 1 : 0;
    return {
      type: 'TradeTick',
      instrumentId: id,
      price: r.price,
      size: r.size,
      aggressorSide: r.aggressor,
      tradeId: TradeId(r.id ?? `${r.ts}-${sameInstant}`),
      tsEvent: r.ts,
      tsInit: r.tsInit,
    };
  });
  return { data, rows: rows.length };
}

function aggressorFromSide(text: string): AggressorSide {
  const t = text.trim().toLowerCase();
  if (t === 'buy' || t === 'b' || t === 'buyer') return AggressorSide.BUYER;
  if (t === 'sell' || t === 's' || t === 'seller') return AggressorSide.SELLER;
  if (t === '' || t === 'none' || t === 'unknown') return AggressorSide.NO_AGGRESSOR;
  throw new CellError(`"${text}" is not a side (buy or sell)`);
}

function aggressorFromBuyerMaker(text: string): AggressorSide {
  const t = text.trim().toLowerCase();
  if (t === 'true' || t === '1') return AggressorSide.SELLER;
  if (t === 'false' || t === '0') return AggressorSide.BUYER;
  throw new CellError(`"${text}" is not true or false`);
}

function dropDuplicateIds(rows: TradeRow[], ctx: ReadContext): TradeRow[] {
  const seen = new Map<string, TradeRow>();
  const out: TradeRow[] = [];
  let dropped = 0;
  for (const r of rows) {
    const prev = seen.get(r.id!);
    if (prev !== undefined) {
      const same =
        prev.ts === r.ts && prev.price.eq(r.price) && prev.size.eq(r.size) && prev.aggressor === r.aggressor;
      if (same && ctx.options.duplicates === 'drop-identical') {
        dropped++;
        continue;
      }
      throw ctx.error(
        r.at,
        `trade id ${r.id} already appears${where(prev.at)}` +
          (same ? " (identical: pass duplicates: 'drop-identical' to drop it)" : ' with other values'),
      );
    }
    seen.set(r.id!, r);
    out.push(r);
  }
  if (dropped > 0) ctx.notes.push(`${dropped} identical duplicate trades dropped`);
  return out;
}

import { NANOS_PER_MILLI, OrderSide, type BookLevel, type OrderBookDelta } from '@qubit/model';
import { CellError } from './cell-error.js';
import { levelDelta, orderedBook, snapshot, type BookData, type BookItem } from './book-building.js';
import type { RawRecord } from './raw-table.js';
import type { ReadContext } from './read-context.js';

/**
 * Bybit v5 "orderbook.{depth}.{symbol}" messages, one JSON object per line, as Bybit's historical
 * order-book files hold them: `snapshot` → OrderBookSnapshot, `delta` → OrderBookDeltas (size "0" deletes
 * the level). tsEvent is `cts` (the matching engine's time) when present, else `ts`; tsInit is `ts`
 * (when Bybit published it); `sequence` is the update id `u`.
 */
export function readBybitOrderBook(ctx: ReadContext): { data: BookData[]; rows: number } {
  const items: BookItem[] = [];
  const id = ctx.options.instrument.id;
  for (const rec of ctx.table.records) {
    const m = convert(ctx, rec, undefined, () => parseMessage(rec.fields[0] ?? ''));
    const levels = (side: 'b' | 'a'): BookLevel[] =>
      m.data[side].map(([p, q]) => ({
        price: convert(ctx, rec, `data.${side}`, () => ctx.grid.price(p)),
        size: convert(ctx, rec, `data.${side}`, () => ctx.grid.quantity(q)),
      }));
    const tsInit = BigInt(m.ts) * NANOS_PER_MILLI;
    const ts = m.cts === undefined ? tsInit : BigInt(m.cts) * NANOS_PER_MILLI;
    if (m.type === 'snapshot') {
      items.push({ at: rec.at, ts, data: snapshot(id, levels('b'), levels('a'), m.data.u, ts, tsInit) });
    } else {
      const deltas: OrderBookDelta[] = [
        ...levels('b').map((l) => levelDelta(OrderSide.BUY, l)),
        ...levels('a').map((l) => levelDelta(OrderSide.SELL, l)),
      ];
      items.push({
        at: rec.at,
        ts,
        data: { type: 'OrderBookDeltas', instrumentId: id, deltas, sequence: m.data.u, tsEvent: ts, tsInit },
      });
    }
  }
  return { data: orderedBook(items, ctx), rows: ctx.table.records.length };
}

interface BybitBookMessage {
  readonly type: 'snapshot' | 'delta';
  readonly ts: number;
  readonly cts: number | undefined;
  readonly data: {
    readonly b: Array<[string, string]>;
    readonly a: Array<[string, string]>;
    readonly u: number;
  };
}

function parseMessage(text: string): BybitBookMessage {
  let m: unknown;
  try {
    m = JSON.parse(text);
  } catch {
    throw new CellError('is not valid JSON');
  }
  if (m === null || typeof m !== 'object') throw new CellError('is not a JSON object');
  const o = m as Record<string, unknown>;
  if (o.type !== 'snapshot' && o.type !== 'delta')
    throw new CellError(`type ${JSON.stringify(o.type)} is not snapshot or delta`);
  if (!isMillis(o.ts)) throw new CellError('ts is not a millisecond timestamp');
  if (o.cts !== undefined && !isMillis(o.cts)) throw new CellError('cts is not a millisecond timestamp');
  const data = o.data as Record<string, unknown> | undefined;
  if (data === null || typeof data !== 'object') throw new CellError('has no data object');
  if (!Number.isSafeInteger(data.u)) throw new CellError('data.u is not an update id');
  for (const side of ['b', 'a'] as const) {
    const levels = data[side];
    if (
      !Array.isArray(levels) ||
      !levels.every((l) => Array.isArray(l) && l.length === 2 && l.every((x) => typeof x === 'string'))
    ) {
      throw new CellError(`data.${side} is not a list of [price, size] strings`);
    }
  }
  return { type: o.type, ts: o.ts, cts: o.cts as number | undefined, data: data as BybitBookMessage['data'] };
}

function isMillis(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function convert<T>(ctx: ReadContext, rec: RawRecord, what: string | undefined, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof CellError)
      throw ctx.error(rec.at, what === undefined ? e.message : `${what}: ${e.message}`);
    throw e;
  }
}

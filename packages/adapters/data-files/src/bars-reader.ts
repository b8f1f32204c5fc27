import {
  NANOS_PER_MILLI,
  NANOS_PER_SECOND,
  PriceType,
  barIntervalNanos,
  barTypeToString,
  makeBarType,
  parseBarType,
  type Bar,
  type BarType,
  type Price,
  type Quantity,
} from '@qubit/model';
import { basename } from 'node:path';
import { inferBarStep } from './bar-interval.js';
import type { DataFileLocation } from './data-file-error.js';
import { isMissing } from './decimal-text.js';
import type { ReadContext } from './read-context.js';
import { inTimeOrder, where } from './time-order.js';

interface BarRow {
  readonly at: DataFileLocation;
  readonly ts: bigint;
  readonly open: Price;
  readonly high: Price;
  readonly low: Price;
  readonly close: Price;
  readonly volume: Quantity;
}

export interface BarsRead {
  readonly data: Bar[];
  readonly barType: BarType;
  readonly rows: number;
}

/**
 * OHLCV rows to Bars. A bar's `tsEvent` is its close: open time + interval for files stamped with the
 * open (the usual case), the stamp itself for files stamped with the close. `tsInit` equals `tsEvent`
 * (a file has no receive time). Volume absent or blank (mark-price candles) is zero, with a note.
 */
export function readBars(ctx: ReadContext): BarsRead {
  const { options, grid, table } = ctx;
  const time = ctx.timeColumn();
  const o = ctx.require(['open', 'o'], 'open');
  const h = ctx.require(['high', 'h'], 'high');
  const l = ctx.require(['low', 'l'], 'low');
  const c = ctx.require(['close', 'c'], 'close');
  const v = ctx.find(['volume', 'vol', 'v']);
  const checkOhlc = options.checkOhlc ?? true;
  const price = (t: string): Price => grid.price(t);
  let missingVolume = 0;
  const rows: BarRow[] = [];
  for (const rec of table.records) {
    ctx.checkWidth(rec);
    const ts = time.read(rec);
    const open = ctx.convert(rec, o, price);
    const high = ctx.convert(rec, h, price);
    const low = ctx.convert(rec, l, price);
    const close = ctx.convert(rec, c, price);
    let volume = grid.zeroQuantity();
    if (v !== undefined && !isMissing(ctx.cell(rec, v))) {
      volume = ctx.convert(rec, v, (t) => grid.volume(t));
    } else {
      missingVolume++;
    }
    if (checkOhlc) {
      const bad = ohlcProblem(open, high, low, close);
      if (bad)
        throw ctx.error(
          rec.at,
          `${bad[1]} (pass checkOhlc: false for series that are not real bars)`,
          bad[0],
        );
    }
    rows.push({ at: rec.at, ts, open, high, low, close, volume });
  }
  if (rows.length === 0) throw ctx.error(undefined, 'has no data rows');
  const ordered = dropDuplicates(inTimeOrder(rows, ctx.file, options.sort ?? false), ctx);
  if (missingVolume > 0) {
    ctx.notes.push(
      v === undefined
        ? 'no volume column: volumes are zero'
        : `${missingVolume} rows without volume: volume zero`,
    );
  }

  const barType = resolveBarType(ctx, ordered);
  const interval = barIntervalNanos(barType);
  const stampAt = options.timestampAt ?? (time.name === 'close_time' ? 'close' : undefined);
  const lastMilli = ordered.every((r) => r.ts % NANOS_PER_SECOND === NANOS_PER_SECOND - NANOS_PER_MILLI);
  let shift: bigint;
  if (stampAt === 'close' || (stampAt === undefined && lastMilli)) {
    // Binance-style close times are the bar's last millisecond; the close itself is one later.
    shift = lastMilli ? NANOS_PER_MILLI : 0n;
    ctx.notes.push(
      `timestamps mark the bar close${lastMilli ? ' (last millisecond of the bar, +1 ms)' : ''}`,
    );
  } else if (interval === undefined) {
    shift = 0n;
    ctx.notes.push(`${barType.aggregation} bars have no fixed length: tsEvent is the timestamp as written`);
  } else {
    shift = interval;
  }
  const data = ordered.map((r): Bar => ({
    type: 'Bar',
    barType,
    open: r.open,
    high: r.high,
    low: r.low,
    close: r.close,
    volume: r.volume,
    tsEvent: r.ts + shift,
    tsInit: r.ts + shift,
  }));
  return { data, barType, rows: rows.length };
}

/** The column and reason when high and low do not bound the bar; undefined for a sound bar. */
function ohlcProblem(open: Price, high: Price, low: Price, close: Price): [string, string] | undefined {
  if (high.lt(low)) return ['high', `${high} is below low ${low}`];
  if (high.lt(open)) return ['high', `${high} is below open ${open}`];
  if (high.lt(close)) return ['high', `${high} is below close ${close}`];
  if (low.gt(open)) return ['low', `${low} is above open ${open}`];
  if (low.gt(close)) return ['low', `${low} is above close ${close}`];
  return undefined;
}

function dropDuplicates(rows: BarRow[], ctx: ReadContext): BarRow[] {
  const out: BarRow[] = [];
  let dropped = 0;
  for (const r of rows) {
    const prev = out[out.length - 1];
    if (prev !== undefined && prev.ts === r.ts) {
      const same =
        prev.open.eq(r.open) &&
        prev.high.eq(r.high) &&
        prev.low.eq(r.low) &&
        prev.close.eq(r.close) &&
        prev.volume.eq(r.volume);
      if (same && ctx.options.duplicates === 'drop-identical') {
        dropped++;
        continue;
      }
      throw ctx.error(
        r.at,
        `a bar at ${ctx.iso(r.ts)} already appears${where(prev.at)}` +
          (same ? " (identical: pass duplicates: 'drop-identical' to drop it)" : ' with other values'),
      );
    }
    out.push(r);
  }
  if (dropped > 0) ctx.notes.push(`${dropped} identical duplicate bars dropped`);
  return out;
}

function resolveBarType(ctx: ReadContext, rows: readonly BarRow[]): BarType {
  const { options } = ctx;
  const id = options.instrument.id;
  if (options.barType !== undefined) {
    const bt =
      typeof options.barType === 'string' ? parseBarType(options.barType, 'barType') : options.barType;
    if (bt.instrumentId !== id)
      throw ctx.error(undefined, `barType ${barTypeToString(bt)} is not for instrument ${id}`);
    return bt;
  }
  const step = inferBarStep(rows.map((r) => r.ts));
  if (step === undefined)
    throw ctx.error(undefined, 'has too few bar times to infer the bar length; pass barType');
  const priceType = options.priceType ?? priceTypeFromName(ctx.file) ?? PriceType.LAST;
  const bt = makeBarType(id, step.step, step.aggregation, priceType);
  ctx.notes.push(`bar type ${barTypeToString(bt)} inferred from the spacing of the timestamps`);
  return bt;
}

/** "gbpusd-m1-bid-2012.csv" → BID. */
function priceTypeFromName(file: string): PriceType | undefined {
  const m = /(?:^|[^a-z])(bid|ask|mid)(?:[^a-z]|$)/i.exec(basename(file));
  return m ? (m[1]!.toUpperCase() as PriceType) : undefined;
}

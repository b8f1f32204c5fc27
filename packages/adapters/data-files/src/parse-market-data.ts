import { ModelError, type MarketData } from '@qubit/model';
import { isArrowFile, readFeather } from './arrow-feather.js';
import { readBars } from './bars-reader.js';
import { readBinanceDepth } from './binance-depth-reader.js';
import type { BookData } from './book-building.js';
import { readBybitOrderBook } from './bybit-orderbook-reader.js';
import { DataFileError } from './data-file-error.js';
import { detectLayout, type DataKind, type Layout } from './layout.js';
import type { LoadOptions } from './load-options.js';
import type { LoadedData } from './loaded-data.js';
import { readQuotes } from './quotes-reader.js';
import { tableFromCsv, tableFromJsonArray, type RawRecord, type RawTable } from './raw-table.js';
import { ReadContext } from './read-context.js';
import { resolveTimeZone } from './time-zone.js';
import { readTardisBookSnapshots } from './tardis-book-snapshot-reader.js';
import { readTardisIncrementalBook } from './tardis-incremental-book-reader.js';
import { readTrades } from './trades-reader.js';

const KINDS: readonly DataKind[] = ['bars', 'trades', 'quotes', 'book'];

/**
 * Parses the (already decompressed) bytes of one market data file. `file` names it in errors.
 * Any bad row rejects the whole file with a DataFileError; bad options throw a ModelError.
 */
export function parseMarketData(bytes: Uint8Array, file: string, options: LoadOptions): LoadedData {
  checkOptions(options);
  const { table, layout } = tableOf(bytes, file, options);
  const ctx = new ReadContext(file, table, layout, options);
  const base = { file, format: layout.format };
  const finish = <T extends MarketData>(
    data: readonly T[],
  ): { first: bigint; last: bigint; timeZone: string | undefined; notes: string[] } => {
    ctx.gridNotes();
    return {
      first: data[0]!.tsEvent,
      last: data[data.length - 1]!.tsEvent,
      timeZone: ctx.zoneUsed,
      notes: ctx.notes,
    };
  };
  switch (layout.kind) {
    case 'bars': {
      const r = readBars(ctx);
      return { ...base, kind: 'bars', data: r.data, rows: r.rows, barType: r.barType, ...finish(r.data) };
    }
    case 'trades': {
      const r = readTrades(ctx);
      return { ...base, kind: 'trades', data: r.data, rows: r.rows, ...finish(r.data) };
    }
    case 'quotes': {
      const r = readQuotes(ctx);
      return { ...base, kind: 'quotes', data: r.data, rows: r.rows, ...finish(r.data) };
    }
    case 'book': {
      const r = readBook(ctx);
      return { ...base, kind: 'book', data: r.data, rows: r.rows, ...finish(r.data) };
    }
  }
}

function readBook(ctx: ReadContext): { data: BookData[]; rows: number } {
  switch (ctx.layout.format) {
    case 'tardis-book-snapshot-csv':
      return readTardisBookSnapshots(ctx);
    case 'tardis-incremental-l2-csv':
      return readTardisIncrementalBook(ctx);
    case 'binance-depth-csv':
      return readBinanceDepth(ctx);
    case 'bybit-orderbook-jsonl':
      return readBybitOrderBook(ctx);
    default:
      throw ctx.error(undefined, `no book reader for ${ctx.layout.format}`);
  }
}

/** Recognises the container (Arrow, JSON array, JSON lines, CSV) and reduces it to a table and layout. */
export function tableOf(
  bytes: Uint8Array,
  file: string,
  options: Pick<LoadOptions, 'kind' | 'columns' | 'delimiter'>,
): { table: RawTable; layout: Layout } {
  if (isArrowFile(bytes)) {
    const table = readFeather(bytes, file);
    return { table, layout: detectLayout(table, file, options.kind) };
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new DataFileError(file, undefined, 'is neither UTF-8 text nor an Arrow file');
  }
  const start = text.search(/\S/);
  const lead = start < 0 ? '' : text[start];
  if (lead === '[') {
    let items: unknown;
    try {
      items = JSON.parse(text);
    } catch (e) {
      throw new DataFileError(
        file,
        undefined,
        `is not valid JSON: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
    if (!Array.isArray(items)) throw new DataFileError(file, undefined, 'is not a JSON array');
    const table = tableFromJsonArray(items, file);
    return { table, layout: detectLayout(table, file, options.kind) };
  }
  if (lead === '{') return jsonLines(text, file, options.kind);
  const table = tableFromCsv(text, file, options);
  return { table, layout: detectLayout(table, file, options.kind) };
}

function jsonLines(
  text: string,
  file: string,
  kind: DataKind | undefined,
): { table: RawTable; layout: Layout } {
  const lines: RawRecord[] = [];
  text.split('\n').forEach((l, i) => {
    const t = l.replace(/^\uFEFF/, '').trim();
    if (t !== '') lines.push({ at: { line: i + 1 }, fields: [t] });
  });
  const first = lines[0]!;
  let head: unknown;
  try {
    head = JSON.parse(first.fields[0]!);
  } catch {
    throw new DataFileError(file, first.at, 'is not valid JSON');
  }
  const topic = (head as { topic?: unknown }).topic;
  if (typeof topic === 'string' && topic.startsWith('orderbook.')) {
    const layout: Layout = { format: 'bybit-orderbook-jsonl', kind: 'book', names: ['message'] };
    if (kind !== undefined && kind !== 'book')
      throw new DataFileError(file, undefined, `holds book (${layout.format}), not ${kind}`);
    return { table: { header: undefined, records: lines, container: 'json' }, layout };
  }
  // Other JSON lines: one flat object per line, read like a JSON array of objects.
  const items = lines.map((l) => {
    try {
      return JSON.parse(l.fields[0]!) as unknown;
    } catch {
      throw new DataFileError(file, l.at, 'is not valid JSON');
    }
  });
  const byRecord = tableFromJsonArray(items, file);
  const table: RawTable = {
    ...byRecord,
    records: byRecord.records.map((r, i) => ({ at: lines[i]!.at, fields: r.fields })),
  };
  return { table, layout: detectLayout(table, file, kind) };
}

function checkOptions(o: LoadOptions): void {
  if (o === null || typeof o !== 'object')
    throw new ModelError('options', 'expected an object with at least an instrument');
  const i = o.instrument as unknown as { id?: unknown; tickSize?: unknown; lotSize?: unknown } | undefined;
  if (!i || typeof i.id !== 'string' || !i.tickSize || !i.lotSize) {
    throw new ModelError('options.instrument', 'is required (an Instrument, e.g. from instrumentFromSpec)');
  }
  const oneOf = (field: string, value: unknown, allowed: readonly unknown[]): void => {
    if (value !== undefined && !allowed.includes(value)) {
      throw new ModelError(
        `options.${field}`,
        `${JSON.stringify(value)} is not one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`,
      );
    }
  };
  oneOf('kind', o.kind, KINDS);
  oneOf('onOffGrid', o.onOffGrid, ['error', 'round']);
  oneOf('duplicates', o.duplicates, ['error', 'drop-identical']);
  oneOf('timestampUnit', o.timestampUnit, ['s', 'ms', 'us', 'ns']);
  oneOf('timestampAt', o.timestampAt, ['open', 'close']);
  oneOf('priceType', o.priceType, ['LAST', 'BID', 'ASK', 'MID']);
  if (o.timeZone !== undefined) resolveTimeZone(o.timeZone, 'options.timeZone');
}

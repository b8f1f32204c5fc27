import { barTypeToString, nanosToIso, type BarType, type MarketData, type UnixNanos } from '@qubit/model';
import { readdirSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { DataFileError } from './data-file-error.js';
import type { DataKind } from './layout.js';
import type { LoadOptions } from './load-options.js';
import type { LoadedData } from './loaded-data.js';
import { parseMarketData } from './parse-market-data.js';
import { readFileBytes, readFileBytesSync } from './read-file-bytes.js';

export interface DirectoryLoadOptions extends LoadOptions {
  /** Descend into sub-directories (default false). */
  readonly recursive?: boolean;
  /** Which files to load (paths as joined from the directory); default every data file by extension. */
  readonly filter?: (path: string) => boolean;
}

/** One file of a directory load, without its data. */
export interface LoadedFileSummary {
  readonly file: string;
  readonly format: string;
  readonly kind: DataKind;
  readonly rows: number;
  readonly items: number;
  readonly first: UnixNanos;
  readonly last: UnixNanos;
  readonly barType?: BarType;
  readonly notes: readonly string[];
}

export type LoadedDirectory = LoadedData & { readonly files: readonly LoadedFileSummary[] };

const DATA_FILE_RE = /\.(csv|json|jsonl|feather|arrow)(\.gz)?$/i;

/**
 * Loads every data file of a directory (in name order) for one instrument and merges them in time
 * order. The merge is stable: items at the same instant keep file order, then row order. All files
 * must hold the same kind of data; any bad file rejects the whole directory; a bar (same bar type and
 * time) or a trade id found in two files is a duplicate, reported or dropped as `duplicates` says.
 */
export async function loadMarketDataDir(
  dir: string,
  options: DirectoryLoadOptions,
): Promise<LoadedDirectory> {
  const files = await listDataFiles(dir, options);
  const settled = await Promise.allSettled(
    files.map(async (f) => parseMarketData(await readFileBytes(f), f, options)),
  );
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  return merge(
    dir,
    settled.map((s) => (s as PromiseFulfilledResult<LoadedData>).value),
    options,
  );
}

export function loadMarketDataDirSync(dir: string, options: DirectoryLoadOptions): LoadedDirectory {
  const files = listDataFilesSync(dir, options);
  return merge(
    dir,
    files.map((f) => parseMarketData(readFileBytesSync(f), f, options)),
    options,
  );
}

async function listDataFiles(dir: string, options: DirectoryLoadOptions): Promise<string[]> {
  let entries: string[];
  try {
    entries = (await readdir(dir, { recursive: options.recursive ?? false })).map(String);
  } catch (e) {
    throw new DataFileError(
      dir,
      undefined,
      `cannot be listed: ${(e as { code?: string }).code ?? String(e)}`,
    );
  }
  return pick(dir, entries, options);
}

function listDataFilesSync(dir: string, options: DirectoryLoadOptions): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir, { recursive: options.recursive ?? false }).map(String);
  } catch (e) {
    throw new DataFileError(
      dir,
      undefined,
      `cannot be listed: ${(e as { code?: string }).code ?? String(e)}`,
    );
  }
  return pick(dir, entries, options);
}

function pick(dir: string, entries: string[], options: DirectoryLoadOptions): string[] {
  const files = entries
    .filter((e) => DATA_FILE_RE.test(basename(e)))
    .map((e) => join(dir, e))
    .filter((f) => options.filter?.(f) ?? true)
    .sort();
  if (files.length === 0)
    throw new DataFileError(
      dir,
      undefined,
      'holds no data files (.csv, .json, .jsonl, .feather, optionally .gz)',
    );
  return files;
}

function merge(dir: string, loaded: LoadedData[], options: DirectoryLoadOptions): LoadedDirectory {
  const kind = loaded[0]!.kind;
  const other = loaded.find((l) => l.kind !== kind);
  if (other) {
    throw new DataFileError(
      dir,
      undefined,
      `mixes ${kind} (${relative(dir, loaded[0]!.file)}) and ${other.kind} (${relative(dir, other.file)})`,
    );
  }
  const tagged: Array<{ item: MarketData; file: string }> = [];
  for (const l of loaded) for (const item of l.data) tagged.push({ item, file: l.file });
  // Array.prototype.sort is stable, so equal times keep file order, then row order.
  tagged.sort((a, b) => (a.item.tsEvent < b.item.tsEvent ? -1 : a.item.tsEvent > b.item.tsEvent ? 1 : 0));
  const unique = dropCrossFileDuplicates(dir, tagged, options);
  const data = unique.map((t) => t.item);
  const files = loaded.map((l): LoadedFileSummary => ({
    file: l.file,
    format: l.format,
    kind: l.kind,
    rows: l.rows,
    items: l.data.length,
    first: l.first,
    last: l.last,
    notes: l.notes,
    ...(l.kind === 'bars' ? { barType: l.barType } : {}),
  }));
  const dropped = tagged.length - unique.length;
  const common = {
    file: dir,
    format: 'directory',
    rows: loaded.reduce((s, l) => s + l.rows, 0),
    first: data[0]!.tsEvent,
    last: data[data.length - 1]!.tsEvent,
    timeZone: loaded.find((l) => l.timeZone !== undefined)?.timeZone,
    notes: [
      ...loaded.flatMap((l) => l.notes.map((n) => `${relative(dir, l.file)}: ${n}`)),
      ...(dropped > 0 ? [`${dropped} identical items found in two files dropped`] : []),
    ],
    files,
  };
  // The kind is uniform across files, so the merged array has that kind's element type.
  return {
    ...common,
    kind,
    data,
    ...(kind === 'bars' ? { barType: (loaded[0] as { barType: BarType }).barType } : {}),
  } as LoadedDirectory;
}

function dropCrossFileDuplicates(
  dir: string,
  tagged: Array<{ item: MarketData; file: string }>,
  options: DirectoryLoadOptions,
): Array<{ item: MarketData; file: string }> {
  const seen = new Map<string, { item: MarketData; file: string }>();
  const out: Array<{ item: MarketData; file: string }> = [];
  for (const t of tagged) {
    const key =
      t.item.type === 'Bar'
        ? `${barTypeToString(t.item.barType)} at ${nanosToIso(t.item.tsEvent)}`
        : t.item.type === 'TradeTick'
          ? `trade:${t.item.tradeId}`
          : undefined;
    if (key === undefined) {
      out.push(t);
      continue;
    }
    const prev = seen.get(key);
    if (prev === undefined) {
      seen.set(key, t);
      out.push(t);
      continue;
    }
    const same = JSON.stringify(prev.item, bigintText) === JSON.stringify(t.item, bigintText);
    if (same && options.duplicates === 'drop-identical') continue;
    const what = t.item.type === 'Bar' ? `a bar of ${key}` : `trade id ${key.slice('trade:'.length)}`;
    throw new DataFileError(
      dir,
      undefined,
      `${what} is in both ${relative(dir, prev.file)} and ${relative(dir, t.file)}` +
        (same ? " (identical: pass duplicates: 'drop-identical' to drop it)" : ' with other values'),
    );
  }
  return out;
}

function bigintText(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

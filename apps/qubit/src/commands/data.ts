import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  loadInstrumentGuessSync,
  loadMarketDataDir,
  loadMarketDataFile,
  type LoadedData,
} from '@qubit/adapter-data-files';
import {
  barTypeToString,
  instrumentToSpec,
  nanosToIso,
  type Instrument,
  type InstrumentId,
} from '@qubit/model';
import { MarketDataWriter, openStore, type MarketDataCoverage, type Store } from '@qubit/store-postgres';
import type { Command } from 'commander';
import { shippedInstrument } from './account-flags.js';
import { UsageError } from './bot-scaffold.js';
import { storeLocation, type StoreFlags } from './store-flags.js';

export interface DataImportFlags extends StoreFlags {
  /** The instrument of the data (--instrument): a registered or shipped one, else guessed from the file. */
  readonly instrument?: string;
}

export interface DataLsFlags extends StoreFlags {
  /** One JSON array instead of the table (--json). */
  readonly json?: boolean;
}

/** What one import did. */
export interface DataImportResult {
  readonly instrumentId: InstrumentId;
  readonly kind: LoadedData['kind'];
  /** Items the file (or directory) held. */
  readonly read: number;
  /** Rows newly stored: a row already in the store (a second import of the same file) is not counted. */
  readonly stored: number;
  /** Whether the instrument was added to the registry by this import. */
  readonly registered: boolean;
}

/**
 * `qubit data import <file|dir>`: loads the file whole (a bad row refuses it with file:line: reason, and
 * nothing is written), registers its instrument when the store does not know it, and stores its bars or
 * trades. Idempotent: importing the same file again stores nothing new. Quotes and order books are not
 * stored yet; they are counted and said to be skipped. Returns the exit code: 0, or 1 when nothing of
 * the file could be stored.
 */
export async function dataImportCommand(
  path: string,
  flags: DataImportFlags,
  print: (line: string) => void,
): Promise<number> {
  const result = await importMarketData(path, flags, print);
  return result.kind === 'bars' || result.kind === 'trades' ? 0 : 1;
}

/** The import itself, for callers that want the counts. */
export async function importMarketData(
  path: string,
  flags: DataImportFlags,
  print: (line: string) => void,
): Promise<DataImportResult> {
  const target = resolve(path);
  let isDir: boolean;
  try {
    isDir = statSync(target).isDirectory();
  } catch {
    throw new UsageError(`data import: ${path} does not exist`);
  }
  // Everything is loaded and checked before the store is opened: a bad file leaves no trace there.
  const guessed = instrumentFor(target, isDir, flags.instrument);
  let loaded = await load(target, isDir, guessed);
  const store = await openStore(storeLocation(flags));
  try {
    const known = (await store.instruments.get(guessed.id))?.instrument;
    if (known && !sameSpec(known, guessed)) {
      // The registry's spec is the instrument's record: the data is read again on its grid.
      loaded = await load(target, isDir, known);
    }
    const instrument = known ?? guessed;
    if (loaded.kind === 'quotes' || loaded.kind === 'book') {
      const what = loaded.kind === 'quotes' ? 'quotes' : 'order book updates';
      print(`${count(loaded.data.length)} ${what} skipped: not stored yet (the store keeps bars and trades)`);
      return {
        instrumentId: instrument.id,
        kind: loaded.kind,
        read: loaded.data.length,
        stored: 0,
        registered: false,
      };
    }
    if (!known) await store.instruments.upsert(instrument);
    const stored = await write(store, flags, loaded);
    const series =
      loaded.kind === 'bars' ? `bars of ${barTypeToString(loaded.barType)}` : `trades of ${instrument.id}`;
    if (!known) print(`registered instrument ${instrument.id}`);
    print(
      `stored ${count(stored)} new ${series} (${count(loaded.data.length)} read, ` +
        `${count(loaded.data.length - stored)} already stored)`,
    );
    for (const note of loaded.notes) print(`note: ${note}`);
    return {
      instrumentId: instrument.id,
      kind: loaded.kind,
      read: loaded.data.length,
      stored,
      registered: !known,
    };
  } finally {
    await store.close();
  }
}

/**
 * `qubit data ls`: per instrument, each bar type and the trades stored, with first and last time and the
 * row count. A data directory without a store yet holds nothing, and is not created by looking.
 */
export async function dataLsCommand(flags: DataLsFlags, print: (line: string) => void): Promise<number> {
  const location = storeLocation(flags);
  let coverage: MarketDataCoverage[] = [];
  if ('url' in location || existsSync(location.dataDir)) {
    const store = await openStore(location);
    try {
      coverage = await store.marketData.coverage();
    } finally {
      await store.close();
    }
  }
  if (flags.json) {
    print(
      JSON.stringify(
        coverage.map((c) => ({
          instrument_id: c.instrumentId,
          kind: c.kind,
          bar_type: c.barType ?? null,
          first: nanosToIso(c.first),
          last: nanosToIso(c.last),
          rows: c.rows,
        })),
      ),
    );
    return 0;
  }
  if (coverage.length === 0) {
    print('the store holds no market data (add some with: qubit data import <file|dir>)');
    return 0;
  }
  const rows = coverage.map((c) => [
    c.instrumentId,
    c.barType === undefined ? 'trades' : c.barType.slice(c.instrumentId.length + 1),
    shortIso(c.first),
    shortIso(c.last),
    count(c.rows),
  ]);
  const headers = ['instrument', 'series', 'first', 'last', 'rows'];
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    r.map((cell, i) => (i === r.length - 1 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ');
  print(line(headers));
  print(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) print(line(r));
  return 0;
}

/** Adds `qubit data import` and `qubit data ls` to the program; each action reports its exit code through `setCode`. */
export function registerDataCommands(program: Command, setCode: (code: number) => void): void {
  const data = program
    .command('data')
    .description('market data in the store: import files, list what is stored');
  const storeOptions = (c: Command): Command =>
    c
      .option(
        '--data-dir <dir>',
        'data directory (the embedded store is in <dir>/pglite)',
        process.env.QUBIT_DATA_DIR ?? './data',
      )
      .option(
        '--database-url <url>',
        'PostgreSQL instead of the embedded store',
        process.env.QUBIT_DATABASE_URL,
      );
  storeOptions(
    data
      .command('import <file|dir>')
      .description(
        'store the bars or trades of a data file (or a directory of them); a second import adds nothing',
      )
      .option(
        '--instrument <id>',
        'instrument of the data, e.g. BTCUSDT.BINANCE (guessed from the file otherwise)',
      ),
  ).action(async (path: string, o: DataImportFlags) => {
    setCode(await dataImportCommand(path, o, (line) => console.log(line)));
  });
  storeOptions(
    data
      .command('ls')
      .description('what market data the store holds: per instrument and series, first and last time, rows')
      .option('--json', 'print one JSON array'),
  ).action(async (o: DataLsFlags) => {
    setCode(await dataLsCommand(o, (line) => console.log(line)));
  });
}

/** --instrument when shipped, else a guess from the file (with the id given, if any), as the backtest does. */
function instrumentFor(target: string, isDir: boolean, id: string | undefined): Instrument {
  const shipped = id === undefined ? undefined : shippedInstrument(id);
  if (shipped) return shipped;
  if (isDir) {
    throw new UsageError(
      `--instrument: ${id ?? '(none)'} is not a shipped instrument; name one, or import a single file to guess from`,
    );
  }
  return loadInstrumentGuessSync(target, id ? { id } : {}).instrument;
}

function load(target: string, isDir: boolean, instrument: Instrument): Promise<LoadedData> {
  // The backtest reads files the same way (no sorting): what is stored is what a backtest of the file sees.
  const options = { instrument, sort: false };
  return isDir ? loadMarketDataDir(target, options) : loadMarketDataFile(target, options);
}

async function write(store: Store, flags: StoreFlags, loaded: LoadedData): Promise<number> {
  const location = storeLocation(flags);
  const writer = new MarketDataWriter(store.sql, {
    ...('url' in location ? { url: location.url } : {}),
    flushIntervalMs: 0,
  });
  try {
    if (loaded.kind === 'bars') for (const b of loaded.data) writer.addBar(b);
    else if (loaded.kind === 'trades') for (const t of loaded.data) writer.addTrade(t);
  } catch (err) {
    // The loader checked every row, so the writer refusing one is a bug; its connection is released all the same.
    await writer.close().catch(() => undefined);
    throw err;
  }
  const flushed = await writer.close();
  return flushed.bars + flushed.ticks;
}

function sameSpec(a: Instrument, b: Instrument): boolean {
  return JSON.stringify(instrumentToSpec(a)) === JSON.stringify(instrumentToSpec(b));
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** ISO time without the zero sub-second digits: "2024-01-01T00:05:00Z", "…:00.278Z". */
function shortIso(ns: bigint): string {
  return nanosToIso(ns).replace(/\.?0+Z$/, 'Z');
}

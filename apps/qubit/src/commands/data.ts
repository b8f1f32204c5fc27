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
  instrumentFromSpec,
  instrumentToSpec,
  ModelError,
  isoToNanos,
  nanosToIso,
  type Instrument,
  type InstrumentId,
} from '@qubit/model';
import {
  HistoryFetchError,
  HistoricalCache,
  historyBarType,
  type HistoryFill,
  type HistorySource,
} from '@qubit/service-marketdata';
import {
  HistorySpansRepository,
  MarketDataWriter,
  openStore,
  type MarketDataCoverage,
  type Store,
} from '@qubit/store-postgres';
import {
  CCXT_VENUES,
  OhlcvHistoryError,
  checkVenueId,
  createCcxtExchange,
  fetchOhlcvRange,
  loadInstrumentSpecs,
  redirectCcxtUrls,
  venueName,
} from '@qubit/venue-ccxt';
import { Option, type Command } from 'commander';
import { progressReporter } from './progress.js';
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

export interface DataDownloadFlags extends StoreFlags {
  /** Start of the range (--from): ISO-8601, UTC when no zone is given. */
  readonly from: string;
  /** End of the range (--to), now when absent. */
  readonly to?: string;
  /**
   * Origin of the venue's REST API (hidden --venue-url, QUBIT_VENUE_URL): for tests against a local server
   * and for mirrors; every ccxt endpoint of the venue is rewritten to it, keeping the paths.
   */
  readonly venueUrl?: string;
}

/** What one download did. */
export interface DataDownloadResult extends HistoryFill {
  readonly instrumentId: InstrumentId;
  /** Whether the instrument was added to the registry by this download. */
  readonly registered: boolean;
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

/**
 * `qubit data download <venue> <symbol> <timeframe> --from --to`: the bars of the range through the historical
 * cache — what the store already covers is not asked again, the rest is paged out of the venue's OHLCV
 * history, stored, and recorded as covered. Registers the instrument from the venue's markets when the
 * store does not know it. Returns the exit code: 0, or 1 when the venue failed (what was finished stays).
 */
export async function dataDownloadCommand(
  venue: string,
  symbol: string,
  timeframe: string,
  flags: DataDownloadFlags,
  print: (line: string) => void,
  progress: (done: number, total: number) => void = progressReporter('download'),
): Promise<number> {
  try {
    await downloadHistory(venue, symbol, timeframe, flags, print, progress);
    return 0;
  } catch (err) {
    if (!(err instanceof HistoryFetchError)) throw err;
    print(`download failed: ${err.message}${err.retryable ? ' (try again later)' : ''}`);
    return 1;
  }
}

/** The download itself, for callers that want the counts. */
export async function downloadHistory(
  venue: string,
  symbol: string,
  timeframe: string,
  flags: DataDownloadFlags,
  print: (line: string) => void,
  progress?: (done: number, total: number) => void,
): Promise<DataDownloadResult> {
  let exchangeId;
  try {
    exchangeId = checkVenueId(venue.toLowerCase(), 'venue');
  } catch {
    throw new UsageError(`data download: venue "${venue}" is not one of ${CCXT_VENUES.join(', ')}`);
  }
  if (flags.from === undefined) throw new UsageError('data download: --from is required');
  const from = isoToNanos(flags.from, '--from');
  const to = flags.to === undefined ? BigInt(Date.now()) * 1_000_000n : isoToNanos(flags.to, '--to');
  if (from >= to)
    throw new UsageError(`data download: --from (${flags.from}) must be before --to (${flags.to ?? 'now'})`);
  // The series is checked before anything is asked of the venue or opened in the store.
  const probe = historyBarType(`X.${venueName(exchangeId)}`, timeframe);
  const exchange = createCcxtExchange(exchangeId);
  try {
    if (flags.venueUrl !== undefined && flags.venueUrl !== '') {
      const origin = flags.venueUrl.replace(/\/+$/, '');
      if (!/^https?:\/\/[^/]+$/.test(origin)) {
        throw new UsageError(
          `--venue-url: expected an origin such as http://127.0.0.1:8080, got ${flags.venueUrl}`,
        );
      }
      await redirectCcxtUrls(exchange, { http: origin, ws: origin.replace(/^http/, 'ws') });
    }
    const wanted =
      symbol.includes('/') || symbol.includes('.') ? symbol : `${symbol}.${venueName(exchangeId)}`;
    const [spec] = await venueCall(exchangeId, wanted, `loading the markets of ${exchangeId}`, () =>
      loadInstrumentSpecs(exchange, exchangeId, [wanted]),
    );
    const instrument = instrumentFromSpec(spec!, `${exchangeId} market ${symbol}`);
    const barType = historyBarType(instrument.id, { ...probe, instrumentId: instrument.id });
    const location = storeLocation(flags);
    const store = await openStore(location);
    const writer = new MarketDataWriter(store.sql, {
      ...('url' in location ? { url: location.url } : {}),
      flushIntervalMs: 0,
    });
    try {
      const known = await store.instruments.get(instrument.id);
      if (!known) {
        await store.instruments.upsert(instrument);
        print(`registered instrument ${instrument.id}`);
      }
      const cache = new HistoricalCache({
        reader: store.marketData,
        writer,
        spans: new HistorySpansRepository(store.sql),
        source: ccxtHistorySource(exchange),
      });
      const fill = await cache.fill(instrument.id, from, to, barType, {
        ...(progress ? { onProgress: (p) => progress(p.done, p.total) } : {}),
      });
      const series = barTypeToString(barType);
      if (fill.sourceCalls === 0) {
        print(
          `the store already holds ${series} from ${shortIso(fill.from)} to ${shortIso(fill.to)}: nothing asked of ${exchangeId}`,
        );
      } else {
        print(
          `stored ${count(fill.stored)} new bars of ${series} (${count(fill.received)} received from ${exchangeId}, ` +
            `${count(fill.received - fill.stored)} already stored)`,
        );
      }
      if (fill.coveredTo < fill.to) {
        print(
          `note: ${exchangeId} has no closed bar after ${shortIso(fill.coveredTo)} yet; the rest is asked for next time`,
        );
      }
      return { ...fill, instrumentId: instrument.id, registered: !known };
    } finally {
      await writer.close().catch(() => undefined);
      await store.close();
    }
  } finally {
    await exchange.close().catch(() => undefined);
  }
}

type CcxtExchange = ReturnType<typeof createCcxtExchange>;

/** fetchOhlcvRange as the cache's HistorySource; its errors keep ccxt's network/exchange split. */
function ccxtHistorySource(exchange: CcxtExchange): HistorySource {
  return {
    name: exchange.id,
    fetchBars: async (r) => {
      try {
        return await fetchOhlcvRange(exchange, r.instrumentId, r.barType, r.from, r.to, {
          ...(r.onProgress ? { onProgress: r.onProgress } : {}),
        });
      } catch (err) {
        if (!(err instanceof OhlcvHistoryError)) throw err;
        throw new HistoryFetchError(
          exchange.id,
          err.retryable ? 'network' : 'exchange',
          err.barType,
          err.message,
          {
            cause: err,
          },
        );
      }
    },
  };
}

/** A venue call before the cache takes over (loading markets), its failure said as the cache says its own. */
async function venueCall<T>(venue: string, series: string, what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof UsageError || err instanceof ModelError) throw err;
    const e = err as { name?: string; message?: string };
    throw new HistoryFetchError(
      venue,
      isNetworkError(err) ? 'network' : 'exchange',
      series,
      `${what}: ${e.name ?? 'Error'}: ${e.message ?? String(err)}`,
      { cause: err },
    );
  }
}

/** ccxt's NetworkError or a subclass (timeout, rate limit, maintenance), told apart without importing ccxt here. */
function isNetworkError(err: unknown): boolean {
  for (
    let p = err === null || typeof err !== 'object' ? null : Object.getPrototypeOf(err);
    p;
    p = Object.getPrototypeOf(p)
  ) {
    if ((p as { constructor?: { name?: string } }).constructor?.name === 'NetworkError') return true;
  }
  return false;
}

/** Adds `qubit data import` and `qubit data ls` to the program; each action reports its exit code through `setCode`. */
export function registerDataCommands(program: Command, setCode: (code: number) => void): void {
  const data = program
    .command('data')
    .description('market data in the store: import files, download history from venues, list what is stored');
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
  storeOptions(
    data
      .command('download <venue> <symbol> <timeframe>')
      .description(
        `fetch a range of bars from a venue (${CCXT_VENUES.join(', ')}) into the store, e.g. binance BTC/USDT 1m; what is stored already is not fetched again`,
      )
      .requiredOption('--from <time>', 'start, ISO-8601 (UTC when no zone): 2024-01-01 or 2024-01-01T12:00')
      .option('--to <time>', 'end, ISO-8601 (now when absent)')
      .addOption(
        new Option(
          '--venue-url <origin>',
          "the venue's REST origin instead of its own: for tests and mirrors",
        )
          .env('QUBIT_VENUE_URL')
          .hideHelp(),
      ),
  ).action(async (venue: string, symbol: string, timeframe: string, o: DataDownloadFlags) => {
    setCode(await dataDownloadCommand(venue, symbol, timeframe, o, (line) => console.log(line)));
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

import { existsSync } from 'node:fs';
import {
  ModelError,
  barTypeToString,
  type Bar,
  type Instrument,
  type MarketData,
  type TradeTick,
} from '@qubit/model';
import { openStore, StoreError, type MarketDataRange, type Store } from '@qubit/store-postgres';
import { shippedInstrument } from '../commands/account-flags.js';
import { UsageError } from '../commands/bot-scaffold.js';
import { storeLocation } from '../commands/store-flags.js';

const PREFIX = 'store:';

/** What a store-backed backtest asks for: `--data`, `--instrument`, `--timeframe`. */
export interface StoreDataRequest {
  readonly data: string;
  readonly instrument?: string;
  readonly timeframe?: string;
}

/** The data read, in the shape of the backtest's PreparedData. */
export interface StoreData {
  readonly instrument: Instrument;
  readonly data: readonly MarketData[];
  readonly kind: 'bars' | 'trades';
  /** "1-MINUTE" for bars. */
  readonly timeframe?: string;
  /** One label: "store:<bar type>" or "store:<instrument>-TRADES". */
  readonly files: readonly string[];
}

/** Whether `--data` names the store rather than a file. */
export function isStoreData(spec: string): boolean {
  return spec.startsWith(PREFIX);
}

/**
 * Where `--data store:…` points: `store:` alone is where the data commands look by default
 * (QUBIT_DATABASE_URL, else the embedded store under QUBIT_DATA_DIR or ./data), `store:postgres://…` that
 * server, `store:<dir>` the embedded store of that data directory.
 */
export function storeDataLocation(
  spec: string,
  env: Readonly<Record<string, string | undefined>>,
): { url: string } | { dataDir: string } {
  if (!isStoreData(spec)) throw new UsageError(`--data: "${spec}" does not start with ${PREFIX}`);
  const rest = spec.slice(PREFIX.length);
  if (rest === '') {
    return storeLocation({ dataDir: env.QUBIT_DATA_DIR ?? './data', databaseUrl: env.QUBIT_DATABASE_URL });
  }
  if (/^postgres(ql)?:\/\//.test(rest)) return { url: rest };
  return storeLocation({ dataDir: rest });
}

/**
 * Reads a backtest's data from the store: the instrument from the registry (a shipped spec when it was
 * never registered), then its bars of `job.timeframe` — or its trades when that is "trades", or its only
 * series when none is named — between --from and --to, inclusive, as the file path filters them.
 */
export async function prepareStoreData(
  job: StoreDataRequest,
  range: MarketDataRange,
  env: Readonly<Record<string, string | undefined>>,
): Promise<StoreData> {
  const location = storeDataLocation(job.data, env);
  if (!('url' in location) && !existsSync(location.dataDir)) {
    throw new UsageError(
      `--data: no store at ${location.dataDir} (add data with: qubit data import <file|dir>)`,
    );
  }
  if (job.instrument === undefined) {
    throw new UsageError('--instrument: required with --data store: (qubit data ls shows what is stored)');
  }
  const store = await openStore(location);
  try {
    const instrument = await instrumentOf(store, job.instrument);
    const series = await seriesOf(store, instrument, job.timeframe);
    const data: MarketData[] = [];
    try {
      if (series === 'trades') {
        for await (const t of store.marketData.trades(instrument.id, range)) data.push(t as TradeTick);
      } else {
        for await (const b of store.marketData.bars(instrument.id, series, range)) data.push(b as Bar);
      }
    } catch (err) {
      if (err instanceof StoreError && err.field.startsWith('barType')) {
        throw new UsageError(`--timeframe: ${err.reason}`);
      }
      throw err;
    }
    const first = data[0];
    if (first === undefined) {
      const what = series === 'trades' ? `${instrument.id} trades` : `${series} bars of ${instrument.id}`;
      throw new UsageError(
        `--data: the store holds no ${what}${range.from !== undefined || range.to !== undefined ? ' between --from and --to' : ''} (qubit data ls shows what is stored)`,
      );
    }
    // The label names the series, never the location: a URL may carry a password.
    const name = first.type === 'Bar' ? barTypeToString(first.barType) : `${instrument.id}-TRADES`;
    return {
      instrument,
      data,
      kind: series === 'trades' ? 'trades' : 'bars',
      ...(first.type === 'Bar' ? { timeframe: `${first.barType.step}-${first.barType.aggregation}` } : {}),
      files: [`${PREFIX}${name}`],
    };
  } finally {
    await store.close();
  }
}

async function instrumentOf(store: Store, id: string): Promise<Instrument> {
  let registered;
  try {
    registered = await store.instruments.get(id);
  } catch (err) {
    if (err instanceof StoreError || err instanceof ModelError) {
      throw new UsageError(`--instrument: ${(err as Error).message}`);
    }
    throw err;
  }
  const instrument = registered?.instrument ?? shippedInstrument(id);
  if (!instrument) {
    throw new UsageError(
      `--instrument: ${id} is neither registered in the store nor shipped (qubit data import registers it)`,
    );
  }
  return instrument;
}

/** "trades", or the bar type (or timeframe) to read; the instrument's only series when none is named. */
async function seriesOf(
  store: Store,
  instrument: Instrument,
  timeframe: string | undefined,
): Promise<string> {
  if (timeframe !== undefined) return timeframe;
  const stored = (await store.marketData.coverage()).filter((c) => c.instrumentId === instrument.id);
  const names = stored.map((c) => c.barType ?? 'trades');
  if (names.length === 1) return names[0]!;
  if (names.length === 0) {
    throw new UsageError(
      `--data: the store holds no data of ${instrument.id} (qubit data ls shows what is stored)`,
    );
  }
  throw new UsageError(
    `--timeframe: ${instrument.id} has ${names.length} series in the store (${names.join(', ')}); name one, e.g. --timeframe 1m or --timeframe trades`,
  );
}

import { LiveClock, MessageBus, type Feed } from '@qubit/engine';
import { BarAggregation, InstrumentId, instrumentToSpec, type Instrument } from '@qubit/model';
import {
  FeatureWriter,
  MarketDataService,
  SyntheticFeed,
  choosePaperFeed,
  type Timeframe,
} from '@qubit/service-marketdata';
import { FeaturesRepository, MarketDataWriter, openStore, type Store } from '@qubit/store-postgres';
import { CcxtFeed } from '@qubit/venue-ccxt';
import type { Command } from 'commander';
import { ROLES, type QubitConfig, type Role } from '../config/config-schema.js';
import { ConfigError, loadConfig } from '../config/load-config.js';
import { shippedInstrument } from './account-flags.js';
import { storeLocation } from './store-flags.js';

/** The roles `qubit serve` can run today; the others come with the platform server (issue 6). */
const BUILT: readonly Role[] = ['marketdata'];

export interface ServeFlags {
  readonly config?: string;
  readonly roles?: string;
  readonly port?: string;
  readonly dataDir?: string;
  readonly offline?: boolean;
}

const UNITS: Record<string, Timeframe['aggregation']> = {
  s: BarAggregation.SECOND,
  m: BarAggregation.MINUTE,
  h: BarAggregation.HOUR,
  d: BarAggregation.DAY,
};

/**
 * `qubit serve --roles …`: the roles of the platform in one process, over the store and an in-memory bus.
 * Today the market data role: the instrument registry, the paper-mode feed (live public data, else the
 * synthetic market — said in the log), ingestion into the store, bars and features. Runs until
 * SIGINT/SIGTERM, then flushes what is buffered and closes the store.
 */
export async function serveCommand(f: ServeFlags, print: (line: string) => void): Promise<number> {
  const flags: Record<string, unknown> = {};
  if (f.roles !== undefined)
    flags.roles = f.roles
      .split(',')
      .map((r) => r.trim())
      .filter(Boolean);
  if (f.port !== undefined) flags.port = /^\d+$/.test(f.port) ? Number(f.port) : f.port;
  if (f.dataDir !== undefined) flags.data_dir = f.dataDir;
  if (f.offline) flags.offline = true;
  let config: QubitConfig;
  try {
    config = loadConfig({
      env: process.env,
      flags,
      ...(f.config !== undefined ? { file: f.config } : {}),
    }).config;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    for (const p of err.problems) print(`config: ${p}`);
    return 1;
  }
  const notBuilt = config.roles.filter((r) => !BUILT.includes(r));
  if (notBuilt.length > 0) {
    print(
      `serve: the ${notBuilt.join(', ')} role${notBuilt.length > 1 ? 's are' : ' is'} not built yet; ` +
        `run --roles ${BUILT.join(',')} (known roles: ${ROLES.join(', ')})`,
    );
    return 1;
  }
  const timeframes = config.marketdata.timeframes.map((t) => ({
    step: Number(t.slice(0, -1)),
    aggregation: UNITS[t.slice(-1)]!,
  }));
  const instruments: Instrument[] = [];
  for (const id of config.marketdata.instruments) {
    const i = shippedInstrument(id);
    if (!i) {
      print(`config: marketdata.instruments: ${id} has no shipped spec; register it with its spec first`);
      return 1;
    }
    instruments.push(i);
  }

  const store = await openStore({
    ...storeLocation({ dataDir: config.data_dir, databaseUrl: config.database_url }),
    ...(config.secret_key !== undefined ? { secretKey: config.secret_key } : {}),
    ...(config.secret_key_file !== undefined ? { secretKeyFile: config.secret_key_file } : {}),
  });
  const clock = new LiveClock();
  const bus = new MessageBus();
  const writer = new MarketDataWriter(store.sql, config.database_url ? { url: config.database_url } : {});
  const features = new FeatureWriter({
    repository: new FeaturesRepository(store.sql),
    onError: (e) => print(`marketdata: features not stored yet (retried): ${e.message}`),
  });
  try {
    const startPrices = await startPricesOf(store, instruments, config);
    const choice = await choosePaperFeed({
      ...(config.offline ? {} : { live: () => new CcxtFeed({ exchangeId: 'binance', clock }) }),
      synthetic: () =>
        new SyntheticFeed({
          clock,
          seed: config.marketdata.synthetic_seed,
          instruments: Object.fromEntries(
            instruments.map((i) => [i.id, { startPrice: startPrices.get(i.id)! }]),
          ),
        }),
      probe: { instrument: instruments[0]!, trades: true },
      waitMs: config.marketdata.paper_wait_ms,
      offline: config.offline,
      log: print,
    });
    const feed: Feed = choice.feed;
    const service = new MarketDataService({
      bus,
      clock,
      instruments: store.instruments,
      feedFor: () => feed,
      timeframes,
      sink: writer,
      featureSink: features,
      log: print,
    });
    // What the config names is registered (an instrument already registered keeps its stored spec).
    for (const i of instruments) {
      if (!(await store.instruments.get(i.id))) await service.registry.register(instrumentToSpec(i));
    }
    const subscribed = await service.start();
    print(
      `serve: marketdata role up: ${subscribed.map((i) => i.id).join(', ')} on ${feed.name} (${choice.reason})`,
    );

    const flushTimer = setInterval(() => {
      features.flush().catch(() => undefined);
    }, 5_000);
    const statusTimer = setInterval(() => print(statusLine(service, instruments)), 30_000);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    clearInterval(flushTimer);
    clearInterval(statusTimer);
    print(statusLine(service, instruments));
    await service.stop();
    const stored = await writer.close();
    await features.flush().catch((e: Error) => print(`marketdata: features lost at shutdown: ${e.message}`));
    print(`serve: stopped (${stored.ticks} ticks and ${stored.bars} bars in the last write)`);
    return 0;
  } finally {
    await writer.close().catch(() => undefined);
    await store.close().catch(() => undefined);
  }
}

/** The store's last trade or bar close, else the configured start price: a restart continues near where it was. */
async function startPricesOf(
  store: Store,
  instruments: readonly Instrument[],
  config: QubitConfig,
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const i of instruments) {
    const rows = await store.sql.query<{ price: string }>(
      `SELECT price::text AS price FROM ticks WHERE symbol = $1 ORDER BY ts DESC LIMIT 1`,
      [i.id],
    );
    const stored = rows[0] ? Number(rows[0].price) : undefined;
    const configured = config.marketdata.synthetic_start_prices[i.id];
    const price = stored ?? configured;
    if (price === undefined) {
      throw new ConfigError([`marketdata.synthetic_start_prices: no start price for ${i.id}`]);
    }
    out.set(i.id, price);
  }
  return out;
}

function statusLine(service: MarketDataService, instruments: readonly Instrument[]): string {
  const stats = service.pipeline.stats;
  const feeds = service.feedStatuses().map((s) => `${s.feed} ${s.source} ${s.state}, ${s.events} events`);
  const prices = instruments.map((i) => {
    const last = service.pipeline.window(InstrumentId(i.id))?.lastTrade;
    return `${i.id} ${last ? last.price.toString() : '—'}`;
  });
  return `marketdata: ${feeds.join('; ')}; ingested ${stats.ingested}, bars ${stats.bars}, features ${stats.features}, refused ${stats.refused}; ${prices.join(', ')}`;
}

export function registerServeCommand(program: Command, setCode: (code: number) => void): void {
  program
    .command('serve')
    .description(
      'run platform roles in this process (today: marketdata — registry, paper feed, ingestion, bars, features)',
    )
    .option('--config <file>', 'configuration file (default: ./qubit.config.yaml when present)')
    .option('--roles <list>', `comma-separated roles (${ROLES.join(', ')})`)
    .option('--port <n>', 'HTTP port (QUBIT_PORT)')
    .option('--data-dir <dir>', 'data directory (QUBIT_DATA_DIR)')
    .option('--offline', 'synthetic market data, no network attempt (QUBIT_OFFLINE=1)')
    .action(async (o: ServeFlags) => {
      setCode(await serveCommand(o, (l) => console.log(l)));
    });
}

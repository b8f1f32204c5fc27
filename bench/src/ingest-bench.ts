import { MessageBus, TestClock } from '@qubit/engine';
import { BTCUSDT_BINANCE, instrumentFromSpec, type TradeTick } from '@qubit/model';
import { FeatureWriter, MarketDataPipeline } from '@qubit/service-marketdata';
import { FeaturesRepository, MarketDataWriter, openStore } from '@qubit/store-postgres';
import { parseBinanceTrade } from '@qubit/venue-ccxt';
import pg from 'pg';
import { collectGarbage, intFlag, median, withSearchPath } from './bench-support.js';
import { rawCopy } from './raw-copy.js';
import type { Figure } from './report.js';

const BENCH = 'ingest';
const ROUNDS = 5;
const T0_MS = 1_767_225_600_000;
const BTC = instrumentFromSpec(BTCUSDT_BINANCE);

/**
 * Market data ingestion end to end on PostgreSQL: raw Binance trade messages (JSON text, as the socket
 * delivers them) → parse with exact decimals → the ingestion pipeline (bus, hot window, bars of
 * 1s/1m/5m/15m/1h/1d, features on 1m closes) → MarketDataWriter (COPY) and the feature writer, timed
 * until every row is committed. The peer is a raw COPY of the same trades into a table of the same
 * shape, in the same run, rounds alternating. PostgreSQL comes from QUBIT_TEST_DATABASE_URL or
 * QUBIT_DATABASE_URL, in a schema of the bench's own.
 */
export async function ingestBench(args: readonly string[]): Promise<Figure[]> {
  const n = intFlag(args, '--ticks', 200_000);
  const url = process.env.QUBIT_TEST_DATABASE_URL || process.env.QUBIT_DATABASE_URL;
  if (!url) {
    console.error('ingest bench skipped: set QUBIT_TEST_DATABASE_URL or QUBIT_DATABASE_URL');
    return [];
  }
  const messages = binanceTradeMessages(n);
  // The peer loads the very trades the pipeline produces.
  const ticks = messages.map((m) => parseBinanceTrade(JSON.parse(m), { instrumentId: BTC.id, tsInit: 0n }));
  const schema = `qubit_ingest_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  try {
    const schemaUrl = withSearchPath(url, schema);
    const store = await openStore({ url: schemaUrl });
    const peer = new pg.Client({ connectionString: schemaUrl });
    await peer.connect();
    try {
      await peer.query('CREATE TABLE bench_ticks_copy (LIKE ticks INCLUDING ALL)');
      const ours: number[] = [];
      const raw: number[] = [];
      let bars = 0;
      let features = 0;
      for (let r = 0; r < ROUNDS; r++) {
        await peer.query('TRUNCATE ticks, bars, features, bench_ticks_copy');
        collectGarbage();
        raw.push(await rawCopy(peer, ticks));
        collectGarbage();
        const run = await ingest(store, schemaUrl, messages);
        ours.push(run.seconds);
        bars = run.bars;
        features = run.features;
        const stored = await peer.query<{ n: string }>('SELECT count(*)::text AS n FROM ticks');
        if (Number(stored.rows[0]?.n) !== n)
          throw new Error(`ingest bench: ticks holds ${stored.rows[0]?.n}, not ${n}`);
      }
      const best = n / Math.min(...ours);
      const bestRaw = n / Math.min(...raw);
      const rows = n.toLocaleString('en-US');
      return [
        {
          bench: BENCH,
          figure: `raw Binance trades → parse → bars (6 timeframes) → features → store, ${rows} trades, ${bars.toLocaleString('en-US')} bars, ${features} feature sets (best of ${ROUNDS})`,
          value: best,
          unit: 'ticks/s',
          peer: 'raw COPY of the same trades, same table shape',
          peer_value: bestRaw,
          ratio: best / bestRaw,
          target: '≥ 0.8x peer',
          ok: best >= 0.8 * bestRaw,
        },
        {
          bench: BENCH,
          figure: `same, median of ${ROUNDS}`,
          value: n / median(ours),
          unit: 'ticks/s',
          peer: 'raw COPY of the same trades, same table shape',
          peer_value: n / median(raw),
          ratio: median(raw) / median(ours),
        },
      ];
    } finally {
      await peer.end();
      await store.close();
    }
  } finally {
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin.end();
  }
}

/** One timed run: every message through the pipeline, then until every row is committed. */
async function ingest(
  store: Awaited<ReturnType<typeof openStore>>,
  url: string,
  messages: readonly string[],
): Promise<{ seconds: number; bars: number; features: number }> {
  const writer = new MarketDataWriter(store.sql, { url, flushIntervalMs: 0 });
  const featureWriter = new FeatureWriter({ repository: new FeaturesRepository(store.sql) });
  const clock = new TestClock(BigInt(T0_MS) * 1_000_000n);
  const pipeline = new MarketDataPipeline({
    bus: new MessageBus(),
    clock,
    sink: writer,
    featureSink: featureWriter,
  });
  pipeline.addInstrument(BTC);
  // The writer opens its COPY connection on its first batch, inside the timing (a few ms; the peer's is open).
  const t0 = process.hrtime.bigint();
  // Messages come off the socket in packets: the loop yields between packets of 500, as a live feed's
  // handler returns to the event loop, so the writer's COPY runs while the next packets are parsed.
  for (let i = 0; i < messages.length; i++) {
    const trade: TradeTick = parseBinanceTrade(JSON.parse(messages[i]!), {
      instrumentId: BTC.id,
      tsInit: 0n,
    });
    pipeline.ingest(trade);
    if (i % 500 === 499) await new Promise<void>((r) => setImmediate(r));
  }
  const stored = await writer.close();
  await featureWriter.flush();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (stored.ticks !== messages.length) {
    throw new Error(`ingest bench: the writer stored ${stored.ticks} of ${messages.length} trades`);
  }
  return { seconds, bars: stored.bars, features: pipeline.stats.features };
}

/** Binance spot `trade` stream messages, 10 ms apart, a random walk on the 0.01 tick. */
function binanceTradeMessages(n: number): string[] {
  const out = new Array<string>(n);
  let cents = 6_000_000;
  let seed = 7;
  for (let i = 0; i < n; i++) {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    cents += (seed % 7) - 3;
    const ms = T0_MS + i * 10;
    const qty = (1 + ((i * 7919) % 99_999)) / 100_000;
    out[i] = JSON.stringify({
      e: 'trade',
      E: ms + 1,
      s: 'BTCUSDT',
      t: 1_000_000_000 + i,
      p: (cents / 100).toFixed(2),
      q: qty.toFixed(5),
      T: ms,
      m: i % 3 === 0,
    });
  }
  return out;
}

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AccountId,
  AggressorSide,
  BotId,
  ClientOrderId,
  Currencies,
  InstrumentId,
  LiquiditySide,
  Money,
  OrderSide,
  OrderType,
  Price,
  Quantity,
  StrategyId,
  TimeInForce,
  TradeId,
  TraderId,
  VenueOrderId,
  type OrderAccepted,
  type OrderEventBase,
  type OrderFilled,
  type SubmitOrder,
  type TradeTick,
} from '@qubit/model';
import { MarketDataWriter, openStore, type Store } from '@qubit/store-postgres';
import pg from 'pg';
import { collectGarbage, intFlag, median, withSearchPath } from './bench-support.js';
import { rawCopy } from './raw-copy.js';
import { percentile, type Figure } from './report.js';

const BENCH = 'store';
const WARMUP_ORDERS = 50;
const ROUNDS = 5;
const T0 = 1_704_067_200_000_000_000n;
const BTC = InstrumentId('BTCUSDT.BINANCE');

/**
 * The store under the order path and under market data:
 * - orders/s and fills/s with durability on: the real StoreJournal, each order a SubmitOrder, an
 *   OrderAccepted and an OrderFilled journaled one after the other, each awaited as the ExecutionEngine
 *   awaits it, on PGlite and on PostgreSQL;
 * - tick ingest on PostgreSQL through MarketDataWriter, next to a raw COPY of the same rows into a table
 *   of the same shape (columns and primary key of `ticks`), measured in the same run, rounds alternating.
 *
 * PostgreSQL comes from QUBIT_TEST_DATABASE_URL or QUBIT_DATABASE_URL; the bench works in a schema of its
 * own, dropped at the end, so it never touches the tables of a real store.
 */
export async function storeBench(args: readonly string[]): Promise<Figure[]> {
  const ticks = intFlag(args, '--ticks', 100_000);
  const orders = intFlag(args, '--orders', 2_000);
  const figures: Figure[] = [];

  const dir = await mkdtemp(join(tmpdir(), 'qubit-store-bench-'));
  try {
    const store = await openStore({ dataDir: dir });
    try {
      figures.push(...(await journalFigures('PGlite', store, orders)));
    } finally {
      await store.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }

  const url = process.env.QUBIT_TEST_DATABASE_URL || process.env.QUBIT_DATABASE_URL;
  if (!url) {
    // stderr, so that --json output stays one figure per line.
    console.error('store bench: PostgreSQL rows skipped: set QUBIT_TEST_DATABASE_URL or QUBIT_DATABASE_URL');
    return figures;
  }
  const schema = `qubit_bench_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  try {
    const schemaUrl = withSearchPath(url, schema);
    const store = await openStore({ url: schemaUrl });
    try {
      figures.push(...(await journalFigures('PostgreSQL', store, orders)));
      figures.push(...(await ingestFigures(store, schemaUrl, ticks)));
    } finally {
      await store.close();
    }
  } finally {
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin.end();
  }
  return figures;
}

async function journalFigures(engine: string, store: Store, n: number): Promise<Figure[]> {
  await journalOrders(store, 0, WARMUP_ORDERS);
  collectGarbage();
  const run = await journalOrders(store, WARMUP_ORDERS, n);
  const perOrder = Float64Array.from(run.orderMs).sort();
  return [
    {
      bench: BENCH,
      figure: `${engine}: orders journaled durably (SubmitOrder + OrderAccepted + OrderFilled, each awaited), ${n.toLocaleString('en-US')} orders`,
      value: n / run.seconds,
      unit: 'orders/s',
    },
    {
      bench: BENCH,
      figure: `${engine}: fills journaled durably (the OrderFilled writes of the same run)`,
      value: n / run.fillSeconds,
      unit: 'fills/s',
    },
    {
      bench: BENCH,
      figure: `${engine}: one order's three journal writes, p99`,
      value: percentile(perOrder, 99),
      unit: 'ms',
    },
  ];
}

async function journalOrders(
  store: Store,
  from: number,
  n: number,
): Promise<{ seconds: number; fillSeconds: number; orderMs: number[] }> {
  let fillNs = 0n;
  const orderMs: number[] = [];
  const start = process.hrtime.bigint();
  for (let i = from; i < from + n; i++) {
    const cmd = submit(i);
    const t0 = process.hrtime.bigint();
    await store.journal.recordCommand(cmd);
    await store.journal.recordEvent(accepted(cmd));
    const tf = process.hrtime.bigint();
    await store.journal.recordEvent(filled(cmd));
    const t1 = process.hrtime.bigint();
    fillNs += t1 - tf;
    orderMs.push(Number(t1 - t0) / 1e6);
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { seconds, fillSeconds: Number(fillNs) / 1e9, orderMs };
}

async function ingestFigures(store: Store, url: string, n: number): Promise<Figure[]> {
  const ticks = tradeTicks(n);
  const peer = new pg.Client({ connectionString: url });
  await peer.connect();
  try {
    await peer.query('CREATE TABLE bench_ticks_copy (LIKE ticks INCLUDING ALL)');
    // One writer for all rounds, as an ingest process keeps one; its connection is opened before timing,
    // like the peer's.
    const writer = new MarketDataWriter(store.sql, { url });
    const ours: number[] = [];
    const raw: number[] = [];
    try {
      writer.addTrade(ticks[0]!);
      await writer.flush();
      for (let r = 0; r < ROUNDS; r++) {
        await peer.query('TRUNCATE ticks, bench_ticks_copy');
        collectGarbage();
        raw.push(await rawCopy(peer, ticks));
        collectGarbage();
        ours.push(await writerIngest(writer, ticks));
        const stored = await peer.query<{ n: string }>('SELECT count(*)::text AS n FROM ticks');
        if (Number(stored.rows[0]?.n) !== n) {
          throw new Error(`store bench: ticks holds ${stored.rows[0]?.n} rows, not ${n}`);
        }
      }
    } finally {
      await writer.close();
    }
    const bestOurs = n / Math.min(...ours);
    const bestRaw = n / Math.min(...raw);
    const medianOurs = n / median(ours);
    const medianRaw = n / median(raw);
    const rows = n.toLocaleString('en-US');
    return [
      {
        bench: BENCH,
        figure: `PostgreSQL: tick ingest through MarketDataWriter, ${rows} trades (best of ${ROUNDS})`,
        value: bestOurs,
        unit: 'rows/s',
        peer: 'raw COPY, same rows and table shape',
        peer_value: bestRaw,
        ratio: bestOurs / bestRaw,
        target: '≥ 0.8x peer',
        ok: bestOurs >= 0.8 * bestRaw,
      },
      {
        bench: BENCH,
        figure: `same, median of ${ROUNDS}`,
        value: medianOurs,
        unit: 'rows/s',
        peer: 'raw COPY, same rows and table shape',
        peer_value: medianRaw,
        ratio: medianOurs / medianRaw,
      },
    ];
  } finally {
    await peer.end();
  }
}

/** Seconds to add every trade and see it committed. */
async function writerIngest(writer: MarketDataWriter, ticks: readonly TradeTick[]): Promise<number> {
  const t0 = process.hrtime.bigint();
  for (const t of ticks) writer.addTrade(t);
  const r = await writer.flush();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.ticks !== ticks.length) {
    throw new Error(`store bench: the writer stored ${r.ticks} of ${ticks.length} trades`);
  }
  return seconds;
}

function tradeTicks(n: number): TradeTick[] {
  const out = new Array<TradeTick>(n);
  for (let i = 0; i < n; i++) {
    const ts = T0 + BigInt(i) * 1_000_123n;
    out[i] = {
      type: 'TradeTick',
      instrumentId: BTC,
      price: Price.fromUnits(4_200_000n + BigInt((i * 7) % 10_000), 2),
      size: Quantity.fromUnits(BigInt(1 + ((i * 7919) % 100_000)), 5),
      aggressorSide: i % 2 === 0 ? AggressorSide.BUYER : AggressorSide.SELLER,
      tradeId: TradeId(String(1_000_000_000 + i)),
      tsEvent: ts,
      tsInit: ts + 1_500n,
    };
  }
  return out;
}

function submit(i: number): SubmitOrder {
  return {
    type: 'SubmitOrder',
    commandId: `bench-cmd-${i}`,
    traderId: TraderId('BENCH-001'),
    accountId: AccountId('SIM-001'),
    botId: BotId('bench-bot'),
    strategyId: StrategyId('bench'),
    instrumentId: BTC,
    clientOrderId: ClientOrderId(`BENCH-O-${i}`),
    side: i % 2 === 0 ? OrderSide.BUY : OrderSide.SELL,
    orderType: OrderType.LIMIT,
    quantity: Quantity.from('0.010'),
    price: Price.from('42000.10'),
    timeInForce: TimeInForce.GTC,
    postOnly: false,
    reduceOnly: false,
    reason: 'bench',
    tsInit: T0 + BigInt(i) * 1_000_000n,
  };
}

function eventBase(cmd: SubmitOrder, id: string): OrderEventBase {
  return {
    eventId: id,
    tsEvent: cmd.tsInit + 500_000n,
    tsInit: cmd.tsInit + 500_000n,
    traderId: cmd.traderId,
    accountId: cmd.accountId,
    botId: cmd.botId,
    strategyId: cmd.strategyId,
    instrumentId: cmd.instrumentId,
    clientOrderId: cmd.clientOrderId,
  };
}

function accepted(cmd: SubmitOrder): OrderAccepted {
  return {
    ...eventBase(cmd, `acc-${cmd.clientOrderId}`),
    type: 'OrderAccepted',
    venueOrderId: VenueOrderId(`V-${cmd.clientOrderId}`),
  };
}

function filled(cmd: SubmitOrder): OrderFilled {
  return {
    ...eventBase(cmd, `fill-${cmd.clientOrderId}`),
    type: 'OrderFilled',
    venueOrderId: VenueOrderId(`V-${cmd.clientOrderId}`),
    tradeId: TradeId(`T-${cmd.clientOrderId}`),
    side: cmd.side,
    orderType: cmd.orderType,
    lastQty: cmd.quantity,
    lastPx: cmd.price!,
    fee: Money.of('0.00840002', Currencies.USDT),
    liquiditySide: LiquiditySide.MAKER,
  };
}

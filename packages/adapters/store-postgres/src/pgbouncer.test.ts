import { serviceFromEnv, testDatabaseUrl } from '@qubit/test-data';
import type { PositionSnapshot } from '@qubit/engine';
import {
  AggressorSide,
  BotId,
  Currencies,
  Decimal,
  InstrumentId,
  PositionId,
  Price,
  Quantity,
  StrategyId,
  TradeId,
  TraderId,
  type TradeTick,
} from '@qubit/model';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MarketDataWriter } from './market-data-writer.js';
import { schemaVersion } from './migrations/migrate.js';
import { openStore, type Store } from './store.js';
import { ACCOUNT, T0, accepted, engineCases, filled, initialized, submitOrder } from './test-support.js';

// The store behind PgBouncer in transaction pooling mode: every statement may land on a different server
// connection, so anything that leans on session state (named prepared statements, SET, session advisory
// locks, temp tables outliving a transaction) breaks here and not on a direct connection.
const bouncer = serviceFromEnv('PgBouncer', 'QUBIT_TEST_PGBOUNCER_URL');
const direct = testDatabaseUrl();
const skipReason = bouncer.skipReason ?? direct.skipReason;
const [, postgres] = engineCases('pgbouncer', direct);

/** The bouncer's URL pointed at database `name` (the bouncer forwards any database to the server). */
function throughBouncer(name: string): string {
  const u = new URL(bouncer.value!);
  u.pathname = `/${name}`;
  return u.toString();
}

async function simpleQuery(url: string, text: string): Promise<Record<string, string>[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<Record<string, string>>(text)).rows;
  } finally {
    await client.end();
  }
}

const BTC = InstrumentId('BTCUSDT.BINANCE');

function trades(n: number): TradeTick[] {
  return Array.from({ length: n }, (_, i) => ({
    type: 'TradeTick',
    instrumentId: BTC,
    price: Price.from(`42000.${String(i % 100).padStart(2, '0')}`),
    size: Quantity.from(`0.${String(1 + (i % 999)).padStart(3, '0')}`),
    aggressorSide: i % 2 === 0 ? AggressorSide.BUYER : AggressorSide.SELLER,
    tradeId: TradeId(`pgb-${i}`),
    tsEvent: T0 + BigInt(i) * 1_000_000n,
    tsInit: T0 + BigInt(i) * 1_000_000n,
  }));
}

describe.skipIf(skipReason !== undefined)('the store through PgBouncer in transaction pooling mode', () => {
  let url = '';
  const opened: Store[] = [];

  beforeAll(async () => {
    const { url: directUrl } = await postgres!.fresh();
    url = throughBouncer(new URL(directUrl!).pathname.slice(1));
  });

  afterAll(async () => {
    for (const s of opened) await s.close().catch(() => undefined);
    await postgres!.dispose();
  });

  it('is really a transaction-pooling bouncer (else this file would prove nothing)', async () => {
    const config = await simpleQuery(throughBouncer('pgbouncer'), 'SHOW CONFIG');
    expect(config.find((r) => r.key === 'pool_mode')?.value).toBe('transaction');
  });

  it('migrates once when several platforms open the same database through it at the same time', async () => {
    const stores = await Promise.all([1, 2, 3].map(() => openStore({ url, maxConnections: 4 })));
    opened.push(...stores);
    const versions = await Promise.all(stores.map((s) => schemaVersion(s.sql)));
    expect(new Set(versions).size).toBe(1);
    const applied = await stores[0]!.sql.query<{ n: string }>(
      'SELECT count(*)::text AS n FROM schema_migrations',
    );
    expect(Number(applied[0]!.n)).toBe(versions[0]);
  });

  it('journals orders and fills from concurrent writers and reads every one back once', async () => {
    const [a, b] = opened;
    const orders = Array.from({ length: 40 }, (_, i) => submitOrder(1000 + i));
    // Two platforms' journals write at once, each through its own pool, all through the bouncer.
    await Promise.all(
      orders.map(async (o, i) => {
        const journal = (i % 2 === 0 ? a : b)!.journal;
        await journal.recordEvent(initialized(o));
        await journal.recordCommand(o);
        await journal.recordEvent(accepted(o, T0 + 10n));
        await journal.recordEvent(filled(o, `F-${i}`, '1.000', '100.00', T0 + 20n));
        // A replayed fill changes nothing, whichever connection it lands on.
        await journal.recordEvent(filled(o, `F-${i}`, '1.000', '100.00', T0 + 20n));
      }),
    );
    const loaded = await opened[2]!.journal.load();
    const fills = loaded.filter((e) => e.type === 'OrderFilled');
    expect(fills).toHaveLength(40);
    const executions = await opened[2]!.sql.query<{ n: string }>(
      'SELECT count(*)::text AS n FROM executions',
    );
    expect(executions[0]!.n).toBe('40');
    const filledOrders = await opened[2]!.sql.query<{ n: string }>(
      "SELECT count(*)::text AS n FROM orders WHERE status = 'filled'",
    );
    expect(filledOrders[0]!.n).toBe('40');
  });

  it('keeps transactional replacements and bot state whole under concurrent writers', async () => {
    const [a, b, c] = opened;
    const snapshot = (qty: string): PositionSnapshot => ({
      accountId: ACCOUNT,
      botId: BotId('sma-1'),
      instrumentId: BTC,
      positionId: PositionId(`${BTC}-sma-1`),
      traderId: TraderId('QUBIT-001'),
      strategyId: StrategyId('sma-cross'),
      side: 'LONG',
      signedQty: Decimal.parse(qty),
      quantity: Quantity.from(qty),
      cost: Decimal.parse(qty).mul(Decimal.parse('100')),
      avgPxOpen: Price.from('100.00'),
      realizedPnl: Decimal.ZERO,
      unrealizedPnl: Decimal.ZERO,
      fees: Decimal.ZERO,
      settlementCurrency: Currencies.USDT,
      openedAt: T0,
      lastPx: Price.from('100.00'),
    });
    // Each replacement is one transaction; interleaved through the bouncer, the last one wins whole.
    await Promise.all(
      ['1', '2', '3', '4', '5', '6'].map((q, i) =>
        (i % 2 === 0 ? a : b)!.positions.replaceAccount(ACCOUNT, [snapshot(q)]),
      ),
    );
    const positions = await c!.positions.list(ACCOUNT);
    expect(positions).toHaveLength(1);

    const state = await a!.kvState('sma-1');
    for (let i = 0; i < 50; i++) state.set(`k${i % 5}`, { i });
    await state.flush();
    const reread = await c!.kvState('sma-1');
    expect([0, 1, 2, 3, 4].map((k) => reread.get(`k${k}`))).toEqual([
      { i: 45 },
      { i: 46 },
      { i: 47 },
      { i: 48 },
      { i: 49 },
    ]);
  });

  it('COPYs market data through it, and a replayed batch adds nothing', async () => {
    const store = opened[0]!;
    const writer = new MarketDataWriter(store.sql, { url, batchSize: 2_000 });
    try {
      const ts = trades(5_000);
      for (const t of ts) writer.addTrade(t);
      expect(await writer.flush()).toEqual({ ticks: 5_000, bars: 0 });
      // The replay takes the staging-table path: a temp table that must not outlive its transaction.
      for (const t of ts) writer.addTrade(t);
      expect(await writer.flush()).toEqual({ ticks: 0, bars: 0 });
    } finally {
      await writer.close();
    }
    const rows = await store.sql.query<{ n: string }>('SELECT count(*)::text AS n FROM ticks');
    expect(rows[0]!.n).toBe('5000');
  });
});

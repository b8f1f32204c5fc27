import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AggressorSide,
  BarAggregation,
  InstrumentId,
  Price,
  Quantity,
  TradeId,
  makeBarType,
  type Bar,
  type TradeTick,
} from '@qubit/model';
import { testDatabaseUrl } from '@qubit/test-data';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MarketDataWriter } from './market-data-writer.js';
import { migrate } from './migrations/migrate.js';
import { openPglite } from './pglite-client.js';
import { openPostgres } from './postgres-client.js';
import type { SqlClient } from './sql-client.js';
import { StoreError } from './store-error.js';

const BTC = InstrumentId('BTCUSDT.BINANCE');
const VN = InstrumentId('VN30F1M.HNX');
const T0 = 1_704_067_200_000_000_000n; // 2024-01-01T00:00:00Z in ns
const SIDES = [AggressorSide.BUYER, AggressorSide.SELLER, AggressorSide.NO_AGGRESSOR];
const SIDE_COLUMN: Record<string, string | null> = { BUYER: 'buy', SELLER: 'sell', NO_AGGRESSOR: null };

/** Trades with varied scales, sides and sub-microsecond times; `from` offsets the ids for fresh ones. */
function trades(n: number, from = 0): TradeTick[] {
  return Array.from({ length: n }, (_, k) => {
    const i = from + k;
    const instrumentId = i % 3 === 0 ? VN : BTC;
    const price =
      instrumentId === VN
        ? Price.from(`${1200 + (i % 97)}.${i % 10}`)
        : Price.from(`42000.${String(i % 100).padStart(2, '0')}`);
    return {
      type: 'TradeTick',
      instrumentId,
      price,
      size: Quantity.from(`0.${String((i * 7919) % 100_000_000).padStart(8, '0')}`),
      aggressorSide: SIDES[i % 3]!,
      tradeId: TradeId(`t-${i}${i % 50 === 0 ? '\\x' : ''}`),
      tsEvent: T0 + BigInt(i) * 1_000_123n + 789n,
      tsInit: T0 + BigInt(i) * 1_000_123n + 2_000n,
    };
  });
}

function bars(n: number): Bar[] {
  const barType = makeBarType(BTC, 1, BarAggregation.MINUTE);
  return Array.from({ length: n }, (_, i) => ({
    type: 'Bar',
    barType,
    open: Price.from(`${42000 + i}.10`),
    high: Price.from(`${42010 + i}.25`),
    low: Price.from(`${41990 + i}.00`),
    close: Price.from(`${42005 + i}.50`),
    volume: Quantity.from(`${i}.123456789`),
    tsEvent: T0 + BigInt(i + 1) * 60_000_000_000n,
    tsInit: T0 + BigInt(i + 1) * 60_000_000_000n,
  }));
}

/** What each trade must read back as: microseconds floored, numbers as written, side as the seed spells it. */
function expectedTicks(ts: readonly TradeTick[]): string[][] {
  return ts
    .map((t) => [
      t.tradeId,
      t.instrumentId,
      (t.tsEvent / 1000n).toString(),
      t.price.toString(),
      t.size.toString(),
      t.instrumentId.split('.')[1]!,
      String(SIDE_COLUMN[t.aggressorSide]),
    ])
    .sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
}

async function readTicks(client: SqlClient): Promise<string[][]> {
  const rows = await client.query<Record<string, string | null>>(
    `select trade_id, symbol, ((extract(epoch from ts) * 1000000)::bigint)::text as us, price::text as price,
            volume::text as volume, venue, side from ticks order by trade_id collate "C"`,
  );
  return rows.map((r) => [r.trade_id!, r.symbol!, r.us!, r.price!, r.volume!, r.venue!, String(r.side)]);
}

async function count(client: SqlClient, table: string): Promise<number> {
  const rows = await client.query<{ n: string }>(`select count(*)::text as n from ${table}`);
  return Number(rows[0]?.n);
}

interface Engine {
  open(): Promise<{ client: SqlClient; url?: string }>;
  done(): Promise<void>;
}

const pgUrl = testDatabaseUrl();
const dbName = `qubit_mdw_${process.pid}_${Date.now().toString(36)}`;

const engines: [string, Engine, string | undefined][] = [
  [
    'PGlite',
    (() => {
      let dir = '';
      return {
        async open() {
          dir = mkdtempSync(join(tmpdir(), 'qubit-mdw-'));
          return { client: await openPglite(dir) };
        },
        async done() {
          rmSync(dir, { recursive: true, force: true });
        },
      };
    })(),
    undefined,
  ],
  [
    'PostgreSQL',
    {
      async open() {
        const admin = new pg.Client({ connectionString: pgUrl.value });
        await admin.connect();
        await admin.query(`create database ${dbName}`);
        await admin.end();
        const url = withDatabase(pgUrl.value!, dbName);
        return { client: await openPostgres(url), url };
      },
      async done() {
        const admin = new pg.Client({ connectionString: pgUrl.value });
        await admin.connect();
        await admin.query(`drop database if exists ${dbName} with (force)`);
        await admin.end();
      },
    },
    pgUrl.skipReason,
  ],
];

function withDatabase(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

describe.each(engines)('MarketDataWriter on %s', (_name, engine, skip) => {
  let client: SqlClient;
  let url: string | undefined;

  beforeAll(async () => {
    if (skip) return;
    ({ client, url } = await engine.open());
    await migrate(client);
  });
  afterAll(async () => {
    if (skip) return;
    await client.close();
    await engine.done();
  });
  beforeEach(async () => {
    if (skip) return;
    await client.exec('truncate ticks, bars');
  });

  it.skipIf(skip)(
    'stores 10,000 trades that read back exactly, then a replayed batch adds nothing',
    async () => {
      const writer = new MarketDataWriter(client, { url, batchSize: 2_500 });
      const ts = trades(10_000);
      for (const t of ts) writer.addTrade(t);
      expect(await writer.flush()).toEqual({ ticks: 10_000, bars: 0 });
      expect(await readTicks(client)).toEqual(expectedTicks(ts));

      for (const t of ts) writer.addTrade(t);
      expect(await writer.flush()).toEqual({ ticks: 0, bars: 0 });
      expect(await count(client, 'ticks')).toBe(10_000);
      await writer.close();
    },
  );

  it.skipIf(skip)('stores only the new rows of a batch that overlaps what is stored', async () => {
    const writer = new MarketDataWriter(client, { url, batchSize: 1_000 });
    for (const t of trades(1_500)) writer.addTrade(t);
    expect(await writer.flush()).toEqual({ ticks: 1_500, bars: 0 });
    // Half old, half new, in every batch: the direct path meets duplicates and staging takes over.
    const mixed = trades(3_000);
    for (const t of mixed) writer.addTrade(t);
    expect(await writer.flush()).toEqual({ ticks: 1_500, bars: 0 });
    // Fresh rows after a conflicted batch still all arrive.
    const fresh = trades(2_000, 3_000);
    for (const t of fresh) writer.addTrade(t);
    expect(await writer.flush()).toEqual({ ticks: 2_000, bars: 0 });
    expect(await readTicks(client)).toEqual(expectedTicks([...mixed, ...fresh]));
    await writer.close();
  });

  it.skipIf(skip)('stores bars exactly and a replayed batch adds nothing', async () => {
    const writer = new MarketDataWriter(client, { url, batchSize: 300 });
    const bs = bars(1_000);
    for (const b of bs) writer.addBar(b);
    expect(await writer.flush()).toEqual({ ticks: 0, bars: 1_000 });
    for (const b of bs) writer.addBar(b);
    expect(await writer.flush()).toEqual({ ticks: 0, bars: 0 });
    const rows = await client.query<Record<string, string>>(
      `select instrument_id, bar_type, ((extract(epoch from ts) * 1000000)::bigint)::text as us,
              open::text as open, high::text as high, low::text as low, close::text as close, volume::text as volume
       from bars order by ts`,
    );
    expect(rows).toEqual(
      bs.map((b) => ({
        instrument_id: 'BTCUSDT.BINANCE',
        bar_type: 'BTCUSDT.BINANCE-1-MINUTE-LAST',
        us: (b.tsEvent / 1000n).toString(),
        open: b.open.toString(),
        high: b.high.toString(),
        low: b.low.toString(),
        close: b.close.toString(),
        volume: b.volume.toString(),
      })),
    );
    await writer.close();
  });

  it.skipIf(skip)('floors nanoseconds to microseconds, before 1970 too', async () => {
    const writer = new MarketDataWriter(client, { url, flushIntervalMs: 0 });
    const [a, b, c] = trades(3);
    writer.addTrade({ ...a!, tsEvent: -1n });
    writer.addTrade({ ...b!, tsEvent: -1_000n });
    writer.addTrade({ ...c!, tsEvent: 1_999n });
    expect(await writer.flush()).toEqual({ ticks: 3, bars: 0 });
    const rows = await client.query<{ trade_id: string; t: string }>(
      `select trade_id, to_char(ts at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') as t from ticks order by ts`,
    );
    expect(rows).toEqual(
      [
        { trade_id: b!.tradeId, t: '1969-12-31 23:59:59.999999' },
        { trade_id: a!.tradeId, t: '1969-12-31 23:59:59.999999' },
        { trade_id: c!.tradeId, t: '1970-01-01 00:00:00.000001' },
      ].sort((x, y) => (x.t === y.t ? (x.trade_id < y.trade_id ? -1 : 1) : x.t < y.t ? -1 : 1)),
    );
    await writer.close();
  });

  it.skipIf(skip)('writes full batches in the background and the rest after the flush interval', async () => {
    const writer = new MarketDataWriter(client, { url, batchSize: 100, flushIntervalMs: 20 });
    for (const t of trades(250)) writer.addTrade(t);
    // Two full batches go without a flush; the last 50 wait for the interval.
    await waitFor(async () => (await count(client, 'ticks')) === 250);
    expect(writer.pending).toBe(0);
    expect(await writer.flush()).toEqual({ ticks: 250, bars: 0 });
    await writer.close();
  });

  it.skipIf(skip)('keeps a batch that failed to write and stores it on the next flush', async () => {
    const writer = new MarketDataWriter(client, { url, flushIntervalMs: 0 });
    const ts = trades(10);
    for (const t of ts) writer.addTrade(t);
    await client.exec('alter table ticks rename to ticks_away');
    try {
      await expect(writer.flush()).rejects.toThrow(/^ticks: writing 10 rows failed: .*ticks/);
      expect(writer.pending).toBe(10);
    } finally {
      await client.exec('alter table ticks_away rename to ticks');
    }
    expect(await writer.flush()).toEqual({ ticks: 10, bars: 0 });
    expect(await readTicks(client)).toEqual(expectedTicks(ts));
    await writer.close();
  });

  it.skipIf(skip)(
    'refuses malformed data at add time, naming the field, and buffers nothing of it',
    async () => {
      const writer = new MarketDataWriter(client, { url, flushIntervalMs: 0 });
      const good = trades(1)[0]!;
      writer.addTrade(good);
      const bad: [unknown, string][] = [
        [{ ...good, price: NaN }, 'trade.price: expected a Price/Quantity, got NaN'],
        [{ ...good, price: '42000.10' }, 'trade.price: expected a Price/Quantity, got "42000.10"'],
        [{ ...good, size: Quantity.from('1').neg() }, 'trade.size: must not be negative, got -1'],
        [{ ...good, venue: 'BINANCE' }, 'trade.venue: is not a field of TradeTick'],
        [{ ...good, type: 'QuoteTick' }, 'trade.type: expected "TradeTick", got "QuoteTick"'],
        [
          { ...good, tsEvent: 1_704_067_200_000 },
          'trade.tsEvent: expected integer nanoseconds (bigint), got number',
        ],
        [
          { ...good, tsEvent: 10n ** 30n },
          'trade.tsEvent: 1000000000000000000000000000000 ns is outside the years 1-9999',
        ],
        [
          { ...good, aggressorSide: 'BUY' },
          'trade.aggressorSide: expected one of NO_AGGRESSOR, BUYER, SELLER, got "BUY"',
        ],
        [{ ...good, instrumentId: 'BTCUSDT' }, 'trade.instrumentId: "BTCUSDT" is not an instrument id'],
        [{ ...good, tradeId: 'a b' }, 'trade.tradeId: "a b" is not a valid TradeId'],
        [null, 'trade: expected a TradeTick, got null'],
      ];
      for (const [t, message] of bad) {
        let thrown: unknown;
        try {
          writer.addTrade(t as TradeTick);
        } catch (err) {
          thrown = err;
        }
        expect(thrown).toBeInstanceOf(StoreError);
        expect((thrown as Error).message.startsWith(message), (thrown as Error).message).toBe(true);
      }
      const bar = bars(1)[0]!;
      expect(() => writer.addBar({ ...bar, close: Infinity } as unknown as Bar)).toThrow(
        'bar.close: expected a Price/Quantity, got Infinity',
      );
      expect(() => writer.addBar({ ...bar, barType: { ...bar.barType, step: 0 } })).toThrow(
        'bar.barType.step: must be a positive integer, got 0',
      );
      expect(() =>
        writer.addBar({ ...bar, barType: { ...bar.barType, extra: 1 } } as unknown as Bar),
      ).toThrow('bar.barType.extra: is not a field of BarType');
      expect(writer.pending).toBe(1);
      expect(await writer.flush()).toEqual({ ticks: 1, bars: 0 });
      expect(await readTicks(client)).toEqual(expectedTicks([good]));
      await writer.close();
      expect(() => writer.addTrade(good)).toThrow('MarketDataWriter: is closed');
    },
  );
});

describe('MarketDataWriter options', () => {
  const fakePostgres = { engine: 'postgres' } as SqlClient;
  const fakePglite = { engine: 'pglite' } as SqlClient;

  it('needs the URL on PostgreSQL, where COPY runs on a connection of its own', () => {
    expect(() => new MarketDataWriter(fakePostgres, {})).toThrow('options.url: is required on PostgreSQL');
  });

  it('refuses a batch size or interval that is not a usable number', () => {
    expect(() => new MarketDataWriter(fakePglite, { batchSize: 0 })).toThrow(
      'options.batchSize: must be a positive integer, got 0',
    );
    expect(() => new MarketDataWriter(fakePglite, { flushIntervalMs: NaN })).toThrow(
      'options.flushIntervalMs: must be a non-negative number, got NaN',
    );
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

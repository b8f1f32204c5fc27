import {
  AggressorSide,
  BarAggregation,
  InstrumentId,
  Price,
  PriceType,
  Quantity,
  TradeId,
  makeBarType,
  type Bar,
  type TradeTick,
} from '@qubit/model';
import { testDatabaseUrl } from '@qubit/test-data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MarketDataReader } from './market-data-reader.js';
import { MarketDataWriter } from './market-data-writer.js';
import type { SqlClient } from './sql-client.js';
import { openStore, type Store } from './store.js';
import { StoreError } from './store-error.js';
import { engineCases } from './test-support.js';

const BTC = InstrumentId('BTCUSDT.BINANCE');
const ETH = InstrumentId('ETHUSDT.BINANCE');
const T0 = 1_704_067_200_000_000_000n; // 2024-01-01T00:00:00Z
const MINUTE = 60_000_000_000n;
const BTC_1M = makeBarType(BTC, 1, BarAggregation.MINUTE);
const BTC_5M = makeBarType(BTC, 5, BarAggregation.MINUTE);
const SIDES = [AggressorSide.BUYER, AggressorSide.SELLER, AggressorSide.NO_AGGRESSOR];

function bars(barType = BTC_1M, n = 25, step = MINUTE): Bar[] {
  return Array.from({ length: n }, (_, i) => ({
    type: 'Bar' as const,
    barType,
    open: Price.from(`${42000 + i}.10`),
    high: Price.from(`${42010 + i}.25`),
    low: Price.from(`${41990 + i}.00`),
    close: Price.from(`${42005 + i}.5${i % 10}`),
    volume: Quantity.from(`${i}.123456789`),
    tsEvent: T0 + BigInt(i + 1) * step,
    tsInit: T0 + BigInt(i + 1) * step,
  }));
}

/**
 * Trades in whole microseconds (what timestamptz keeps), several per microsecond with ids of different
 * lengths, so a page boundary falls inside one microsecond and ids order as numbers.
 */
function trades(instrumentId = BTC, n = 23): TradeTick[] {
  return Array.from({ length: n }, (_, i) => {
    const ts = T0 + BigInt(Math.floor(i / 4)) * 1_000n; // four trades per microsecond
    return {
      type: 'TradeTick' as const,
      instrumentId,
      price: Price.from(`42000.${String(i % 100).padStart(2, '0')}`),
      size: Quantity.from(`0.${String((i * 7919) % 100_000_000).padStart(8, '0')}`),
      aggressorSide: SIDES[i % 3]!,
      tradeId: TradeId(String(8 + i)), // 8, 9, 10, 11 … : "10" sorts before "9" as text
      tsEvent: ts,
      tsInit: ts,
    };
  });
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

/** Counts the statements a reader sends, so paging is seen rather than assumed. */
function counting(sql: SqlClient): { client: SqlClient; queries: string[] } {
  const queries: string[] = [];
  const client: SqlClient = {
    engine: sql.engine,
    query: (text, params) => {
      queries.push(text);
      return sql.query(text, params);
    },
    exec: (s) => sql.exec(s),
    transaction: (fn) => sql.transaction(fn),
    close: () => sql.close(),
  };
  return { client, queries };
}

describe.each(engineCases('mdreader', testDatabaseUrl()))('MarketDataReader on $engine', (engine) => {
  let store: Store;
  const written = {
    bars1m: bars(),
    bars5m: bars(BTC_5M, 7, 5n * MINUTE),
    btcTrades: trades(),
    ethTrades: trades(ETH, 5),
  };

  beforeAll(async () => {
    if (engine.skipReason) return;
    const location = await engine.fresh();
    store = await openStore(location);
    const writer = new MarketDataWriter(store.sql, { ...location, flushIntervalMs: 0 });
    // Written out of order: what comes back is in time order whatever order it was stored in.
    for (const b of [...written.bars1m].reverse()) writer.addBar(b);
    for (const b of written.bars5m) writer.addBar(b);
    for (const t of [...written.btcTrades].reverse()) writer.addTrade(t);
    for (const t of written.ethTrades) writer.addTrade(t);
    await writer.close();
  });
  afterAll(async () => {
    if (engine.skipReason) return;
    await store.close();
    await engine.dispose();
  });

  it.skipIf(engine.skipReason)('reads back exactly the bars and trades the writer stored', async () => {
    expect(await collect(store.marketData.bars(BTC, BTC_1M))).toEqual(written.bars1m);
    expect(await collect(store.marketData.bars(BTC, '5m'))).toEqual(written.bars5m);
    const btc = await collect(store.marketData.trades(BTC));
    expect(btc).toEqual(written.btcTrades);
    expect(btc.map((t) => t.tradeId).slice(0, 4)).toEqual(['8', '9', '10', '11']);
    expect(await collect(store.marketData.trades(ETH))).toEqual(written.ethTrades);
    // Exact decimals: the scale written is the scale read.
    expect(btc[1]!.price.toString()).toBe('42000.01');
    expect(btc[1]!.price.scale).toBe(2);
  });

  it.skipIf(engine.skipReason)('pages across page boundaries without losing or repeating a row', async () => {
    for (const pageSize of [1, 3, 4, 5, 22, 23, 24]) {
      const { client, queries } = counting(store.sql);
      const reader = new MarketDataReader(client, { pageSize });
      expect(await collect(reader.trades(BTC)), `page size ${pageSize}`).toEqual(written.btcTrades);
      // A short page ends the read; a full one asks once more.
      expect(queries.length).toBe(Math.floor(23 / pageSize) + 1);
      expect(queries.every((q) => !/offset/i.test(q))).toBe(true);
      expect(await collect(reader.bars(BTC, BTC_1M)), `page size ${pageSize}`).toEqual(written.bars1m);
    }
  });

  it.skipIf(engine.skipReason)(
    'bounds from and to inclusively, rounding them inward to microseconds',
    async () => {
      const b = written.bars1m;
      const reader = new MarketDataReader(store.sql, { pageSize: 2 });
      expect(await collect(reader.bars(BTC, '1-MINUTE', { from: b[3]!.tsEvent, to: b[7]!.tsEvent }))).toEqual(
        b.slice(3, 8),
      );
      expect(await collect(reader.bars(BTC, '1m', { from: b[3]!.tsEvent + 1n }))).toEqual(b.slice(4));
      expect(await collect(reader.bars(BTC, '1m', { to: b[2]!.tsEvent - 1n }))).toEqual(b.slice(0, 2));
      expect(await collect(reader.bars(BTC, '1m', { from: b[5]!.tsEvent, to: b[5]!.tsEvent }))).toEqual([
        b[5],
      ]);
      expect(await collect(reader.bars(BTC, '1m', { from: T0 + 1000n * MINUTE }))).toEqual([]);

      const t = written.btcTrades;
      // The second microsecond holds trades 4-7; one nanosecond past it starts at the third.
      expect(await collect(reader.trades(BTC, { from: t[4]!.tsEvent, to: t[7]!.tsEvent }))).toEqual(
        t.slice(4, 8),
      );
      expect(await collect(reader.trades(BTC, { from: t[4]!.tsEvent + 1n }))).toEqual(t.slice(8));
      expect(await collect(reader.trades(BTC, { to: t[4]!.tsEvent - 1n }))).toEqual(t.slice(0, 4));
    },
  );

  it.skipIf(engine.skipReason)('lists coverage per instrument and series', async () => {
    const w = written;
    expect(await store.marketData.coverage()).toEqual([
      {
        instrumentId: BTC,
        kind: 'bars',
        barType: 'BTCUSDT.BINANCE-1-MINUTE-LAST',
        first: w.bars1m[0]!.tsEvent,
        last: w.bars1m.at(-1)!.tsEvent,
        rows: 25,
      },
      {
        instrumentId: BTC,
        kind: 'bars',
        barType: 'BTCUSDT.BINANCE-5-MINUTE-LAST',
        first: w.bars5m[0]!.tsEvent,
        last: w.bars5m.at(-1)!.tsEvent,
        rows: 7,
      },
      { instrumentId: BTC, kind: 'trades', first: T0, last: w.btcTrades.at(-1)!.tsEvent, rows: 23 },
      { instrumentId: ETH, kind: 'trades', first: T0, last: w.ethTrades.at(-1)!.tsEvent, rows: 5 },
    ]);
  });

  it.skipIf(engine.skipReason)('reads nothing of a series that is not stored', async () => {
    expect(await collect(store.marketData.bars(ETH, '1m'))).toEqual([]);
    expect(
      await collect(store.marketData.bars(BTC, makeBarType(BTC, 1, BarAggregation.MINUTE, PriceType.BID))),
    ).toEqual([]);
    expect(await collect(store.marketData.trades(InstrumentId('XRPUSDT.BINANCE')))).toEqual([]);
  });

  it.skipIf(engine.skipReason)(
    'refuses bad arguments with a StoreError naming them, before reading',
    async () => {
      const reader = store.marketData;
      const bad: [() => unknown, string][] = [
        [() => reader.trades('BTCUSDT'), 'instrumentId: '],
        [() => reader.bars(BTC, 'weekly'), 'barType: '],
        [() => reader.bars(BTC, '0m'), 'barType: '],
        [() => reader.bars(BTC, '1-WEEK'), 'barType.aggregation: "WEEK" is not one of'],
        [
          () => reader.bars(BTC, 'ETHUSDT.BINANCE-1-MINUTE-LAST'),
          'barType: ETHUSDT.BINANCE-1-MINUTE-LAST is a bar type of ETHUSDT.BINANCE, not of BTCUSDT.BINANCE',
        ],
        [() => reader.bars(BTC, 42 as unknown as string), 'barType: expected a BarType'],
        [
          () => reader.trades(BTC, { from: 5 as unknown as bigint }),
          'range.from: expected integer nanoseconds (bigint), got 5',
        ],
        [() => reader.trades(BTC, { from: 2n, to: 1n }), 'range: from (2) is after to (1)'],
        [
          () => reader.trades(BTC, { to: 10n ** 30n }),
          'range.to: 1000000000000000000000000000000 ns is outside the years 1-9999',
        ],
        [() => reader.trades(BTC, { since: 1n } as never), 'range.since: is not a bound (from, to)'],
        [
          () => new MarketDataReader(store.sql, { pageSize: 0 }),
          'options.pageSize: must be an integer from 1 to 1000000, got 0',
        ],
        [() => new MarketDataReader({} as SqlClient), 'client: must be a SqlClient'],
      ];
      for (const [call, message] of bad) {
        let thrown: unknown;
        try {
          call();
        } catch (err) {
          thrown = err;
        }
        expect(thrown, message).toBeInstanceOf(StoreError);
        expect((thrown as Error).message.startsWith(message), (thrown as Error).message).toBe(true);
      }
    },
  );
});

import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BarAggregation,
  InstrumentId,
  ModelError,
  Price,
  PriceType,
  Quantity,
  makeBarType,
  type Bar,
  type BarType,
} from '@qubit/model';
import { HistorySpansRepository, MarketDataWriter, openStore, type Store } from '@qubit/store-postgres';
import { testDatabaseUrl } from '@qubit/test-data';
import pg from 'pg';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HistoricalCache, gaps } from './historical-cache.js';
import { HistoryFetchError, type HistoryRequest, type HistorySource } from './history-source.js';

const BTC = InstrumentId('BTCUSDT.BINANCE');
const BTC_1M = makeBarType(BTC, 1, BarAggregation.MINUTE, PriceType.LAST);
const M = 60_000_000_000n;
const T0 = 1_704_067_200_000_000_000n; // 2024-01-01T00:00:00Z

function bar(barType: BarType, open: bigint, i: number): Bar {
  return {
    type: 'Bar',
    barType,
    open: Price.from(`${42000 + i}.10`),
    high: Price.from(`${42010 + i}.25`),
    low: Price.from(`${41990 + i}.05`),
    close: Price.from(`${42005 + i}.5${i % 10}`),
    volume: Quantity.from(`${i}.12345678`),
    tsEvent: open + M,
    tsInit: open + M,
  };
}

/**
 * A venue in memory: a bar every minute except in `empty` (a weekend, a halt), nothing at or after `nowOpen`
 * (the venue's still-open bar and the future). Records every request; `failOn` makes a request throw.
 */
class FakeVenue implements HistorySource {
  readonly name = 'fakevenue';
  readonly requests: { from: bigint; to: bigint }[] = [];
  failOn: ((r: HistoryRequest) => Error | undefined) | undefined;

  constructor(
    private readonly empty: readonly { from: bigint; to: bigint }[] = [],
    private readonly nowOpen = T0 + 100_000n * M,
  ) {}

  async fetchBars(r: HistoryRequest) {
    this.requests.push({ from: r.from, to: r.to });
    const failure = this.failOn?.(r);
    if (failure) throw failure;
    const bars: Bar[] = [];
    const end = r.to < this.nowOpen ? r.to : this.nowOpen;
    for (let open = r.from; open + M <= end; open += M) {
      if (this.empty.some((e) => open >= e.from && open < e.to)) continue;
      bars.push(bar(r.barType, open, Number((open - T0) / M)));
    }
    r.onProgress?.({
      bars: bars.length,
      done: Number((r.to - r.from) / M),
      total: Number((r.to - r.from) / M),
    });
    return { bars, covered: { from: r.from, to: end > r.from ? end : r.from } };
  }
}

interface Fixture {
  store: Store;
  writer: MarketDataWriter;
  spans: HistorySpansRepository;
}

const database = testDatabaseUrl();
const engines: { engine: string; skip: string | undefined }[] = [
  { engine: 'pglite', skip: undefined },
  { engine: 'postgres', skip: database.skipReason },
];

for (const { engine, skip } of engines) {
  describe.skipIf(skip !== undefined)(`HistoricalCache on ${engine}`, () => {
    const cleanups: (() => Promise<void>)[] = [];
    let f: Fixture;

    beforeEach(async () => {
      let location: { dataDir: string } | { url: string };
      if (engine === 'pglite') {
        const dir = await mkdtemp(join(tmpdir(), 'qubit-history-'));
        cleanups.push(() => rm(dir, { recursive: true, force: true }));
        location = { dataDir: join(dir, 'db') };
      } else {
        // A database of this file's own, so test files run in parallel.
        const name = `qubit_t_history_${randomBytes(4).toString('hex')}`;
        await admin(database.value!, `CREATE DATABASE ${name}`);
        cleanups.push(() => admin(database.value!, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
        const url = new URL(database.value!);
        url.pathname = `/${name}`;
        location = { url: url.toString() };
      }
      const store = await openStore(location);
      const writer = new MarketDataWriter(store.sql, {
        ...('url' in location ? { url: location.url } : {}),
        flushIntervalMs: 0,
      });
      cleanups.unshift(async () => {
        await writer.close();
        await store.close();
      });
      f = { store, writer, spans: new HistorySpansRepository(store.sql) };
    });
    afterEach(async () => {
      for (const c of cleanups.splice(0)) await c();
    });
    afterAll(async () => {
      for (const c of cleanups.splice(0)) await c();
    });

    const cache = (source: HistorySource, chunkBars?: number) =>
      new HistoricalCache({
        reader: f.store.marketData,
        writer: f.writer,
        spans: f.spans,
        source,
        ...(chunkBars !== undefined ? { chunkBars } : {}),
      });

    it('fetches a range the store lacks, stores it, and serves the next request with zero venue calls', async () => {
      const venue = new FakeVenue();
      const c = cache(venue);
      const first = await c.range(BTC, T0, T0 + 120n * M, '1m');
      expect(first).toHaveLength(120);
      expect(first[0]!.tsEvent).toBe(T0 + M);
      expect(first[0]!.close.toString()).toBe('42005.50');
      expect(venue.requests).toEqual([{ from: T0, to: T0 + 120n * M }]);

      const second = await c.range(BTC, T0, T0 + 120n * M, '1-MINUTE');
      expect(venue.requests).toHaveLength(1);
      expect(second.map((b) => [b.tsEvent, b.open.toString(), b.volume.toString()])).toEqual(
        first.map((b) => [b.tsEvent, b.open.toString(), b.volume.toString()]),
      );
      // A sub-range, off the minute grid: only the bars lying wholly inside it, still from the store.
      const inner = await c.range(BTC, T0 + 10n * M + 1n, T0 + 20n * M + 30_000_000_000n, BTC_1M);
      expect(inner.map((b) => b.tsEvent)).toEqual(
        Array.from({ length: 9 }, (_, i) => T0 + BigInt(12 + i) * M),
      );
      expect(venue.requests).toHaveLength(1);
    });

    it('asks the venue only for the part of a range that the store does not cover', async () => {
      const venue = new FakeVenue();
      const c = cache(venue);
      await c.range(BTC, T0 + 50n * M, T0 + 100n * M, '1m');
      const fill = await c.fill(BTC, T0, T0 + 150n * M, '1m');
      expect(fill.missing).toEqual([
        { from: T0, to: T0 + 50n * M },
        { from: T0 + 100n * M, to: T0 + 150n * M },
      ]);
      expect(venue.requests.slice(1)).toEqual(fill.missing);
      expect(fill).toMatchObject({ received: 100, stored: 100, sourceCalls: 2, coveredTo: T0 + 150n * M });
      expect(await f.spans.spans(BTC_1M)).toEqual([{ from: T0, to: T0 + 150n * M }]);
      expect(await c.range(BTC, T0, T0 + 150n * M, '1m')).toHaveLength(150);
      expect(venue.requests).toHaveLength(3);
    });

    it('does not ask again for a span where the venue had no bars', async () => {
      const weekend = { from: T0 + 30n * M, to: T0 + 90n * M };
      const venue = new FakeVenue([weekend]);
      const c = cache(venue);
      expect(await c.range(BTC, weekend.from, weekend.to, '1m')).toEqual([]);
      expect(await c.range(BTC, weekend.from, weekend.to, '1m')).toEqual([]);
      expect(venue.requests).toHaveLength(1);
      const around = await c.range(BTC, T0, T0 + 120n * M, '1m');
      expect(around).toHaveLength(60);
      expect(venue.requests.slice(1)).toEqual([
        { from: T0, to: weekend.from },
        { from: weekend.to, to: T0 + 120n * M },
      ]);
    });

    it('covers only up to the venue’s last closed bar, and asks for the rest next time', async () => {
      const venue = new FakeVenue([], T0 + 70n * M);
      const c = cache(venue);
      const fill = await c.fill(BTC, T0, T0 + 100n * M, '1m');
      expect(fill).toMatchObject({ received: 70, coveredTo: T0 + 70n * M });
      expect(await f.spans.spans(BTC_1M)).toEqual([{ from: T0, to: T0 + 70n * M }]);
      await c.fill(BTC, T0, T0 + 100n * M, '1m');
      expect(venue.requests[1]).toEqual({ from: T0 + 70n * M, to: T0 + 100n * M });
    });

    it('keeps the chunks that were stored when the venue fails, and serves nothing half-written as complete', async () => {
      const venue = new FakeVenue();
      venue.failOn = (r) =>
        r.from >= T0 + 40n * M
          ? Object.assign(new Error('fakevenue GET /klines 503 Service Unavailable'), { retryable: true })
          : undefined;
      const c = cache(venue, 20);
      const error = await c.range(BTC, T0, T0 + 100n * M, '1m').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HistoryFetchError);
      expect(error).toMatchObject({ kind: 'network', retryable: true, source: 'fakevenue' });
      expect((error as Error).message).toBe(
        'history of BTCUSDT.BINANCE-1-MINUTE-LAST from fakevenue (network error): fakevenue GET /klines 503 Service Unavailable',
      );
      // Two chunks of 20 bars stored and recorded; the failed one is not.
      expect(await f.spans.spans(BTC_1M)).toEqual([{ from: T0, to: T0 + 40n * M }]);

      venue.failOn = undefined;
      venue.requests.length = 0;
      expect(await c.range(BTC, T0, T0 + 100n * M, '1m')).toHaveLength(100);
      expect(venue.requests[0]).toEqual({ from: T0 + 40n * M, to: T0 + 60n * M });
    });

    it('refuses an answer of another series as an exchange error and records nothing', async () => {
      const eth = makeBarType(InstrumentId('ETHUSDT.BINANCE'), 1, BarAggregation.MINUTE, PriceType.LAST);
      const source: HistorySource = {
        name: 'confused',
        fetchBars: async (r) => ({ bars: [bar(eth, r.from, 0)], covered: { from: r.from, to: r.to } }),
      };
      const error = await cache(source)
        .range(BTC, T0, T0 + 10n * M, '1m')
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ kind: 'exchange', retryable: false });
      expect((error as Error).message).toMatch(/bars\[0\] is not a bar of BTCUSDT.BINANCE-1-MINUTE-LAST/);
      expect(await f.spans.spans(BTC_1M)).toEqual([]);
    });

    it('makes one download when two callers ask for the same missing range at once', async () => {
      const venue = new FakeVenue();
      const c = cache(venue);
      const [a, b] = await Promise.all([
        c.range(BTC, T0, T0 + 60n * M, '1m'),
        c.range(BTC, T0, T0 + 60n * M, '1m'),
      ]);
      expect(a).toHaveLength(60);
      expect(b).toHaveLength(60);
      expect(venue.requests).toHaveLength(1);
    });

    it('refuses bad arguments before asking anything', async () => {
      const venue = new FakeVenue();
      const c = cache(venue);
      await expect(c.fill(BTC, T0, T0 + M, 'banana')).rejects.toThrow(
        /timeframe: expected a timeframe such as 1m/,
      );
      await expect(c.fill(BTC, T0 + M, T0, '1m')).rejects.toThrow(ModelError);
      await expect(c.fill('BTCUSDT', T0, T0 + M, '1m')).rejects.toThrow(/instrumentId/);
      const ticks = makeBarType(BTC, 100, BarAggregation.TICK, PriceType.LAST);
      await expect(c.fill(BTC, T0, T0 + M, ticks)).rejects.toThrow(/is not a time bar/);
      // A range shorter than one bar holds none: nothing to ask.
      expect(await c.range(BTC, T0 + 1n, T0 + M, '1m')).toEqual([]);
      expect(venue.requests).toEqual([]);
    });
  });
}

describe('gaps', () => {
  it('lists the parts of a range that no span covers', () => {
    expect(gaps(0n, 100n, [])).toEqual([{ from: 0n, to: 100n }]);
    expect(
      gaps(0n, 100n, [
        { from: 50n, to: 60n },
        { from: -10n, to: 10n },
        { from: 90n, to: 200n },
      ]),
    ).toEqual([
      { from: 10n, to: 50n },
      { from: 60n, to: 90n },
    ]);
    expect(gaps(0n, 100n, [{ from: 0n, to: 100n }])).toEqual([]);
  });
});

async function admin(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

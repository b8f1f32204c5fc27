import { MessageBus, TestClock } from '@qubit/engine';
import { BTCUSDT_BINANCE, instrumentFromSpec } from '@qubit/model';
import { FeaturesRepository, openStore, type FeatureRow, type Store } from '@qubit/store-postgres';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SyntheticFeed } from '../feeds/synthetic-feed.js';
import { MarketDataPipeline } from '../ingestion/market-data-pipeline.js';
import { FeatureWriter } from './feature-writer.js';

const BTC = instrumentFromSpec(BTCUSDT_BINANCE);
const T0 = 1_767_225_600_000_000_000n;
const S = 1_000_000_000n;

let dir: string;
let store: Store;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'qubit-fw-'));
  store = await openStore({ dataDir: join(dir, 'pglite') });
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('FeatureWriter', () => {
  it('stores every feature set the pipeline computes, exactly as published', async () => {
    const repository = new FeaturesRepository(store.sql);
    const writer = new FeatureWriter({ repository, batchSize: 7 });
    const clock = new TestClock(T0);
    const pipeline = new MarketDataPipeline({ bus: new MessageBus(), clock, featureSink: writer });
    pipeline.addInstrument(BTC);
    const feed = new SyntheticFeed({ clock, instruments: { 'BTCUSDT.BINANCE': { startPrice: 60_000 } } });
    feed.onData((d) => pipeline.ingest(d));
    feed.subscribe({ instrument: BTC });
    await feed.start();
    pipeline.start();
    for (let t = 1n; t <= 30n * 60n; t++) clock.advanceTo(T0 + t * S);
    await writer.flush();
    const stored = await repository.range('BTCUSDT.BINANCE-1-MINUTE-LAST', T0, T0 + 3_600n * S);
    expect(stored).toHaveLength(29);
    const latest = pipeline.window(BTC.id)!.allFeatures()[0]!;
    expect(stored.at(-1)).toEqual({
      instrumentId: 'BTCUSDT.BINANCE',
      barType: 'BTCUSDT.BINANCE-1-MINUTE-LAST',
      tsEvent: latest.tsEvent,
      values: latest.values,
    });
  });

  it('keeps the rows of a failed write and writes them with the next flush, in order', async () => {
    const written: FeatureRow[][] = [];
    let fail = true;
    const errors: string[] = [];
    const writer = new FeatureWriter({
      repository: {
        insert: async (rows) => {
          if (fail) throw new Error('connection reset');
          written.push([...rows]);
          return rows.length;
        },
      },
      onError: (e) => errors.push(e.message),
    });
    const set = (n: bigint) => ({
      type: 'FeatureSet' as const,
      instrumentId: BTC.id,
      barType: { instrumentId: BTC.id, step: 1, aggregation: 'MINUTE' as const, priceType: 'LAST' as const },
      tsEvent: T0 + n,
      tsInit: T0 + n,
      values: { rsi: Number(n) },
    });
    writer.addFeatures(set(1n));
    await expect(writer.flush()).rejects.toThrow('connection reset');
    writer.addFeatures(set(2n));
    fail = false;
    expect(await writer.flush()).toBe(2);
    expect(written[0]!.map((r) => r.tsEvent - T0)).toEqual([1n, 2n]);
    expect(errors).toEqual(['connection reset']);
    expect(writer.pending).toBe(0);
  });
});

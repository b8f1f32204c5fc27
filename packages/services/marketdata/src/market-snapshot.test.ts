import { MessageBus, TestClock } from '@qubit/engine';
import { BTCUSDT_BINANCE, ETHUSDT_BINANCE, instrumentFromSpec } from '@qubit/model';
import { describe, expect, it } from 'vitest';
import { SyntheticFeed } from './feeds/synthetic-feed.js';
import { MarketDataPipeline } from './ingestion/market-data-pipeline.js';
import { marketSnapshot } from './market-snapshot.js';

const BTC = instrumentFromSpec(BTCUSDT_BINANCE);
const ETH = instrumentFromSpec(ETHUSDT_BINANCE);
const T0 = 1_767_225_600_000_000_000n;
const S = 1_000_000_000n;

describe('marketSnapshot', () => {
  it('gives the last trade, the quote, closed and partial bars, features and the age of the data', async () => {
    const clock = new TestClock(T0);
    const pipeline = new MarketDataPipeline({ bus: new MessageBus(), clock });
    pipeline.addInstrument(BTC);
    expect(marketSnapshot(pipeline, clock.now(), BTC.id)).toMatchObject({
      stale: true,
      bars: [],
      features: [],
    });
    const feed = new SyntheticFeed({ clock, instruments: { 'BTCUSDT.BINANCE': { startPrice: 60_000 } } });
    feed.onData((d) => pipeline.ingest(d));
    feed.subscribe({ instrument: BTC });
    await feed.start();
    pipeline.start();
    for (let t = 1n; t <= 20n * 60n; t++) clock.advanceTo(T0 + t * S);
    const snap = marketSnapshot(pipeline, clock.now(), BTC.id, { bars: 5 });
    expect(snap.bars.map((b) => b.tsEvent - T0)).toEqual([15n, 16n, 17n, 18n, 19n].map((m) => m * 60n * S));
    expect(snap.lastTrade!.tsEvent).toBe(pipeline.lastEventAt(BTC.id));
    expect(snap.quote!.bidPrice.lt(snap.quote!.askPrice)).toBe(true);
    expect(snap.partialBar!.tsEvent).toBe(T0 + 20n * 60n * S);
    expect(snap.features.length).toBe(1);
    expect(snap.ageNanos! >= 0n && snap.ageNanos! < 2n * S).toBe(true);
    expect(snap.stale).toBe(false);
    await feed.stop();
    clock.advanceTo(clock.now() + 30n * S);
    expect(marketSnapshot(pipeline, clock.now(), BTC.id).stale).toBe(true);
  });

  it('refuses an instrument that is not ingested and a silly bar count', () => {
    const pipeline = new MarketDataPipeline({ bus: new MessageBus(), clock: new TestClock(T0) });
    pipeline.addInstrument(BTC);
    expect(() => marketSnapshot(pipeline, T0, ETH.id)).toThrow(
      'ETHUSDT.BINANCE is not registered for market data',
    );
    expect(() => marketSnapshot(pipeline, T0, BTC.id, { bars: -1 })).toThrow('bars');
  });
});

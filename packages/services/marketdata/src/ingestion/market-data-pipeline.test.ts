import { MessageBus, TestClock, Topic } from '@qubit/engine';
import {
  BTCUSDT_BINANCE,
  ETHUSDT_BINANCE,
  AggressorSide,
  BarAggregation,
  Decimal,
  Price,
  Quantity,
  TradeId,
  instrumentFromSpec,
  makeBarType,
  type Bar,
  type MarketData,
  type TradeTick,
} from '@qubit/model';
import { describe, expect, it } from 'vitest';
import type { FeatureSet } from '../features/feature-set.js';
import { SyntheticFeed } from '../feeds/synthetic-feed.js';
import { MarketDataPipeline, type MarketDataSink } from './market-data-pipeline.js';

const BTC = instrumentFromSpec(BTCUSDT_BINANCE);
const ETH = instrumentFromSpec(ETHUSDT_BINANCE);
const T0 = 1_767_225_600_000_000_000n; // a UTC midnight
const S = 1_000_000_000n;
const MIN = 60n * S;
const M1 = makeBarType(BTC.id, 1, BarAggregation.MINUTE);

function trade(ts: bigint, price: string, size = '0.010'): TradeTick {
  return {
    type: 'TradeTick',
    instrumentId: BTC.id,
    price: Price.from(price),
    size: Quantity.from(size),
    aggressorSide: AggressorSide.BUYER,
    tradeId: TradeId(`t-${ts}`),
    tsEvent: ts,
    tsInit: ts,
  };
}

/** A pipeline on a synthetic feed, everything on the bus and in the sink recorded. */
function rig(minutes: bigint) {
  const clock = new TestClock(T0);
  const bus = new MessageBus();
  const raw: { key: string; m: MarketData }[] = [];
  const features: FeatureSet[] = [];
  bus.subscribe<MarketData>(Topic.MARKET_RAW_DATA, 'test', (m, d) => raw.push({ key: d.key, m }));
  bus.subscribe<FeatureSet>(Topic.FEATURES_INDICATORS, 'test', (f) => features.push(f));
  const stored: { trades: TradeTick[]; bars: Bar[] } = { trades: [], bars: [] };
  const sink: MarketDataSink = { addTrade: (t) => stored.trades.push(t), addBar: (b) => stored.bars.push(b) };
  const pipeline = new MarketDataPipeline({ bus, clock, sink });
  pipeline.addInstrument(BTC);
  const feed = new SyntheticFeed({ clock, instruments: { 'BTCUSDT.BINANCE': { startPrice: 60_000 } } });
  feed.onData((d) => pipeline.ingest(d));
  feed.subscribe({ instrument: BTC });
  void feed.start();
  pipeline.start();
  for (let t = 1n; t <= minutes * 60n; t++) clock.advanceTo(T0 + t * S);
  return { clock, bus, raw, features, stored, pipeline };
}

describe('MarketDataPipeline', () => {
  it('publishes every datum keyed venue:symbol, stores the trades, and builds exact 1m bars from them', () => {
    const { raw, stored, pipeline } = rig(5n);
    const trades = raw.map((r) => r.m).filter((m): m is TradeTick => m.type === 'TradeTick');
    expect(trades.length).toBeGreaterThan(300);
    expect(new Set(raw.map((r) => r.key))).toEqual(new Set(['BINANCE:BTCUSDT']));
    expect(stored.trades).toEqual(trades);
    const m1 = raw
      .map((r) => r.m)
      .filter(
        (m): m is Bar => m.type === 'Bar' && m.barType.aggregation === 'MINUTE' && m.barType.step === 1,
      );
    // Closed by the clock two seconds after their end: the fifth minute is still waiting at T0+5m.
    expect(m1.map((b) => b.tsEvent - T0)).toEqual([1n, 2n, 3n, 4n].map((k) => k * MIN));
    expect(pipeline.window(BTC.id)!.lastBars(M1)).toEqual(m1);
    for (const bar of m1) {
      const inBar = trades.filter((t) => t.tsEvent >= bar.tsEvent - MIN && t.tsEvent < bar.tsEvent);
      expect(bar.open.eq(inBar[0]!.price)).toBe(true);
      expect(bar.close.eq(inBar.at(-1)!.price)).toBe(true);
      expect(bar.high.eq(inBar.reduce((h, t) => (t.price.gt(h) ? t.price : h), inBar[0]!.price))).toBe(true);
      expect(bar.low.eq(inBar.reduce((l, t) => (t.price.lt(l) ? t.price : l), inBar[0]!.price))).toBe(true);
      expect(bar.volume.eq(inBar.reduce<Decimal>((v, t) => v.add(t.size), Decimal.ZERO))).toBe(true);
    }
    // 1s bars too, and every closed bar went to the store.
    const closed = raw.map((r) => r.m).filter((m): m is Bar => m.type === 'Bar');
    expect(closed.filter((b) => b.barType.aggregation === 'SECOND').length).toBeGreaterThan(250);
    expect(stored.bars).toEqual(closed);
    expect(pipeline.stats).toMatchObject({ refused: 0, bars: closed.length });
    // The minute in progress, composed from its closed seconds and the second in progress, is exact too.
    const open = trades.filter((t) => t.tsEvent >= T0 + 4n * MIN);
    const partial = pipeline
      .partialBars(BTC.id)
      .find((b) => b.barType.aggregation === 'MINUTE' && b.barType.step === 1)!;
    expect(partial.tsEvent).toBe(T0 + 5n * MIN);
    expect(partial.open.eq(open[0]!.price) && partial.close.eq(open.at(-1)!.price)).toBe(true);
    expect(partial.volume.eq(open.reduce<Decimal>((v, t) => v.add(t.size), Decimal.ZERO))).toBe(true);
    expect(partial.high.eq(open.reduce((h, t) => (t.price.gt(h) ? t.price : h), open[0]!.price))).toBe(true);
  });

  it('computes features on 1m closes once warmed up, and publishes them on features.indicators', () => {
    const { features, pipeline } = rig(40n);
    expect(features.map((f) => f.tsEvent - T0)).toEqual(
      Array.from({ length: 39 }, (_, i) => BigInt(i + 1) * MIN),
    );
    expect(features[0]!.values.rsi).toBeNull();
    const last = features.at(-1)!;
    expect(last.values.rsi).toBeGreaterThan(0);
    expect(last.values.rsi).toBeLessThan(100);
    expect(last.values.macd_hist).toEqual(expect.any(Number));
    expect(last.values.volatility).toBeGreaterThan(0);
    expect(last.values.ema_50).toBeNull();
    expect(pipeline.window(BTC.id)!.latestFeatures(M1)).toEqual(last);
  });

  it('refuses data of an instrument not registered, counts it, and goes on when the store refuses', () => {
    const clock = new TestClock(T0);
    const bus = new MessageBus();
    const lines: string[] = [];
    let calls = 0;
    const pipeline = new MarketDataPipeline({
      bus,
      clock,
      log: (l) => lines.push(l),
      sink: {
        addTrade: () => {
          calls++;
          throw new Error('disk full');
        },
        addBar: () => {},
      },
    });
    pipeline.addInstrument(BTC);
    pipeline.ingest({ ...trade(T0 + 1n, '100.00'), instrumentId: ETH.id });
    pipeline.ingest(trade(T0 + 2n, '100.00'));
    pipeline.ingest(trade(T0 + 3n, '101.00'));
    expect(pipeline.stats).toMatchObject({ ingested: 2, refused: 1 });
    expect(calls).toBe(2);
    expect(lines).toEqual([
      'marketdata: refused TradeTick of ETHUSDT.BINANCE: the instrument is not registered',
      'marketdata: store write refused: disk full',
      'marketdata: store write refused: disk full',
    ]);
    expect(pipeline.partialBars(BTC.id).map((b) => b.close.toString())).toContain('101.00');
  });

  it('closes a quiet minute on time and drops the open bars of an instrument it stops ingesting', () => {
    const clock = new TestClock(T0);
    const bus = new MessageBus();
    const bars: Bar[] = [];
    bus.subscribe<MarketData>(Topic.MARKET_RAW_DATA, 'test', (m) => {
      if (m.type === 'Bar') bars.push(m);
    });
    const pipeline = new MarketDataPipeline({
      bus,
      clock,
      timeframes: [{ step: 1, aggregation: BarAggregation.MINUTE }],
    });
    pipeline.addInstrument(BTC, { features: false });
    pipeline.start();
    pipeline.ingest(trade(T0 + 10n * S, '100.00'));
    clock.advanceTo(T0 + MIN + 2n * S - 1n);
    expect(bars).toHaveLength(0);
    clock.advanceTo(T0 + MIN + 2n * S);
    expect(bars.map((b) => b.tsEvent)).toEqual([T0 + MIN]);
    pipeline.ingest(trade(T0 + MIN + S, '101.00'));
    pipeline.removeInstrument(BTC.id);
    clock.advanceTo(T0 + 3n * MIN);
    expect(bars).toHaveLength(1);
    expect(pipeline.has(BTC.id)).toBe(false);
  });
});

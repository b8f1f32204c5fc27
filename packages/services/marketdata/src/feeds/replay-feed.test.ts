import { TestClock } from '@qubit/engine';
import { loadMarketDataFile } from '@qubit/adapter-data-files';
import { BTCUSDT_BINANCE, instrumentFromSpec, type MarketData, type TradeTick } from '@qubit/model';
import { sharedDataFile, sharedDataSkipReason } from '@qubit/test-data';
import { describe, expect, it } from 'vitest';
import { ReplayFeed } from './replay-feed.js';

// The 2021 recording has sizes of 1e-6 BTC, finer than today's lot.
const BTC = instrumentFromSpec({ ...BTCUSDT_BINANCE, lot_size: '0.000001', min_quantity: '0.000001' });
const NOW = 1_767_225_600_000_000_000n;
const S = 1_000_000_000n;
const TRADES = 'trades/nautilus_binance_btcusdt-trades_2021-01-08.csv';
const skip = sharedDataSkipReason(TRADES);
if (skip) console.warn(`ReplayFeed over recorded trades ${skip}`);
const tradesPath = (): string => sharedDataFile(TRADES)!;

describe.skipIf(skip !== undefined)('ReplayFeed over recorded Binance trades', () => {
  it('plays at recorded pace, restamped to now, every trade once and in order', async () => {
    const loaded = await loadMarketDataFile(tradesPath(), { instrument: BTC, kind: 'trades' });
    const recorded = loaded.data as readonly TradeTick[];
    const clock = new TestClock(NOW);
    const feed = new ReplayFeed({ clock, recordings: { 'BTCUSDT.BINANCE': recorded } });
    const out: MarketData[] = [];
    feed.onData((d) => out.push(d));
    feed.subscribe({ instrument: BTC });
    await feed.start();
    const span = recorded.at(-1)!.tsEvent - recorded[0]!.tsEvent;
    // Halfway through the recording's time, about the trades of its first half have played.
    clock.advanceTo(NOW + span / 2n);
    const half = recorded.filter((t) => t.tsEvent - recorded[0]!.tsEvent <= span / 2n).length;
    expect(Math.abs(out.length - half)).toBeLessThanOrEqual(recorded.length / 50);
    clock.advanceTo(NOW + span + S);
    expect(feed.finished).toBe(true);
    expect(out).toHaveLength(recorded.length);
    const shift = NOW - recorded[0]!.tsEvent;
    out.forEach((d, i) => {
      const t = d as TradeTick;
      expect(t.tradeId).toBe(recorded[i]!.tradeId);
      expect(t.price).toEqual(recorded[i]!.price);
      expect(t.tsEvent).toBe(recorded[i]!.tsEvent + shift);
    });
  });

  it('plays sixty times faster keeping recorded times, and loops restamped runs with fresh trade ids', async () => {
    const loaded = await loadMarketDataFile(tradesPath(), { instrument: BTC, kind: 'trades' });
    const recorded = loaded.data as readonly TradeTick[];
    const span = recorded.at(-1)!.tsEvent - recorded[0]!.tsEvent;
    const clock = new TestClock(NOW);
    const fast = new ReplayFeed({ clock, recordings: { 'BTCUSDT.BINANCE': recorded }, speed: 60 });
    const out: MarketData[] = [];
    fast.onData((d) => out.push(d));
    fast.subscribe({ instrument: BTC });
    await fast.start();
    clock.advanceTo(NOW + span / 60n + S);
    expect(out).toEqual(recorded);

    const loopClock = new TestClock(NOW);
    const loop = new ReplayFeed({
      clock: loopClock,
      recordings: { 'BTCUSDT.BINANCE': recorded },
      loop: true,
    });
    const laps: TradeTick[] = [];
    loop.onData((d) => laps.push(d as TradeTick));
    loop.subscribe({ instrument: BTC });
    await loop.start();
    loopClock.advanceTo(NOW + 2n * span + 10n * S);
    expect(laps.length).toBeGreaterThan(recorded.length);
    const second = laps[recorded.length]!;
    expect(second.tradeId).toBe(`${recorded[0]!.tradeId}-L1`);
    for (let i = 1; i < laps.length; i++) expect(laps[i]!.tsEvent >= laps[i - 1]!.tsEvent).toBe(true);
    expect(loop.finished).toBe(false);
  });
});

describe('ReplayFeed refuses what it cannot play', () => {
  it('names the bad option or recording', () => {
    const clock = new TestClock(NOW);
    expect(() => new ReplayFeed({ clock, recordings: {}, speed: 0 })).toThrow('replay.speed');
    expect(() => new ReplayFeed({ clock, recordings: {}, speed: 10, restamp: true })).toThrow(
      'replay.restamp',
    );
    expect(() => new ReplayFeed({ clock, recordings: {}, speed: 10, loop: true })).toThrow('replay.loop');
    const feed = new ReplayFeed({ clock, recordings: { 'BTCUSDT.BINANCE': [] } });
    expect(() => feed.subscribe({ instrument: BTC })).toThrow('the recording is empty');
    const none = new ReplayFeed({ clock, recordings: {} });
    expect(() => none.subscribe({ instrument: BTC })).toThrow('there is no recording of this instrument');
  });
});

import { TestClock, type FeedStatus } from '@qubit/engine';
import {
  BTCUSDT_BINANCE,
  ETHUSDT_BINANCE,
  InstrumentId,
  instrumentFromSpec,
  type MarketData,
} from '@qubit/model';
import { describe, expect, it } from 'vitest';
import { SyntheticFeed } from './synthetic-feed.js';

const BTC = instrumentFromSpec(BTCUSDT_BINANCE);
const ETH = instrumentFromSpec(ETHUSDT_BINANCE);
const T0 = 1_767_225_600_000_000_000n;
const S = 1_000_000_000n;

function session(seconds: bigint, seed = 1): { data: MarketData[]; feed: SyntheticFeed; clock: TestClock } {
  const clock = new TestClock(T0);
  const feed = new SyntheticFeed({
    clock,
    seed,
    instruments: {
      'BTCUSDT.BINANCE': { startPrice: 60_000, annualVolatility: 0.6 },
      'ETHUSDT.BINANCE': { startPrice: 3_000, annualVolatility: 0.8, tradesPerSecond: 1 },
    },
  });
  const data: MarketData[] = [];
  feed.onData((d) => data.push(d));
  feed.subscribe({ instrument: BTC });
  feed.subscribe({ instrument: ETH, quotes: false });
  void feed.start();
  for (let t = 1n; t <= seconds; t++) clock.advanceTo(T0 + t * S);
  return { data, feed, clock };
}

describe('SyntheticFeed', () => {
  it('hands on both instruments in time order as the clock moves, repeating for a seed', () => {
    const { data, feed } = session(60n);
    expect(data.length).toBeGreaterThan(100);
    for (let i = 1; i < data.length; i++) expect(data[i]!.tsEvent >= data[i - 1]!.tsEvent).toBe(true);
    const ids = new Set(data.map((d) => (d.type === 'Bar' ? d.barType.instrumentId : d.instrumentId)));
    expect(ids).toEqual(new Set(['BTCUSDT.BINANCE', 'ETHUSDT.BINANCE']));
    // ETH asked for trades only.
    expect(data.some((d) => d.type === 'QuoteTick' && d.instrumentId === 'ETHUSDT.BINANCE')).toBe(false);
    expect(data.every((d) => d.tsEvent >= T0 && d.tsEvent < T0 + 60n * S)).toBe(true);
    expect(session(60n).data).toEqual(data);
    expect(session(60n, 2).data).not.toEqual(data);
    expect(feed.status()).toMatchObject({
      source: 'synthetic',
      state: 'live',
      events: data.length,
      rejected: 0,
    });
    expect(feed.status().lastEventAt).toBe(data.at(-1)!.tsEvent);
  });

  it('stops handing on an instrument once unsubscribed, and everything once stopped', async () => {
    const { data, feed, clock } = session(10n);
    feed.unsubscribe(InstrumentId('BTCUSDT.BINANCE'));
    const before = data.length;
    clock.advanceTo(T0 + 30n * S);
    const after = data.slice(before);
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((d) => d.type !== 'Bar' && d.instrumentId === 'ETHUSDT.BINANCE')).toBe(true);
    const statuses: FeedStatus[] = [];
    feed.onStatus((s) => statuses.push(s));
    await feed.stop();
    const n = data.length;
    clock.advanceTo(T0 + 60n * S);
    expect(data.length).toBe(n);
    expect(statuses.at(-1)?.state).toBe('stopped');
    await expect(feed.start()).rejects.toThrow('was stopped');
  });

  it('goes on when a listener throws, and says so in its status', () => {
    const clock = new TestClock(T0);
    const feed = new SyntheticFeed({ clock, instruments: { 'BTCUSDT.BINANCE': { startPrice: 60_000 } } });
    let seen = 0;
    feed.onData(() => {
      seen++;
      throw new Error('consumer broke');
    });
    feed.subscribe({ instrument: BTC });
    void feed.start();
    clock.advanceTo(T0 + 20n * S);
    expect(seen).toBeGreaterThan(10);
    expect(feed.status()).toMatchObject({ rejected: seen, detail: 'a listener failed: consumer broke' });
  });

  it('refuses an instrument without settings and a bad interval, naming them', () => {
    const clock = new TestClock(T0);
    const feed = new SyntheticFeed({ clock, instruments: {} });
    expect(() => feed.subscribe({ instrument: BTC })).toThrow('synthetic.instruments.BTCUSDT.BINANCE');
    expect(() => new SyntheticFeed({ clock, instruments: {}, intervalMs: 0 })).toThrow(
      'synthetic.intervalMs',
    );
  });
});

import { TestClock, type FeedStatus } from '@qubit/engine';
import {
  BarAggregation,
  instrumentFromSpec,
  makeBarType,
  type Bar,
  type MarketData,
  type TradeTick,
} from '@qubit/model';
import { BadSymbol, NetworkError, type Exchange } from 'ccxt';
import { afterEach, describe, expect, it } from 'vitest';
import { CcxtFeed } from './ccxt-feed.js';

/** Answers to one watch method, handed out in order; a call with none pending waits for the next push. */
class Script {
  private readonly queue: unknown[] = [];
  private waiting: ((v: unknown) => void) | undefined;
  calls = 0;

  push(answer: unknown): void {
    const w = this.waiting;
    if (w) {
      this.waiting = undefined;
      w(answer);
    } else this.queue.push(answer);
  }

  async next(): Promise<unknown> {
    this.calls++;
    const answer = this.queue.length ? this.queue.shift() : await new Promise((r) => (this.waiting = r));
    if (answer instanceof Error) throw answer;
    return answer;
  }
}

/** The part of a ccxt exchange the feed uses, scripted: no network at all. */
function fakeExchange() {
  const scripts = { trades: new Script(), ohlcv: new Script(), book: new Script() };
  const exchange = {
    markets: { 'BTC/USDT': { id: 'BTCUSDT', symbol: 'BTC/USDT', swap: false } },
    timeframes: { '1m': '1m', '1h': '1h' },
    loadMarkets: async () => exchange.markets,
    watchTrades: () => scripts.trades.next(),
    watchOHLCV: () => scripts.ohlcv.next(),
    watchOrderBook: () => scripts.book.next(),
    close: async () => {
      // A closed exchange ends every pending watch as ccxt does.
      for (const s of Object.values(scripts)) s.push(new NetworkError('connection closed by the user'));
    },
  };
  return { exchange: exchange as unknown as Exchange, scripts };
}

const instrument = instrumentFromSpec({
  id: 'BTCUSDT.BINANCE',
  kind: 'SPOT',
  base_currency: 'BTC',
  quote_currency: 'USDT',
  tick_size: '0.01',
  lot_size: '0.00001',
});
const minute = makeBarType(instrument.id, 1, BarAggregation.MINUTE);
const T0 = 1_700_000_040_000;

async function until(what: string, cond: () => boolean): Promise<void> {
  const end = Date.now() + 3000;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

describe('CcxtFeed loops', () => {
  let feed: CcxtFeed | undefined;
  afterEach(async () => feed?.stop());

  function setup(staleAfterMs = 30_000) {
    const { exchange, scripts } = fakeExchange();
    const clock = new TestClock(BigInt(T0) * 1_000_000n);
    const sleeps: number[] = [];
    feed = new CcxtFeed({
      exchangeId: 'binance',
      exchange,
      clock,
      staleAfterMs,
      random: () => 1,
      backoff: { initialMs: 100, maxMs: 400 },
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    });
    const data: MarketData[] = [];
    const statuses: FeedStatus[] = [];
    feed.onData((d) => data.push(d));
    feed.onStatus((s) => statuses.push(s));
    return { feed, scripts, clock, sleeps, data, statuses };
  }

  it('emits a venue bar once the next candle opens, stamped at its close, and refuses an older candle', async () => {
    const { feed, scripts, data } = setup();
    feed.subscribe({ instrument, bars: [minute] });
    await feed.start();
    scripts.ohlcv.push([[T0, 100, 101, 99, 100.5, 2]]);
    scripts.ohlcv.push([[T0, 100, 102, 99, 101.25, 3.5]]);
    scripts.ohlcv.push([[T0 - 60_000, 1, 1, 1, 1, 1]]);
    scripts.ohlcv.push([[T0 + 60_000, 101.25, 101.25, 101.25, 101.25, 0.1]]);
    await until('the closed bar', () => data.length === 1);
    const bar = data[0] as Bar;
    expect(bar.barType).toBe(minute);
    expect([bar.open, bar.high, bar.low, bar.close, bar.volume].map(String)).toEqual([
      '100',
      '102',
      '99',
      '101.25',
      '3.5',
    ]);
    expect(bar.tsEvent).toBe(BigInt(T0 + 60_000) * 1_000_000n);
    expect(feed.status().rejected).toBe(1);
    expect(feed.status().detail).toContain('arrived after');
  });

  it('backs off exponentially while the link is down, then is live again and resets the backoff', async () => {
    const { feed, scripts, sleeps, data, statuses } = setup();
    feed.subscribe({ instrument, trades: true });
    await feed.start();
    for (let i = 0; i < 4; i++) scripts.trades.push(new NetworkError('socket hang up'));
    scripts.trades.push([{ id: '1', timestamp: T0, price: 42000.1, amount: 0.5, side: 'sell', info: {} }]);
    scripts.trades.push(new NetworkError('socket hang up'));
    scripts.trades.push([
      { id: '2', timestamp: T0 + 1, price: 42000.2, amount: 0.25, side: 'buy', info: {} },
    ]);
    await until('two trades', () => data.length === 2);
    expect(sleeps).toEqual([100, 200, 400, 400, 100]);
    const s = feed.status();
    expect([s.state, s.reconnects, s.gaps, s.rejected]).toEqual(['live', 5, 0, 0]);
    expect(statuses.map((x) => x.state)).toContain('reconnecting');
    const [a, b] = data as TradeTick[];
    expect([a!.price.toString(), a!.size.toString(), a!.aggressorSide]).toEqual(['42000.1', '0.5', 'SELLER']);
    expect([b!.tradeId, b!.aggressorSide]).toEqual(['2', 'BUYER']);
  });

  it('turns stale when nothing arrives for the threshold and live again with the next datum', async () => {
    const { feed, scripts, clock, statuses } = setup(1000);
    feed.subscribe({ instrument, trades: true });
    await feed.start();
    scripts.trades.push([{ id: '1', timestamp: T0, price: 1, amount: 1, side: 'buy', info: {} }]);
    await until('live', () => feed.status().state === 'live');
    clock.advanceTo(clock.now() + 1_500_000_000n);
    expect(feed.status().state).toBe('stale');
    expect(statuses.at(-1)!.state).toBe('stale');
    scripts.trades.push([{ id: '2', timestamp: T0 + 2000, price: 1, amount: 1, side: 'buy', info: {} }]);
    await until('live again', () => statuses.at(-1)!.state === 'live');
  });

  it('ends a loop the venue refuses without retrying and says why', async () => {
    const { feed, scripts, sleeps } = setup();
    feed.subscribe({ instrument, trades: true });
    await feed.start();
    scripts.trades.push(new BadSymbol('binance does not have market symbol BTC/USDT'));
    await until('the refusal', () => feed.status().detail?.includes('refused') === true);
    await new Promise((r) => setTimeout(r, 20));
    expect(scripts.trades.calls).toBe(1);
    expect(sleeps).toEqual([]);
    expect(feed.status().detail).toContain('BadSymbol');
  });

  it('counts a trade it cannot map in rejected and keeps the rest of the batch', async () => {
    const { feed, scripts, data } = setup();
    feed.subscribe({ instrument, trades: true });
    await feed.start();
    scripts.trades.push([
      { id: '1', timestamp: T0, price: Number.NaN, amount: 1, side: 'buy', info: {} },
      { id: '2', timestamp: T0, price: 5, amount: 1, side: 'buy', info: { p: '5.000', q: '1.00' } },
    ]);
    await until('the good trade', () => data.length === 1);
    expect((data[0] as TradeTick).price.toString()).toBe('5.000');
    expect(feed.status().rejected).toBe(1);
    expect(feed.status().detail).toContain('binance trade: price is not a finite number');
  });

  it('reports stopped after stop and refuses to start again', async () => {
    const { feed, statuses } = setup();
    feed.subscribe({ instrument, trades: true });
    await feed.start();
    await feed.stop();
    expect(statuses.at(-1)!.state).toBe('stopped');
    await expect(feed.start()).rejects.toThrow('was stopped');
  });
});

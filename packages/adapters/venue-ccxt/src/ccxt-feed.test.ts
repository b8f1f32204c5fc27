import { readFileSync } from 'node:fs';
import { TestClock, type FeedStatus } from '@qubit/engine';
import {
  instrumentFromSpec,
  type MarketData,
  type OrderBookSnapshot,
  type QuoteTick,
  type TradeTick,
} from '@qubit/model';
import { sharedDataFile, sharedDataSkipReason } from '@qubit/test-data';
import { afterEach, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { BinanceBookSync } from './binance-book-sync.js';
import { CcxtFeed } from './ccxt-feed.js';
import { loadInstrumentSpecs } from './ccxt-markets.js';
import { createCcxtExchange, redirectCcxtUrls } from './ccxt-venues.js';
import { parseBinanceDepthSnapshot, parseBinanceDepthUpdate } from './parse.js';
import { readRecording, type RecordedMessage } from './recording.js';
import { startLocalVenueServer, type LocalVenueServer } from './testing/local-venue-server.js';

const SESSIONS = 'exchange_messages/recorded_sessions';
const skip = sharedDataSkipReason(SESSIONS);
if (skip) console.warn(`ccxt feed tests ${skip}`);

function recording(name: string): readonly RecordedMessage[] {
  const path = sharedDataFile(`${SESSIONS}/${name}`);
  if (!path) throw new Error(`${name} is missing`);
  return readRecording(readFileSync(path, 'utf8')).messages;
}

interface BinanceSession {
  readonly exchangeInfo: unknown;
  readonly snapshot: Record<string, unknown>;
  /** Raw `{stream, data}` diff messages for NKNUSDT newer than the snapshot, in order. */
  readonly diffs: readonly Record<string, unknown>[];
  readonly aggTrade: Record<string, unknown>;
}

function binanceSession(): BinanceSession {
  const snapshotMsg = recording('cryptofeed_BINANCE.http.0.0.txt').find((m) => m.url?.includes('NKNUSDT'));
  if (!snapshotMsg) throw new Error('no NKNUSDT snapshot');
  const snapshot = snapshotMsg.payload as Record<string, unknown>;
  const last = snapshot.lastUpdateId as number;
  const ws = recording('cryptofeed_BINANCE.ws.1.0.txt').map((m) => m.payload as Record<string, unknown>);
  const diffs = ws.filter((m) => m.stream === 'nknusdt@depth@100ms' && (m.data as { u: number }).u > last);
  const aggTrade = ws.find((m) => m.stream === 'nknusdt@aggTrade');
  if (!aggTrade) throw new Error('no NKNUSDT aggTrade');
  return { exchangeInfo: recording('cryptofeed_BINANCE.0.txt')[0]!.payload, snapshot, diffs, aggTrade };
}

/** The book in Binance's REST form after the snapshot and the first `n` diffs, computed by our own sync. */
function restSnapshotAfter(session: BinanceSession, n: number): Record<string, unknown> {
  const ctx = { instrumentId: 'NKNUSDT.BINANCE' as never, tsInit: 0n };
  const sync = new BinanceBookSync();
  sync.applySnapshot(parseBinanceDepthSnapshot(session.snapshot, ctx));
  for (const d of session.diffs.slice(0, n)) sync.applyDiff(parseBinanceDepthUpdate(d, ctx));
  const book = sync.book()!;
  const rows = (ls: OrderBookSnapshot['bids']) => ls.map((l) => [l.price.toString(), l.size.toString()]);
  return { lastUpdateId: book.sequence, bids: rows(book.bids), asks: rows(book.asks) };
}

const top = (book: OrderBookSnapshot | Record<string, unknown>, depth: number) => {
  if ('type' in book) {
    const b = book as OrderBookSnapshot;
    return {
      bids: b.bids
        .slice(0, depth)
        .map((l) => [l.price.normalize().toString(), l.size.normalize().toString()]),
      asks: b.asks
        .slice(0, depth)
        .map((l) => [l.price.normalize().toString(), l.size.normalize().toString()]),
    };
  }
  const norm = (rows: unknown) =>
    (rows as [string, string][]).slice(0, depth).map(([p, s]) => [String(Number(p)), String(Number(s))]);
  return { bids: norm(book.bids), asks: norm(book.asks) };
};

async function until(what: string, cond: () => boolean, ms = 8000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const sendAll = (socket: WebSocket, messages: readonly unknown[]) => {
  for (const m of messages) socket.send(JSON.stringify(m));
};

describe.skipIf(skip !== undefined)('CcxtFeed against a local Binance', () => {
  let server: LocalVenueServer | undefined;
  let feed: CcxtFeed | undefined;
  afterEach(async () => {
    await feed?.stop();
    await server?.close();
  });

  it('resyncs after a skipped diff, reconnects after a drop, and ends on the recorded book', async () => {
    const session = binanceSession();
    const n = session.diffs.length;
    expect(n).toBeGreaterThan(60);
    // Phase 1: diffs 0..19, then diff 21 with 20 skipped (a gap). Phase 2 (after the resync's new snapshot
    // at diff 30): diffs 29..44, then the connection drops. Phase 3 (new connection, snapshot at 50): the rest.
    const snapshots = [session.snapshot, restSnapshotAfter(session, 30), restSnapshotAfter(session, 50)];
    let depthSubscriptions = 0;
    let snapshotRequests = 0;
    const exchangeInfo = session.exchangeInfo;
    server = await startLocalVenueServer(
      {
        '/api/v3/exchangeInfo': () => exchangeInfo,
        '/fapi/v1/exchangeInfo': () => ({ symbols: [] }),
        '/dapi/v1/exchangeInfo': () => ({ symbols: [] }),
        '/api/v3/depth': () => snapshots[Math.min(snapshotRequests++, snapshots.length - 1)],
      },
      (socket) => {
        socket.on('message', (raw) => {
          const m = JSON.parse(String(raw)) as { method?: string; params?: string[]; id?: number };
          if (m.method !== 'SUBSCRIBE') return;
          socket.send(JSON.stringify({ result: null, id: m.id }));
          if (!m.params?.some((p) => p.includes('@depth'))) return;
          const phase = depthSubscriptions++;
          // Sent a little later, so that ccxt has asked for its snapshot and buffers them.
          setTimeout(() => {
            if (phase === 0) {
              sendAll(socket, session.diffs.slice(0, 20));
              // After ccxt has applied its snapshot: ccxt does not check the order of the diffs it buffered
              // while fetching the snapshot, only of those that arrive afterwards.
              setTimeout(() => sendAll(socket, [session.diffs[21]]), 300);
            } else if (phase === 1) {
              sendAll(socket, session.diffs.slice(29, 45));
              setTimeout(() => socket.terminate(), 100);
            } else {
              sendAll(socket, session.diffs.slice(49));
            }
          }, 20);
        });
      },
    );
    const exchange = createCcxtExchange('binance');
    await redirectCcxtUrls(exchange, server);
    const [spec] = await loadInstrumentSpecs(exchange, 'binance', ['NKN/USDT']);
    const instrument = instrumentFromSpec(spec!);
    const clock = new TestClock(1_633_998_512_000_000_000n);
    const sleeps: number[] = [];
    feed = new CcxtFeed({
      exchangeId: 'binance',
      exchange,
      clock,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      random: () => 0.5,
      backoff: { initialMs: 100, maxMs: 1000 },
    });
    const data: MarketData[] = [];
    const statuses: FeedStatus[] = [];
    feed.onData((d) => data.push(d));
    feed.onStatus((s) => statuses.push(s));
    feed.subscribe({ instrument, book: true, quotes: true });
    await feed.start();

    const books = () => data.filter((d): d is OrderBookSnapshot => d.type === 'OrderBookSnapshot');
    await until(
      'the last diff to be applied',
      () => books().at(-1)?.sequence === (session.diffs.at(-1)!.data as { u: number }).u,
    );

    const status = feed.status();
    expect(status.gaps).toBe(1);
    expect(status.reconnects).toBeGreaterThanOrEqual(1);
    expect(status.rejected).toBe(0);
    expect(status.state).toBe('live');
    expect(sleeps.length).toBeGreaterThanOrEqual(1);
    expect(statuses.map((s) => s.state)).toContain('reconnecting');
    expect(snapshotRequests).toBe(3);
    for (const b of books()) {
      expect(b.bids[0]!.price.lt(b.asks[0]!.price)).toBe(true);
      expect([...b.bids, ...b.asks].every((l) => l.size.isPositive())).toBe(true);
    }
    // After gap, resync and reconnect the feed's book is the recorded session's book.
    expect(top(books().at(-1)!, 20)).toEqual(top(restSnapshotAfter(session, n), 20));
    const quotes = data.filter((d): d is QuoteTick => d.type === 'QuoteTick');
    expect(quotes.length).toBeGreaterThan(0);
    expect(quotes.every((q) => q.bidPrice.lt(q.askPrice))).toBe(true);
  }, 20_000);

  it('counts a malformed trade in rejected and goes on with the next', async () => {
    const session = binanceSession();
    const good = session.aggTrade;
    const data = good.data as Record<string, unknown>;
    const bad = { ...good, data: { ...data, a: 1, p: 'not-a-price' } };
    const later = { ...good, data: { ...data, a: 2, p: '0.35300000', T: (data.T as number) + 1 } };
    server = await startLocalVenueServer(
      {
        '/api/v3/exchangeInfo': () => session.exchangeInfo,
        '/fapi/v1/exchangeInfo': () => ({ symbols: [] }),
        '/dapi/v1/exchangeInfo': () => ({ symbols: [] }),
      },
      (socket) => {
        socket.on('message', (raw) => {
          const m = JSON.parse(String(raw)) as { method?: string; id?: number };
          if (m.method !== 'SUBSCRIBE') return;
          socket.send(JSON.stringify({ result: null, id: m.id }));
          setTimeout(() => {
            socket.send(JSON.stringify(good));
            setTimeout(() => socket.send(JSON.stringify(bad)), 30);
            setTimeout(() => socket.send(JSON.stringify(later)), 60);
          }, 20);
        });
      },
    );
    const exchange = createCcxtExchange('binance');
    await redirectCcxtUrls(exchange, server);
    const [spec] = await loadInstrumentSpecs(exchange, 'binance', ['NKN/USDT']);
    feed = new CcxtFeed({ exchangeId: 'binance', exchange, clock: new TestClock(1n), sleep: async () => {} });
    const trades: TradeTick[] = [];
    feed.onData((d) => {
      if (d.type === 'TradeTick') trades.push(d);
    });
    feed.subscribe({ instrument: instrumentFromSpec(spec!), trades: true });
    await feed.start();
    await until('the trade after the malformed one', () =>
      trades.some((t) => t.price.toString() === '0.35300000'),
    );
    expect(feed.status().rejected).toBe(1);
    expect(feed.status().detail).toContain('a message could not be read');
    expect(trades.map((t) => [t.tradeId, t.price.toString(), t.aggressorSide])).toEqual([
      [String(data.a), data.p, data.m ? 'SELLER' : 'BUYER'],
      ['2', '0.35300000', data.m ? 'SELLER' : 'BUYER'],
    ]);
  }, 20_000);
});

describe('CcxtFeed settings', () => {
  it('refuses a bar type the venue does not send and a subscription that asks for nothing', () => {
    const exchange = createCcxtExchange('binance');
    const feed = new CcxtFeed({ exchangeId: 'binance', exchange, clock: new TestClock(0n) });
    const instrument = instrumentFromSpec({
      id: 'BTCUSDT.BINANCE',
      kind: 'SPOT',
      base_currency: 'BTC',
      quote_currency: 'USDT',
      tick_size: '0.01',
      lot_size: '0.00001',
    });
    const barType = {
      instrumentId: instrument.id,
      step: 7,
      aggregation: 'MINUTE',
      priceType: 'LAST',
    } as const;
    expect(() => feed.subscribe({ instrument, bars: [barType] })).toThrow(
      'BTCUSDT.BINANCE-7-MINUTE-LAST is not a bar binance sends',
    );
    expect(() => feed.subscribe({ instrument })).toThrow('asks for nothing');
    expect(feed.status().instruments).toEqual([]);
  });

  it('refuses an unknown venue and a bad book depth, naming the setting', () => {
    const clock = new TestClock(0n);
    expect(() => new CcxtFeed({ exchangeId: 'nasdaq' as never, clock })).toThrow('ccxtFeed.exchangeId');
    expect(() => new CcxtFeed({ exchangeId: 'okx', clock, bookDepth: 0 })).toThrow('ccxt:okx.bookDepth');
    expect(() => new CcxtFeed({ exchangeId: 'gate', clock, backoff: { initialMs: 10, maxMs: 5 } })).toThrow(
      'ccxt:gate.backoff.maxMs',
    );
  });
});

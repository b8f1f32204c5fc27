import { readFileSync } from 'node:fs';
import { InstrumentId, barTypeToString } from '@qubit/model';
import { sharedDataFile, sharedDataSkipReason } from '@qubit/test-data';
import { describe, expect, it } from 'vitest';
import {
  parseBinanceBookTicker,
  parseBinanceDepthSnapshot,
  parseBinanceDepthUpdate,
  parseBinanceKline,
  parseBinanceTrade,
  parseBybitKlines,
  parseBybitOrderBook,
  parseBybitTrades,
  parseOkxBooks,
  parseOkxCandles,
  parseOkxTrades,
} from './parse.js';
import { readRecording } from './recording.js';
import { VenueMessageError } from './venue-message-error.js';

const DIR = 'exchange_messages';
const skip = sharedDataSkipReason(DIR);
if (skip) console.warn(`venue-ccxt parser tests ${skip}`);

function message(relative: string): unknown {
  const path = sharedDataFile(`${DIR}/${relative}`);
  if (!path) throw new Error(`${relative} is missing from the shared data`);
  return JSON.parse(readFileSync(path, 'utf8'));
}

const tsInit = 1_700_000_000_000_000_000n;
const ctx = (id: string) => ({ instrumentId: InstrumentId(id), tsInit });

function venueError(fn: () => unknown): VenueMessageError {
  try {
    fn();
  } catch (e) {
    if (e instanceof VenueMessageError) return e;
    throw new Error(`expected a VenueMessageError, got ${String(e)}`);
  }
  throw new Error('expected the parser to throw');
}

describe.skipIf(skip !== undefined)('Binance payloads', () => {
  it('reads a futures trade with the seller as aggressor when the buyer is the maker', () => {
    const t = parseBinanceTrade(
      message('binance/nautilus/futures/market_data_json/trade_stream.json'),
      ctx('BTCUSDT-PERP.BINANCE'),
    );
    expect(t.price.toString()).toBe('0.001');
    expect(t.size.toString()).toBe('100');
    expect(t.aggressorSide).toBe('SELLER');
    expect(t.tradeId).toBe('5933014');
    expect(t.tsEvent).toBe(123456785n * 1_000_000n);
    expect(t.tsInit).toBe(tsInit);
  });

  it('reads a spot aggTrade from a combined stream keeping every written decimal', () => {
    const t = parseBinanceTrade(
      message('binance/nautilus_py/ws_messages/ws_spot_agg_trade.json'),
      ctx('ETHUSDT.BINANCE'),
    );
    expect(t.price.toString()).toBe('1632.46000000');
    expect(t.size.toString()).toBe('0.34305000');
    expect(t.aggressorSide).toBe('BUYER');
    expect(t.tradeId).toBe('226532');
    expect(t.tsEvent).toBe(1675759520847_000_000n);
  });

  it('reads spot and futures bookTicker quotes', () => {
    const spot = parseBinanceBookTicker(
      message('binance/nautilus_py/ws_messages/ws_spot_ticker_book.json'),
      ctx('ETHUSDT.BINANCE'),
    );
    expect([spot.bidPrice, spot.bidSize, spot.askPrice, spot.askSize].map(String)).toEqual([
      '4507.24000000',
      '2.35950000',
      '4507.25000000',
      '2.84570000',
    ]);
    expect(spot.tsEvent).toBe(1646199228121_000_000n);
    const fut = parseBinanceBookTicker(
      message('binance/nautilus/futures/market_data_json/book_ticker_stream.json'),
      ctx('BNBUSDT-PERP.BINANCE'),
    );
    expect(fut.bidPrice.toString()).toBe('25.35190000');
    expect(fut.tsEvent).toBe(1568014460891_000_000n);
  });

  it('reads a closed kline as a 1-minute bar stamped at its close', () => {
    const { bar, closed } = parseBinanceKline(
      message('binance/nautilus/futures/market_data_json/kline_stream_closed.json'),
      ctx('BTCUSDT-PERP.BINANCE'),
    );
    expect(closed).toBe(true);
    expect(barTypeToString(bar.barType)).toBe('BTCUSDT-PERP.BINANCE-1-MINUTE-LAST');
    expect([bar.open, bar.high, bar.low, bar.close, bar.volume].map(String)).toEqual([
      '0.0010',
      '0.0025',
      '0.0010',
      '0.0020',
      '1000',
    ]);
    expect(bar.tsEvent).toBe((1638747660000n + 60_000n) * 1_000_000n);
    const open = parseBinanceKline(
      message('binance/nautilus/futures/market_data_json/kline_stream_open.json'),
      ctx('BTCUSDT-PERP.BINANCE'),
    );
    expect(open.closed).toBe(false);
  });

  it('reads a futures depth diff with its update-id range and previous id', () => {
    const d = parseBinanceDepthUpdate(
      message('binance/nautilus/futures/market_data_json/depth_update_stream.json'),
      ctx('BTCUSDT-PERP.BINANCE'),
    );
    expect([d.firstUpdateId, d.finalUpdateId, d.previousFinalUpdateId]).toEqual([157, 160, 149]);
    expect(d.deltas.sequence).toBe(160);
    expect(d.deltas.deltas.map((x) => [x.side, x.action, x.price.toString(), x.size.toString()])).toEqual([
      ['BUY', 'UPDATE', '0.0024', '10'],
      ['SELL', 'UPDATE', '0.0026', '100'],
    ]);
  });

  it('reads a REST depth snapshot with lastUpdateId as its sequence', () => {
    const s = parseBinanceDepthSnapshot(
      message('binance/nautilus_py/http_responses/http_spot_market_depth.json'),
      ctx('ETHUSDT.BINANCE'),
    );
    expect(s.sequence).toBeGreaterThan(0);
    expect(s.bids.length).toBeGreaterThan(0);
    expect(s.bids[0]!.price.gt(s.asks[0]!.price)).toBe(false);
  });

  it('reads every aggTrade, kline and bookTicker of the recorded spot session without error', () => {
    const path = sharedDataFile(`${DIR}/recorded_sessions/cryptofeed_BINANCE.ws.1.0.txt`);
    if (!path) throw new Error('recorded session missing');
    const counts: Record<string, number> = {};
    for (const { payload } of readRecording(readFileSync(path, 'utf8')).messages) {
      const stream = String((payload as { stream?: string }).stream);
      const kind = stream.split('@')[1] ?? '';
      const c = ctx(`${stream.split('@')[0]!.toUpperCase()}.BINANCE`);
      if (kind === 'aggTrade') parseBinanceTrade(payload, c);
      else if (kind === 'kline_1m') parseBinanceKline(payload, c);
      else if (kind === 'bookTicker') parseBinanceBookTicker(payload, c);
      else if (kind === 'depth') parseBinanceDepthUpdate(payload, c);
      else continue;
      counts[kind] = (counts[kind] ?? 0) + 1;
    }
    expect(counts.aggTrade).toBeGreaterThan(0);
    expect(counts.kline_1m).toBeGreaterThan(0);
    expect(counts.bookTicker).toBeGreaterThan(0);
    expect(counts.depth).toBe(177);
  });
});

describe.skipIf(skip !== undefined)('Bybit payloads', () => {
  it('reads a public trade with the taker side and the venue trade id', () => {
    const [t, ...rest] = parseBybitTrades(
      message('bybit/nautilus/ws_public_trade.json'),
      ctx('BTCUSDT-PERP.BYBIT'),
    );
    expect(rest).toHaveLength(0);
    expect(t!.price.toString()).toBe('27451.00');
    expect(t!.size.toString()).toBe('0.010');
    expect(t!.aggressorSide).toBe('BUYER');
    expect(t!.tradeId).toBe('9dc75fca-4bdd-4773-9f78-6f5d7ab2a110');
    expect(t!.tsEvent).toBe(1709891679000_000_000n);
  });

  it('reads an unconfirmed 5-minute kline as a partial bar', () => {
    const [k] = parseBybitKlines(message('bybit/nautilus/ws_kline.json'), ctx('BTCUSDT-PERP.BYBIT'));
    expect(k!.closed).toBe(false);
    expect(barTypeToString(k!.bar.barType)).toBe('BTCUSDT-PERP.BYBIT-5-MINUTE-LAST');
    expect([k!.bar.open, k!.bar.high, k!.bar.low, k!.bar.close, k!.bar.volume].map(String)).toEqual([
      '16649.5',
      '16677',
      '16608',
      '16677',
      '2.081',
    ]);
    expect(k!.bar.tsEvent).toBe(1672325100000_000_000n);
  });

  it('reads a book snapshot and a delta whose zero size deletes a level', () => {
    const snap = parseBybitOrderBook(
      message('bybit/nautilus/ws_orderbook_snapshot.json'),
      ctx('BTCUSDT-PERP.BYBIT'),
    );
    if (snap.kind !== 'snapshot') throw new Error('expected a snapshot');
    expect(snap.snapshot.sequence).toBe(123456789);
    expect(snap.snapshot.bids.map((l) => [l.price.toString(), l.size.toString()])).toEqual([
      ['27450.00', '0.500'],
      ['27449.50', '1.000'],
    ]);
    const delta = parseBybitOrderBook(
      message('bybit/nautilus/ws_orderbook_delta.json'),
      ctx('BTCUSDT-PERP.BYBIT'),
    );
    if (delta.kind !== 'delta') throw new Error('expected a delta');
    expect(delta.previousSequence).toBe(123456789);
    expect(delta.deltas.deltas.map((x) => [x.side, x.action, x.price.toString()])).toEqual([
      ['BUY', 'UPDATE', '27450.00'],
      ['SELL', 'DELETE', '27451.00'],
    ]);
  });
});

describe.skipIf(skip !== undefined)('OKX payloads', () => {
  it('reads trades with string timestamps', () => {
    const [t] = parseOkxTrades(message('okx/nautilus/ws_trades.json'), ctx('BTC-USD.OKX'));
    expect(t!.price.toString()).toBe('42219.9');
    expect(t!.size.toString()).toBe('0.12060306');
    expect(t!.aggressorSide).toBe('BUYER');
    expect(t!.tradeId).toBe('130639474');
    expect(t!.tsEvent).toBe(1630048897897_000_000n);
  });

  it('reads a confirmed daily candle', () => {
    const [c] = parseOkxCandles(message('okx/nautilus/ws_candle.json'), ctx('BTC-USDT.OKX'));
    expect(c!.closed).toBe(true);
    expect(barTypeToString(c!.bar.barType)).toBe('BTC-USDT.OKX-1-DAY-LAST');
    expect(c!.bar.close.toString()).toBe('8548.26');
    expect(c!.bar.volume.toString()).toBe('45247');
  });

  it('reads a books snapshot and an update chained by prevSeqId', () => {
    const s = parseOkxBooks(message('okx/nautilus/ws_books_snapshot.json'), ctx('BTC-USDT.OKX'));
    const u = parseOkxBooks(message('okx/nautilus/ws_books_update.json'), ctx('BTC-USDT.OKX'));
    if (s.kind !== 'snapshot' || u.kind !== 'delta') throw new Error('expected snapshot then update');
    expect(s.snapshot.sequence).toBe(123456);
    expect(s.snapshot.asks[0]!.price.toString()).toBe('8476.98');
    expect(u.previousSequence).toBe(s.snapshot.sequence);
    expect(u.deltas.sequence).toBe(123457);
  });
});

describe('malformed messages', () => {
  const good = { e: 'trade', E: 1, s: 'BTCUSDT', t: 7, p: '1.5', q: '2', T: 5, m: false };

  it.each([
    [{ ...good, p: 1.5 }, 'p', 'is not a decimal string'],
    [{ ...good, p: '1.5.5' }, 'p', '"1.5.5"'],
    [{ ...good, q: '-2' }, 'q', '"-2"'],
    [{ ...good, T: 'soon' }, 'T', '"soon"'],
    [{ ...good, m: 'yes' }, 'm', 'is not true or false'],
    [{ ...good, t: undefined }, 't', 'got nothing'],
  ])('names venue, kind, field and value of a bad trade (%#)', (raw, field, text) => {
    const e = venueError(() => parseBinanceTrade(raw, ctx('BTCUSDT.BINANCE')));
    expect([e.venue, e.kind, e.field]).toEqual(['binance', 'trade', field]);
    expect(e.message).toContain(text);
    expect(e.message.startsWith(`binance trade: ${field} `)).toBe(true);
  });

  it('refuses a kline of an interval the model cannot name', () => {
    const raw = { e: 'kline', k: { t: 0, i: '1M', o: '1', h: '2', l: '1', c: '1', v: '1', x: true } };
    const e = venueError(() => parseBinanceKline(raw, ctx('BTCUSDT.BINANCE')));
    expect(e.field).toBe('k.i');
    expect(e.message).toContain('is not an interval such as 1m');
  });

  it('refuses a depth diff whose final id is below its first', () => {
    const raw = { e: 'depthUpdate', E: 1, s: 'X', U: 10, u: 9, b: [], a: [] };
    expect(venueError(() => parseBinanceDepthUpdate(raw, ctx('X.BINANCE'))).field).toBe('u');
  });

  it('refuses a Bybit trade with an unknown side and an OKX book of unknown action', () => {
    const bybit = { data: [{ T: 1, S: 'Hold', v: '1', p: '1', i: 'a' }] };
    expect(venueError(() => parseBybitTrades(bybit, ctx('X.BYBIT'))).field).toBe('data[0].S');
    const okx = { action: 'patch', data: [{ seqId: 2, prevSeqId: 1, ts: '1', bids: [], asks: [] }] };
    expect(venueError(() => parseOkxBooks(okx, ctx('X.OKX'))).field).toBe('action');
  });

  it('refuses a snapshot level of zero size and a message that is not an object', () => {
    const raw = { lastUpdateId: 1, bids: [['1', '0']], asks: [] };
    expect(venueError(() => parseBinanceDepthSnapshot(raw, ctx('X.BINANCE'))).field).toBe('bids[0][1]');
    expect(venueError(() => parseOkxTrades('garbage', ctx('X.OKX'))).field).toBe('message');
  });
});

import { readFileSync } from 'node:fs';
import {
  BarAggregation,
  InstrumentId,
  ModelError,
  NANOS_PER_MILLI,
  PriceType,
  makeBarType,
  type Bar,
} from '@qubit/model';
import { sharedDataFile, sharedDataSkipReason } from '@qubit/test-data';
import ccxt from 'ccxt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCcxtExchange, redirectCcxtUrls } from './ccxt-venues.js';
import { fetchOhlcvRange, OhlcvHistoryError, type OhlcvProgress } from './ohlcv-history.js';
import { readRecording } from './recording.js';
import { startLocalVenueServer, type LocalVenueServer } from './testing/local-venue-server.js';

const SESSIONS = 'exchange_messages/recorded_sessions';
const SPOT_KLINES = 'exchange_messages/binance/nautilus_py/http_responses/http_spot_market_klines.json';
const PERP_BARS = 'ohlcv/crypto/nautilus_btc-perp-1m_2021-12-31_2022-01-15.csv';
const skip =
  sharedDataSkipReason(SESSIONS) ?? sharedDataSkipReason(SPOT_KLINES) ?? sharedDataSkipReason(PERP_BARS);
if (skip) console.warn(`OHLCV history tests ${skip}`);

const MS = NANOS_PER_MILLI;
const SPOT = InstrumentId('BTCUSDT.BINANCE');
const PERP = InstrumentId('BTCUSDT-PERP.BINANCE');
const spot1m = makeBarType(SPOT, 1, BarAggregation.MINUTE, PriceType.LAST);
const perp1m = makeBarType(PERP, 1, BarAggregation.MINUTE, PriceType.LAST);

function shared(relative: string): string {
  const path = sharedDataFile(relative);
  if (!path) throw new Error(`${relative} is missing`);
  return readFileSync(path, 'utf8');
}

/** The body of a recorded REST response (cryptofeed's `URL -> ts: body`). */
function recordedBody(name: string): unknown {
  const [first] = readRecording(shared(`${SESSIONS}/${name}`)).messages;
  if (!first) throw new Error(`${name} is empty`);
  return first.payload;
}

type Kline = [number, string, string, string, string, string, number, string, number, string, string, string];

/**
 * No recorded multi-page kline session exists, so pages are built from real BTC-PERP 1-minute bars (Nautilus'
 * Binance sample) and answered in Binance's /fapi/v1/klines format, honouring startTime, endTime and limit as
 * Binance does. Minutes in `halted` are left out, as a venue halt would leave them.
 */
function perpKlines(halted: (openMs: number) => boolean): Kline[] {
  const rows: Kline[] = [];
  for (const line of shared(PERP_BARS).trim().split('\n').slice(1)) {
    const [ts, o, h, l, c, v] = line.split(',');
    const open = Date.parse(`${ts!.slice(0, 19).replace(' ', 'T')}Z`);
    if (halted(open)) continue;
    rows.push([open, o!, h!, l!, c!, v!, open + 59_999, '0', 0, '0', '0', '0']);
  }
  return rows;
}

function klineRoute(rows: Kline[], calls: { start: number; end: number; limit: number }[]) {
  return (url: URL) => {
    const start = Number(url.searchParams.get('startTime') ?? 0);
    const end = Number(url.searchParams.get('endTime') ?? Number.MAX_SAFE_INTEGER);
    const limit = Number(url.searchParams.get('limit') ?? 500);
    calls.push({ start, end, limit });
    return rows.filter((r) => r[0] >= start && r[0] <= end).slice(0, limit);
  };
}

const iso = (ms: number) => BigInt(ms) * MS;

describe.skipIf(skip !== undefined)('fetchOhlcvRange against a local Binance', () => {
  let server: LocalVenueServer;
  const perpCalls: { start: number; end: number; limit: number }[] = [];
  // Two halts: 2022-01-02 00:00-05:59 (six hours, longer than a page) and ten minutes at 2022-01-03 12:00.
  const halt1 = [Date.UTC(2022, 0, 2, 0, 0), Date.UTC(2022, 0, 2, 6, 0)] as const;
  const halt2 = [Date.UTC(2022, 0, 3, 12, 0), Date.UTC(2022, 0, 3, 12, 10)] as const;
  const perpRows = perpKlines((t) => (t >= halt1[0] && t < halt1[1]) || (t >= halt2[0] && t < halt2[1]));

  beforeAll(async () => {
    const spotKlines = JSON.parse(shared(SPOT_KLINES)) as unknown;
    server = await startLocalVenueServer({
      '/api/v3/exchangeInfo': () => recordedBody('cryptofeed_BINANCE.0.txt'),
      '/fapi/v1/exchangeInfo': () => recordedBody('cryptofeed_BINANCE_FUTURES.0.txt'),
      '/dapi/v1/exchangeInfo': () => recordedBody('cryptofeed_BINANCE_DELIVERY.0.txt'),
      // The recorded answer is served whatever was asked; ccxt and the pager keep what lies in the window.
      '/api/v3/klines': () => spotKlines,
      '/fapi/v1/klines': klineRoute(perpRows, perpCalls),
    });
  });
  afterAll(async () => server?.close());

  const binance = async () => {
    const exchange = createCcxtExchange('binance');
    await redirectCcxtUrls(exchange, server);
    return exchange;
  };

  it('reads a recorded spot kline page into exact bars stamped at their close', async () => {
    const exchange = await binance();
    const t0 = 1634943780000;
    const { bars, covered } = await fetchOhlcvRange(exchange, SPOT, spot1m, iso(t0), iso(t0 + 10 * 60_000));
    expect(bars).toHaveLength(10);
    const first = bars[0]!;
    // The venue printed "60685.22000000": read through the shortest round-trip string of ccxt's number.
    expect(first.open.toString()).toBe('60685.22');
    expect(first.high.toString()).toBe('60729.84');
    expect(first.low.toString()).toBe('60670.9');
    expect(first.close.toString()).toBe('60719.27');
    expect(first.volume.toString()).toBe('21.63272');
    expect(first.tsEvent).toBe(iso(t0 + 60_000));
    expect(first.barType).toBe(spot1m);
    expect(bars.at(-1)!.tsEvent).toBe(iso(t0 + 10 * 60_000));
    expect(covered).toEqual({ from: iso(t0), to: iso(t0 + 10 * 60_000) });
  });

  it('drops the bar still open at the venue and says the answer ends at the last closed bar', async () => {
    const exchange = await binance();
    const t0 = 1634943780000;
    // 30 s into the ninth minute: the ninth bar is still open, the tenth has not begun.
    const now = t0 + 8 * 60_000 + 30_000;
    const { bars, covered } = await fetchOhlcvRange(exchange, SPOT, spot1m, iso(t0), iso(t0 + 10 * 60_000), {
      nowMs: () => now,
    });
    expect(bars).toHaveLength(8);
    expect(bars.at(-1)!.tsEvent).toBe(iso(t0 + 8 * 60_000));
    expect(covered.to).toBe(iso(t0 + 8 * 60_000));
  });

  it('pages a range of several thousand bars, passing over halts without asking again', async () => {
    perpCalls.length = 0;
    const exchange = await binance();
    const from = Date.UTC(2022, 0, 1, 20, 0);
    const to = Date.UTC(2022, 0, 4, 0, 0);
    const progress: OhlcvProgress[] = [];
    const { bars, covered } = await fetchOhlcvRange(exchange, PERP, perp1m, iso(from), iso(to), {
      limit: 500,
      onProgress: (p) => progress.push(p),
    });
    const expected = perpRows.filter((r) => r[0] >= from && r[0] + 60_000 <= to);
    expect(expected.length).toBeGreaterThan(2000);
    expect(bars).toHaveLength(expected.length);
    bars.forEach((b: Bar, i) => {
      const row = expected[i]!;
      expect(b.tsEvent).toBe(iso(row[0] + 60_000));
      expect(b.close.toString()).toBe(String(Number(row[4])));
      expect(b.volume.toString()).toBe(String(Number(row[5])));
    });
    expect(covered).toEqual({ from: iso(from), to: iso(to) });
    // Each window is at most 500 minutes and starts after the previous one's last bar or the window itself.
    const slots = (to - from) / 60_000;
    expect(perpCalls.length).toBeLessThanOrEqual(Math.ceil(slots / 500) + 2);
    for (const c of perpCalls) expect(c.end - c.start).toBeLessThanOrEqual(499 * 60_000);
    for (let i = 1; i < perpCalls.length; i++)
      expect(perpCalls[i]!.start).toBeGreaterThan(perpCalls[i - 1]!.start);
    expect(progress.at(-1)).toEqual({ bars: expected.length, done: slots, total: slots });
    for (let i = 1; i < progress.length; i++) {
      expect(progress[i]!.done).toBeGreaterThanOrEqual(progress[i - 1]!.done);
    }
  });

  it('retries a NetworkError with backoff and goes on where it stopped', async () => {
    const exchange = await binance();
    const fetch = exchange.fetchOHLCV.bind(exchange);
    let failures = 0;
    exchange.fetchOHLCV = async (...args: Parameters<typeof fetch>) => {
      if (failures < 2) {
        failures++;
        throw new ccxt.RateLimitExceeded('binance {"code":-1003,"msg":"Too many requests"}');
      }
      return fetch(...args);
    };
    const waits: number[] = [];
    const from = Date.UTC(2022, 0, 5, 0, 0);
    const { bars } = await fetchOhlcvRange(exchange, PERP, perp1m, iso(from), iso(from + 120 * 60_000), {
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    expect(bars).toHaveLength(120);
    expect(waits).toHaveLength(2);
    expect(waits[1]!).toBeGreaterThan(waits[0]! / 2);
  });

  it('gives up after the retries with a retryable error naming the venue and the series', async () => {
    const exchange = await binance();
    exchange.fetchOHLCV = async () => {
      throw new ccxt.RequestTimeout('binance GET https://fapi.binance.com/fapi/v1/klines request timed out');
    };
    const from = Date.UTC(2022, 0, 5, 0, 0);
    const error = await fetchOhlcvRange(exchange, PERP, perp1m, iso(from), iso(from + 60 * 60_000), {
      retries: 2,
      sleep: async () => {},
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OhlcvHistoryError);
    expect(error).toMatchObject({
      retryable: true,
      venue: 'binance',
      barType: 'BTCUSDT-PERP.BINANCE-1-MINUTE-LAST',
    });
    expect((error as Error).message).toMatch(/failed 3 times: RequestTimeout/);
  });

  it('refuses at once what the venue refuses (an ExchangeError is not retried)', async () => {
    const exchange = await binance();
    let calls = 0;
    exchange.fetchOHLCV = async () => {
      calls++;
      throw new ccxt.BadSymbol('binance {"code":-1121,"msg":"Invalid symbol."}');
    };
    const from = Date.UTC(2022, 0, 5, 0, 0);
    const error = await fetchOhlcvRange(exchange, PERP, perp1m, iso(from), iso(from + 60 * 60_000), {
      sleep: async () => {},
    }).catch((e: unknown) => e);
    expect(calls).toBe(1);
    expect(error).toMatchObject({ retryable: false });
    expect((error as Error).message).toMatch(/was refused: BadSymbol: .*Invalid symbol/);
  });

  it('refuses an answer off the bar grid rather than store minutes as five-minute bars', async () => {
    const exchange = await binance();
    const perp5m = makeBarType(PERP, 5, BarAggregation.MINUTE, PriceType.LAST);
    const from = Date.UTC(2022, 0, 5, 0, 0);
    // The local server answers every interval with its 1-minute bars, as a venue that ignored `interval` would.
    const error = await fetchOhlcvRange(exchange, PERP, perp5m, iso(from), iso(from + 60 * 60_000)).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(OhlcvHistoryError);
    expect(error).toMatchObject({ retryable: false });
    expect((error as Error).message).toBe(
      `binance OHLCV of BTCUSDT-PERP.BINANCE-5-MINUTE-LAST: bar at ${from + 60_000} ms is off the 5m grid`,
    );
  });

  it('refuses an instrument the venue does not list, and bad arguments before any call', async () => {
    const exchange = await binance();
    const unknown = InstrumentId('NOPEUSDT.BINANCE');
    const bt = makeBarType(unknown, 1, BarAggregation.MINUTE, PriceType.LAST);
    await expect(
      fetchOhlcvRange(exchange, unknown, bt, iso(0), iso(3_600_000), { nowMs: () => 7_200_000 }),
    ).rejects.toThrow(/NOPEUSDT.BINANCE is not a market of binance/);
    await expect(fetchOhlcvRange(exchange, PERP, spot1m, 0n, 1n)).rejects.toThrow(ModelError);
    await expect(fetchOhlcvRange(exchange, PERP, perp1m, 10n, 1n)).rejects.toThrow(
      /from \(10\) is after to \(1\)/,
    );
    const ticks = makeBarType(PERP, 100, BarAggregation.TICK, PriceType.LAST);
    await expect(fetchOhlcvRange(exchange, PERP, ticks, 0n, 1n)).rejects.toThrow(
      /is not a bar binance has history of/,
    );
  });
});

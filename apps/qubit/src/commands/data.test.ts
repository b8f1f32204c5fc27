import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadMarketDataFile, type LoadedData } from '@qubit/adapter-data-files';
import { instrumentFromSpec, instrumentToSpec } from '@qubit/model';
import { openStore } from '@qubit/store-postgres';
import { shippedInstrument } from './account-flags.js';
import { sharedDataFile, sharedDataSkipReason, testDatabaseUrl } from '@qubit/test-data';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { backtestCommand, type BacktestFlags } from './backtest.js';
import { readRecording } from '@qubit/venue-ccxt';
import { startLocalVenueServer, type LocalVenueServer } from '@qubit/venue-ccxt/testing';
import {
  dataDownloadCommand,
  dataLsCommand,
  downloadHistory,
  importMarketData,
  type DataImportResult,
} from './data.js';

const BARS_FILE = 'ohlcv/crypto/freqtrade_ETH_BTC-5m.csv';
const TRADES_FILE = 'trades/nautilus_binance_btcusdt-trades_2021-01-08.csv';
const QUOTES_FILE = 'quotes/nautilus_truefx_usdjpy-ticks.csv';
const shared = sharedDataSkipReason(BARS_FILE) ?? sharedDataSkipReason(TRADES_FILE);
if (shared) console.warn(shared);

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'qubit-cli-data-'));
  // Progress bars write to stderr; the tests read only what the commands print.
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterAll(() => {
  vi.restoreAllMocks();
  rmSync(work, { recursive: true, force: true });
});

/** A 1-minute BTCUSDT CSV whose closes rise, fall and rise, so sma-cross 3/8 trades several times. */
function writeBars(dir: string, n = 400): string {
  const rows = ['timestamp_ms,open,high,low,close,volume'];
  let prev = 100;
  for (let i = 0; i < n; i++) {
    const c = 100 + Math.round(20 * Math.sin(i / 9) + 5 * Math.sin(i / 2.3));
    rows.push(
      `${Date.UTC(2024, 0, 1) + i * 60_000},${prev}.00,${Math.max(prev, c) + 1}.00,${Math.min(prev, c) - 1}.00,${c}.00,${1 + (i % 7)}.5`,
    );
    prev = c;
  }
  const file = join(dir, 'btc-1m.csv');
  writeFileSync(file, rows.join('\n') + '\n');
  return file;
}

async function storedData(location: { url?: string; dataDir?: string }, d: LoadedData): Promise<unknown[]> {
  const store = await openStore(location);
  try {
    const out: unknown[] = [];
    const id =
      d.data[0]!.type === 'Bar'
        ? d.data[0]!.barType.instrumentId
        : (d.data[0] as { instrumentId: string }).instrumentId;
    const it = d.kind === 'bars' ? store.marketData.bars(id, d.barType) : store.marketData.trades(id);
    for await (const x of it) out.push(x);
    return out;
  } finally {
    await store.close();
  }
}

/** The report's JSON text with the parts that may differ between the two sources blanked. */
function comparable(dir: string): string {
  const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as Record<string, unknown>;
  const config = report.config as Record<string, unknown>;
  return JSON.stringify({ ...report, run: null, config: { ...config, data: null } });
}

function flags(data: string, out: string, more: Partial<BacktestFlags> = {}): BacktestFlags {
  return {
    bot: 'sma-cross',
    data,
    set: ['fast=3', 'slow=8', 'quantity=1'],
    out,
    balance: '1000000',
    sweep: [],
    sort: 'sharpe',
    inSample: 0.7,
    ...more,
  };
}

describe('qubit data import / ls on the embedded store', () => {
  it.skipIf(shared)(
    'imports a real bar file once: a second import stores nothing new, and the bars read back as loaded',
    async () => {
      const dataDir = join(work, 'bars');
      const file = sharedDataFile(BARS_FILE)!;
      const lines: string[] = [];
      const first = await importMarketData(file, { dataDir }, (l) => lines.push(l));
      expect(first.kind).toBe('bars');
      expect(first.registered).toBe(true);
      expect(first.stored).toBe(first.read);
      expect(first.read).toBeGreaterThan(1000);
      expect(lines[0]).toBe(`registered instrument ${first.instrumentId}`);
      expect(lines[1]).toBe(
        `stored ${first.read.toLocaleString('en-US')} new bars of ${first.instrumentId}-5-MINUTE-LAST (${first.read.toLocaleString('en-US')} read, 0 already stored)`,
      );

      lines.length = 0;
      const again = await importMarketData(file, { dataDir }, (l) => lines.push(l));
      expect(again).toEqual({ ...first, stored: 0, registered: false });
      expect(lines[0]).toMatch(/^stored 0 new bars of .* \([\d,]+ read, [\d,]+ already stored\)$/);

      const store = await openStore({ dataDir: join(dataDir, 'pglite') });
      const instrument = (await store.instruments.get(first.instrumentId))!.instrument;
      await store.close();
      const loaded = await loadMarketDataFile(file, { instrument, sort: false });
      expect(await storedData({ dataDir: join(dataDir, 'pglite') }, loaded)).toEqual(loaded.data);

      lines.length = 0;
      expect(await dataLsCommand({ dataDir }, (l) => lines.push(l))).toBe(0);
      expect(lines[0]).toMatch(/^instrument\s+series\s+first\s+last\s+rows$/);
      expect(lines[2]).toMatch(
        new RegExp(
          `^${first.instrumentId.replace('.', '\\.')}\\s+5-MINUTE-LAST\\s+\\S+Z\\s+\\S+Z\\s+${first.read.toLocaleString('en-US')}$`,
        ),
      );
      lines.length = 0;
      expect(await dataLsCommand({ dataDir, json: true }, (l) => lines.push(l))).toBe(0);
      expect(JSON.parse(lines[0]!)).toEqual([
        {
          instrument_id: first.instrumentId,
          kind: 'bars',
          bar_type: `${first.instrumentId}-5-MINUTE-LAST`,
          first: expect.stringMatching(/^2\d{3}-.*Z$/),
          last: expect.stringMatching(/^2\d{3}-.*Z$/),
          rows: first.read,
        },
      ]);
    },
  );

  it.skipIf(shared)('imports real trades that read back exactly as the file loads them', async () => {
    const dataDir = join(work, 'trades');
    const file = sharedDataFile(TRADES_FILE)!;
    const lines: string[] = [];
    const r = await importMarketData(file, { dataDir }, (l) => lines.push(l));
    expect(r).toMatchObject({ kind: 'trades', registered: true });
    expect(r.stored).toBe(r.read);
    expect(lines[1]).toMatch(new RegExp(`^stored ${r.read.toLocaleString('en-US')} new trades of `));
    const store = await openStore({ dataDir: join(dataDir, 'pglite') });
    const instrument = (await store.instruments.get(r.instrumentId))!.instrument;
    await store.close();
    const loaded = await loadMarketDataFile(file, { instrument, sort: false });
    expect(await storedData({ dataDir: join(dataDir, 'pglite') }, loaded)).toEqual(loaded.data);
  });

  it('refuses a file with a bad row whole, naming file and line, and creates no store', async () => {
    const dataDir = join(work, 'bad');
    const file = join(work, 'bad.csv');
    writeFileSync(
      file,
      `timestamp_ms,open,high,low,close,volume\n${Date.UTC(2024, 0, 1)},1.00,1.00,1.00,1.00,1\n${Date.UTC(2024, 0, 1) + 60_000},1.00,abc,1.00,1.00,1\n`,
    );
    await expect(
      importMarketData(file, { dataDir, instrument: 'BTCUSDT.BINANCE' }, () => undefined),
    ).rejects.toThrow(/bad\.csv:3: /);
    expect(existsSync(dataDir)).toBe(false);
    await expect(importMarketData(join(work, 'none.csv'), { dataDir }, () => undefined)).rejects.toThrow(
      /none\.csv does not exist/,
    );
  });

  it.skipIf(sharedDataSkipReason(QUOTES_FILE))(
    'says quotes are skipped rather than pretending to store them',
    async () => {
      const dataDir = join(work, 'quotes');
      const lines: string[] = [];
      const r = await importMarketData(sharedDataFile(QUOTES_FILE)!, { dataDir }, (l) => lines.push(l));
      expect(r).toMatchObject({ kind: 'quotes', stored: 0, registered: false });
      expect(lines).toEqual([
        `${r.read.toLocaleString('en-US')} quotes skipped: not stored yet (the store keeps bars and trades)`,
      ]);
      lines.length = 0;
      await dataLsCommand({ dataDir }, (l) => lines.push(l));
      expect(lines).toEqual(['the store holds no market data (add some with: qubit data import <file|dir>)']);
    },
  );

  it('reads the data on the grid of an instrument already registered, not on a guess', async () => {
    const dataDir = join(work, 'registered');
    const shipped = shippedInstrument('BTCUSDT.BINANCE')!;
    const store = await openStore({ dataDir: join(dataDir, 'pglite') });
    await store.instruments.upsert(instrumentFromSpec({ ...instrumentToSpec(shipped), tick_size: '0.001' }));
    await store.close();
    const lines: string[] = [];
    const r = await importMarketData(
      writeBars(mkdtempSync(join(work, 'reg-')), 30),
      { dataDir, instrument: 'BTCUSDT.BINANCE' },
      (l) => lines.push(l),
    );
    expect(r).toMatchObject({ kind: 'bars', read: 30, stored: 30, registered: false });
    expect(lines[0]).toMatch(/^stored 30 new bars of BTCUSDT\.BINANCE-1-MINUTE-LAST/);
    const again = await openStore({ dataDir: join(dataDir, 'pglite') });
    try {
      const first = await again.marketData.bars('BTCUSDT.BINANCE', '1m')[Symbol.asyncIterator]().next();
      expect((first.value as { open: { toString(): string } }).open.toString()).toBe('100.000');
    } finally {
      await again.close();
    }
  });

  it('lists nothing, and creates nothing, for a data directory without a store', async () => {
    const dataDir = join(work, 'empty');
    const lines: string[] = [];
    expect(await dataLsCommand({ dataDir, json: true }, (l) => lines.push(l))).toBe(0);
    expect(lines).toEqual(['[]']);
    expect(existsSync(dataDir)).toBe(false);
  });
});

describe('qubit backtest --data store:', () => {
  let dataDir: string;
  let file: string;
  let imported: DataImportResult;

  beforeAll(async () => {
    dataDir = join(work, 'backtest');
    file = writeBars(work);
    imported = await importMarketData(file, { dataDir, instrument: 'BTCUSDT.BINANCE' }, () => undefined);
  });

  it('gives the same report.json over the store as over the file it was imported from', async () => {
    const fromFile = join(work, 'r-file');
    const fromStore = join(work, 'r-store');
    const lines: string[] = [];
    expect(
      await backtestCommand(flags(file, fromFile, { instrument: 'BTCUSDT.BINANCE' }), (l) => lines.push(l)),
    ).toBe(0);
    expect(
      await backtestCommand(
        flags(`store:${dataDir}`, fromStore, { instrument: 'BTCUSDT.BINANCE', timeframe: '1m' }),
        (l) => lines.push(l),
      ),
    ).toBe(0);
    expect(lines).toContain(`sma-cross 1.0.0 on BTCUSDT.BINANCE: 400 bars from store:${dataDir}`);
    const report = JSON.parse(readFileSync(join(fromStore, 'report.json'), 'utf8')) as {
      summary: { trade_count: number };
      config: { data: string[] };
    };
    expect(report.summary.trade_count).toBeGreaterThan(3);
    expect(report.config.data).toEqual(['store:BTCUSDT.BINANCE-1-MINUTE-LAST']);
    expect(comparable(fromStore)).toBe(comparable(fromFile));
    expect(imported.stored).toBe(400);
  });

  it('takes plain store: from QUBIT_DATA_DIR, picks the only series, and bounds it by --from/--to', async () => {
    const a = join(work, 'r-window-file');
    const b = join(work, 'r-window-store');
    const window = {
      from: '2024-01-01T01:00:00Z',
      to: '2024-01-01T04:00:00Z',
      instrument: 'BTCUSDT.BINANCE',
    };
    expect(await backtestCommand(flags(file, a, window), () => undefined)).toBe(0);
    expect(
      await backtestCommand(flags('store:', b, window), () => undefined, { QUBIT_DATA_DIR: dataDir }),
    ).toBe(0);
    expect(comparable(b)).toBe(comparable(a));
    const report = JSON.parse(readFileSync(join(b, 'report.json'), 'utf8')) as {
      period: { start: string; end: string };
    };
    expect(report.period.start).toBe('2024-01-01T01:00:00.000000000Z');
    // The last bar read closes at 04:00; the run ends there, plus the end-of-data settlement.
    expect(report.period.end < '2024-01-01T04:02').toBe(true);
  });

  it('sweeps over store data in workers with the same results as over the file', async () => {
    const sweep = {
      instrument: 'BTCUSDT.BINANCE',
      set: ['quantity=1'],
      sweep: ['fast=2..4:1', 'slow=8..10:2'],
    };
    const fileLines: string[] = [];
    const storeLines: string[] = [];
    expect(await backtestCommand(flags(file, join(work, 's1'), sweep), (l) => fileLines.push(l))).toBe(0);
    expect(
      await backtestCommand(
        flags(`store:${dataDir}`, join(work, 's2'), { ...sweep, timeframe: '1-MINUTE' }),
        (l) => storeLines.push(l),
      ),
    ).toBe(0);
    // Past the first line (which names the source) the sweep tables are the same.
    expect(storeLines.slice(1)).toEqual(fileLines.slice(1));
    expect(storeLines.length).toBeGreaterThan(6);
    expect(storeLines.join('\n')).not.toMatch(/error/);

    const walk = { ...sweep, walkForward: 2 };
    fileLines.length = 0;
    storeLines.length = 0;
    expect(await backtestCommand(flags(file, join(work, 'w1'), walk), (l) => fileLines.push(l))).toBe(0);
    expect(
      await backtestCommand(flags(`store:${dataDir}`, join(work, 'w2'), walk), (l) => storeLines.push(l)),
    ).toBe(0);
    expect(storeLines.slice(1)).toEqual(fileLines.slice(1));
    expect(storeLines[1]).toMatch(/^walk-forward: 2 windows/);
  });

  it.skipIf(shared)('gives the same report over real trades from the store as from the file', async () => {
    const real = sharedDataFile(TRADES_FILE)!;
    const dir = join(work, 'real-trades');
    const r = await importMarketData(real, { dataDir: dir }, () => undefined);
    const common = { instrument: r.instrumentId, set: ['fast=3', 'slow=8', 'timeframe=1-SECOND'] };
    const a = join(work, 'rt-file');
    const b = join(work, 'rt-store');
    const lines: string[] = [];
    expect(await backtestCommand(flags(real, a, common), (l) => lines.push(l))).toBe(0);
    expect(
      await backtestCommand(flags(`store:${dir}`, b, { ...common, timeframe: 'trades' }), (l) =>
        lines.push(l),
      ),
    ).toBe(0);
    // Every trade, in the file's order (trades of one millisecond by id), reaches the kernel from both.
    expect(lines).toContain(
      `sma-cross 1.0.0 on ${r.instrumentId}: ${r.read.toLocaleString('en-US')} trades from store:${dir}`,
    );
    expect(comparable(b)).toBe(comparable(a));
  });

  it('refuses what it cannot read with one line naming the flag', async () => {
    const out = join(work, 'r-bad');
    const run = (f: Partial<BacktestFlags>, env: Record<string, string> = {}) =>
      backtestCommand(flags(f.data ?? `store:${dataDir}`, out, f), () => undefined, env);
    await expect(run({})).rejects.toThrow(/^--instrument: required with --data store:/);
    await expect(run({ instrument: 'BTCUSDT.BINANCE', timeframe: '5m' })).rejects.toThrow(
      /^--data: the store holds no 5m bars of BTCUSDT\.BINANCE/,
    );
    await expect(run({ instrument: 'BTCUSDT.BINANCE', timeframe: 'weekly' })).rejects.toThrow(
      /^--timeframe: /,
    );
    await expect(run({ instrument: 'NOPE.SIM' })).rejects.toThrow(
      /^--instrument: NOPE\.SIM is neither registered/,
    );
    await expect(run({ data: file, timeframe: '1m' })).rejects.toThrow(
      /^--timeframe: only with --data store:/,
    );
    await expect(
      run({ data: `store:${join(work, 'no-store')}`, instrument: 'BTCUSDT.BINANCE' }),
    ).rejects.toThrow(/^--data: no store at /);
    expect(existsSync(join(work, 'no-store'))).toBe(false);
  });
});

const pgUrl = testDatabaseUrl();

describe.skipIf(pgUrl.skipReason !== undefined)('qubit data and backtest on PostgreSQL', () => {
  const db = `qubit_cli_data_${process.pid}_${Date.now().toString(36)}`;
  let url: string;
  async function admin(sql: string): Promise<void> {
    const c = new pg.Client({ connectionString: pgUrl.value });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  }
  beforeAll(async () => {
    await admin(`create database ${db}`);
    const u = new URL(pgUrl.value!);
    u.pathname = `/${db}`;
    url = u.toString();
  });
  afterAll(async () => {
    await admin(`drop database if exists ${db} with (force)`);
  });

  it('imports with --database-url, lists it, and backtests store:postgres://… as the file', async () => {
    const file = writeBars(mkdtempSync(join(work, 'pg-')));
    const lines: string[] = [];
    const store = { dataDir: join(work, 'unused'), databaseUrl: url };
    const r = await importMarketData(file, { ...store, instrument: 'BTCUSDT.BINANCE' }, (l) => lines.push(l));
    expect(r.stored).toBe(400);
    expect(
      (await importMarketData(file, { ...store, instrument: 'BTCUSDT.BINANCE' }, () => undefined)).stored,
    ).toBe(0);
    lines.length = 0;
    await dataLsCommand({ ...store, json: true }, (l) => lines.push(l));
    expect(JSON.parse(lines[0]!)).toEqual([
      {
        instrument_id: 'BTCUSDT.BINANCE',
        kind: 'bars',
        bar_type: 'BTCUSDT.BINANCE-1-MINUTE-LAST',
        first: '2024-01-01T00:01:00.000000000Z',
        last: '2024-01-01T06:40:00.000000000Z',
        rows: 400,
      },
    ]);
    const a = join(work, 'pg-file');
    const b = join(work, 'pg-store');
    expect(await backtestCommand(flags(file, a, { instrument: 'BTCUSDT.BINANCE' }), () => undefined)).toBe(0);
    expect(
      await backtestCommand(flags(`store:${url}`, b, { instrument: 'BTCUSDT.BINANCE' }), () => undefined, {}),
    ).toBe(0);
    expect(comparable(b)).toBe(comparable(a));
    expect(existsSync(join(work, 'unused'))).toBe(false);
  });
});

const SESSIONS = 'exchange_messages/recorded_sessions';
const PERP_BARS = 'ohlcv/crypto/nautilus_btc-perp-1m_2021-12-31_2022-01-15.csv';
const venueData = sharedDataSkipReason(SESSIONS) ?? sharedDataSkipReason(PERP_BARS);
if (venueData) console.warn(`qubit data download tests ${venueData}`);

describe.skipIf(venueData !== undefined)('qubit data download against a local Binance', () => {
  let server: LocalVenueServer;
  const klineRequests: string[] = [];
  let refuse = false;

  beforeAll(async () => {
    const recorded = (name: string) => {
      const [first] = readRecording(readFileSync(sharedDataFile(`${SESSIONS}/${name}`)!, 'utf8')).messages;
      return first!.payload;
    };
    // No recorded multi-page kline session exists: the real BTC-PERP 1-minute bars of Nautilus' Binance sample
    // are answered in Binance's /fapi/v1/klines format, honouring startTime, endTime and limit as Binance does.
    const rows = readFileSync(sharedDataFile(PERP_BARS)!, 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => {
        const [ts, o, h, l, c, v] = line.split(',');
        const open = Date.parse(`${ts!.slice(0, 19).replace(' ', 'T')}Z`);
        return [open, o, h, l, c, v, open + 59_999, '0', 0, '0', '0', '0'] as const;
      });
    server = await startLocalVenueServer({
      '/api/v3/exchangeInfo': () => recorded('cryptofeed_BINANCE.0.txt'),
      '/fapi/v1/exchangeInfo': () => recorded('cryptofeed_BINANCE_FUTURES.0.txt'),
      '/dapi/v1/exchangeInfo': () => recorded('cryptofeed_BINANCE_DELIVERY.0.txt'),
      '/fapi/v1/klines': (url) => {
        klineRequests.push(url.search);
        // Binance's answer to a symbol it does not serve (an ExchangeError: not retried).
        if (refuse) return { code: -1121, msg: 'Invalid symbol.' };
        const start = Number(url.searchParams.get('startTime') ?? 0);
        const end = Number(url.searchParams.get('endTime') ?? Number.MAX_SAFE_INTEGER);
        const limit = Number(url.searchParams.get('limit') ?? 500);
        return rows.filter((r) => r[0] >= start && r[0] <= end).slice(0, limit);
      },
    });
  });
  afterAll(async () => server?.close());

  it('registers the instrument, stores the range with progress, and fetches nothing the second time', async () => {
    const dataDir = join(work, 'download');
    const flags = { dataDir, from: '2022-01-02', to: '2022-01-02T20:00', venueUrl: server.http };
    const lines: string[] = [];
    const progress: [number, number][] = [];
    klineRequests.length = 0;
    expect(
      await dataDownloadCommand(
        'binance',
        'BTC/USDT:USDT',
        '1m',
        flags,
        (l) => lines.push(l),
        (d, t) => progress.push([d, t]),
      ),
    ).toBe(0);
    expect(lines).toEqual([
      'registered instrument BTCUSDT-PERP.BINANCE',
      'stored 1,200 new bars of BTCUSDT-PERP.BINANCE-1-MINUTE-LAST (1,200 received from binance, 0 already stored)',
    ]);
    // 1,200 minutes in pages of Binance's 1,000.
    expect(klineRequests).toHaveLength(2);
    expect(progress.at(-1)).toEqual([1200, 1200]);

    lines.length = 0;
    klineRequests.length = 0;
    const again = await downloadHistory('binance', 'BTCUSDT-PERP.BINANCE', '1m', flags, (l) => lines.push(l));
    expect(klineRequests).toEqual([]);
    expect(again).toMatchObject({ sourceCalls: 0, stored: 0, registered: false });
    expect(lines).toEqual([
      'the store already holds BTCUSDT-PERP.BINANCE-1-MINUTE-LAST from 2022-01-02T00:00:00Z to 2022-01-02T20:00:00Z: nothing asked of binance',
    ]);

    // A wider range asks only for the two ends the store lacks.
    lines.length = 0;
    const wider = await downloadHistory(
      'binance',
      'BTC/USDT:USDT',
      '1m',
      { ...flags, from: '2022-01-01T23:00', to: '2022-01-02T21:00' },
      (l) => lines.push(l),
    );
    expect(wider).toMatchObject({ sourceCalls: 2, received: 120, stored: 120 });
    expect(klineRequests).toHaveLength(2);

    lines.length = 0;
    expect(await dataLsCommand({ dataDir, json: true }, (l) => lines.push(l))).toBe(0);
    expect(JSON.parse(lines[0]!)).toEqual([
      {
        instrument_id: 'BTCUSDT-PERP.BINANCE',
        kind: 'bars',
        bar_type: 'BTCUSDT-PERP.BINANCE-1-MINUTE-LAST',
        first: '2022-01-01T23:01:00.000000000Z',
        last: '2022-01-02T21:00:00.000000000Z',
        rows: 1320,
      },
    ]);
  });

  it.skipIf(pgUrl.skipReason !== undefined)(
    'downloads into PostgreSQL with --database-url, and serves the repeat from it',
    async () => {
      const db = `qubit_t_download_${process.pid}`;
      const admin = async (sql: string) => {
        const c = new pg.Client({ connectionString: pgUrl.value });
        await c.connect();
        try {
          await c.query(sql);
        } finally {
          await c.end();
        }
      };
      await admin(`drop database if exists ${db} with (force)`);
      await admin(`create database ${db}`);
      try {
        const url = new URL(pgUrl.value!);
        url.pathname = `/${db}`;
        const flags = {
          dataDir: join(work, 'unused'),
          databaseUrl: url.toString(),
          from: '2022-01-05T00:00',
          to: '2022-01-05T12:00',
          venueUrl: server.http,
        };
        const minutes = await downloadHistory('binance', 'BTC/USDT:USDT', '1m', flags, () => {});
        expect(minutes).toMatchObject({ registered: true, stored: 720, received: 720, sourceCalls: 1 });
        klineRequests.length = 0;
        const again = await downloadHistory('binance', 'BTC/USDT:USDT', '1m', flags, () => {});
        expect(again).toMatchObject({ sourceCalls: 0, stored: 0 });
        expect(klineRequests).toEqual([]);
      } finally {
        await admin(`drop database if exists ${db} with (force)`);
      }
    },
  );

  it('says the venue refused, exits 1 and records nothing as covered', async () => {
    const dataDir = join(work, 'download-refused');
    const lines: string[] = [];
    refuse = true;
    try {
      const code = await dataDownloadCommand(
        'binance',
        'BTC/USDT:USDT',
        '5m',
        { dataDir, from: '2022-01-03', to: '2022-01-04', venueUrl: server.http },
        (l) => lines.push(l),
        () => {},
      );
      expect(code).toBe(1);
    } finally {
      refuse = false;
    }
    expect(lines.at(-1)).toMatch(
      /^download failed: history of BTCUSDT-PERP.BINANCE-5-MINUTE-LAST from binance \(exchange error\): .*Invalid symbol/,
    );
    const store = await openStore({ dataDir: join(dataDir, 'pglite') });
    try {
      expect(await store.sql.query('SELECT * FROM history_spans')).toEqual([]);
      expect(await store.marketData.coverage()).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('refuses a bad venue, timeframe, range or venue URL before asking anything', async () => {
    const dataDir = join(work, 'download-bad');
    const flags = { dataDir, from: '2022-01-02', to: '2022-01-03', venueUrl: server.http };
    const print = () => {};
    klineRequests.length = 0;
    await expect(downloadHistory('kraken', 'BTC/USD', '1m', flags, print)).rejects.toThrow(
      'data download: venue "kraken" is not one of binance, bybit, okx, bitget, gate',
    );
    await expect(downloadHistory('binance', 'BTC/USDT', 'banana', flags, print)).rejects.toThrow(
      /timeframe: expected a timeframe such as 1m/,
    );
    await expect(
      downloadHistory('binance', 'BTC/USDT', '1m', { ...flags, from: '2022-01-04' }, print),
    ).rejects.toThrow('data download: --from (2022-01-04) must be before --to (2022-01-03)');
    await expect(
      downloadHistory('binance', 'BTC/USDT', '1m', { ...flags, from: 'yesterday' }, print),
    ).rejects.toThrow(/--from: "yesterday" is not an ISO-8601 timestamp/);
    await expect(
      downloadHistory('binance', 'BTC/USDT', '1m', { ...flags, venueUrl: 'ftp://mirror' }, print),
    ).rejects.toThrow(/--venue-url: expected an origin/);
    await expect(downloadHistory('binance', 'NOPE/USDT', '1m', flags, print)).rejects.toThrow(
      /"NOPE\/USDT" is not a market of binance/,
    );
    expect(klineRequests).toEqual([]);
    expect(existsSync(join(dataDir, 'pglite'))).toBe(false);
  });
});

import { mkdtempSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateReport } from '@qubit/reports';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from './main.js';

let out: string[] = [];
let err: string[] = [];

beforeEach(() => {
  out = [];
  err = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});

afterEach(() => vi.restoreAllMocks());

const run = (...args: string[]) => main(['node', 'qubit', ...args]);

/** A 1-minute BTCUSDT CSV with a rise, a fall and a rise, so sma-cross 2/5 trades. */
function writeBars(dir: string): string {
  const closes = [
    100, 100, 100, 100, 100, 101, 103, 106, 108, 107, 104, 100, 97, 95, 96, 99, 103, 107, 110, 111,
  ];
  const rows = ['timestamp_ms,open,high,low,close,volume'];
  let prev = closes[0]!;
  closes.forEach((c, i) => {
    rows.push(
      `${Date.UTC(2024, 0, 1) + i * 60_000},${prev}.00,${Math.max(prev, c)}.00,${Math.min(prev, c)}.00,${c}.00,1.5`,
    );
    prev = c;
  });
  const file = join(dir, 'btc-1m.csv');
  writeFileSync(file, rows.join('\n') + '\n');
  return file;
}

describe('qubit CLI', () => {
  it('runs the demo backtest and prints fills and PnL', async () => {
    expect(await run('demo', '--bars', '600')).toBe(0);
    expect(out.join('\n')).toMatch(/fills\s+\d+/);
    expect(out.join('\n')).toMatch(/net PnL\s+-?\d+\.\d+ USDT/);
  });

  it('backtests a bundled bot over a data file and writes a valid report.json and report.html', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qubit-cli-'));
    const data = writeBars(dir);
    const outDir = join(dir, 'out');
    const code = await run(
      'backtest',
      '--bot',
      'sma-cross',
      '--data',
      data,
      '--instrument',
      'BTCUSDT.BINANCE',
      '--set',
      'fast=2',
      '--set',
      'slow=5',
      '--set',
      'quantity=0.5',
      '--out',
      outDir,
    );
    expect(err).toEqual([]);
    expect(code).toBe(0);
    const report = JSON.parse(readFileSync(join(outDir, 'report.json'), 'utf8')) as {
      summary: { trade_count: number };
      trades: { exit_reason: string }[];
    };
    expect(validateReport(report)).toEqual({ valid: true });
    expect(report.summary.trade_count).toBeGreaterThan(0);
    expect(report.trades.every((t) => ['exit', 'end_of_data'].includes(t.exit_reason))).toBe(true);
    expect(readFileSync(join(outDir, 'report.html'), 'utf8')).toContain('<svg');
  });

  it('gives byte-identical report.json files apart from the run section for the same inputs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qubit-cli-'));
    const data = writeBars(dir);
    const args = [
      'backtest',
      '--bot',
      'sma-cross',
      '--data',
      data,
      '--instrument',
      'BTCUSDT.BINANCE',
      '--set',
      'fast=2',
      '--set',
      'slow=5',
      '--set',
      'quantity=0.5',
    ];
    await run(...args, '--out', join(dir, 'a'));
    await run(...args, '--out', join(dir, 'b'));
    const strip = (f: string) => {
      const j = JSON.parse(readFileSync(f, 'utf8')) as Record<string, unknown>;
      delete j.run;
      return JSON.stringify(j);
    };
    expect(strip(join(dir, 'a', 'report.json'))).toBe(strip(join(dir, 'b', 'report.json')));
  });

  it('names what is wrong in one line and exits 2 for a bad flag, bot, file or config value', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qubit-cli-'));
    const data = writeBars(dir);
    expect(await run('backtest', '--bot', 'nope', '--data', data)).toBe(2);
    expect(err.at(-1)).toMatch(/--bot: "nope" is neither a bundled bot/);
    expect(await run('backtest', '--bot', 'sma-cross', '--data', join(dir, 'missing.csv'))).toBe(2);
    expect(err.at(-1)).toMatch(/--data: .*missing\.csv does not exist/);
    expect(
      await run(
        'backtest',
        '--bot',
        'sma-cross',
        '--data',
        data,
        '--instrument',
        'BTCUSDT.BINANCE',
        '--set',
        'fsat=3',
      ),
    ).toBe(2);
    expect(err.at(-1)).toMatch(/config\.fsat: unknown key/);
    expect(await run('backtest', '--bot', 'sma-cross', '--data', data, '--sort', 'luck')).toBe(2);
    expect(err.at(-1)).toMatch(/--sort: "luck" is not one of/);
    expect(await run('demo', '--bars', 'many')).not.toBe(0);
  });

  it('refuses a data file with a bad row, naming the file and line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qubit-cli-'));
    const file = join(dir, 'bad.csv');
    writeFileSync(
      file,
      `timestamp_ms,open,high,low,close,volume\n${Date.UTC(2024, 0, 1)},1.00,1.00,1.00,1.00,1\n${Date.UTC(2024, 0, 1) + 60_000},1.00,abc,1.00,1.00,1\n`,
    );
    expect(
      await run('backtest', '--bot', 'sma-cross', '--data', file, '--instrument', 'BTCUSDT.BINANCE'),
    ).toBe(2);
    expect(err.at(-1)).toMatch(/bad\.csv:3/);
  });

  it('takes the fill model from flags and records it in the report', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qubit-cli-'));
    const data = writeBars(dir);
    const base = [
      'backtest',
      '--bot',
      'sma-cross',
      '--data',
      data,
      '--instrument',
      'BTCUSDT.BINANCE',
      '--set',
      'fast=2',
      '--set',
      'slow=5',
      '--set',
      'quantity=0.5',
    ];
    expect(await run(...base, '--out', join(dir, 'free'), '--taker-fee', '0')).toBe(0);
    expect(await run(...base, '--out', join(dir, 'slip'), '--taker-fee', '0', '--slippage-ticks', '3')).toBe(
      0,
    );
    const read = (d: string) =>
      JSON.parse(readFileSync(join(dir, d, 'report.json'), 'utf8')) as {
        summary: { fees_paid: string; net_pnl: string };
        config: { fill_model: { slippage_ticks: number } };
      };
    const free = read('free');
    const slip = read('slip');
    expect(Number(free.summary.fees_paid)).toBe(0);
    expect(slip.config.fill_model.slippage_ticks).toBe(3);
    expect(Number(slip.summary.net_pnl)).toBeLessThan(Number(free.summary.net_pnl));
    expect(await run(...base, '--bar-path', 'WIGGLE')).toBe(2);
    expect(err.at(-1)).toMatch(/--bar-path: "WIGGLE" is not one of OHLC, HIGH_FIRST, LOW_FIRST/);
  });

  it('lists every bundled strategy', async () => {
    expect(await run('bot', 'list')).toBe(0);
    const names = out.map((l) => l.split(' ')[0]);
    expect(names).toEqual(
      expect.arrayContaining([
        'sma-cross',
        'grid',
        'ema-short',
        'momentum',
        'mean-reversion',
        'trend-following',
        'overnight-range',
        'ml-signal',
      ]),
    );
  });

  it('scaffolds a bot package with a test', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qubit-cli-'));
    expect(await run('bot', 'new', 'my-bot', '--dir', join(dir, 'my-bot'))).toBe(0);
    for (const f of ['package.json', 'README.md', 'src/index.ts', 'src/my-bot.ts', 'src/my-bot.test.ts']) {
      expect(existsSync(join(dir, 'my-bot', f))).toBe(true);
    }
    expect(await run('bot', 'new', 'Bad_Name', '--dir', join(dir, 'x'))).toBe(2);
    expect(err.at(-1)).toMatch(/bot name "Bad_Name"/);
  });
});

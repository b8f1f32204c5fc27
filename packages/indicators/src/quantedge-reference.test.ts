import { readFileSync } from 'node:fs';
import { Decimal } from '@qubit/model';
import { sharedDataFile, sharedDataSkipReason } from '@qubit/test-data';
import { describe, expect, it } from 'vitest';
import { Atr } from './atr.js';
import { BollingerBands } from './bollinger-bands.js';
import { Ema } from './ema.js';
import { Macd } from './macd.js';
import { Rsi } from './rsi.js';
import { Sma } from './sma.js';

// talipp outputs for Binance BTCUSDT 1h, January 2025 (see shared/data/SOURCES.md, "Notes for users"). The
// values are written with 10 decimals and were re-derived to <= 3e-9 absolute, hence 1e-8 relative.
const DIR = 'indicators/quantedge_btcusdt-1h';
const INPUT = `${DIR}/btcusdt-1h.csv`;
const RELATIVE = 1e-8;

interface Bar {
  openTime: string;
  high: number;
  low: number;
  close: number;
  closeText: string;
}

function readCsv(relative: string): { header: string[]; rows: string[][] } {
  const path = sharedDataFile(relative);
  if (!path) throw new Error(`${relative} is absent`);
  const lines = readFileSync(path, 'utf8').trim().split(/\r?\n/);
  return { header: lines[0]!.split(','), rows: lines.slice(1).map((l) => l.split(',')) };
}

function readBars(): Bar[] {
  const { header, rows } = readCsv(INPUT);
  expect(header).toEqual(['open_time', 'open', 'high', 'low', 'close', 'volume']);
  return rows.map((r) => ({
    openTime: r[0]!,
    high: Number(r[2]),
    low: Number(r[3]),
    close: Number(r[4]),
    closeText: r[4]!,
  }));
}

function skipReason(file: string): string | undefined {
  const reason = sharedDataSkipReason(INPUT) ?? sharedDataSkipReason(`${DIR}/${file}`);
  if (reason) console.warn(`quantedge reference ${file}: ${reason}`);
  return reason;
}

/**
 * Checks our per-bar outputs against a reference file: defined on exactly the bars the file lists (so the
 * first reference row is our first ready update and the warm-up lengths agree), and within tolerance on each
 * column. Returns the largest relative error per column, printed for the record.
 */
function compare(
  file: string,
  bars: readonly Bar[],
  ours: readonly (readonly number[] | undefined)[],
): number[] {
  const { header, rows } = readCsv(`${DIR}/${file}`);
  const firstReady = ours.findIndex((v) => v !== undefined);
  expect(firstReady).toBeGreaterThanOrEqual(0);
  expect(bars[firstReady]!.openTime, `${file}: first defined row is our first ready update`).toBe(
    rows[0]![0],
  );
  const byTime = new Map(rows.map((r) => [r[0]!, r.slice(1).map(Number)]));
  expect(byTime.size).toBe(rows.length);
  const maxRel = new Array<number>(header.length - 1).fill(0);
  let compared = 0;
  bars.forEach((bar, i) => {
    const expected = byTime.get(bar.openTime);
    const actual = ours[i];
    expect(actual === undefined, `${file}: defined at ${bar.openTime} (bar ${i})`).toBe(
      expected === undefined,
    );
    if (!expected || !actual) return;
    expect(actual.length).toBe(expected.length);
    expected.forEach((e, c) => {
      const rel = Math.abs(actual[c]! - e) / Math.abs(e);
      expect(
        rel,
        `${file} ${header[c + 1]} at ${bar.openTime}: ours ${actual[c]} vs ${e}`,
      ).toBeLessThanOrEqual(RELATIVE);
      maxRel[c] = Math.max(maxRel[c]!, rel);
    });
    compared++;
  });
  expect(compared).toBe(rows.length);
  console.info(
    `${file}: ${compared} rows, max relative error ${header
      .slice(1)
      .map((h, c) => `${h}=${maxRel[c]!.toExponential(2)}`)
      .join(' ')}`,
  );
  return maxRel;
}

describe('reference match: talipp on Binance BTCUSDT 1h (quantedge-ta fixtures)', () => {
  it.skipIf(skipReason('sma-20-close.csv'))('Sma(20) matches sma-20-close.csv from bar 20 on', () => {
    const bars = readBars();
    const sma = new Sma(20);
    const ours = bars.map((b) => {
      sma.update(Decimal.parse(b.closeText));
      return sma.ready ? [sma.value(12)!.toNumber()] : undefined;
    });
    compare('sma-20-close.csv', bars, ours);
  });

  it.skipIf(skipReason('ema-20-close.csv'))(
    'Ema(20) matches ema-20-close.csv, seeded with the SMA of 20 closes',
    () => {
      const bars = readBars();
      const ema = new Ema(20);
      const ours = bars.map((b) => {
        const v = ema.update(b.close);
        return v === undefined ? undefined : [v];
      });
      compare('ema-20-close.csv', bars, ours);
    },
  );

  it.skipIf(skipReason('rsi-14-close.csv'))('Rsi(14) matches rsi-14-close.csv from the 15th close on', () => {
    const bars = readBars();
    const rsi = new Rsi(14);
    const ours = bars.map((b) => {
      const v = rsi.update(b.close);
      return v === undefined ? undefined : [v];
    });
    compare('rsi-14-close.csv', bars, ours);
  });

  it.skipIf(skipReason('macd-12-26-9-close.csv'))(
    'Macd(12, 26, 9) matches macd, signal and histogram from bar 34 on',
    () => {
      const bars = readBars();
      const macd = new Macd(12, 26, 9);
      const ours = bars.map((b) => {
        const v = macd.update(b.close);
        return v === undefined ? undefined : [v.macd, v.signal, v.histogram];
      });
      compare('macd-12-26-9-close.csv', bars, ours);
    },
  );

  it.skipIf(skipReason('bb-20-2-close.csv'))(
    'BollingerBands(20, 2) matches upper, middle and lower bands',
    () => {
      const bars = readBars();
      const bb = new BollingerBands(20, 2);
      const ours = bars.map((b) => {
        const v = bb.update(b.close);
        return v === undefined ? undefined : [v.upper, v.middle, v.lower];
      });
      compare('bb-20-2-close.csv', bars, ours);
    },
  );

  it.skipIf(skipReason('atr-14.csv'))(
    'Atr(14) matches atr-14.csv from bar 14 on (first bar TR = high − low)',
    () => {
      const bars = readBars();
      const atr = new Atr(14);
      const ours = bars.map((b) => {
        const v = atr.update(b.high, b.low, b.close);
        return v === undefined ? undefined : [v];
      });
      compare('atr-14.csv', bars, ours);
    },
  );
});

import { readFileSync } from 'node:fs';
import { sharedDataFile, sharedDataSkipReason } from '@qubit/test-data';
import { describe, expect, it } from 'vitest';
import { BollingerBands } from './bollinger-bands.js';
import { Macd } from './macd.js';
import { Rsi } from './rsi.js';

// cinar/indicator v2 outputs for 251 daily BRK-B closes (see shared/data/SOURCES.md). The file rounds every value
// to 2 decimals (Go's math.Round: half away from zero) and writes warm-up rows as 0, so ours must round to exactly
// the written value and the zero rows must be exactly our warm-up.
const DIR = 'indicators/cinar_brk-b_daily';

const round2 = (x: number): number => (Math.sign(x) * Math.round(Math.abs(x) * 100)) / 100;

function skipReason(file: string): string | undefined {
  const reason = sharedDataSkipReason(`${DIR}/${file}`);
  if (reason) console.warn(`cinar reference ${file}: ${reason}`);
  return reason;
}

function readCsv(file: string, header: string[]): number[][] {
  const path = sharedDataFile(`${DIR}/${file}`);
  if (!path) throw new Error(`${file} is absent`);
  const lines = readFileSync(path, 'utf8').trim().split(/\r?\n/);
  expect(lines[0]!.split(',')).toEqual(header);
  return lines.slice(1).map((l) => l.split(',').map(Number));
}

/** Feeds the Close column through `step` and checks the warm-up zeros and every rounded value. */
function check(file: string, header: string[], step: (close: number) => readonly number[] | undefined): void {
  const rows = readCsv(file, header);
  let firstReady = -1;
  let maxAbs = 0;
  rows.forEach((row, i) => {
    const [close, ...expected] = row;
    const actual = step(close!);
    if (actual === undefined) {
      expect(firstReady, `${file} row ${i}: not ready after being ready`).toBe(-1);
      expect(expected, `${file} row ${i}: warm-up row is zero`).toEqual(expected.map(() => 0));
      return;
    }
    if (firstReady < 0) {
      firstReady = i;
      expect(
        expected.some((e) => e !== 0),
        `${file} row ${i}: first ready row is the first non-zero row`,
      ).toBe(true);
    }
    expected.forEach((e, c) => {
      expect(round2(actual[c]!), `${file} ${header[c + 1]} row ${i}: ours ${actual[c]} vs ${e}`).toBe(e);
      maxAbs = Math.max(maxAbs, Math.abs(actual[c]! - e));
    });
  });
  expect(firstReady).toBeGreaterThan(0);
  console.info(
    `${file}: ${rows.length} rows, first value at row ${firstReady}, max |ours − rounded| ${maxAbs.toFixed(4)}`,
  );
}

describe('reference match: cinar/indicator on BRK-B daily (2-decimal fixtures)', () => {
  it.skipIf(skipReason('rsi.csv'))('Rsi(14) agrees to 2 decimals and first appears at row 14', () => {
    const rsi = new Rsi(14);
    check('rsi.csv', ['Close', 'Rsi'], (c) => {
      const v = rsi.update(c);
      return v === undefined ? undefined : [v];
    });
    expect(rsi.ready).toBe(true);
  });

  it.skipIf(skipReason('macd.csv'))(
    'Macd(12, 26, 9) agrees to 2 decimals and first appears at row 33',
    () => {
      const macd = new Macd(12, 26, 9);
      let rows = 0;
      check('macd.csv', ['Close', 'Macd', 'Signal'], (c) => {
        rows++;
        const v = macd.update(c);
        if (rows === 34) expect(v, 'ready exactly at row 33').toBeDefined();
        return v === undefined ? undefined : [v.macd, v.signal];
      });
    },
  );

  it.skipIf(skipReason('bollinger_bands.csv'))(
    'BollingerBands(20, 2) agrees to 2 decimals and first appears at row 19',
    () => {
      const bb = new BollingerBands(20, 2);
      let rows = 0;
      check('bollinger_bands.csv', ['Close', 'Upper', 'Middle', 'Lower'], (c) => {
        rows++;
        const v = bb.update(c);
        if (rows === 20) expect(v, 'ready exactly at row 19').toBeDefined();
        return v === undefined ? undefined : [v.upper, v.middle, v.lower];
      });
    },
  );
});

import { ModelError } from '@qubit/model';
import { afterAll, describe, expect, it } from 'vitest';
import { DataFileError } from './data-file-error.js';
import { loadMarketDataFile, loadMarketDataFileSync } from './load-market-data-file.js';
import { parseMarketData } from './parse-market-data.js';
import { dataFileError, FixtureDir, lines, testInstrument } from './test-support.js';

const dir = new FixtureDir();
afterAll(() => dir.cleanup());
const inst = testInstrument('X.SIM', '0.01', '1');
const OHLCV = lines('timestamp,open,high,low,close,volume', '1735689600,1,2,1,2,3', '1735693200,2,3,2,3,4');

describe('loadMarketDataFile', () => {
  it('loads asynchronously with the same result as the sync variant', async () => {
    const f = dir.write('async.csv', OHLCV);
    const a = await loadMarketDataFile(f, { instrument: inst });
    const s = loadMarketDataFileSync(f, { instrument: inst });
    expect(a).toEqual(s);
    expect(a.kind).toBe('bars');
  });

  it('rejects a file it cannot read, naming it', async () => {
    const missing = `${dir.path}/nope.csv`;
    await expect(loadMarketDataFile(missing, { instrument: inst })).rejects.toThrow(
      `${missing}: cannot be read: ENOENT`,
    );
    expect(dataFileError(() => loadMarketDataFileSync(missing, { instrument: inst })).file).toBe(missing);
  });

  it('rejects a file of another kind than asked for', () => {
    const f = dir.write('bars.csv', OHLCV);
    expect(dataFileError(() => loadMarketDataFileSync(f, { instrument: inst, kind: 'trades' })).message).toBe(
      `${f}: holds bars (ohlcv-csv), not trades`,
    );
  });

  it('rejects columns that make no market data, such as indicator outputs', () => {
    const f = dir.write('sma.csv', lines('open_time,expected', '1735758000000000,93900.43'));
    expect(dataFileError(() => loadMarketDataFileSync(f, { instrument: inst })).message).toBe(
      `${f}: columns open_time,expected match no market-data layout (bars need open, high, low, close; trades a price and a quantity/amount; quotes a bid and an ask)`,
    );
  });

  it('rejects a headerless file of unknown width, and reads it once its columns are named', () => {
    const f = dir.write('seven.csv', lines('1735689600,1,2,1,2,3,9', '1735693200,2,3,2,3,4,9'));
    expect(dataFileError(() => loadMarketDataFileSync(f, { instrument: inst })).message).toBe(
      `${f}:1: has no header and 7 columns, which matches no layout I know; pass columns: [...] to name them`,
    );
    const r = loadMarketDataFileSync(f, {
      instrument: inst,
      columns: ['time', 'open', 'high', 'low', 'close', 'volume', 'trades'],
    });
    expect(r.rows).toBe(2);
  });

  it('rejects files with no data rows, broken JSON, broken gzip and binary junk', () => {
    expect(
      dataFileError(() =>
        loadMarketDataFileSync(dir.write('empty.csv', 'timestamp,open,high,low,close\n'), {
          instrument: inst,
        }),
      ).message,
    ).toContain('has no data rows');
    expect(
      dataFileError(() => loadMarketDataFileSync(dir.write('broken.json', '[[1,2'), { instrument: inst }))
        .message,
    ).toContain('is not valid JSON');
    expect(
      dataFileError(() =>
        loadMarketDataFileSync(dir.write('broken-gzip.csv', new Uint8Array([0x1f, 0x8b, 1, 2])), {
          instrument: inst,
        }),
      ).message,
    ).toContain('is not valid gzip');
    expect(
      dataFileError(() =>
        parseMarketData(new Uint8Array([0xff, 0xfe, 0x00]), 'junk.bin', { instrument: inst }),
      ).message,
    ).toBe('junk.bin: is neither UTF-8 text nor an Arrow file');
  });

  it('refuses bad options with a ModelError naming the option, before reading anything', () => {
    const f = dir.write('opts.csv', OHLCV);
    const bad = (o: object): ModelError => {
      try {
        loadMarketDataFileSync(f, { instrument: inst, ...o });
      } catch (e) {
        if (e instanceof ModelError && !(e instanceof DataFileError)) return e;
        throw e;
      }
      throw new Error('expected a ModelError');
    };
    expect(bad({ onOffGrid: 'snap' }).field).toBe('options.onOffGrid');
    expect(bad({ kind: 'candles' }).field).toBe('options.kind');
    expect(bad({ timestampUnit: 'min' }).field).toBe('options.timestampUnit');
    expect(bad({ instrument: undefined }).field).toBe('options.instrument');
    expect(bad({ timeZone: 'Nowhere/Land' }).field).toBe('options.timeZone');
  });

  it('parses bytes already in memory, naming the source given', () => {
    const r = parseMarketData(new TextEncoder().encode(OHLCV), 'memory:ohlcv', { instrument: inst });
    expect(r.file).toBe('memory:ohlcv');
    expect(r.rows).toBe(2);
  });
});

import { afterAll, describe, expect, it } from 'vitest';
import { loadMarketDataDir, loadMarketDataDirSync } from './load-market-data-dir.js';
import { FixtureDir, lines, testInstrument } from './test-support.js';

const inst = testInstrument('X.SIM', '0.01', '1');
const dirs: FixtureDir[] = [];
afterAll(() => dirs.forEach((d) => d.cleanup()));
function fixtureDir(): FixtureDir {
  const d = new FixtureDir();
  dirs.push(d);
  return d;
}
const TRADES = 'timestamp_ms,trade_id,price,quantity,buyer_maker';

describe('loadMarketDataDir', () => {
  it('merges the files of a directory in time order, stably (same instant: file order, then row order)', async () => {
    const d = fixtureDir();
    d.write('b.csv', lines(TRADES, '1000,b1,1.00,1,True', '3000,b2,1.00,1,True'));
    d.write('a.csv.gz', lines(TRADES, '1000,a1,1.00,1,True', '2000,a2,1.00,1,True', '3000,a3,1.00,1,True'));
    d.write('notes.txt', 'not data');
    const r = await loadMarketDataDir(d.path, { instrument: inst });
    expect(r.kind).toBe('trades');
    expect(r.format).toBe('directory');
    expect(r.data.map((t) => (t.type === 'TradeTick' ? t.tradeId : ''))).toEqual([
      'a1',
      'b1',
      'a2',
      'a3',
      'b2',
    ]);
    expect(r.rows).toBe(5);
    expect(r.files.map((f) => [f.file.slice(d.path.length + 1), f.rows])).toEqual([
      ['a.csv.gz', 3],
      ['b.csv', 2],
    ]);
    expect(loadMarketDataDirSync(d.path, { instrument: inst })).toEqual(r);
  });

  it('rejects the whole directory when one file is bad', async () => {
    const d = fixtureDir();
    d.write('a.csv', lines(TRADES, '1000,a1,1.00,1,True'));
    const bad = d.write('b.csv', lines(TRADES, '1000,b1,x,1,True'));
    await expect(loadMarketDataDir(d.path, { instrument: inst })).rejects.toThrow(
      `${bad}:2: column "price": "x" is not a decimal number`,
    );
  });

  it('rejects a directory mixing kinds of data, or holding none', async () => {
    const d = fixtureDir();
    d.write('a.csv', lines(TRADES, '1000,a1,1.00,1,True'));
    d.write('b.csv', lines('timestamp,bid,ask', '1000,1.00,1.01'));
    await expect(loadMarketDataDir(d.path, { instrument: inst })).rejects.toThrow(
      'mixes trades (a.csv) and quotes (b.csv)',
    );
    await expect(loadMarketDataDir(fixtureDir().path, { instrument: inst })).rejects.toThrow(
      'holds no data files',
    );
  });

  it('reports a trade found in two files, and drops it when identical and asked to', async () => {
    const d = fixtureDir();
    d.write('a.csv', lines(TRADES, '1000,t1,1.00,1,True', '2000,t2,1.00,1,True'));
    d.write('b.csv', lines(TRADES, '2000,t2,1.00,1,True', '3000,t3,1.00,1,True'));
    await expect(loadMarketDataDir(d.path, { instrument: inst })).rejects.toThrow(
      "trade id t2 is in both a.csv and b.csv (identical: pass duplicates: 'drop-identical' to drop it)",
    );
    const r = await loadMarketDataDir(d.path, { instrument: inst, duplicates: 'drop-identical' });
    expect(r.data).toHaveLength(3);
    expect(r.notes).toContain('1 identical items found in two files dropped');
  });

  it('reports a bar of the same type and time in two files', () => {
    const d = fixtureDir();
    const header = 'timestamp,open,high,low,close,volume';
    d.write('p1.csv', lines(header, '1735689600,1,1,1,1,1', '1735693200,1,1,1,1,1'));
    d.write('p2.csv', lines(header, '1735693200,2,2,2,2,1', '1735696800,1,1,1,1,1'));
    expect(() => loadMarketDataDirSync(d.path, { instrument: inst })).toThrow(
      'a bar of X.SIM-1-HOUR-LAST at 2025-01-01T02:00:00.000000000Z is in both p1.csv and p2.csv with other values',
    );
  });

  it('descends into sub-directories when asked and loads only what the filter keeps', async () => {
    const d = fixtureDir();
    d.write('a.csv', lines(TRADES, '1000,a1,1.00,1,True'));
    const { mkdirSync } = await import('node:fs');
    mkdirSync(`${d.path}/sub`);
    d.write('sub/c.csv', lines(TRADES, '500,c1,1.00,1,True'));
    expect((await loadMarketDataDir(d.path, { instrument: inst })).rows).toBe(1);
    const deep = await loadMarketDataDir(d.path, { instrument: inst, recursive: true });
    expect(deep.data.map((t) => (t.type === 'TradeTick' ? t.tradeId : ''))).toEqual(['c1', 'a1']);
    expect(
      (
        await loadMarketDataDir(d.path, {
          instrument: inst,
          recursive: true,
          filter: (p) => !p.includes('sub'),
        })
      ).rows,
    ).toBe(1);
  });
});

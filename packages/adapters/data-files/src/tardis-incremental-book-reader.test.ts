import { afterAll, describe, expect, it } from 'vitest';
import { book, deltas, levels } from './book-test-support.js';
import { loadMarketDataFileSync } from './load-market-data-file.js';
import { dataFileError, FixtureDir, lines, testInstrument } from './test-support.js';

const dir = new FixtureDir();
afterAll(() => dir.cleanup());
const inst = testInstrument('BTC-PERPETUAL.DERIBIT', '0.5', '10');
const HEADER = 'exchange,symbol,timestamp,local_timestamp,is_snapshot,side,price,amount';

describe('tardis incremental_book_L2 CSV', () => {
  it('groups a run of snapshot rows into one snapshot and later rows into deltas where amount 0 deletes', () => {
    const f = dir.write(
      'incremental_book_L2.csv',
      lines(
        HEADER,
        'deribit,BTC-PERPETUAL,1585699200245000,1585699200355684,true,ask,6421.5,18640',
        'deribit,BTC-PERPETUAL,1585699200245000,1585699200355684,true,bid,6421,1190',
        'deribit,BTC-PERPETUAL,1585699200245000,1585699200355684,true,ask,6422,1080',
        'deribit,BTC-PERPETUAL,1585699200300000,1585699200400000,false,ask,6421.5,0',
        'deribit,BTC-PERPETUAL,1585699200300000,1585699200400000,false,bid,6421,2000',
        'deribit,BTC-PERPETUAL,1585699200310000,1585699200410000,false,bid,6420.5,10',
      ),
    );
    const r = book(loadMarketDataFileSync(f, { instrument: inst }));
    expect(r.format).toBe('tardis-incremental-l2-csv');
    expect(r.rows).toBe(6);
    expect(r.data).toHaveLength(3);
    const snap = r.data[0]!;
    if (snap.type !== 'OrderBookSnapshot') throw new Error('expected a snapshot first');
    expect(levels(snap.asks)).toEqual(['6421.5x18640', '6422.0x1080']);
    expect(levels(snap.bids)).toEqual(['6421.0x1190']);
    expect(deltas(r.data[1]!)).toEqual(['DELETE SELL 6421.5x0', 'UPDATE BUY 6421.0x2000']);
    expect(deltas(r.data[2]!)).toEqual(['UPDATE BUY 6420.5x10']);
    expect(r.data.map((d) => d.sequence)).toEqual([1, 2, 3]);
  });

  it('refuses an is_snapshot that is not a boolean', () => {
    const f = dir.write(
      'bad-flag.csv',
      lines(HEADER, 'deribit,BTC-PERPETUAL,1585699200245000,1585699200355684,maybe,ask,6421.5,10'),
    );
    expect(dataFileError(() => loadMarketDataFileSync(f, { instrument: inst })).message).toBe(
      `${f}:2: column "is_snapshot": "maybe" is not true or false`,
    );
  });
});

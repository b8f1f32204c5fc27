import { afterAll, describe, expect, it } from 'vitest';
import { book, levels } from './book-test-support.js';
import { loadMarketDataFileSync } from './load-market-data-file.js';
import { FixtureDir, lines, testInstrument } from './test-support.js';

const dir = new FixtureDir();
afterAll(() => dir.cleanup());

describe('tardis book_snapshot CSV', () => {
  it('turns each wide row into a snapshot, best levels first, stopping at a blank level', () => {
    const f = dir.write(
      'book_snapshot_2.csv',
      lines(
        'exchange,symbol,timestamp,local_timestamp,asks[0].price,asks[0].amount,bids[0].price,bids[0].amount,asks[1].price,asks[1].amount,bids[1].price,bids[1].amount',
        'binance-futures,BTCUSDT,1598918403696000,1598918403810979,11657.08,1.714,11657.07,10.896,11657.54,5.4,11656.97,0.2',
        'binance-futures,BTCUSDT,1598918403888000,1598918403894256,11657.08,1.476,11657.07,10.896,11657.54,5.4,,',
      ),
    );
    const r = book(
      loadMarketDataFileSync(f, { instrument: testInstrument('BTCUSDT-PERP.BINANCE', '0.01', '0.001') }),
    );
    expect(r.format).toBe('tardis-book-snapshot-csv');
    const [a, b] = r.data;
    if (a?.type !== 'OrderBookSnapshot' || b?.type !== 'OrderBookSnapshot')
      throw new Error('expected snapshots');
    expect(levels(a.bids)).toEqual(['11657.07x10.896', '11656.97x0.200']);
    expect(levels(a.asks)).toEqual(['11657.08x1.714', '11657.54x5.400']);
    expect(levels(b.bids)).toEqual(['11657.07x10.896']);
    expect([a.sequence, b.sequence]).toEqual([1, 2]);
    expect([a.tsEvent, a.tsInit]).toEqual([1_598_918_403_696_000_000n, 1_598_918_403_810_979_000n]);
  });
});

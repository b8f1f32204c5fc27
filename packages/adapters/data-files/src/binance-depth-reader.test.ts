import { afterAll, describe, expect, it } from 'vitest';
import { book, deltas, levels } from './book-test-support.js';
import { loadMarketDataFileSync } from './load-market-data-file.js';
import { dataFileError, FixtureDir, lines, testInstrument } from './test-support.js';

const dir = new FixtureDir();
afterAll(() => dir.cleanup());
const inst = testInstrument('BTCUSDT-PERP.BINANCE', '0.1', '0.001');
const HEADER = 'symbol,timestamp,first_update_id,last_update_id,side,update_type,price,qty,pu';

describe('nautilus Binance depth CSV', () => {
  it('reads snap rows as one snapshot and set rows as deltas, sequenced by last_update_id', () => {
    const f = dir.write(
      'btcusdt-depth.csv',
      lines(
        HEADER,
        'BTCUSDT,1667346579146,2098021528332,2098021528332,b,snap,20376.90,0.001,-1',
        'BTCUSDT,1667346579146,2098021528332,2098021528332,b,snap,20377.00,1.770,-1',
        'BTCUSDT,1667346579146,2098021528332,2098021528332,a,snap,20377.10,2.000,-1',
        'BTCUSDT,1667347199939,2098041693435,2098041696700,a,set,20472.80,0.000,2098041693400',
        'BTCUSDT,1667347199939,2098041693435,2098041696700,b,set,20377.00,1.500,2098041693400',
      ),
    );
    const r = book(loadMarketDataFileSync(f, { instrument: inst }));
    expect(r.format).toBe('binance-depth-csv');
    const [snap, upd] = r.data;
    if (snap?.type !== 'OrderBookSnapshot') throw new Error('expected a snapshot');
    expect(levels(snap.bids)).toEqual(['20377.0x1.770', '20376.9x0.001']);
    expect(levels(snap.asks)).toEqual(['20377.1x2.000']);
    expect(snap.sequence).toBe(2098021528332);
    expect(deltas(upd!)).toEqual(['DELETE SELL 20472.8x0.000', 'UPDATE BUY 20377.0x1.500']);
    expect(upd!.sequence).toBe(2098041696700);
  });

  it('refuses an unknown update type naming the column', () => {
    const f = dir.write('bad-type.csv', lines(HEADER, 'BTCUSDT,1667346579146,1,1,b,reset,20376.90,0.001,-1'));
    expect(dataFileError(() => loadMarketDataFileSync(f, { instrument: inst })).message).toBe(
      `${f}:2: column "update_type": "reset" is not snap or set`,
    );
  });
});

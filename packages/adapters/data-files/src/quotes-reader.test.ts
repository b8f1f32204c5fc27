import { nanosToIso } from '@qubit/model';
import { afterAll, describe, expect, it } from 'vitest';
import { loadMarketDataFileSync } from './load-market-data-file.js';
import type { LoadedData, LoadedQuotes } from './loaded-data.js';
import { dataFileError, FixtureDir, lines, testInstrument } from './test-support.js';

const dir = new FixtureDir();
afterAll(() => dir.cleanup());

const usdjpy = testInstrument('USD/JPY.TRUEFX', '0.001', '1');

function quotes(r: LoadedData): LoadedQuotes {
  if (r.kind !== 'quotes') throw new Error(`expected quotes, got ${r.kind}`);
  return r;
}

describe('quote files', () => {
  it('reads TrueFX timestamp,bid,ask with zero sizes, or the size it is given', () => {
    const f = dir.write(
      'usdjpy-ticks.csv',
      lines(
        'timestamp,bid,ask',
        '2013-01-01 22:00:00.295000+00:00,86.655,86.728',
        '2013-01-01 22:00:00.295000+00:00,86.657,86.728',
      ),
    );
    const r = quotes(loadMarketDataFileSync(f, { instrument: usdjpy }));
    expect(r.format).toBe('quotes-csv');
    const q = r.data[0]!;
    expect([q.bidPrice, q.askPrice, q.bidSize, q.askSize].map(String)).toEqual([
      '86.655',
      '86.728',
      '0',
      '0',
    ]);
    expect(nanosToIso(q.tsEvent)).toBe('2013-01-01T22:00:00.295000000Z');
    expect(r.notes).toContain('the file has no quote sizes: sizes are 0 (defaultQuoteSize)');
    const sized = quotes(loadMarketDataFileSync(f, { instrument: usdjpy, defaultQuoteSize: '1000000' }));
    expect(sized.data[1]!.askSize.toString()).toBe('1000000');
    expect(
      dataFileError(() => loadMarketDataFileSync(f, { instrument: usdjpy, defaultQuoteSize: '0.5' })).message,
    ).toContain('defaultQuoteSize: 0.5 is not on the lot grid');
  });

  it('reads nautilus Binance quotes with sizes', () => {
    const f = dir.write(
      'btcusdt-quotes.csv',
      lines(
        'timestamp_ms,timestamp,symbol,ask_size,ask,bid_size,bid',
        '1610064001076,2021-01-08T00:00:01.076Z,BTC/USDT,0.066851,39433.62,0.0031,39432.99',
      ),
    );
    const r = quotes(
      loadMarketDataFileSync(f, { instrument: testInstrument('BTCUSDT.BINANCE', '0.01', '0.000001') }),
    );
    const q = r.data[0]!;
    expect([q.bidPrice, q.bidSize, q.askPrice, q.askSize].map(String)).toEqual([
      '39432.99',
      '0.003100',
      '39433.62',
      '0.066851',
    ]);
  });

  it('reads HistData ticks in EST without daylight saving', () => {
    const f = dir.write(
      'histdata.csv',
      lines('20200101 170000065,1.121200,1.121720,0', '20200101 170010447,1.121200,1.121920,0'),
    );
    const r = quotes(
      loadMarketDataFileSync(f, { instrument: testInstrument('EUR/USD.SIM', '0.00001', '1') }),
    );
    expect(r.format).toBe('histdata-quotes-csv');
    expect(nanosToIso(r.data[0]!.tsEvent)).toBe('2020-01-01T22:00:00.065000000Z');
    expect(r.timeZone).toBe('-05:00');
    expect(r.notes).toContain(
      'wall-clock times without an offset read as -05:00 (HistData stamps ticks in EST without daylight saving)',
    );
  });

  it('reads tardis quotes with their receive time', () => {
    const f = dir.write(
      'huobi_quotes.csv',
      lines(
        'exchange,symbol,timestamp,local_timestamp,ask_amount,ask_price,bid_price,bid_amount',
        'huobi-dm-swap,BTC-USD,1588291201099000,1588291201234268,5494,8629.3,8629.2,806',
      ),
    );
    const r = quotes(loadMarketDataFileSync(f, { instrument: testInstrument('BTC-USD.HUOBI', '0.1', '1') }));
    expect(r.format).toBe('tardis-quotes-csv');
    const q = r.data[0]!;
    expect([q.bidPrice, q.bidSize, q.askPrice, q.askSize].map(String)).toEqual([
      '8629.2',
      '806',
      '8629.3',
      '5494',
    ]);
    expect(q.tsInit - q.tsEvent).toBe(135_268_000n);
  });

  it('reads a headerless timestamp,bid,ask file when told it holds quotes', () => {
    const f = dir.write('plain-quotes.csv', lines('1610064001076,86.655,86.728'));
    expect(
      quotes(loadMarketDataFileSync(f, { instrument: usdjpy, kind: 'quotes' })).data[0]!.askPrice.toString(),
    ).toBe('86.728');
  });
});

import { afterAll, describe, expect, it } from 'vitest';
import { loadInstrumentGuess, loadInstrumentGuessSync } from './instrument-guess.js';
import { loadMarketDataFileSync } from './load-market-data-file.js';
import { dataFileError, FixtureDir, lines } from './test-support.js';

const dir = new FixtureDir();
afterAll(() => dir.cleanup());

describe('loadInstrumentGuess', () => {
  it('proposes tick and lot from the most decimals written, ignoring float-print noise', async () => {
    const f = dir.write(
      'ETH_BTC-5m.csv',
      lines(
        'timestamp_ms,open,high,low,close,volume',
        '1515560100000,0.0984,0.0994766,0.09828605,0.0994766,1820.5',
        '1515560400000,0.09946999000000001,0.0997238,0.099,0.09969000000000001,2527.92100293',
      ),
    );
    const g = await loadInstrumentGuess(f);
    expect([g.spec.tick_size, g.spec.lot_size, g.pricePrecision, g.sizePrecision]).toEqual([
      '0.00000001',
      '0.00000001',
      8,
      8,
    ]);
    expect(g.spec.id).toBe('ETH_BTC-5m.SIM');
    expect([g.kind, g.format, g.rows]).toEqual(['bars', 'ohlcv-csv', 2]);
    // The guess loads its own file with the default onOffGrid 'error'.
    expect(loadMarketDataFileSync(f, { instrument: g.instrument }).rows).toBe(2);
  });

  it('takes symbol and venue from tardis columns and currencies from a BASE/QUOTE symbol', () => {
    const tardis = dir.write(
      't.csv',
      lines(
        'exchange,symbol,timestamp,local_timestamp,id,side,price,amount',
        'binance-futures,BTCUSDT,1583020803145000,1583020803307160,1,sell,8531.5,0.25',
      ),
    );
    const g = loadInstrumentGuessSync(tardis);
    expect([g.spec.id, g.spec.tick_size, g.spec.lot_size]).toEqual([
      'BTCUSDT.BINANCE_FUTURES',
      '0.1',
      '0.01',
    ]);
    const ccxt = dir.write(
      'q.csv',
      lines(
        'timestamp_ms,symbol,ask_size,ask,bid_size,bid',
        '1610064001076,BTC/USDT,0.066851,39433.62,0.0031,39432.99',
      ),
    );
    const q = loadInstrumentGuessSync(ccxt, { venue: 'BINANCE' });
    expect([q.spec.id, q.spec.base_currency, q.spec.quote_currency]).toEqual([
      'BTC/USDT.BINANCE',
      'BTC',
      'USDT',
    ]);
  });

  it('lots in ones when a file has no sizes, and honours an explicit id', () => {
    const f = dir.write(
      'fx.csv',
      lines('timestamp,open,high,low,close', '2012-02-01 00:00:00+00:00,1.57597,1.57606,1.57576,1.57576'),
    );
    const g = loadInstrumentGuessSync(f, { id: 'GBPUSD.FXCM', quoteCurrency: 'USD' });
    expect([g.spec.id, g.spec.tick_size, g.spec.lot_size, g.spec.quote_currency]).toEqual([
      'GBPUSD.FXCM',
      '0.00001',
      '1',
      'USD',
    ]);
  });

  it('reads Bybit book messages for its levels', () => {
    const m = {
      topic: 'orderbook.500.XRPUSDT',
      type: 'snapshot',
      ts: 1,
      data: { s: 'XRPUSDT', b: [['1.9531', '62.5']], a: [['1.9535', '8']], u: 1 },
    };
    const g = loadInstrumentGuessSync(dir.write('ob.jsonl', lines(JSON.stringify(m))));
    expect([g.spec.id, g.spec.tick_size, g.spec.lot_size]).toEqual(['XRPUSDT.BYBIT', '0.0001', '0.1']);
  });

  it('refuses a file without data rows', () => {
    expect(
      dataFileError(() => loadInstrumentGuessSync(dir.write('empty.csv', 'timestamp,bid,ask\n'))).message,
    ).toContain('has no data rows');
  });
});

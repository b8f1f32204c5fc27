import { instrumentFromSpec, BTCUSDT_BINANCE, nanosToIso } from '@qubit/model';
import { afterAll, describe, expect, it } from 'vitest';
import { loadMarketDataFileSync } from './load-market-data-file.js';
import type { LoadedData, LoadedTrades } from './loaded-data.js';
import { dataFileError, FixtureDir, lines, testInstrument } from './test-support.js';

const dir = new FixtureDir();
afterAll(() => dir.cleanup());

const btc = testInstrument('BTCUSDT.BINANCE', '0.01', '0.000001');
const xrpeth = testInstrument('XRP/ETH.BINANCE', '0.00000001', '1');

function trades(r: LoadedData): LoadedTrades {
  if (r.kind !== 'trades') throw new Error(`expected trades, got ${r.kind}`);
  return r;
}

describe('trade files', () => {
  it('reads nautilus Binance trades: buyer_maker true means the seller was the aggressor', () => {
    const f = dir.write(
      'btcusdt-trades.csv',
      lines(
        'timestamp_ms,timestamp,trade_id,price,quantity,buyer_maker',
        '1610064000278,2021-01-08T00:00:00.278Z,553287559,39432.48,0.000263,True',
        '1610064000310,2021-01-08T00:00:00.310Z,553287560,39439.44,0.014596000000000001,False',
      ),
    );
    const r = trades(loadMarketDataFileSync(f, { instrument: btc }));
    expect(r.format).toBe('trades-csv');
    expect(r.data.map((t) => [t.tradeId, t.price.toString(), t.size.toString(), t.aggressorSide])).toEqual([
      ['553287559', '39432.48', '0.000263', 'SELLER'],
      ['553287560', '39439.44', '0.014596', 'BUYER'],
    ]);
    expect(nanosToIso(r.data[0]!.tsEvent)).toBe('2021-01-08T00:00:00.278000000Z');
    expect(r.data[0]!.tsInit).toBe(r.data[0]!.tsEvent);
    expect(r.data[0]!.instrumentId).toBe('BTCUSDT.BINANCE');
  });

  it('refuses sizes finer than the shipped lot of the instrument (Binance BTCUSDT lot 0.00001)', () => {
    const f = dir.write(
      'fine-lot.csv',
      lines('timestamp_ms,trade_id,price,quantity,buyer_maker', '1610064000278,1,39432.48,0.000263,True'),
    );
    expect(
      dataFileError(() => loadMarketDataFileSync(f, { instrument: instrumentFromSpec(BTCUSDT_BINANCE) }))
        .message,
    ).toContain('column "quantity": 0.000263 is not on the lot grid of BTCUSDT.BINANCE (lot 0.00001)');
  });

  it('reads headerless Kraken trades, giving ids from the time and NO_AGGRESSOR', () => {
    const f = dir.write(
      'BCHEUR.csv',
      lines(
        '1672531436,90.540000,1.10448420',
        '1672531436,90.450000,1.00000000',
        '1672531647,90.360000,0.28600000',
      ),
    );
    const r = trades(
      loadMarketDataFileSync(f, { instrument: testInstrument('BCH/EUR.KRAKEN', '0.01', '0.00000001') }),
    );
    expect(r.format).toBe('kraken-trades-csv');
    expect(r.data.map((t) => t.tradeId)).toEqual([
      '1672531436000000000-0',
      '1672531436000000000-1',
      '1672531647000000000-0',
    ]);
    expect(r.data.every((t) => t.aggressorSide === 'NO_AGGRESSOR')).toBe(true);
    expect(r.notes).toEqual([
      'the file has no trade ids: ids are <tsEvent ns>-<n>',
      'the file has no side: aggressor NO_AGGRESSOR',
    ]);
  });

  it('reads freqtrade trade lists from gzipped JSON, side being the taker side', () => {
    const f = dir.write(
      'XRP_ETH-trades.json.gz',
      '[[1570752011620,"13519807",null,"sell",0.00141342,23.0,0.03250866],[1570752028907,"13519810",null,"buy",0.00141379,581.0,0.82141199]]',
    );
    const r = trades(loadMarketDataFileSync(f, { instrument: xrpeth }));
    expect(r.format).toBe('freqtrade-trades-json');
    expect(r.data.map((t) => [t.tradeId, t.aggressorSide, t.price.toString(), t.size.toString()])).toEqual([
      ['13519807', 'SELLER', '0.00141342', '23'],
      ['13519810', 'BUYER', '0.00141379', '581'],
    ]);
  });

  it('reads ccxt unified trade objects', () => {
    const trade = (id: string, ts: number, side: string): string =>
      JSON.stringify({
        info: { a: 1 },
        timestamp: ts,
        datetime: new Date(ts).toISOString(),
        symbol: 'XRP/ETH',
        id,
        order: null,
        type: null,
        takerOrMaker: null,
        side,
        price: 0.00141342,
        amount: 23.0,
        cost: 0.0325,
        fee: null,
      });
    const f = dir.write(
      'ccxt.json',
      `[${trade('1', 1570752011620, 'sell')},${trade('2', 1570752011621, 'buy')}]`,
    );
    const r = trades(loadMarketDataFileSync(f, { instrument: xrpeth }));
    expect(r.format).toBe('ccxt-trades-json');
    expect(r.data.map((t) => [t.tradeId, t.aggressorSide])).toEqual([
      ['1', 'SELLER'],
      ['2', 'BUYER'],
    ]);
  });

  it('reads the freqtrade orderflow CSV with its unnamed index column', () => {
    const f = dir.write(
      'orderflow.csv',
      lines(
        ',timestamp,id,type,side,price,amount,cost,date',
        '0,1675329600138,1206419187,,buy,1666.8,26.062,43440.1416,2023-02-02 09:20:00.138000+00:00',
      ),
    );
    const r = trades(
      loadMarketDataFileSync(f, { instrument: testInstrument('ETH/USDT.SIM', '0.01', '0.001') }),
    );
    expect(r.data[0]!.tradeId).toBe('1206419187');
    expect(nanosToIso(r.data[0]!.tsEvent)).toBe('2023-02-02T09:20:00.138000000Z');
  });

  it('reads tardis trades with their receive time as tsInit', () => {
    const f = dir.write(
      'bitmex_trades.csv',
      lines(
        'exchange,symbol,timestamp,local_timestamp,id,side,price,amount',
        'bitmex,XBTUSD,1583020803145000,1583020803307160,ccc3c1fa-212c-e8b0-1706-9b9c4f3d5ecf,sell,8531.5,2152',
      ),
    );
    const r = trades(loadMarketDataFileSync(f, { instrument: testInstrument('XBTUSD.BITMEX', '0.5', '1') }));
    expect(r.format).toBe('tardis-trades-csv');
    const t = r.data[0]!;
    expect([t.tsEvent, t.tsInit]).toEqual([1_583_020_803_145_000_000n, 1_583_020_803_307_160_000n]);
    expect(t.aggressorSide).toBe('SELLER');
  });

  it('reports a repeated trade id, and drops it only when identical and asked to', () => {
    const f = dir.write(
      'dup-trades.csv',
      lines(
        'timestamp_ms,trade_id,price,quantity,buyer_maker',
        '1610064000278,7,1.00,1,True',
        '1610064000279,8,1.00,1,True',
        '1610064000279,7,1.00,1,True',
      ),
    );
    expect(dataFileError(() => loadMarketDataFileSync(f, { instrument: btc })).message).toBe(
      `${f}:4: trade id 7 already appears (line 2) with other values`,
    );
    const g = dir.write(
      'dup-trades2.csv',
      lines(
        'timestamp_ms,trade_id,price,quantity,buyer_maker',
        '1610064000278,7,1.00,1,True',
        '1610064000278,7,1.00,1,True',
      ),
    );
    const r = trades(loadMarketDataFileSync(g, { instrument: btc, duplicates: 'drop-identical' }));
    expect(r.data).toHaveLength(1);
  });

  it('refuses a side it does not know, naming the column', () => {
    const f = dir.write(
      'bad-side.csv',
      lines('timestamp,id,side,price,amount', '1570752011620,1,long,1.00,1'),
    );
    expect(dataFileError(() => loadMarketDataFileSync(f, { instrument: btc })).message).toBe(
      `${f}:2: column "side": "long" is not a side (buy or sell)`,
    );
  });
});

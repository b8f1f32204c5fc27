import { instrumentFromSpec, nanosToIso, VN30F1M_HNX, type Bar } from '@qubit/model';
import { afterAll, describe, expect, it } from 'vitest';
import { loadMarketDataFileSync } from './load-market-data-file.js';
import type { LoadedBars, LoadedData } from './loaded-data.js';
import { dataFileError, FixtureDir, lines, testInstrument } from './test-support.js';

const dir = new FixtureDir();
afterAll(() => dir.cleanup());

const ethbtc = testInstrument('ETHBTC.SIM', '0.00000001', '0.00000001');
const vn30 = instrumentFromSpec(VN30F1M_HNX);
const stock = testInstrument('NVDA.SIM', '0.000001', '1');

function bars(r: LoadedData): LoadedBars {
  if (r.kind !== 'bars') throw new Error(`expected bars, got ${r.kind}`);
  return r;
}
const iso = (b: Bar): string => nanosToIso(b.tsEvent).replace('.000000000Z', 'Z');

describe('OHLCV files', () => {
  it('reads freqtrade CSV by its millisecond column, stamping each bar at its close', () => {
    const f = dir.write(
      'ETH_BTC-5m.csv',
      lines(
        'timestamp_ms,date,open,high,low,close,volume',
        '1515560100000,2018-01-10T04:55:00.000Z,0.0984,0.0994766,0.09828605,0.0994766,1820.54447418',
        '1515560400000,2018-01-10T05:00:00.000Z,0.09946999000000001,0.0997238,0.099,0.09969000000000001,2527.92100293',
        '1515560700000,2018-01-10T05:05:00.000Z,0.0996,0.0997,0.0995,0.0996,10',
      ),
    );
    const r = bars(loadMarketDataFileSync(f, { instrument: ethbtc }));
    expect(r.format).toBe('ohlcv-csv');
    expect(r.rows).toBe(3);
    expect(r.data.map(iso)).toEqual(['2018-01-10T05:00:00Z', '2018-01-10T05:05:00Z', '2018-01-10T05:10:00Z']);
    expect(r.barType).toEqual({
      instrumentId: 'ETHBTC.SIM',
      step: 5,
      aggregation: 'MINUTE',
      priceType: 'LAST',
    });
    const b = r.data[1]!;
    expect([b.open, b.high, b.low, b.close, b.volume].map(String)).toEqual([
      '0.09946999',
      '0.09972380',
      '0.09900000',
      '0.09969000',
      '2527.92100293',
    ]);
    expect(b.tsInit).toBe(b.tsEvent);
    expect(r.first).toBe(r.data[0]!.tsEvent);
    expect(r.last).toBe(r.data[2]!.tsEvent);
    expect(r.timeZone).toBeUndefined();
    expect(r.notes).toContain(
      'bar type ETHBTC.SIM-5-MINUTE-LAST inferred from the spacing of the timestamps',
    );
  });

  it.each([
    ['seconds', '1735689600', '1735693200'],
    ['microseconds', '1735689600000000', '1735693200000000'],
    ['nanoseconds', '1735689600000000000', '1735693200000000000'],
  ])('tells epoch %s by magnitude', (_unit, t1, t2) => {
    const f = dir.write(
      `epoch-${t1.length}.csv`,
      lines('open_time,open,high,low,close,volume', `${t1},1,2,1,2,3`, `${t2},2,3,2,3,4`),
    );
    const r = bars(loadMarketDataFileSync(f, { instrument: stock }));
    expect(r.data.map(iso)).toEqual(['2025-01-01T01:00:00Z', '2025-01-01T02:00:00Z']);
    expect(r.barType.aggregation).toBe('HOUR');
  });

  it('reads Vietnam local wall-clock times for an HNX instrument and says so', () => {
    const f = dir.write(
      'VN30F1M_5m.csv',
      lines(
        'Date,Open,High,Low,Close,Volume',
        '2023-01-03 09:00:00,999.9,1002.6,999.8,1001.8,7695',
        '2023-01-03 09:05:00,1001.7,1004.0,1001.5,1003.4,5037',
      ),
    );
    const r = bars(loadMarketDataFileSync(f, { instrument: vn30 }));
    expect(r.data.map(iso)).toEqual(['2023-01-03T02:05:00Z', '2023-01-03T02:10:00Z']);
    expect(r.timeZone).toBe('Asia/Ho_Chi_Minh');
    expect(r.notes).toContain(
      'wall-clock times without an offset read as Asia/Ho_Chi_Minh (venue HNX is in Vietnam, UTC+7)',
    );
    expect(r.data[0]!.open.toString()).toBe('999.9');
    expect(r.data[0]!.volume.toString()).toBe('7695');
    const utc = bars(loadMarketDataFileSync(f, { instrument: vn30, timeZone: 'UTC' }));
    expect(utc.data.map(iso)).toEqual(['2023-01-03T09:05:00Z', '2023-01-03T09:10:00Z']);
  });

  it('reads wall-clock times of other venues as UTC unless told otherwise', () => {
    const f = dir.write(
      'naive.csv',
      lines('timestamp,open,high,low,close', '2024-01-01 23:01:00,1,1,1,1', '2024-01-01 23:02:00,1,1,1,1'),
    );
    expect(bars(loadMarketDataFileSync(f, { instrument: stock })).data.map(iso)[0]).toBe(
      '2024-01-01T23:02:00Z',
    );
    const berlin = bars(loadMarketDataFileSync(f, { instrument: stock, timeZone: 'Europe/Berlin' }));
    expect(berlin.data.map(iso)[0]).toBe('2024-01-01T22:02:00Z');
    expect(berlin.timeZone).toBe('Europe/Berlin');
  });

  it('joins a date and a time-of-day field under a header naming only Date (backtrader, CRLF)', () => {
    const f = dir.write(
      'volume-min.csv',
      'Date,Open,High,Low,Close,Volume,OpenInterest\r\n2006-01-02,09:01:00,3602.00,3603.00,3597.00,3599.00,5699,0\r\n2006-01-02,09:02:00,3600.00,3601.00,3598.00,3599.00,894,0\r\n',
    );
    const r = bars(loadMarketDataFileSync(f, { instrument: testInstrument('FESX.SIM', '1', '1') }));
    expect(r.data.map(iso)).toEqual(['2006-01-02T09:02:00Z', '2006-01-02T09:03:00Z']);
  });

  it('reads Yahoo daily CSV ignoring Adj Close; a daily bar closes a day after its date', () => {
    const f = dir.write(
      'nvda.csv',
      lines(
        'Date,Open,High,Low,Close,Adj Close,Volume',
        '1999-01-22,1.750000,1.953125,1.552083,1.640625,1.518424,67867200',
        '1999-01-25,1.770833,1.833333,1.640625,1.812500,1.677496,12762000',
        '1999-01-26,1.833333,1.869792,1.645833,1.671875,1.547373,8580000',
      ),
    );
    const r = bars(loadMarketDataFileSync(f, { instrument: stock }));
    expect(r.barType.aggregation).toBe('DAY');
    expect(r.data.map(iso)).toEqual(['1999-01-23T00:00:00Z', '1999-01-26T00:00:00Z', '1999-01-27T00:00:00Z']);
    expect(r.data[0]!.close.toString()).toBe('1.640625');
  });

  it('reads headerless Binance kline CSV (12 columns, open time in ms)', () => {
    const f = dir.write(
      'ADABTC-1m.csv',
      lines(
        '1638057600000,0.00002820,0.00002821,0.00002817,0.00002818,85342.70000000,1638057659999,2.40584425,96,36241.70000000,1.02183287,0',
        '1638057660000,0.00002819,0.00002819,0.00002816,0.00002817,6036.70000000,1638057719999,0.17008268,34,2930.30000000,0.08257586,0',
      ),
    );
    const r = bars(
      loadMarketDataFileSync(f, { instrument: testInstrument('ADABTC.BINANCE', '0.00000001', '0.1') }),
    );
    expect(r.format).toBe('binance-kline-csv');
    expect(r.data.map(iso)).toEqual(['2021-11-28T00:01:00Z', '2021-11-28T00:02:00Z']);
    expect(r.data[0]!.volume.toString()).toBe('85342.7');
  });

  it('detects stamps on the last millisecond of each bar as close times', () => {
    const f = dir.write(
      'close-stamped.csv',
      lines('timestamp,open,high,low,close,volume', '1638057659999,1,1,1,1,1', '1638057719999,1,1,1,1,1'),
    );
    const r = bars(loadMarketDataFileSync(f, { instrument: stock }));
    expect(r.data.map(iso)).toEqual(['2021-11-28T00:01:00Z', '2021-11-28T00:02:00Z']);
    expect(r.notes).toContain('timestamps mark the bar close (last millisecond of the bar, +1 ms)');
  });

  it('takes stamps as closes when told so or when the column is a close time', () => {
    const body = ['1638057660000,1,1,1,1,1', '1638057720000,1,1,1,1,1'];
    const told = dir.write('told.csv', lines('timestamp,open,high,low,close,volume', ...body));
    expect(
      bars(loadMarketDataFileSync(told, { instrument: stock, timestampAt: 'close' })).data.map(iso)[0],
    ).toBe('2021-11-28T00:01:00Z');
    const named = dir.write('named.csv', lines('close_time,open,high,low,close,volume', ...body));
    expect(bars(loadMarketDataFileSync(named, { instrument: stock })).data.map(iso)[0]).toBe(
      '2021-11-28T00:01:00Z',
    );
  });

  it('reads FX bid files as BID bars, with zero volume where the file has none', () => {
    const f = dir.write(
      'gbpusd-m1-bid-2012.csv',
      lines(
        'timestamp,open,high,low,close',
        '2012-02-01 00:00:00+00:00,1.57597,1.57606,1.57576,1.57576',
        '2012-02-01 00:01:00+00:00,1.57576,1.57583,1.57543,1.57543',
      ),
    );
    const r = bars(loadMarketDataFileSync(f, { instrument: testInstrument('GBP/USD.FXCM', '0.00001', '1') }));
    expect(r.barType.priceType).toBe('BID');
    expect(r.data[0]!.volume.toString()).toBe('0');
    expect(r.notes).toContain('no volume column: volumes are zero');
    expect(r.timeZone).toBeUndefined();
  });

  it('sets blank volumes (mark-price candles) to zero and notes how many', () => {
    const f = dir.write(
      'mark.csv',
      lines(
        'timestamp_ms,open,high,low,close,volume',
        '1636956000000,1.2,1.3,1.1,1.2,',
        '1636959600000,1.2,1.3,1.1,1.2,5',
      ),
    );
    const r = bars(loadMarketDataFileSync(f, { instrument: testInstrument('XRP.SIM', '0.1', '1') }));
    expect(r.data.map((b) => b.volume.toString())).toEqual(['0', '5']);
    expect(r.notes).toContain('1 rows without volume: volume zero');
  });

  it('reads gzipped CSV', () => {
    const f = dir.write(
      '6EH4.csv.gz',
      lines(
        'timestamp_utc,open,high,low,close,volume',
        '2024-01-01 23:01:00,1.1076,1.10785,1.1076,1.1078,205',
        '2024-01-01 23:02:00,1.10775,1.1078,1.1077,1.10775,86',
      ),
    );
    const r = bars(loadMarketDataFileSync(f, { instrument: testInstrument('6EH4.XCME', '0.00005', '1') }));
    expect(r.rows).toBe(2);
    expect(r.data[0]!.high.toString()).toBe('1.10785');
  });

  it('reads freqtrade OHLCV JSON arrays', () => {
    const f = dir.write(
      'UNITTEST_BTC-1m.json',
      '[[1509836520000, 0.00162008, 0.00162008, 0.00162008, 0.00162008, 108.14853839], [1509836580000, 0.00161, 0.00161, 0.00161, 0.00161, 82.390199]]',
    );
    const r = bars(loadMarketDataFileSync(f, { instrument: ethbtc }));
    expect(r.format).toBe('ohlcv-json');
    expect(r.data.map((b) => b.close.toString())).toEqual(['0.00162008', '0.00161000']);
    expect(r.data.map(iso)).toEqual(['2017-11-04T23:03:00Z', '2017-11-04T23:04:00Z']);
  });

  it('uses a given bar type (string or object) and refuses one for another instrument', () => {
    const f = dir.write('given.csv', lines('timestamp,open,high,low,close,volume', '1735689600,1,2,1,2,3'));
    const r = bars(loadMarketDataFileSync(f, { instrument: stock, barType: 'NVDA.SIM-1-HOUR-MID' }));
    expect(r.barType.priceType).toBe('MID');
    expect(r.data.map(iso)).toEqual(['2025-01-01T01:00:00Z']);
    expect(
      dataFileError(() => loadMarketDataFileSync(f, { instrument: stock, barType: 'AAPL.SIM-1-HOUR-LAST' }))
        .message,
    ).toBe(`${f}: barType AAPL.SIM-1-HOUR-LAST is not for instrument NVDA.SIM`);
    expect(dataFileError(() => loadMarketDataFileSync(f, { instrument: stock })).message).toContain(
      'too few bar times to infer',
    );
  });
});

describe('bad bar files are rejected whole', () => {
  it('names file, line and column of a value that is not a number', () => {
    const f = dir.write(
      'bad-close.csv',
      lines('timestamp,open,high,low,close,volume', '1735689600,1,2,1,2,3', '1735693200,1,2,1,abc,3'),
    );
    const e = dataFileError(() => loadMarketDataFileSync(f, { instrument: stock }));
    expect(e.message).toBe(`${f}:3: column "close": "abc" is not a decimal number`);
    expect([e.file, e.line, e.column]).toEqual([f, 3, 'close']);
  });

  it('refuses a price off the tick grid unless asked to round', () => {
    const f = dir.write(
      'off-grid.csv',
      lines('timestamp,open,high,low,close,volume', '1735689600,1.0000001,2,1,2,3', '1735693200,1,2,1,2,3'),
    );
    expect(dataFileError(() => loadMarketDataFileSync(f, { instrument: stock })).message).toBe(
      `${f}:2: column "open": 1.0000001 is not on the tick grid of NVDA.SIM (tick 0.000001); pass onOffGrid: 'round' for data whose grid is unknown`,
    );
    const r = bars(loadMarketDataFileSync(f, { instrument: stock, onOffGrid: 'round' }));
    expect(r.data[0]!.open.toString()).toBe('1.000000');
    expect(r.notes).toContain("1 values rounded to the instrument grid (onOffGrid: 'round')");
  });

  it('refuses rows out of time order, or sorts them when asked', () => {
    const f = dir.write(
      'unordered.csv',
      lines(
        'timestamp,open,high,low,close,volume',
        '1735693200,2,2,2,2,1',
        '1735689600,1,1,1,1,1',
        '1735696800,3,3,3,3,1',
      ),
    );
    expect(dataFileError(() => loadMarketDataFileSync(f, { instrument: stock })).message).toBe(
      `${f}:3: time 2025-01-01T00:00:00.000000000Z is before 2025-01-01T01:00:00.000000000Z of the previous row (line 2); rows must be in time order (pass sort: true to sort them)`,
    );
    const r = bars(loadMarketDataFileSync(f, { instrument: stock, sort: true }));
    expect(r.data.map((b) => b.open.toString())).toEqual(['1.000000', '2.000000', '3.000000']);
  });

  it('reports a second bar at the same time, and drops it only when identical and asked to', () => {
    const same = dir.write(
      'dup.csv',
      lines(
        'timestamp,open,high,low,close,volume',
        '1735689600,1,1,1,1,1',
        '1735693200,2,2,2,2,1',
        '1735693200,2,2,2,2,1',
      ),
    );
    expect(dataFileError(() => loadMarketDataFileSync(same, { instrument: stock })).message).toBe(
      `${same}:4: a bar at 2025-01-01T01:00:00.000000000Z already appears (line 3) (identical: pass duplicates: 'drop-identical' to drop it)`,
    );
    const r = bars(loadMarketDataFileSync(same, { instrument: stock, duplicates: 'drop-identical' }));
    expect(r.data).toHaveLength(2);
    expect(r.rows).toBe(3);
    expect(r.notes).toContain('1 identical duplicate bars dropped');
    const other = dir.write(
      'dup2.csv',
      lines('timestamp,open,high,low,close,volume', '1735689600,1,1,1,1,1', '1735689600,2,2,2,2,1'),
    );
    expect(
      dataFileError(() => loadMarketDataFileSync(other, { instrument: stock, duplicates: 'drop-identical' }))
        .message,
    ).toContain('already appears (line 2) with other values');
  });

  it('refuses a high below the open, unless told the series is not made of real bars', () => {
    const f = dir.write(
      'funding.csv',
      lines(
        'timestamp_ms,open,high,low,close,volume',
        '1637193600017,0.0001,0.0,0.0,0.0,0.0',
        '1637222400007,0.0001,0.0,0.0,0.0,0.0',
      ),
    );
    const e = dataFileError(() =>
      loadMarketDataFileSync(f, { instrument: testInstrument('XRP.SIM', '0.0001', '1') }),
    );
    expect(e.message).toBe(
      `${f}:2: column "high": 0.0000 is below open 0.0001 (pass checkOhlc: false for series that are not real bars)`,
    );
    const r = bars(
      loadMarketDataFileSync(f, { instrument: testInstrument('XRP.SIM', '0.0001', '1'), checkOhlc: false }),
    );
    expect(r.barType.step).toBe(8);
  });

  it('refuses a row whose epoch is in another unit than the first', () => {
    const f = dir.write(
      'mixed-units.csv',
      lines('timestamp,open,high,low,close', '1735689600000,1,1,1,1', '1735693200,1,1,1,1'),
    );
    expect(dataFileError(() => loadMarketDataFileSync(f, { instrument: stock })).message).toBe(
      `${f}:3: column "timestamp": "1735693200" is not in milliseconds like the first row`,
    );
  });

  it('refuses a row with more fields than the header', () => {
    const f = dir.write(
      'wide.csv',
      lines('timestamp,open,high,low,close', '1735689600,1,1,1,1', '1735693200,1,1,1,1,9'),
    );
    expect(dataFileError(() => loadMarketDataFileSync(f, { instrument: stock })).message).toBe(
      `${f}:3: has 6 fields where the header has 5`,
    );
  });
});

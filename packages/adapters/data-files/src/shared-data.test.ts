import { instrumentFromSpec, nanosToIso, VN30F1M_HNX, type Instrument } from '@qubit/model';
import { sharedDataDir, sharedDataSkipReason } from '@qubit/test-data';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataFileError } from './data-file-error.js';
import { loadInstrumentGuessSync } from './instrument-guess.js';
import { loadMarketDataDirSync } from './load-market-data-dir.js';
import { loadMarketDataFileSync } from './load-market-data-file.js';
import type { LoadOptions } from './load-options.js';
import type { LoadedData } from './loaded-data.js';

const DATA = sharedDataDir();
const skipReason = sharedDataSkipReason();
if (skipReason) console.warn(`data-files shared-data tests ${skipReason}`);

/** Row counts as the SOURCES.md files of ../shared/data state them. */
const SOURCES_ROWS: Record<string, number> = {
  'indicators/quantedge_btcusdt-1h/btcusdt-1h.csv': 744,
  'ohlcv/crypto/freqtrade_ADA_BTC-5m.csv': 5720,
  'ohlcv/crypto/freqtrade_ADA_BTC-5m.feather': 5720,
  'ohlcv/crypto/freqtrade_DASH_BTC-5m.csv': 5758,
  'ohlcv/crypto/freqtrade_DASH_BTC-5m.feather': 5758,
  'ohlcv/crypto/freqtrade_ETC_BTC-5m.csv': 5759,
  'ohlcv/crypto/freqtrade_ETH_BTC-5m.csv': 5760,
  'ohlcv/crypto/freqtrade_ETH_BTC-5m.feather': 5760,
  'ohlcv/crypto/freqtrade_LTC_BTC-5m.csv': 5760,
  'ohlcv/crypto/freqtrade_LTC_BTC-5m.feather': 5760,
  'ohlcv/crypto/freqtrade_NXT_BTC-5m.csv': 5760,
  'ohlcv/crypto/freqtrade_TRX_BTC-5m.csv': 5754,
  'ohlcv/crypto/freqtrade_TRX_BTC-5m.feather': 5754,
  'ohlcv/crypto/freqtrade_UNITTEST_BTC-1m.json': 13681,
  'ohlcv/crypto/freqtrade_UNITTEST_BTC-30m.csv': 1920,
  'ohlcv/crypto/freqtrade_XLM_BTC-5m.csv': 5760,
  'ohlcv/crypto/freqtrade_XLM_BTC-5m.feather': 5760,
  'ohlcv/crypto/freqtrade_XMR_BTC-5m.csv': 5758,
  'ohlcv/crypto/freqtrade_XRP_ETH-1m.csv': 2469,
  'ohlcv/crypto/freqtrade_XRP_ETH-1m.feather': 2469,
  'ohlcv/crypto/freqtrade_XRP_ETH-5m.csv': 706,
  'ohlcv/crypto/freqtrade_ZEC_BTC-5m.csv': 5757,
  'ohlcv/crypto/nautilus_binance_ADABTC-1m-2021-11-27.csv': 10,
  'ohlcv/crypto/nautilus_binance_ADABTC-1m-2021-11-28.csv': 11,
  'ohlcv/crypto/nautilus_btc-perp-1m_2021-12-31_2022-01-15.csv': 21659,
  'ohlcv/crypto/nautilus_btc-perp-1m_2022-01-16_2022-02-01.csv': 23372,
  'ohlcv/crypto_futures/freqtrade_XRP_USDT_USDT-1h-futures.csv': 100,
  'ohlcv/crypto_futures/freqtrade_XRP_USDT_USDT-1h-mark.csv': 100,
  'ohlcv/crypto_futures/freqtrade_XRP_USDT_USDT-5m-futures.csv': 1999,
  'ohlcv/crypto_futures/freqtrade_XRP_USDT_USDT-8h-funding_rate.csv': 91,
  'ohlcv/crypto_futures/freqtrade_XRP_USDT_USDT-8h-mark.csv': 91,
  'ohlcv/futures/nautilus_cme_6EH4_1min_bars_2024-01.csv.gz': 29996,
  'ohlcv/fx/nautilus_fxcm_gbpusd-m1-ask-2012.csv': 30117,
  'ohlcv/fx/nautilus_fxcm_gbpusd-m1-bid-2012.csv': 30117,
  'ohlcv/fx/nautilus_fxcm_usdjpy-m1-ask-2013.csv': 28761,
  'ohlcv/fx/nautilus_fxcm_usdjpy-m1-bid-2013.csv': 28761,
  'ohlcv/stocks/backtrader_2006-01-02-volume-min-001.csv': 30889,
  'ohlcv/stocks/backtrader_2006-day-001.csv': 255,
  'ohlcv/stocks/backtrader_nvda-1999-2014.csv': 4012,
  'ohlcv/stocks/backtrader_orcl-1995-2014.csv': 5036,
  'ohlcv/stocks/backtrader_yhoo-1996-2015.csv': 4965,
  'orderbook/nautilus_binance_futures_btcusdt-depth-snap.csv': 100,
  'orderbook/nautilus_binance_futures_btcusdt-depth-update.csv': 100,
  'orderbook/nautilus_bybit_linear_XRPUSDT_ob500_2024-12-01.jsonl': 50,
  'orderbook/nautilus_tardis_binance-futures_book_snapshot_25_BTCUSDT.csv': 10,
  'orderbook/nautilus_tardis_binance-futures_book_snapshot_5_BTCUSDT.csv': 10,
  'orderbook/nautilus_tardis_bitmex_trades_XBTUSD.csv': 10,
  'orderbook/nautilus_tardis_deribit_incremental_book_L2_BTC-PERPETUAL.csv': 15,
  'orderbook/nautilus_tardis_huobi-dm-swap_quotes_BTC-USD.csv': 10,
  'quotes/nautilus_binance_btcusdt-quotes_2021-01-08.csv': 451,
  'quotes/nautilus_histdata_eurusd_quote_ticks_2020-01.csv': 9500,
  'quotes/nautilus_truefx_usdjpy-ticks.csv': 1000,
  'trades/freqtrade_binance_XRP_ETH-trades.csv': 12477,
  'trades/freqtrade_binance_XRP_ETH-trades.json.gz': 12477,
  'trades/freqtrade_binance_XRP_ETH-trades_ccxt_raw.json.gz': 12477,
  'trades/freqtrade_kraken_BCHEUR_trades.csv': 148,
  'trades/freqtrade_kraken_BCHEUR_trades_incremental_q2.csv': 486,
  'trades/freqtrade_orderflow_public_trades_1000.csv': 1000,
  'trades/nautilus_binance_btcusdt-trades_2021-01-08.csv': 2001,
  'vn30f/VN30F1M_15m_2018-08_2022-12.csv': 20786,
  'vn30f/VN30F1M_15m_2023-01_2024-07.csv': 7316,
  'vn30f/VN30F1M_1D_2018-08_2022-12.csv': 1090,
  'vn30f/VN30F1M_1D_2023-01_2025-10.csv': 695,
  'vn30f/VN30F1M_5m_2018-08_2022-12.csv': 55823,
  'vn30f/VN30F1M_5m_2023-01_2024-11.csv': 24266,
};

/** Reference outputs of indicator libraries: values keyed by time, not market data. */
const isIndicatorReference = (rel: string): boolean =>
  rel.startsWith('indicators/') && !rel.endsWith('/btcusdt-1h.csv');

function dataFiles(root: string): string[] {
  return (readdirSync(root, { recursive: true }) as string[])
    .map((p) => p.split('\\').join('/'))
    .filter((p) => !p.startsWith('exchange_messages/') && /\.(csv|json|jsonl|feather)(\.gz)?$/.test(p))
    .sort();
}

const vn30 = instrumentFromSpec(VN30F1M_HNX);

function optionsFor(rel: string, path: string): LoadOptions {
  const instrument: Instrument = rel.startsWith('vn30f/') ? vn30 : loadInstrumentGuessSync(path).instrument;
  // freqtrade keeps funding rates in candle columns (open = rate, the rest 0): not real bars.
  return rel.includes('funding_rate') ? { instrument, checkOhlc: false } : { instrument };
}

const files = DATA ? dataFiles(DATA) : [];

describe('every market data file of ../shared/data', () => {
  it.skipIf(!DATA)('finds every file SOURCES.md counts, and more indicator references', () => {
    for (const rel of Object.keys(SOURCES_ROWS)) expect(files).toContain(rel);
    expect(files.filter(isIndicatorReference).length).toBeGreaterThan(0);
  });

  for (const rel of files) {
    if (isIndicatorReference(rel)) {
      it(`refuses ${rel}, which holds indicator values rather than market data`, () => {
        const path = join(DATA!, rel);
        expect(() => loadMarketDataFileSync(path, { instrument: vn30 })).toThrow(DataFileError);
        expect(() => loadMarketDataFileSync(path, { instrument: vn30 })).toThrow(
          'match no market-data layout',
        );
      });
      continue;
    }
    it(`loads ${rel} whole, in time order${SOURCES_ROWS[rel] ? `, with the ${SOURCES_ROWS[rel]} rows SOURCES.md states` : ''}`, () => {
      const path = join(DATA!, rel);
      const r = loadMarketDataFileSync(path, optionsFor(rel, path));
      if (SOURCES_ROWS[rel] !== undefined) expect(r.rows).toBe(SOURCES_ROWS[rel]);
      expect(r.data.length).toBeGreaterThan(0);
      for (let i = 1; i < r.data.length; i++) expect(r.data[i]!.tsEvent >= r.data[i - 1]!.tsEvent).toBe(true);
    });
  }
});

describe.skipIf(!DATA)('shared data read correctly', () => {
  const load = (rel: string, extra: Partial<LoadOptions> = {}): LoadedData => {
    const path = join(DATA!, rel);
    return loadMarketDataFileSync(path, { ...optionsFor(rel, path), ...extra });
  };

  it('reads each freqtrade feather file to the very bars of its CSV conversion', () => {
    for (const pair of [
      'ADA_BTC-5m',
      'DASH_BTC-5m',
      'ETH_BTC-5m',
      'LTC_BTC-5m',
      'TRX_BTC-5m',
      'XLM_BTC-5m',
      'XRP_ETH-1m',
    ]) {
      const csv = join(DATA!, `ohlcv/crypto/freqtrade_${pair}.csv`);
      const instrument = loadInstrumentGuessSync(csv).instrument;
      const a = loadMarketDataFileSync(csv, { instrument });
      const b = loadMarketDataFileSync(join(DATA!, `ohlcv/crypto/freqtrade_${pair}.feather`), { instrument });
      expect(b.format).toBe('ohlcv-feather');
      expect(b.data).toEqual(a.data);
    }
  });

  it('reads VN30F1M in Vietnam time: the first 5-minute bar of 2023 opens 09:00 local and closes 02:05 UTC', () => {
    const r = load('vn30f/VN30F1M_5m_2023-01_2024-11.csv');
    if (r.kind !== 'bars') throw new Error('expected bars');
    expect(nanosToIso(r.first)).toBe('2023-01-03T02:05:00.000000000Z');
    expect(r.barType).toEqual({
      instrumentId: 'VN30F1M.HNX',
      step: 5,
      aggregation: 'MINUTE',
      priceType: 'LAST',
    });
    expect(r.timeZone).toBe('Asia/Ho_Chi_Minh');
    expect(r.data[0]!.open.toString()).toBe('999.9');
  });

  it('infers the bar length of each layout', () => {
    const stepOf = (rel: string): string => {
      const r = load(rel);
      return r.kind === 'bars' ? `${r.barType.step}-${r.barType.aggregation}-${r.barType.priceType}` : r.kind;
    };
    expect(stepOf('vn30f/VN30F1M_1D_2018-08_2022-12.csv')).toBe('1-DAY-LAST');
    expect(stepOf('vn30f/VN30F1M_15m_2023-01_2024-07.csv')).toBe('15-MINUTE-LAST');
    expect(stepOf('ohlcv/crypto_futures/freqtrade_XRP_USDT_USDT-8h-funding_rate.csv')).toBe('8-HOUR-LAST');
    expect(stepOf('ohlcv/fx/nautilus_fxcm_usdjpy-m1-ask-2013.csv')).toBe('1-MINUTE-ASK');
    expect(stepOf('ohlcv/stocks/backtrader_orcl-1995-2014.csv')).toBe('1-DAY-LAST');
    expect(stepOf('indicators/quantedge_btcusdt-1h/btcusdt-1h.csv')).toBe('1-HOUR-LAST');
  });

  it('refuses the funding-rate candles as bars unless OHLC checks are off', () => {
    const path = join(DATA!, 'ohlcv/crypto_futures/freqtrade_XRP_USDT_USDT-8h-funding_rate.csv');
    const instrument = loadInstrumentGuessSync(path).instrument;
    expect(() => loadMarketDataFileSync(path, { instrument })).toThrow(`${path}:2: column "high"`);
  });

  it('reads the book files into snapshots and deltas of the expected depth', () => {
    const snap = load('orderbook/nautilus_binance_futures_btcusdt-depth-snap.csv');
    expect(snap.data).toHaveLength(1);
    const s = snap.data[0]!;
    if (s.type !== 'OrderBookSnapshot') throw new Error('expected a snapshot');
    expect([s.bids.length, s.asks.length]).toEqual([100, 0]);
    const bybit = load('orderbook/nautilus_bybit_linear_XRPUSDT_ob500_2024-12-01.jsonl');
    expect(bybit.data.map((d) => d.type)).toEqual([
      'OrderBookSnapshot',
      ...new Array<string>(49).fill('OrderBookDeltas'),
    ]);
    const first = bybit.data[0]!;
    if (first.type !== 'OrderBookSnapshot') throw new Error('expected a snapshot');
    expect([first.bids.length, first.asks.length]).toEqual([500, 500]);
    const wide = load('orderbook/nautilus_tardis_binance-futures_book_snapshot_25_BTCUSDT.csv').data[0]!;
    if (wide.type !== 'OrderBookSnapshot') throw new Error('expected a snapshot');
    expect([wide.bids.length, wide.asks.length]).toEqual([25, 25]);
  });

  it('reads the same 12,477 Binance XRP/ETH trades from CSV, freqtrade JSON and ccxt JSON', () => {
    const csv = join(DATA!, 'trades/freqtrade_binance_XRP_ETH-trades.csv');
    const instrument = loadInstrumentGuessSync(csv).instrument;
    const a = loadMarketDataFileSync(csv, { instrument });
    const b = loadMarketDataFileSync(join(DATA!, 'trades/freqtrade_binance_XRP_ETH-trades.json.gz'), {
      instrument,
    });
    const c = loadMarketDataFileSync(
      join(DATA!, 'trades/freqtrade_binance_XRP_ETH-trades_ccxt_raw.json.gz'),
      { instrument },
    );
    expect(b.data).toEqual(a.data);
    expect(c.data).toEqual(a.data);
  });

  it('merges the two halves of the btc-perp minute file and the two Kraken files in time order', () => {
    const perp = join(DATA!, 'ohlcv/crypto');
    const instrument = loadInstrumentGuessSync(
      join(perp, 'nautilus_btc-perp-1m_2021-12-31_2022-01-15.csv'),
    ).instrument;
    const bars = loadMarketDataDirSync(perp, { instrument, filter: (p) => p.includes('btc-perp') });
    expect(bars.rows).toBe(21659 + 23372);
    expect(bars.data).toHaveLength(45031);
    const trades = loadMarketDataDirSync(join(DATA!, 'trades'), {
      instrument: loadInstrumentGuessSync(join(DATA!, 'trades/freqtrade_kraken_BCHEUR_trades.csv'))
        .instrument,
      filter: (p) => p.includes('kraken'),
    });
    expect(trades.data).toHaveLength(148 + 486);
    expect(nanosToIso(trades.first)).toBe('2023-01-01T00:03:56.000000000Z');
  });
});

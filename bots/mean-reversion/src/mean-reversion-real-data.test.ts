import { loadMarketDataFileSync } from '@qubit/adapter-data-files';
import { BTCUSDT_PERP_BINANCE, instrumentFromSpec } from '@qubit/model';
import { Atr, BollingerBands, Decimal, OrderType, Rsi, parseBotConfig, type Bar } from '@qubit/sdk';
import { runBot } from '@qubit/sdk/testing';
import { sharedDataFile, sharedDataSkipReason } from '@qubit/test-data';
import { describe, expect, it } from 'vitest';
import { meanReversion } from './mean-reversion.js';
import { barsByClose, roundTrips, summary } from '@qubit/sdk/testing';

const FILE = 'ohlcv/crypto/nautilus_btc-perp-1m_2022-01-16_2022-02-01.csv';
const skip = sharedDataSkipReason(FILE);
if (skip) console.warn(`mean-reversion real-data test ${skip}`);

describe('mean-reversion over real BTCUSDT perpetual 1-minute bars (2022-01-16 .. 2022-02-01)', () => {
  it.skipIf(skip)(
    'enters only on band breaks confirmed by RSI and exits at the middle band or its stop',
    () => {
      const instrument = instrumentFromSpec(BTCUSDT_PERP_BINANCE);
      // The file's volume is in quote units, off the BTC lot grid; this bot does not read volume.
      const bars: readonly Bar[] = loadMarketDataFileSync(sharedDataFile(FILE)!, {
        instrument,
        kind: 'bars',
        barType: 'BTCUSDT-PERP.BINANCE-1-MINUTE-LAST',
        onOffGrid: 'round',
      }).data as readonly Bar[];
      const raw = { mode: 'long_short' };
      const c = parseBotConfig(meanReversion, raw);
      const r = runBot(meanReversion, { bars, instrument, config: raw, balances: { USDT: '100000' } });
      expect(r.errors).toBe(0);
      expect(r.invalidIntents).toEqual([]);
      expect(r.denials).toEqual([]);
      expect(r.position.signedQty.isZero()).toBe(true);

      const bb = new BollingerBands(c.bbPeriod, c.bbStdDev);
      const rsi = new Rsi(c.rsiPeriod);
      const atr = new Atr(c.atrPeriod);
      const at = bars.map((b) => ({
        close: b.close.toNumber(),
        bands: bb.update(b.close.toNumber()),
        rsi: rsi.update(b.close.toNumber()),
        atr: atr.update(b.high.toNumber(), b.low.toNumber(), b.close.toNumber()),
      }));
      const index = barsByClose(bars);
      const trips = roundTrips(r);
      expect(trips.length).toBeGreaterThan(20);
      for (const t of trips) {
        const i = index.get(t.entryDecidedAt)!;
        const e = at[i]!;
        expect(t.entryReason).toBe('entry');
        if (t.side === 'long') expect(e.close < e.bands!.lower && e.rsi! < c.rsiOversold).toBe(true);
        else expect(e.close > e.bands!.upper && e.rsi! > c.rsiOverbought).toBe(true);

        if (t.exitReason === 'end_of_data') {
          expect(t).toBe(trips.at(-1));
          continue;
        }
        const j = index.get(t.exitDecidedAt)!;
        const x = at[j]!;
        if (t.exitReason === 'take_profit') {
          expect(t.side === 'long' ? x.close >= x.bands!.middle : x.close <= x.bands!.middle).toBe(true);
          // …and it was the first close back at the middle band.
          for (let k = i + 1; k < j; k++) {
            const m = at[k]!;
            expect(t.side === 'long' ? m.close < m.bands!.middle : m.close > m.bands!.middle).toBe(true);
          }
        } else if (t.exitOrderType === OrderType.STOP_MARKET) {
          expect(t.exitReason).toBe('stop_loss');
          const level = t.exitLevel!;
          expect(t.side === 'long' ? level.lt(t.entryPx) : level.gt(t.entryPx)).toBe(true);
          expect(t.side === 'long' ? t.exitPx.lte(level) : t.exitPx.gte(level)).toBe(true);
        } else {
          // The fill bar closed through the stop before it could rest: a market exit on that very close.
          expect(t.exitReason).toBe('stop_loss');
          expect(j).toBe(i + 1);
          const distance = c.stopAtr * x.atr!;
          const entry = t.entryPx.toNumber();
          expect(t.side === 'long' ? x.close <= entry - distance : x.close >= entry + distance).toBe(true);
        }
      }
      const s = summary(trips);
      const byExit: Record<string, number> = {};
      for (const t of trips) byExit[t.exitReason] = (byExit[t.exitReason] ?? 0) + 1;
      console.info(`mean-reversion BTCUSDT-PERP 1m long_short defaults: ${JSON.stringify({ ...s, byExit })}`);
      expect(Decimal.parse(s.netPnl).eq(r.pnl.total.amount)).toBe(true);
    },
  );
});

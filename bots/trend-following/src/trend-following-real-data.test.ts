import { loadMarketDataFileSync } from '@qubit/adapter-data-files';
import { BTCUSDT_PERP_BINANCE, instrumentFromSpec } from '@qubit/model';
import { Atr, Decimal, Ema, OrderType, Rounding, parseBotConfig, type Bar } from '@qubit/sdk';
import { runBot } from '@qubit/sdk/testing';
import { sharedDataFile, sharedDataSkipReason } from '@qubit/test-data';
import { describe, expect, it } from 'vitest';
import { trendFollowing } from './trend-following.js';
import { barsByClose, roundTrips, summary } from '@qubit/sdk/testing';

const FILE = 'ohlcv/crypto/nautilus_btc-perp-1m_2022-01-16_2022-02-01.csv';
const skip = sharedDataSkipReason(FILE);
if (skip) console.warn(`trend-following real-data test ${skip}`);
const MINUTE_NS = 60_000_000_000n;

describe('trend-following over real BTCUSDT perpetual 1-minute bars (2022-01-16 .. 2022-02-01)', () => {
  it.skipIf(skip)(
    'enters on channel breaks with the EMA trend and exits on its trailing stop or the exit channel',
    () => {
      const instrument = instrumentFromSpec(BTCUSDT_PERP_BINANCE);
      const bars: readonly Bar[] = loadMarketDataFileSync(sharedDataFile(FILE)!, {
        instrument,
        kind: 'bars',
        barType: 'BTCUSDT-PERP.BINANCE-1-MINUTE-LAST',
        onOffGrid: 'round',
      }).data as readonly Bar[];
      const raw = { mode: 'long_short' };
      const c = parseBotConfig(trendFollowing, raw);
      const r = runBot(trendFollowing, { bars, instrument, config: raw, balances: { USDT: '100000' } });
      expect(r.errors).toBe(0);
      expect(r.invalidIntents).toEqual([]);
      expect(r.denials).toEqual([]);
      expect(r.position.signedQty.isZero()).toBe(true);

      const fast = new Ema(c.emaFast);
      const slow = new Ema(c.emaSlow);
      const atrIndicator = new Atr(c.atrPeriod);
      const at = bars.map((b) => ({
        fast: fast.update(b.close.toNumber()),
        slow: slow.update(b.close.toNumber()),
        atr: atrIndicator.update(b.high.toNumber(), b.low.toNumber(), b.close.toNumber()),
      }));
      const highest = (from: number, to: number): Decimal =>
        bars.slice(from, to).reduce<Decimal>((m, b) => m.max(b.high), bars[from]!.high);
      const lowest = (from: number, to: number): Decimal =>
        bars.slice(from, to).reduce<Decimal>((m, b) => m.min(b.low), bars[from]!.low);
      /** The trailing level after the close of bar `last`, for a trade filled at the open of bar `fill`. */
      const trailAfter = (long: boolean, fill: number, last: number): Decimal => {
        let best: Decimal = long ? bars[fill]!.high : bars[fill]!.low;
        let level: Decimal | undefined;
        for (let k = fill; k <= last; k++) {
          best = long ? best.max(bars[k]!.high) : best.min(bars[k]!.low);
          const d = c.trailAtr * at[k]!.atr!;
          const trail = Decimal.from(
            (long ? best.toNumber() - d : best.toNumber() + d).toFixed(12),
          ).roundToStep(instrument.tickSize, long ? Rounding.FLOOR : Rounding.CEIL);
          level = level === undefined ? trail : long ? level.max(trail) : level.min(trail);
        }
        return level!;
      };

      const index = barsByClose(bars);
      const trips = roundTrips(r);
      expect(trips.length).toBeGreaterThan(20);
      for (const t of trips) {
        const i = index.get(t.entryDecidedAt)!;
        const long = t.side === 'long';
        const e = at[i]!;
        expect(t.entryReason).toBe('entry');
        if (long) expect(bars[i]!.close.gt(highest(i - c.entryChannel, i)) && e.fast! > e.slow!).toBe(true);
        else expect(bars[i]!.close.lt(lowest(i - c.entryChannel, i)) && e.fast! < e.slow!).toBe(true);

        if (t.exitReason === 'end_of_data') {
          expect(t).toBe(trips.at(-1));
          continue;
        }
        const j = index.get(t.exitDecidedAt)!;
        if (t.exitReason === 'exit') {
          const close = bars[j]!.close;
          if (long) expect(close.lt(lowest(j - c.exitChannel, j))).toBe(true);
          else expect(close.gt(highest(j - c.exitChannel, j))).toBe(true);
        } else if (t.exitOrderType === OrderType.STOP_MARKET) {
          expect(t.exitReason).toBe('trailing_stop');
          // Filled in bar m: the level is the rule's trail after the close before it, and the fill is at it or beyond.
          const m = index.get(t.exitFilledAt + MINUTE_NS)!;
          const level = trailAfter(long, i + 1, m - 1);
          expect(t.exitLevel!.eq(level)).toBe(true);
          expect(long ? t.exitPx.lte(level) : t.exitPx.gte(level)).toBe(true);
        } else {
          // A close through the trail before a stop rested (the fill bar): a market exit on that close.
          expect(t.exitReason).toBe('trailing_stop');
          expect(j).toBe(i + 1);
          const level = trailAfter(long, i + 1, j);
          expect(long ? bars[j]!.close.lte(level) : bars[j]!.close.gte(level)).toBe(true);
        }
      }
      const s = summary(trips);
      const byExit: Record<string, number> = {};
      for (const t of trips) byExit[t.exitReason] = (byExit[t.exitReason] ?? 0) + 1;
      console.info(
        `trend-following BTCUSDT-PERP 1m long_short defaults: ${JSON.stringify({ ...s, byExit })}`,
      );
      expect(Decimal.parse(s.netPnl).eq(r.pnl.total.amount)).toBe(true);
    },
  );
});

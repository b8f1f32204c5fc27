import { loadMarketDataFileSync } from '@qubit/adapter-data-files';
import { BTCUSDT_PERP_BINANCE, instrumentFromSpec } from '@qubit/model';
import { Atr, Decimal, OrderType, parseBotConfig, type Bar } from '@qubit/sdk';
import { runBot } from '@qubit/sdk/testing';
import { sharedDataFile, sharedDataSkipReason } from '@qubit/test-data';
import { describe, expect, it } from 'vitest';
import { momentum } from './momentum.js';
import { barsByClose, roundTrips, summary } from '@qubit/sdk/testing';

const FILE = 'ohlcv/crypto/nautilus_btc-perp-1m_2022-01-16_2022-02-01.csv';
const skip = sharedDataSkipReason(FILE);
if (skip) console.warn(`momentum real-data test ${skip}`);

describe('momentum over real BTCUSDT perpetual 1-minute bars (2022-01-16 .. 2022-02-01)', () => {
  it.skipIf(skip)('enters only where momentum and volume held, and exits only by its rules', () => {
    const instrument = instrumentFromSpec(BTCUSDT_PERP_BINANCE);
    // The file's volume is in quote units, off the BTC lot grid: it is only compared with itself here.
    const bars: readonly Bar[] = loadMarketDataFileSync(sharedDataFile(FILE)!, {
      instrument,
      kind: 'bars',
      barType: 'BTCUSDT-PERP.BINANCE-1-MINUTE-LAST',
      onOffGrid: 'round',
    }).data as readonly Bar[];
    const raw = { mode: 'long_short' };
    const c = parseBotConfig(momentum, raw);
    const r = runBot(momentum, { bars, instrument, config: raw, balances: { USDT: '100000' } });
    expect(r.errors).toBe(0);
    expect(r.invalidIntents).toEqual([]);
    expect(r.denials).toEqual([]);
    expect(r.position.signedQty.isZero()).toBe(true);

    const index = barsByClose(bars);
    const atrIndicator = new Atr(c.atrPeriod);
    const atr = bars.map((b) => atrIndicator.update(b.high.toNumber(), b.low.toNumber(), b.close.toNumber()));
    const trips = roundTrips(r);
    expect(trips.length).toBeGreaterThan(20);
    const up = Decimal.ONE.add(Decimal.from(c.entryThreshold));
    const down = Decimal.ONE.sub(Decimal.from(c.entryThreshold));
    for (const t of trips) {
      const i = index.get(t.entryDecidedAt)!;
      const close = bars[i]!.close;
      const past = bars[i - c.lookback]!.close;
      expect(t.entryReason).toBe('entry');
      expect(t.side === 'long' ? close.gte(past.mul(up)) : close.lte(past.mul(down))).toBe(true);
      const before = bars.slice(i - c.volumePeriod, i).reduce((s, b) => s.add(b.volume), Decimal.ZERO);
      expect(bars[i]!.volume.mulInt(c.volumePeriod).gt(before)).toBe(true);

      const j = index.get(t.exitDecidedAt);
      if (t.exitReason === 'end_of_data') {
        expect(t).toBe(trips.at(-1));
        continue;
      }
      expect(j! - i).toBeLessThanOrEqual(c.maxBarsHeld);
      if (t.exitReason === 'stop_loss' && t.exitOrderType === OrderType.STOP_MARKET) {
        // A resting stop (a perpetual has no price band to refuse it) fills at its level or beyond.
        const level = t.exitLevel!;
        expect(t.side === 'long' ? level.lt(t.entryPx) : level.gt(t.entryPx)).toBe(true);
        expect(t.side === 'long' ? t.exitPx.lte(level) : t.exitPx.gte(level)).toBe(true);
      } else if (t.exitReason === 'stop_loss') {
        // The fill bar itself closed through the stop before it could rest: a market exit on that close.
        expect(t.exitOrderType).toBe(OrderType.MARKET);
        expect(j).toBe(i + 1);
        const distance = c.stopAtr * atr[i + 1]!;
        const entry = t.entryPx.toNumber();
        const exitClose = bars[j!]!.close.toNumber();
        expect(t.side === 'long' ? exitClose <= entry - distance : exitClose >= entry + distance).toBe(true);
      } else {
        expect(t.exitReason).toBe('exit');
        const exitClose = bars[j!]!.close;
        const exitPast = bars[j! - c.lookback]!.close;
        const faded = t.side === 'long' ? exitClose.lt(exitPast) : exitClose.gt(exitPast);
        expect(faded || j! - i === c.maxBarsHeld).toBe(true);
      }
    }
    const s = summary(trips);
    console.info(
      `momentum BTCUSDT-PERP 1m long_short defaults: ${JSON.stringify({ ...s, byExit: countBy(trips.map((t) => t.exitReason)) })}`,
    );
    expect(Decimal.parse(s.netPnl).eq(r.pnl.total.amount)).toBe(true);
  });
});

function countBy(items: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of items) out[k] = (out[k] ?? 0) + 1;
  return out;
}

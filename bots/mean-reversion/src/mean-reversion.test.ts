import {
  Atr,
  BollingerBands,
  BotConfigError,
  Decimal,
  OrderSide,
  OrderType,
  Rounding,
  Rsi,
  configJsonSchema,
  parseBotConfig,
} from '@qubit/sdk';
import { runBot, type BarRow } from '@qubit/sdk/testing';
import { describe, expect, it } from 'vitest';
import { meanReversion } from './mean-reversion.js';
import { roundTrips } from '@qubit/sdk/testing';

const MINUTE = 60_000;
const T0 = Date.UTC(2024, 0, 2, 2, 0);

/** One bar per close, opening at the previous close, with a 1.0 wick either side. */
function path(closes: number[]): BarRow[] {
  let prev = closes[0]!;
  return closes.map((c, i) => {
    const row = {
      time: T0 + i * MINUTE,
      open: prev.toFixed(1),
      high: (Math.max(prev, c) + 1).toFixed(1),
      low: (Math.min(prev, c) - 1).toFixed(1),
      close: c.toFixed(1),
      volume: '10',
    };
    prev = c;
    return row;
  });
}

const closeTime = (i: number): bigint => BigInt(T0 + (i + 1) * MINUTE) * 1_000_000n;
const text = (d: Decimal | string): string => Decimal.from(d).normalize().toString();

/** Twelve bars chopping between 1000 and 1001, then a drop to 990 (bar 12): below the lower band, RSI ≈ 9. */
const CHOP = Array.from({ length: 12 }, (_, i) => (i % 2 ? 1001 : 1000));
const SIGNAL = 12;
const config = { bbPeriod: 10, bbStdDev: 2, rsiPeriod: 3, atrPeriod: 3, stopAtr: 2, quantity: '1' };

/** Bands and RSI at every close, computed independently of the bot. */
function readings(closes: number[]): { lower?: number; middle?: number; upper?: number; rsi?: number }[] {
  const bb = new BollingerBands(config.bbPeriod, config.bbStdDev);
  const rsi = new Rsi(config.rsiPeriod);
  return closes.map((c) => ({ ...bb.update(c), rsi: rsi.update(c) }));
}

describe('mean-reversion entries', () => {
  it('buys after a close below the lower band with RSI below 30, at the next open', () => {
    const closes = [...CHOP, 990, 991];
    const rows = path(closes);
    const r = runBot(meanReversion, { bars: rows, config, closeAtEnd: false });
    const at = readings(closes)[SIGNAL]!;
    expect(closes[SIGNAL]!).toBeLessThan(at.lower!);
    expect(at.rsi!).toBeLessThan(30);
    expect(r.intents[0]).toMatchObject({ side: OrderSide.BUY, reason: 'entry', tsInit: closeTime(SIGNAL) });
    expect(text(r.fills[0]!.lastPx)).toBe('990');
  });

  it('stays out when the close is below the lower band but RSI is not below the oversold level', () => {
    const closes = [...CHOP, 990, 991];
    const rsi = readings(closes)[SIGNAL]!.rsi!;
    const r = runBot(meanReversion, {
      bars: path(closes),
      config: { ...config, rsiOversold: Math.floor(rsi) - 1 },
    });
    expect(r.intents).toEqual([]);
  });

  it('stays out when RSI is oversold but the close is inside the bands', () => {
    // A slow slide: RSI sinks, but the close never leaves the bands.
    const closes = Array.from({ length: 30 }, (_, i) => 1000 - i);
    const at = readings(closes);
    expect(at.some((x) => x.rsi !== undefined && x.rsi < 30)).toBe(true);
    expect(closes.every((c, i) => at[i]!.lower === undefined || c >= at[i]!.lower!)).toBe(true);
    const r = runBot(meanReversion, { bars: path(closes), config });
    expect(r.intents).toEqual([]);
  });

  it('sells a spike above the upper band with RSI above 70 in long_short mode only', () => {
    const closes = [...CHOP, 1011, 1010];
    const short = runBot(meanReversion, {
      bars: path(closes),
      config: { ...config, mode: 'long_short' },
      closeAtEnd: false,
    });
    expect(short.intents[0]).toMatchObject({
      side: OrderSide.SELL,
      reason: 'entry',
      tsInit: closeTime(SIGNAL),
    });
    expect(short.position.signedQty.isNegative()).toBe(true);
    expect(runBot(meanReversion, { bars: path(closes), config }).intents).toEqual([]);
  });
});

describe('mean-reversion exits', () => {
  it('takes profit on the first close back at or above the middle band', () => {
    const closes = [...CHOP, 990, 992, 995, 999, 1001, 1002];
    const rows = path(closes);
    const r = runBot(meanReversion, { bars: rows, config, closeAtEnd: false });
    const [trip] = roundTrips(r);
    expect(trip).toMatchObject({ side: 'long', exitReason: 'take_profit', exitOrderType: OrderType.MARKET });
    const at = readings(closes);
    const exitBar = closes.findIndex((c, i) => i > SIGNAL && c >= at[i]!.middle!);
    expect(trip!.exitDecidedAt).toBe(closeTime(exitBar));
    expect(text(trip!.exitPx)).toBe(text(rows[exitBar + 1]!.open as string));
    expect(trip!.pnl.isPositive()).toBe(true);
    expect(r.node.cache.ordersOpen()).toEqual([]);
  });

  it('rests a stop at entry − stopAtr × ATR and is taken out there when the fall continues', () => {
    const closes = [...CHOP, 990, 991, 960, 955];
    const rows = path(closes);
    const r = runBot(meanReversion, { bars: rows, config, closeAtEnd: false });
    const [trip] = roundTrips(r);
    expect(trip).toMatchObject({ exitReason: 'stop_loss', exitOrderType: OrderType.STOP_MARKET });
    const atr = new Atr(config.atrPeriod);
    let atrAtFillClose = 0;
    rows
      .slice(0, SIGNAL + 2)
      .forEach((b) => (atrAtFillClose = atr.update(Number(b.high), Number(b.low), Number(b.close)) ?? 0));
    const level = Decimal.from((990 - config.stopAtr * atrAtFillClose).toFixed(12)).roundToStep(
      Decimal.from('0.1'),
      Rounding.FLOOR,
    );
    expect(text(trip!.exitLevel!)).toBe(text(level));
    expect(text(trip!.exitPx)).toBe(text(level)); // the bar falls through it continuously: filled at the trigger
    expect(trip!.exitPx.lt(trip!.entryPx)).toBe(true);
  });

  it('closes an open trade at the last close with reason end_of_data', () => {
    const r = runBot(meanReversion, { bars: path([...CHOP, 990, 991]), config });
    expect(r.intents.map((i) => i.reason)).toEqual(['entry', 'stop_loss', 'end_of_data']);
    expect(r.position.signedQty.isZero()).toBe(true);
    expect(r.node.cache.ordersOpen()).toEqual([]);
  });
});

describe('mean-reversion config', () => {
  it('fills the documented defaults', () => {
    expect(parseBotConfig(meanReversion, {})).toEqual({
      instrument: 'BTCUSDT-PERP.BINANCE',
      timeframe: '1-MINUTE',
      quantity: '0.01',
      mode: 'long',
      bbPeriod: 20,
      bbStdDev: 2,
      rsiPeriod: 14,
      rsiOversold: 30,
      rsiOverbought: 70,
      atrPeriod: 14,
      stopAtr: 2,
    });
  });

  it('refuses crossed RSI levels and unknown keys, naming them', () => {
    expect(() => parseBotConfig(meanReversion, { rsiOversold: 80, rsiOverbought: 20 })).toThrow(
      /config\.rsiOversold: rsiOversold must be below rsiOverbought/,
    );
    expect(() => parseBotConfig(meanReversion, { bbPeriods: 20 })).toThrow(BotConfigError);
    expect(() => parseBotConfig(meanReversion, { bbPeriods: 20 })).toThrow(/config\.bbPeriods: unknown key/);
  });

  it('describes every key in its JSON schema', () => {
    const schema = configJsonSchema(meanReversion) as {
      properties: Record<string, { description?: string }>;
    };
    for (const [key, prop] of Object.entries(schema.properties)) expect(prop.description, key).toBeTruthy();
  });
});

import {
  Atr,
  BotConfigError,
  Decimal,
  Ema,
  OrderSide,
  OrderType,
  Rounding,
  configJsonSchema,
  parseBotConfig,
} from '@qubit/sdk';
import { runBot, type BarRow } from '@qubit/sdk/testing';
import { describe, expect, it } from 'vitest';
import { trendFollowing } from './trend-following.js';
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

const config = {
  entryChannel: 5,
  exitChannel: 3,
  emaFast: 3,
  emaSlow: 6,
  atrPeriod: 3,
  trailAtr: 2,
  quantity: '1',
};
/** Ten bars chopping between 1000 and 1001 (highs 1002), then a close at 1005 (bar 10): a breakout. */
const CHOP = Array.from({ length: 10 }, (_, i) => (i % 2 ? 1001 : 1000));
const SIGNAL = 10;

const highOf = (r: BarRow): number => Number(r.high);
const lowOf = (r: BarRow): number => Number(r.low);

/** EMA fast and slow at every close, computed independently of the bot. */
function emas(closes: number[], fastPeriod: number, slowPeriod: number): { fast?: number; slow?: number }[] {
  const fast = new Ema(fastPeriod);
  const slow = new Ema(slowPeriod);
  return closes.map((c) => ({ fast: fast.update(c), slow: slow.update(c) }));
}

describe('trend-following entries', () => {
  it('buys the close that breaks the entry-channel high while the fast EMA is above the slow one', () => {
    const closes = [...CHOP, 1005, 1006];
    const rows = path(closes);
    const r = runBot(trendFollowing, { bars: rows, config, closeAtEnd: false });
    const channelHigh = Math.max(...rows.slice(SIGNAL - 5, SIGNAL).map(highOf));
    const e = emas(closes, 3, 6)[SIGNAL]!;
    expect(closes[SIGNAL]!).toBeGreaterThan(channelHigh);
    expect(e.fast!).toBeGreaterThan(e.slow!);
    expect(r.intents[0]).toMatchObject({ side: OrderSide.BUY, reason: 'entry', tsInit: closeTime(SIGNAL) });
    expect(text(r.fills[0]!.lastPx)).toBe('1005');
  });

  it('ignores a breakout against the EMA trend', () => {
    // A long slide, then a spike over the 5-bar high: the fast EMA is still under the slow one.
    const slide = Array.from({ length: 20 }, (_, i) => 1100 - 5 * i);
    const closes = [...slide, slide.at(-1)! + 30, slide.at(-1)! + 31];
    const rows = path(closes);
    const i = slide.length;
    const e = emas(closes, 3, 12)[i]!;
    expect(closes[i]!).toBeGreaterThan(Math.max(...rows.slice(i - 5, i).map(highOf)));
    expect(e.fast!).toBeLessThan(e.slow!);
    const r = runBot(trendFollowing, { bars: rows, config: { ...config, emaSlow: 12 } });
    expect(r.intents).toEqual([]);
  });

  it('sells a breakdown below the entry-channel low in long_short mode only', () => {
    const closes = [...CHOP, 995, 994];
    const rows = path(closes);
    expect(closes[SIGNAL]!).toBeLessThan(Math.min(...rows.slice(SIGNAL - 5, SIGNAL).map(lowOf)));
    const short = runBot(trendFollowing, {
      bars: rows,
      config: { ...config, mode: 'long_short' },
      closeAtEnd: false,
    });
    expect(short.intents[0]).toMatchObject({
      side: OrderSide.SELL,
      reason: 'entry',
      tsInit: closeTime(SIGNAL),
    });
    expect(short.position.signedQty.isNegative()).toBe(true);
    expect(runBot(trendFollowing, { bars: rows, config }).intents).toEqual([]);
  });
});

describe('trend-following exits', () => {
  it('trails a resting stop under the best high by trailAtr × ATR and is taken out at it', () => {
    const closes = [...CHOP, 1005, 1008, 1012, 1016, 990];
    const rows = path(closes);
    const r = runBot(trendFollowing, { bars: rows, config, closeAtEnd: false });
    const [trip] = roundTrips(r);
    expect(trip).toMatchObject({
      side: 'long',
      exitReason: 'trailing_stop',
      exitOrderType: OrderType.STOP_MARKET,
    });
    // The level the rule gives on each close after the fill (fill bar = SIGNAL + 1), never loosened.
    const atr = new Atr(config.atrPeriod);
    const atrs = rows.map((b) => atr.update(highOf(b), lowOf(b), Number(b.close)));
    let best = -Infinity;
    let level = Decimal.ZERO;
    const levels: string[] = [];
    for (let k = SIGNAL + 1; k < closes.length - 1; k++) {
      best = Math.max(best, highOf(rows[k]!));
      const trail = Decimal.from((best - config.trailAtr * atrs[k]!).toFixed(12)).roundToStep(
        Decimal.from('0.1'),
        Rounding.FLOOR,
      );
      level = level.max(trail);
      levels.push(text(level));
    }
    expect(new Set(levels).size).toBeGreaterThan(1); // it did trail
    expect(r.orderEvents.filter((e) => e.type === 'OrderModified').length).toBe(new Set(levels).size - 1);
    expect(text(trip!.exitLevel!)).toBe(levels.at(-1));
    expect(text(trip!.exitPx)).toBe(levels.at(-1)); // the last bar falls through it: filled at the trigger
    expect(trip!.pnl.isPositive()).toBe(true); // trailed above the entry, so the stop locked in a gain
  });

  it('exits with reason exit on a close under the exit-channel low', () => {
    const closes = [...CHOP, 1005, 1006, 1007, 1006, 1003, 1002];
    const rows = path(closes);
    const r = runBot(trendFollowing, { bars: rows, config: { ...config, trailAtr: 10 }, closeAtEnd: false });
    const [trip] = roundTrips(r);
    expect(trip).toMatchObject({ exitReason: 'exit', exitOrderType: OrderType.MARKET });
    const exitBar = closes.findIndex(
      (c, k) => k > SIGNAL && c < Math.min(...rows.slice(k - 3, k).map(lowOf)),
    );
    expect(trip!.exitDecidedAt).toBe(closeTime(exitBar));
    expect(text(trip!.exitPx)).toBe(text(rows[exitBar + 1]!.open as string));
    expect(r.node.cache.ordersOpen()).toEqual([]);
  });

  it('closes an open trade at the last close with reason end_of_data', () => {
    const r = runBot(trendFollowing, { bars: path([...CHOP, 1005, 1006, 1007]), config });
    expect(r.intents.map((i) => i.reason)).toEqual(['entry', 'trailing_stop', 'end_of_data']);
    expect(r.position.signedQty.isZero()).toBe(true);
    expect(r.node.cache.ordersOpen()).toEqual([]);
  });
});

describe('trend-following config', () => {
  it('fills the documented defaults', () => {
    expect(parseBotConfig(trendFollowing, {})).toEqual({
      instrument: 'BTCUSDT-PERP.BINANCE',
      timeframe: '1-MINUTE',
      quantity: '0.01',
      mode: 'long',
      entryChannel: 20,
      exitChannel: 10,
      emaFast: 20,
      emaSlow: 50,
      atrPeriod: 14,
      trailAtr: 3,
    });
  });

  it('refuses a fast EMA that is not faster, and unknown keys, naming them', () => {
    expect(() => parseBotConfig(trendFollowing, { emaFast: 50, emaSlow: 20 })).toThrow(
      /config\.emaFast: emaFast must be smaller than emaSlow/,
    );
    expect(() => parseBotConfig(trendFollowing, { trail: 2 })).toThrow(BotConfigError);
    expect(() => parseBotConfig(trendFollowing, { trail: 2 })).toThrow(/config\.trail: unknown key/);
  });

  it('describes every key in its JSON schema', () => {
    const schema = configJsonSchema(trendFollowing) as {
      properties: Record<string, { description?: string }>;
    };
    for (const [key, prop] of Object.entries(schema.properties)) expect(prop.description, key).toBeTruthy();
  });
});

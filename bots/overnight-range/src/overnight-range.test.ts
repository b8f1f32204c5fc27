import { BotConfigError, Decimal, OrderSide, OrderType, configJsonSchema, parseBotConfig } from '@qubit/sdk';
import { runBot, type BarRow } from '@qubit/sdk/testing';
import { describe, expect, it } from 'vitest';
import { overnightRange } from './overnight-range.js';
import { roundTrips } from '@qubit/sdk/testing';

const HOUR = 3_600_000;
const MINUTE = 60_000;
const DAY0 = Date.UTC(2024, 0, 2); // a Tuesday

/** Bars opening at `times` (ms), each opening at the previous close, with a 1.0 wick either side. */
function rows(times: number[], closes: number[]): BarRow[] {
  let prev = closes[0]!;
  return closes.map((c, i) => {
    const row = {
      time: times[i]!,
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

const text = (d: Decimal | string): string => Decimal.from(d).normalize().toString();
const ns = (ms: number): bigint => BigInt(ms) * 1_000_000n;

// ---- a 24/7 market: hourly bars, the range is 00:00-08:00 UTC ----------------------------------------------

const crypto = {
  instrument: 'BTCUSDT-PERP.BINANCE',
  timeframe: '1-HOUR',
  timeZone: 'UTC',
  rangeStart: '00:00',
  rangeEnd: '08:00',
  flatAt: '23:00',
  quantity: '1',
};
/** Eight range bars: highs up to 1011, lows down to 994 (width 17). */
const RANGE = [1000, 1005, 1010, 1002, 995, 1000, 1004, 1001];
const hourly = (closes: number[], day = 0): BarRow[] =>
  rows(
    closes.map((_, i) => DAY0 + day * 24 * HOUR + i * HOUR),
    closes,
  );
const rangeOf = (bars: BarRow[]): { high: number; low: number } => ({
  high: Math.max(...bars.slice(0, 8).map((b) => Number(b.high))),
  low: Math.min(...bars.slice(0, 8).map((b) => Number(b.low))),
});

describe('overnight-range on a 24/7 market (UTC range)', () => {
  it('buys the first close above the range high after the range closes, and takes profit at entry + range', () => {
    const bars = hourly([...RANGE, 1015, 1020, 1035, 1036, 1037]);
    const { high, low } = rangeOf(bars);
    expect([high, low]).toEqual([1011, 994]);
    const r = runBot(overnightRange, { bars, config: crypto, closeAtEnd: false });
    const [trip] = roundTrips(r);
    expect(trip).toMatchObject({
      side: 'long',
      entryReason: 'entry',
      exitReason: 'take_profit',
      exitOrderType: OrderType.LIMIT,
    });
    expect(trip!.entryDecidedAt).toBe(ns(DAY0 + 9 * HOUR)); // the close of the 08:00 bar, the first one after the range
    expect(text(trip!.entryPx)).toBe('1015');
    expect(text(trip!.exitPx)).toBe(String(1015 + (high - low))); // the resting limit fills at its price
    expect(trip!.pnl.isPositive()).toBe(true);
    // The stop rested beside the target and was canceled once the position was flat.
    const stop = r.intents.find((i) => i.reason === 'stop_loss')!;
    expect(stop).toMatchObject({ orderType: OrderType.STOP_MARKET, reduceOnly: true });
    expect(text(stop.triggerPrice!)).toBe(String(low));
    expect(r.node.cache.ordersOpen()).toEqual([]);
  });

  it('is stopped at the other side of the range', () => {
    const bars = hourly([...RANGE, 1015, 1020, 990, 989]);
    const r = runBot(overnightRange, { bars, config: crypto, closeAtEnd: false });
    const [trip] = roundTrips(r);
    expect(trip).toMatchObject({ exitReason: 'stop_loss', exitOrderType: OrderType.STOP_MARKET });
    expect(text(trip!.exitPx)).toBe(String(rangeOf(bars).low));
  });

  it('goes flat with reason exit on the bar that closes at flatAt', () => {
    const drift = Array.from({ length: 13 }, (_, i) => 1016 + (i % 3)); // 10:00 .. 22:00, inside stop and target
    const bars = hourly([...RANGE, 1015, 1016, ...drift, 1017]);
    const r = runBot(overnightRange, { bars, config: crypto, closeAtEnd: false });
    const [trip] = roundTrips(r);
    expect(trip).toMatchObject({ exitReason: 'exit', exitOrderType: OrderType.MARKET });
    expect(trip!.exitDecidedAt).toBe(ns(DAY0 + 23 * HOUR));
    expect(trip!.exitFilledAt).toBe(ns(DAY0 + 23 * HOUR));
    expect(r.node.cache.ordersOpen()).toEqual([]);
  });

  it('trades once a day: a second break after a stop-out waits for the next day', () => {
    const day0 = [...RANGE, 1015, 1020, 990, 1015, 1020, ...Array.from({ length: 11 }, () => 1020)];
    const day1 = [...RANGE, 1015, 1018];
    const bars = [...hourly(day0), ...hourly(day1, 1)];
    const r = runBot(overnightRange, { bars, config: crypto, closeAtEnd: false });
    const entries = r.intents.filter((i) => i.reason === 'entry');
    expect(entries.map((e) => e.tsInit)).toEqual([ns(DAY0 + 9 * HOUR), ns(DAY0 + 24 * HOUR + 9 * HOUR)]);
  });

  it('ignores new highs made while the range is still forming', () => {
    const rising = [1000, 1002, 1004, 1006, 1008, 1010, 1012, 1014];
    const r = runBot(overnightRange, { bars: hourly([...rising, 1013, 1012, 1014]), config: crypto });
    expect(r.intents).toEqual([]);
  });

  it('sells a break below the range low in long_short mode, and not in long mode', () => {
    const bars = hourly([...RANGE, 990, 985, 980]);
    const short = runBot(overnightRange, { bars, config: crypto, closeAtEnd: false });
    expect(short.intents[0]).toMatchObject({ side: OrderSide.SELL, reason: 'entry' });
    const target = short.intents.find((i) => i.reason === 'take_profit')!;
    expect(text(target.price!)).toBe(String(990 - 17)); // entry − 1 × range
    expect(runBot(overnightRange, { bars, config: { ...crypto, mode: 'long' } }).intents).toEqual([]);
  });
});

// ---- VN30F1M: 5-minute bars in Vietnam time, sessions 09:00-11:30 and 13:00-14:30, ATC after ----------------

const LOCAL = 7 * HOUR; // Asia/Ho_Chi_Minh is UTC+7 all year
/** The opening times (UTC ms) of the continuous-session 5-minute bars of DAY0, then the ATC bars. */
const SESSION_TIMES = [
  ...Array.from({ length: 30 }, (_, i) => DAY0 + 9 * HOUR + i * 5 * MINUTE - LOCAL), // 09:00 .. 11:25
  ...Array.from({ length: 18 }, (_, i) => DAY0 + 13 * HOUR + i * 5 * MINUTE - LOCAL), // 13:00 .. 14:25
  DAY0 + 14 * HOUR + 30 * MINUTE - LOCAL,
  DAY0 + 14 * HOUR + 45 * MINUTE - LOCAL,
];
const vnBalances = { VND: '10000000000' };

describe('overnight-range on VN30F1M (09:00-09:30 Vietnam time, flat at 14:25)', () => {
  it('builds the range from the first half hour in local time, breaks out, and is flat at 14:25 before ATC', () => {
    const closes = [1250, 1252, 1254, 1251, 1249, 1250, 1256, ...Array.from({ length: 43 }, () => 1257)];
    const bars = rows(SESSION_TIMES, closes);
    const r = runBot(overnightRange, { bars, balances: vnBalances, closeAtEnd: false });
    const [trip] = roundTrips(r);
    // Range: bars 09:00..09:25 (high 1255, low 1248). The 09:30 bar closes at 1256 > 1255: entry at its close.
    expect(trip!.entryDecidedAt).toBe(ns(DAY0 + 9 * HOUR + 35 * MINUTE - LOCAL));
    expect(trip).toMatchObject({ side: 'long', exitReason: 'exit' });
    // Decided at the close of the 14:20 bar (14:25), filled at the open of the 14:25 bar, in the continuous session.
    expect(trip!.exitDecidedAt).toBe(ns(DAY0 + 14 * HOUR + 25 * MINUTE - LOCAL));
    expect(trip!.exitFilledAt).toBe(ns(DAY0 + 14 * HOUR + 25 * MINUTE - LOCAL));
    // The stop and the target rest at the venue (the backtest gives the ±7 % band its daily reference price).
    expect(r.denials).toEqual([]);
    expect(r.intents.filter((i) => i.reason === 'stop_loss' || i.reason === 'take_profit')).toHaveLength(2);
  });

  it('watches the stop on closes when the resting stop is refused', () => {
    const closes = [
      1250,
      1252,
      1254,
      1251,
      1249,
      1250,
      1256,
      1257,
      1250,
      1246,
      1245,
      ...Array.from({ length: 39 }, () => 1245),
    ];
    const bars = rows(SESSION_TIMES, closes);
    // A tight fat-finger collar makes risk refuse the resting stop and target, far from the last price.
    const r = runBot(overnightRange, {
      bars,
      balances: vnBalances,
      closeAtEnd: false,
      risk: { collar_pct: '0.001' },
    });
    expect(new Set(r.denials.map((d) => d.reasonCode))).toEqual(new Set(['PRICE_COLLAR']));
    const [trip] = roundTrips(r);
    expect(trip).toMatchObject({ exitReason: 'stop_loss', exitOrderType: OrderType.MARKET });
    // The first close at or under the range low (1248) decides the exit; it fills at the next open.
    const hit = closes.findIndex((c, i) => i > 7 && c <= 1248);
    expect(trip!.exitDecidedAt).toBe(ns(SESSION_TIMES[hit]! + 5 * MINUTE));
    expect(text(trip!.exitPx)).toBe(text(bars[hit + 1]!.open as string));
  });

  it('sends no market order while the venue is at lunch: a break on the 11:30 close waits for the afternoon', () => {
    // Quiet until the 11:25 bar, which closes at 11:30 above the range; the first afternoon bar still holds above it.
    const closes = [
      1250,
      1252,
      1254,
      1251,
      1249,
      1250,
      ...Array.from({ length: 23 }, () => 1252),
      1258,
      1259,
      1259,
    ];
    const bars = rows(SESSION_TIMES.slice(0, closes.length), closes);
    const r = runBot(overnightRange, { bars, balances: vnBalances, closeAtEnd: false });
    expect(r.denials.filter((d) => d.reasonCode === 'OUTSIDE_TRADING_SESSION')).toEqual([]);
    const entry = r.intents.find((i) => i.reason === 'entry')!;
    expect(entry.tsInit).toBe(ns(DAY0 + 13 * HOUR + 5 * MINUTE - LOCAL));
  });
});

describe('overnight-range config', () => {
  it('fills the documented defaults (VN30F1M, Vietnam time)', () => {
    expect(parseBotConfig(overnightRange, {})).toEqual({
      instrument: 'VN30F1M.HNX',
      timeframe: '5-MINUTE',
      quantity: '1',
      mode: 'long_short',
      timeZone: 'Asia/Ho_Chi_Minh',
      rangeStart: '09:00',
      rangeEnd: '09:30',
      flatAt: '14:25',
      takeProfitRange: 1,
    });
  });

  it('names a bad time zone, badly ordered times and unknown keys', () => {
    const issues = (raw: unknown): string[] => {
      try {
        parseBotConfig(overnightRange, raw);
      } catch (e) {
        expect(e).toBeInstanceOf(BotConfigError);
        return (e as BotConfigError).issues.map((i) => `${i.path}: ${i.message}`);
      }
      return [];
    };
    expect(issues({ timeZone: 'Mars/Olympus' })).toEqual([
      'config.timeZone: must be an IANA time zone such as Asia/Ho_Chi_Minh or UTC',
    ]);
    expect(issues({ rangeStart: '10:00', rangeEnd: '09:30' })).toEqual([
      'config.rangeEnd: rangeEnd must be after rangeStart',
    ]);
    expect(issues({ flatAt: '09:15' })).toEqual(['config.flatAt: flatAt must be after rangeEnd']);
    expect(issues({ rangeEnd: '9:30' })).toEqual([
      'config.rangeEnd: rangeEnd must be a local time HH:MM such as 09:30',
    ]);
    expect(issues({ timeframe: '1-DAY' })[0]).toMatch(/^config\.timeframe: must be an intraday bar/);
    expect(issues({ flat_at: '14:00' })).toEqual(['config.flat_at: unknown key']);
  });

  it('describes every key in its JSON schema', () => {
    const schema = configJsonSchema(overnightRange) as {
      properties: Record<string, { description?: string }>;
    };
    for (const [key, prop] of Object.entries(schema.properties)) expect(prop.description, key).toBeTruthy();
  });
});

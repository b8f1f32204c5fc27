import {
  Atr,
  BotConfigError,
  Decimal,
  OrderSide,
  OrderType,
  Rounding,
  configJsonSchema,
  parseBotConfig,
} from '@qubit/sdk';
import { runBot, type BarRow } from '@qubit/sdk/testing';
import { describe, expect, it } from 'vitest';
import { momentum } from './momentum.js';
import { roundTrips } from '@qubit/sdk/testing';

const MINUTE = 60_000;
const T0 = Date.UTC(2024, 0, 2, 2, 0); // a Tuesday, 09:00 in Ho Chi Minh City (VN30F1M's morning session)

/** One bar per close, opening at the previous close, with a 1.0 wick either side (so every bar has a range). */
function path(closes: number[], volumes: number[] = []): BarRow[] {
  let prev = closes[0]!;
  return closes.map((c, i) => {
    const row = {
      time: T0 + i * MINUTE,
      open: prev.toFixed(1),
      high: (Math.max(prev, c) + 1).toFixed(1),
      low: (Math.min(prev, c) - 1).toFixed(1),
      close: c.toFixed(1),
      volume: String(volumes[i] ?? 10),
    };
    prev = c;
    return row;
  });
}

const flat = (n: number, px = 1000): number[] => Array.from({ length: n }, () => px);
/** Ten quiet bars at 1000, then a 1.2 % jump on three times the usual volume (bar 10): the signal bar. */
const SIGNAL = 10;
const surge = (after: number[]): { closes: number[]; volumes: number[] } => {
  const closes = [...flat(SIGNAL), 1012, ...after];
  const volumes = closes.map((_, i) => (i === SIGNAL ? 30 : 10));
  return { closes, volumes };
};

const config = {
  lookback: 5,
  entryThreshold: 0.01,
  exitThreshold: 0,
  volumePeriod: 5,
  atrPeriod: 3,
  stopAtr: 2,
  maxBarsHeld: 50,
  quantity: '1',
};

/** The ATR the bot sees at the close of bar `index`, computed independently. */
function atrAt(rows: BarRow[], index: number, period: number): number {
  const atr = new Atr(period);
  let v: number | undefined;
  for (const r of rows.slice(0, index + 1)) v = atr.update(Number(r.high), Number(r.low), Number(r.close));
  return v!;
}

const closeTime = (i: number): bigint => BigInt(T0 + (i + 1) * MINUTE) * 1_000_000n;
/** A decimal without trailing zeros, so prices of any precision compare by value. */
const text = (d: Decimal | string): string => Decimal.from(d).normalize().toString();

describe('momentum entries', () => {
  it('buys at the next open after a bar whose rate of change and volume both clear their thresholds', () => {
    const { closes, volumes } = surge([1013, 1014]);
    const rows = path(closes, volumes);
    const r = runBot(momentum, { bars: rows, config, closeAtEnd: false });
    const entry = r.intents.find((i) => i.reason === 'entry')!;
    expect(entry.side).toBe(OrderSide.BUY);
    expect(entry.tsInit).toBe(closeTime(SIGNAL)); // roc = 1012 / 1000 − 1 = 1.2 % ≥ 1 %, volume 30 > 10
    expect(text(r.fills[0]!.lastPx)).toBe(text(rows[SIGNAL + 1]!.open as string));
    expect(r.position.signedQty.toString()).toBe('1.000');
  });

  it('stays out when the move comes on ordinary volume', () => {
    const { closes } = surge([1013, 1014]);
    const r = runBot(momentum, { bars: path(closes), config });
    expect(r.intents).toEqual([]);
  });

  it('stays out when the rate of change is below the entry threshold', () => {
    const closes = [...flat(SIGNAL), 1009, 1010]; // 0.9 %
    const volumes = closes.map((_, i) => (i === SIGNAL ? 30 : 10));
    const r = runBot(momentum, { bars: path(closes, volumes), config });
    expect(r.intents).toEqual([]);
  });

  it('sells short on downside momentum in long_short mode and only then', () => {
    const closes = [...flat(SIGNAL), 988, 987, 986];
    const volumes = closes.map((_, i) => (i === SIGNAL ? 30 : 10));
    const perp = runBot(momentum, {
      bars: path(closes, volumes),
      config: { ...config, mode: 'long_short' },
      closeAtEnd: false,
    });
    expect(perp.intents[0]).toMatchObject({
      side: OrderSide.SELL,
      reason: 'entry',
      tsInit: closeTime(SIGNAL),
    });
    expect(perp.position.signedQty.toString()).toBe('-1.000');
    const longOnly = runBot(momentum, { bars: path(closes, volumes), config });
    expect(longOnly.intents).toEqual([]);
  });
});

describe('momentum exits', () => {
  it('exits with reason exit on the first close whose rate of change falls below the exit threshold', () => {
    // After the entry the price climbs to 1018, then closes at 1012 < 1014 (the close five bars earlier).
    const { closes, volumes } = surge([1013, 1014, 1015, 1016, 1017, 1018, 1012, 1011]);
    const rows = path(closes, volumes);
    const r = runBot(momentum, { bars: rows, config, closeAtEnd: false });
    const [trip] = roundTrips(r);
    expect(trip).toMatchObject({
      side: 'long',
      entryReason: 'entry',
      exitReason: 'exit',
      exitOrderType: OrderType.MARKET,
    });
    const fadeBar = closes.indexOf(1012, SIGNAL + 1);
    expect(trip!.exitDecidedAt).toBe(closeTime(fadeBar));
    expect(closes[fadeBar]!).toBeLessThan(closes[fadeBar - config.lookback]!);
    // Every close before it kept momentum: no earlier exit.
    for (let i = SIGNAL + 1; i < fadeBar; i++)
      expect(closes[i]!).toBeGreaterThanOrEqual(closes[i - config.lookback]!);
    expect(text(trip!.exitPx)).toBe(text(rows[fadeBar + 1]!.open as string));
    // The resting stop was canceled with the exit, so nothing is left working.
    expect(r.orderEvents.some((e) => e.type === 'OrderCanceled')).toBe(true);
    expect(r.node.cache.ordersOpen()).toEqual([]);
  });

  it('rests a stop at entry − stopAtr × ATR and is taken out there when the price falls through it', () => {
    const { closes, volumes } = surge([1013, 995, 994]);
    const rows = path(closes, volumes);
    const r = runBot(momentum, { bars: rows, config, closeAtEnd: false });
    const [trip] = roundTrips(r);
    expect(trip).toMatchObject({ exitReason: 'stop_loss', exitOrderType: OrderType.STOP_MARKET });
    const entryPx = Number(rows[SIGNAL + 1]!.open);
    const level = Decimal.from((entryPx - 2 * atrAt(rows, SIGNAL + 1, 3)).toFixed(12)).roundToStep(
      Decimal.from('0.1'),
      Rounding.FLOOR,
    );
    expect(text(trip!.exitLevel!)).toBe(text(level));
    // Placed on the close after the fill, hit inside the next bar, filled at the trigger (no gap, no slippage).
    expect(trip!.exitDecidedAt).toBe(closeTime(SIGNAL + 1));
    expect(text(trip!.exitPx)).toBe(text(level));
    expect(trip!.exitPx.lt(trip!.entryPx)).toBe(true);
    expect(r.position.signedQty.isZero()).toBe(true);
  });

  it('exits with reason exit after maxBarsHeld closes in a trade that keeps its momentum', () => {
    const { closes, volumes } = surge([1015, 1018, 1021, 1024, 1027, 1030]);
    const r = runBot(momentum, {
      bars: path(closes, volumes),
      config: { ...config, maxBarsHeld: 3 },
      closeAtEnd: false,
    });
    const [trip] = roundTrips(r);
    expect(trip!.exitReason).toBe('exit');
    // Filled at the open of SIGNAL + 1; closes SIGNAL + 1, + 2, + 3 are the three bars held.
    expect(trip!.exitDecidedAt).toBe(closeTime(SIGNAL + 3));
    expect(trip!.pnl.isPositive()).toBe(true);
  });

  it('watches the stop on closes when risk refuses the stop order, without sending it again', () => {
    // A tight fat-finger collar makes risk refuse the resting stop, whose trigger is far from the last price.
    const { closes, volumes } = surge([1013, 1011, 1001, 1000]);
    const rows = path(closes, volumes);
    const r = runBot(momentum, {
      bars: rows,
      config: { ...config, instrument: 'VN30F1M.HNX' },
      balances: { VND: '100000000000' },
      risk: { collar_pct: '0.0005' },
      closeAtEnd: false,
    });
    expect(r.denials.map((d) => d.reasonCode)).toEqual(['PRICE_COLLAR']);
    const stop = r.intents.find((i) => i.reason === 'stop_loss' && i.orderType === OrderType.STOP_MARKET)!;
    const level = stop.triggerPrice!;
    const [trip] = roundTrips(r);
    expect(trip).toMatchObject({ exitReason: 'stop_loss', exitOrderType: OrderType.MARKET });
    const hitBar = closes.findIndex((c, i) => i > SIGNAL + 1 && c <= level.toNumber());
    expect(trip!.exitDecidedAt).toBe(closeTime(hitBar));
    expect(r.logs.some((l) => l.message.includes('watching the level on bar closes'))).toBe(true);
  });

  it('closes an open trade at the last close with reason end_of_data and cancels its stop', () => {
    const { closes, volumes } = surge([1013, 1014]);
    const r = runBot(momentum, { bars: path(closes, volumes), config });
    expect(r.intents.map((i) => i.reason)).toEqual(['entry', 'stop_loss', 'end_of_data']);
    expect(text(r.fills.at(-1)!.lastPx)).toBe('1014');
    expect(r.position.signedQty.isZero()).toBe(true);
    expect(r.node.cache.ordersOpen()).toEqual([]);
  });
});

describe('momentum config', () => {
  it('fills the documented defaults', () => {
    expect(parseBotConfig(momentum, {})).toEqual({
      instrument: 'BTCUSDT-PERP.BINANCE',
      timeframe: '1-MINUTE',
      quantity: '0.01',
      mode: 'long',
      lookback: 20,
      entryThreshold: 0.005,
      exitThreshold: 0,
      volumePeriod: 20,
      volumeFactor: 1,
      atrPeriod: 14,
      stopAtr: 2,
      maxBarsHeld: 60,
    });
  });

  it('refuses an exit threshold that is not below the entry threshold, and unknown keys, naming them', () => {
    let error: unknown;
    try {
      parseBotConfig(momentum, { entryThreshold: 0.01, exitThreshold: 0.02, lookbak: 3 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(BotConfigError);
    expect(String((error as Error).message)).toMatch(/config\.lookbak: unknown key/);
    expect(() => parseBotConfig(momentum, { entryThreshold: 0.01, exitThreshold: 0.02 })).toThrow(
      /config\.exitThreshold: exitThreshold must be below entryThreshold/,
    );
  });

  it('describes every key in its JSON schema', () => {
    const schema = configJsonSchema(momentum) as { properties: Record<string, { description?: string }> };
    for (const [key, prop] of Object.entries(schema.properties)) expect(prop.description, key).toBeTruthy();
  });
});

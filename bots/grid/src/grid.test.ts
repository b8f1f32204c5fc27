import { BotConfigError, Decimal, OrderSide, configJsonSchema, parseBotConfig } from '@qubit/sdk';
import { runBot, type BarRow, type BotRunResult } from '@qubit/sdk/testing';
import { loadMarketDataFileSync } from '@qubit/adapter-data-files';
import { BTCUSDT_PERP_BINANCE, instrumentFromSpec, type Bar } from '@qubit/model';
import { sharedDataFile, sharedDataSkipReason } from '@qubit/test-data';
import { describe, expect, it } from 'vitest';
import { grid } from './grid.js';

const MINUTE = 60_000;
const T0 = Date.UTC(2024, 0, 1);

/** Bars through the given closes; each opens at the previous close, so fills at the open are easy to read. */
function barsThrough(closes: readonly number[]): BarRow[] {
  let prev = closes[0]!;
  return closes.map((c, i) => {
    const row = {
      time: T0 + i * MINUTE,
      open: prev.toFixed(1),
      high: (Math.max(prev, c) + 5).toFixed(1),
      low: (Math.min(prev, c) - 5).toFixed(1),
      close: c.toFixed(1),
      volume: '10',
    };
    prev = c;
    return row;
  });
}

/** A cosine wave from `top` down by `depth` and back, `cycles` times, on the 0.1 tick grid. */
function wave(top: number, depth: number, period: number, cycles: number): number[] {
  const out: number[] = [];
  for (let i = 0; i <= period * cycles; i++) {
    out.push(Math.round((top - (depth / 2) * (1 - Math.cos((2 * Math.PI * i) / period))) * 10) / 10);
  }
  return out;
}

const reasonOf = (r: BotRunResult): Map<string, string> =>
  new Map(r.intents.map((i) => [i.clientOrderId, i.reason]));
const gridFills = (r: BotRunResult) => {
  const reasons = reasonOf(r);
  return r.fills.filter((f) => reasons.get(f.clientOrderId) === 'grid');
};

/**
 * Pairs every closing fill with the opening fill it closes, one spacing away on the other side; returns the
 * number of round trips, or throws naming the first fill that closes nothing (which would break the rule).
 */
function roundTrips(r: BotRunResult, step: string, mode: 'long' | 'neutral'): number {
  const s = Decimal.parse(step);
  const longs: string[] = [];
  const shorts: string[] = [];
  let trips = 0;
  const take = (book: string[], px: string): boolean => {
    const i = book.indexOf(px);
    if (i < 0) return false;
    book.splice(i, 1);
    return true;
  };
  for (const f of gridFills(r)) {
    const px = f.lastPx;
    if (f.side === OrderSide.SELL) {
      if (take(longs, px.sub(s).toString())) trips++;
      else if (mode === 'neutral') shorts.push(px.toString());
      else throw new Error(`sell at ${px} closes no buy one spacing below it`);
    } else if (take(shorts, px.add(s).toString())) {
      trips++;
    } else {
      longs.push(px.toString());
    }
  }
  return trips;
}

describe('grid config', () => {
  it('fills the documented defaults', () => {
    expect(parseBotConfig(grid, {})).toEqual({
      instrument: 'BTCUSDT-PERP.BINANCE',
      timeframe: '1-MINUTE',
      mode: 'long',
      levels: 10,
      spacing: '0.25%',
      quantity: '0.005',
      post_only: true,
    });
    expect(grid.subscriptions(parseBotConfig(grid, {}))).toEqual({
      instruments: ['BTCUSDT-PERP.BINANCE'],
      barTypes: ['BTCUSDT-PERP.BINANCE-1-MINUTE-LAST'],
    });
  });

  it('names every wrong key under config.', () => {
    let error: unknown;
    try {
      parseBotConfig(grid, { levels: 0, spacing: 'wide', mode: 'short', quantity: '-1', colour: 'red' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(BotConfigError);
    expect((error as BotConfigError).issues.map((i) => i.path).sort()).toEqual([
      'config.colour',
      'config.levels',
      'config.mode',
      'config.quantity',
      'config.spacing',
    ]);
  });

  it('refuses bounds in the wrong order and a zero spacing, naming the key', () => {
    expect(() => parseBotConfig(grid, { lower: '45000', upper: '40000' })).toThrow(
      /config\.lower: lower must be below upper/,
    );
    expect(() => parseBotConfig(grid, { spacing: '0%' })).toThrow(
      /config\.spacing: spacing must be positive/,
    );
  });

  it('describes every key in its JSON schema', () => {
    const schema = configJsonSchema(grid) as { properties: Record<string, { description?: string }> };
    const keys = Object.keys(schema.properties);
    expect(keys.sort()).toEqual(
      [
        'instrument',
        'levels',
        'lower',
        'max_inventory',
        'mode',
        'post_only',
        'quantity',
        'reference',
        'spacing',
        'timeframe',
        'upper',
      ].sort(),
    );
    for (const k of keys) expect(schema.properties[k]!.description, k).toBeTruthy();
  });
});

describe('long grid over a wave', () => {
  // 42000 → 41600 → 42000 three times: the four lines 41900 … 41600 are crossed both ways every cycle.
  const bars = barsThrough(wave(42_000, 400, 40, 3));
  const config = { spacing: '100', levels: 5, quantity: '0.010' };
  const r = runBot(grid, { bars, config });

  it('buys only on lines below the reference and sells each unit one spacing above the line it was bought on', () => {
    const buys = gridFills(r).filter((f) => f.side === OrderSide.BUY);
    expect(buys.length).toBeGreaterThanOrEqual(12);
    for (const f of buys) {
      const below = 42_000 - f.lastPx.toNumber();
      expect(below % 100).toBe(0);
      expect(below).toBeGreaterThanOrEqual(100);
      expect(below).toBeLessThanOrEqual(500);
    }
    // Three full cycles through four lines: every buy of the first two cycles comes back out at +100.
    expect(roundTrips(r, '100', 'long')).toBeGreaterThanOrEqual(8);
  });

  it('rests every grid order post-only and fills it as a maker at its own price', () => {
    const intents = new Map(r.intents.map((i) => [i.clientOrderId, i]));
    const fills = gridFills(r);
    expect(fills.length).toBeGreaterThan(0);
    for (const f of fills) {
      const order = intents.get(f.clientOrderId)!;
      expect(order.postOnly).toBe(true);
      expect(f.liquiditySide).toBe('MAKER');
      expect(f.lastPx.toString()).toBe(order.price!.toString());
    }
    // Take-profits are reduce-only: the long grid can never sell into a short.
    for (const i of r.intents) if (i.reason === 'grid') expect(i.reduceOnly).toBe(i.side === OrderSide.SELL);
  });

  it('never goes short and never holds more than levels × quantity', () => {
    for (const e of r.positionEvents) {
      expect(e.signedQty.isNegative()).toBe(false);
      expect(e.signedQty.lte(Decimal.parse('0.050'))).toBe(true);
    }
    expect(r.denials).toEqual([]);
    expect(r.invalidIntents).toEqual([]);
  });

  it('closes the inventory at the last close with reason end_of_data and leaves no order resting', () => {
    const down = barsThrough([42_000, 41_950, 41_850, 41_750, 41_720]);
    const end = runBot(grid, { bars: down, config });
    const last = end.intents.at(-1)!;
    expect(last.reason).toBe('end_of_data');
    expect(last.side).toBe(OrderSide.SELL);
    expect(last.quantity.toString()).toBe('0.020'); // the 41900 and 41800 buys filled
    expect(end.fills.at(-1)!.lastPx.toString()).toBe('41720.00');
    expect(end.position.signedQty.isZero()).toBe(true);
    expect(end.node.cache.ordersOpen({ botId: 'grid-1' })).toHaveLength(0);
  });
});

describe('neutral grid', () => {
  // Up to 42300 and down to 41700 around a 42000 reference, twice: inventory swings short then long.
  const closes = [
    ...wave(42_000, -300, 30, 1).slice(0, 31),
    ...wave(42_000, 300, 30, 1).slice(1),
    ...wave(42_000, -300, 30, 1).slice(1),
    ...wave(42_000, 300, 30, 1).slice(1),
  ];
  const bars = barsThrough(closes);
  const config = { mode: 'neutral', spacing: '100', levels: 3, quantity: '0.010' };
  const r = runBot(grid, { bars, config });

  it('goes short above the reference and long below it, each closing fill one spacing from its opening fill', () => {
    const signed = r.positionEvents.map((e) => e.signedQty);
    expect(signed.some((q) => q.isNegative())).toBe(true);
    expect(signed.some((q) => q.isPositive())).toBe(true);
    expect(roundTrips(r, '100', 'neutral')).toBeGreaterThanOrEqual(8);
    for (const f of gridFills(r)) {
      const offset = f.lastPx.toNumber() - 42_000;
      expect(Math.abs(offset % 100)).toBe(0);
      expect(Math.abs(offset)).toBeLessThanOrEqual(300);
    }
  });

  it('holds at most max_inventory either way', () => {
    const capped = runBot(grid, { bars, config: { ...config, max_inventory: '0.020' } });
    const sizes = capped.positionEvents.map((e) => e.signedQty.abs());
    expect(sizes.some((q) => q.eq(Decimal.parse('0.020')))).toBe(true);
    for (const q of sizes) expect(q.lte(Decimal.parse('0.020'))).toBe(true);
  });
});

describe('grid guards', () => {
  it('disables itself, naming config.quantity, when the order size is off the lot', () => {
    const r = runBot(grid, { bars: barsThrough([42_000, 41_900, 41_800]), config: { quantity: '0.0005' } });
    expect(r.intents).toEqual([]);
    expect(r.logs.some((l) => l.level === 'error' && l.message.includes('config.quantity'))).toBe(true);
    expect(r.node.bot('grid-1')!.health()).toMatchObject({ ok: false });
  });

  it('does not resend a denied level on every bar', () => {
    // A spot account with 100 USDT cannot pay for 0.01 BTC: each level is denied once, not once per bar.
    const bars = barsThrough(Array.from({ length: 30 }, (_, i) => 42_000 + (i % 2) * 10));
    const r = runBot(grid, {
      bars,
      instrument: 'BTCUSDT.BINANCE',
      balances: { USDT: '100' },
      config: { instrument: 'BTCUSDT.BINANCE', spacing: '100', levels: 3, quantity: '0.01' },
    });
    expect(r.denials.length).toBe(3);
    expect(r.intents.filter((i) => i.reason === 'grid')).toHaveLength(3);
    expect(r.node.bot('grid-1')!.metrics.counters.get('grid_orders_refused_total{type="OrderDenied"}')).toBe(
      3,
    );
  });
});

describe('grid over real BTC perpetual minutes (2022-01-16 … 2022-02-01)', () => {
  const FILE = 'ohlcv/crypto/nautilus_btc-perp-1m_2022-01-16_2022-02-01.csv';
  const skip = sharedDataSkipReason(FILE);
  if (skip) console.warn(skip);

  let cached: Bar[] | undefined;
  // The file's volume column is in quote currency, off the BTC lot grid: rounded (prices are on the tick).
  const load = (): Bar[] =>
    (cached ??= loadMarketDataFileSync(sharedDataFile(FILE)!, {
      instrument: instrumentFromSpec(BTCUSDT_PERP_BINANCE),
      kind: 'bars',
      barType: 'BTCUSDT-PERP.BINANCE-1-MINUTE-LAST',
      onOffGrid: 'round',
    }).data as Bar[]);

  for (const mode of ['long', 'neutral'] as const) {
    it.skipIf(skip)(`keeps the ${mode} grid rules over 23,000 real bars and ends flat`, () => {
      const bars = load();
      const r = runBot(grid, { bars, config: { mode } });
      const health = r.node.bot('grid-1')!.health() as unknown as { step: string; reference: string };
      const trips = roundTrips(r, health.step, mode);
      const held = r.positionEvents.map((e) => e.signedQty);
      const max = Decimal.parse('0.050'); // levels 10 × 0.005
      for (const q of held) {
        expect(q.abs().lte(max)).toBe(true);
        if (mode === 'long') expect(q.isNegative()).toBe(false);
      }
      expect(r.invalidIntents).toEqual([]);
      expect(r.denials).toEqual([]);
      expect(r.errors).toBe(0);
      expect(r.position.signedQty.isZero()).toBe(true);
      expect(trips).toBeGreaterThan(50);
      console.log(
        `grid ${mode} on ${bars.length} BTC-PERP 1m bars: reference ${health.reference}, step ${health.step}, ` +
          `${gridFills(r).length} grid fills, ${trips} round trips (each +1 step gross), ` +
          `realized ${r.pnl.realized}, fees ${r.pnl.fees}, net ${r.pnl.total}`,
      );
    });
  }
});

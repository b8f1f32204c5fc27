import { syntheticBars } from '@qubit/engine';
import {
  BTCUSDT_BINANCE,
  BarAggregation,
  DenyReason,
  ModelError,
  NANOS_PER_MINUTE,
  OrderSide,
  PriceType,
  VN30F1M_HNX,
  instrumentFromSpec,
  makeBarType,
  type Bot,
  type BotContext,
  type MarketSnapshot,
  type OrderIntent,
  type StopReason,
} from '@qubit/model';
import { describe, expect, it } from 'vitest';
import { BotConfigError, defineBot, z } from '../define-bot.js';
import type { BarRow } from './bar-rows.js';
import { runBot, type BotRunResult } from './run-bot.js';

const configSchema = z.object({
  instrument: z.string().default('BTCUSDT.BINANCE'),
  quantity: z.string().default('1'),
  /** Bar indexes (0-based) on which to buy and to sell. */
  buyOn: z.array(z.number().int()).default([1]),
  sellOn: z.array(z.number().int()).default([]),
  /** Bar index on which onTick throws. */
  throwOn: z.number().int().default(-1),
  badIntentOn: z.number().int().default(-1),
});
type Config = z.output<typeof configSchema>;

/** Buys and sells on given bars with market orders, and closes what it holds when stopped. */
class ScheduleBot implements Bot<Config> {
  private bar = -1;

  constructor(private readonly c: Config) {}

  onTick(m: MarketSnapshot, ctx: BotContext<Config>): OrderIntent[] {
    if (!m.bar) return [];
    this.bar++;
    if (this.bar === this.c.throwOn) throw new Error(`bar ${this.bar} is cursed`);
    if (this.bar === this.c.badIntentOn)
      return [{ instrumentId: this.c.instrument, side: OrderSide.BUY, quantity: '0' }];
    ctx.log.info('bar', { index: this.bar });
    const out: OrderIntent[] = [];
    if (this.c.buyOn.includes(this.bar)) {
      out.push({
        instrumentId: this.c.instrument,
        side: OrderSide.BUY,
        quantity: this.c.quantity,
        reason: 'entry',
      });
    }
    if (this.c.sellOn.includes(this.bar)) {
      out.push({
        instrumentId: this.c.instrument,
        side: OrderSide.SELL,
        quantity: this.c.quantity,
        reason: 'exit',
      });
    }
    return out;
  }

  onStop(reason: StopReason, ctx: BotContext<Config>): OrderIntent[] {
    const pos = ctx.position(this.c.instrument).signedQty;
    if (pos.isZero()) return [];
    const side = pos.isPositive() ? OrderSide.SELL : OrderSide.BUY;
    return [{ instrumentId: this.c.instrument, side, quantity: pos.abs(), reduceOnly: true, reason }];
  }
}

const scheduleBot = defineBot({
  name: 'schedule',
  version: '1.0.0',
  description: 'buys and sells on given bars',
  configSchema,
  subscriptions: (c) => ({ instruments: [c.instrument], barTypes: [`${c.instrument}-1-MINUTE-LAST`] }),
  create: (c) => new ScheduleBot(c),
});

const T0 = Date.UTC(2024, 0, 1);
const MIN = 60_000;

/** Five 1-minute bars: [open, high, low, close]. */
const ROWS: BarRow[] = (
  [
    ['100.00', '101.00', '99.00', '100.00'],
    ['100.00', '102.00', '99.00', '101.00'],
    ['102.00', '104.00', '101.00', '103.00'],
    ['103.00', '106.00', '102.00', '105.00'],
    ['106.00', '107.00', '104.00', '106.00'],
  ] as const
).map(([open, high, low, close], i) => ({ time: T0 + i * MIN, open, high, low, close, volume: '100' }));

/** A run as JSON with bigints spelled out, to compare two runs exactly. */
function fingerprint(r: BotRunResult): string {
  return JSON.stringify(
    {
      intents: r.intents,
      fills: r.fills,
      orderEvents: r.orderEvents,
      positionEvents: r.positionEvents,
      pnl: r.pnl,
      logs: r.logs,
    },
    (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v),
  );
}

describe('runBot', () => {
  it('returns intents, fills at the next bar open, the position and the PnL', () => {
    const r = runBot(scheduleBot, { bars: ROWS, config: { buyOn: [1], sellOn: [3] } });
    expect(r.instrument.id).toBe('BTCUSDT.BINANCE');
    expect(r.intents.map((i) => `${i.side}:${i.reason}:${i.quantity}`)).toEqual([
      'BUY:entry:1',
      'SELL:exit:1',
    ]);
    expect(r.fills.map((f) => [f.side, f.lastPx.toString()])).toEqual([
      ['BUY', '102.00'],
      ['SELL', '106.00'],
    ]);
    // A bar's fills happen at its open: bar 2 opens at T0 + 2 min.
    expect(r.fills[0]!.tsEvent).toBe(BigInt(T0 + 2 * MIN) * 1_000_000n);
    expect(r.denials).toEqual([]);
    expect(r.invalidIntents).toEqual([]);
    expect(r.position.signedQty.isZero()).toBe(true);
    expect(r.pnl.realized.toString()).toBe('4.00000000 USDT');
    // Taker fee 0.1 % of 102 and of 106.
    expect(r.pnl.fees.toString()).toBe('0.20800000 USDT');
    expect(r.pnl.unrealized.amount.isZero()).toBe(true);
    expect(r.pnl.total.toString()).toBe('3.79200000 USDT');
    expect(r.equity.toString()).toBe('1000003.79200000 USDT');
    expect(r.errors).toBe(0);
    expect(r.orderEvents.length).toBeGreaterThanOrEqual(6);
    expect(r.positionEvents.map((e) => e.type)).toEqual(['PositionOpened', 'PositionClosed']);
    expect(r.logs.filter((l) => l.message === 'bar')).toHaveLength(5);
  });

  it('closes what the bot holds at the last close when data ends', () => {
    const r = runBot(scheduleBot, { bars: ROWS, config: { buyOn: [1] } });
    expect(r.intents.map((i) => i.reason)).toEqual(['entry', 'end_of_data']);
    expect(r.fills.map((f) => f.lastPx.toString())).toEqual(['102.00', '106.00']);
    expect(r.fills[1]!.tsEvent).toBe(BigInt(T0 + 5 * MIN) * 1_000_000n);
    expect(r.position.signedQty.isZero()).toBe(true);
    expect(r.pnl.realized.toString()).toBe('4.00000000 USDT');
  });

  it('leaves the position open with closeAtEnd false, marked at the last close', () => {
    const r = runBot(scheduleBot, { bars: ROWS, config: { buyOn: [1] }, closeAtEnd: false });
    expect(r.fills).toHaveLength(1);
    expect(r.position.signedQty.toString()).toBe('1.00000');
    expect(r.position.avgPx?.toString()).toBe('102.00');
    expect(r.pnl.unrealized.toString()).toBe('4.00000000 USDT');
    expect(r.pnl.realized.amount.isZero()).toBe(true);
  });

  it('is deterministic: the same bars and config give the same result', () => {
    const bars = syntheticBars({
      instrument: instrumentFromSpec(BTCUSDT_BINANCE),
      barType: makeBarType(instrumentFromSpec(BTCUSDT_BINANCE).id, 1, BarAggregation.MINUTE, PriceType.LAST),
      count: 200,
      start: BigInt(T0) * 1_000_000n,
      startPrice: 42_000,
      seed: 3,
    });
    const config = { quantity: '0.01', buyOn: [5, 50, 120], sellOn: [30, 90, 150] };
    const a = runBot(scheduleBot, { bars, config });
    const b = runBot(scheduleBot, { bars, config });
    expect(a.fills.length).toBeGreaterThanOrEqual(6);
    expect(fingerprint(a)).toBe(fingerprint(b));
  });

  it('reports risk denials from the risk option and changes no position', () => {
    const r = runBot(scheduleBot, {
      bars: ROWS,
      config: { buyOn: [1] },
      risk: { global: { max_order_notional: '50' } },
    });
    expect(r.fills).toEqual([]);
    expect(r.denials.map((d) => d.reasonCode)).toEqual([DenyReason.NOTIONAL_ABOVE_MAX]);
    expect(r.position.signedQty.isZero()).toBe(true);
    expect(r.pnl.total.amount.isZero()).toBe(true);
  });

  it('refuses a risk option with an unknown key, naming it', () => {
    expect(() => runBot(scheduleBot, { bars: ROWS, risk: { global: { max_notional: '50' } } })).toThrow(
      /risk\.global\.max_notional/,
    );
  });

  it('counts hook exceptions and keeps invalid intents without stopping the run', () => {
    const r = runBot(scheduleBot, { bars: ROWS, config: { buyOn: [3], throwOn: 1, badIntentOn: 2 } });
    expect(r.errors).toBe(1);
    expect(r.invalidIntents).toHaveLength(1);
    expect(r.invalidIntents[0]!.error).toMatch(/^intent\.quantity: /);
    expect(r.fills.map((f) => f.lastPx.toString())).toEqual(['106.00', '106.00']);
    expect(r.logs.some((l) => l.level === 'error' && /cursed/.test(l.message))).toBe(true);
  });

  it('trades the instrument given as a shipped id, a spec or an Instrument', () => {
    const vnRows: BarRow[] = [0, 1, 2].map((i) => ({
      time: '2024-01-08T02:1' + i + ':00Z', // 09:10 in Ho Chi Minh City, inside the morning session
      open: '1250.0',
      high: '1252.0',
      low: '1249.0',
      close: '1251.0',
      volume: 10,
    }));
    const config = { instrument: 'VN30F1M.HNX', buyOn: [0], quantity: '1' };
    const bySpec = runBot(scheduleBot, {
      bars: vnRows,
      config,
      instrument: VN30F1M_HNX,
      balances: { VND: '10000000000' },
    });
    const byInstrument = runBot(scheduleBot, {
      bars: vnRows,
      config,
      instrument: instrumentFromSpec(VN30F1M_HNX),
      balances: { VND: '10000000000' },
    });
    const byId = runBot(scheduleBot, { bars: vnRows, config, balances: { VND: '10000000000' } });
    for (const r of [bySpec, byInstrument, byId]) {
      expect(r.instrument.id).toBe('VN30F1M.HNX');
      expect(r.fills.map((f) => f.lastPx.toString())).toEqual(['1250.0', '1251.0']);
    }
    expect(fingerprint(bySpec)).toBe(fingerprint(byId));
  });

  it('accepts Bars as well as rows', () => {
    const instrument = instrumentFromSpec(BTCUSDT_BINANCE);
    const bars = syntheticBars({
      instrument,
      barType: makeBarType(instrument.id, 1, BarAggregation.MINUTE, PriceType.LAST),
      count: 10,
      start: BigInt(T0) * 1_000_000n,
      startPrice: 100,
    });
    const r = runBot(scheduleBot, { bars, config: { buyOn: [2] }, closeAtEnd: false });
    expect(r.fills).toHaveLength(1);
    expect(r.fills[0]!.lastPx.eq(bars[3]!.open)).toBe(true);
    expect(r.fills[0]!.tsEvent).toBe(bars[3]!.tsEvent - NANOS_PER_MINUTE);
  });

  it('refuses a bad config, no bars, an unknown instrument and an instrument without subscribed bars', () => {
    expect(() => runBot(scheduleBot, { bars: ROWS, config: { quantity: 1 } })).toThrow(BotConfigError);
    expect(() => runBot(scheduleBot, { bars: [] })).toThrow(/^bars: /);
    expect(() => runBot(scheduleBot, { bars: ROWS, instrument: 'NOPE.SIM' })).toThrow(
      /^instrument: NOPE\.SIM/,
    );
    let error: unknown;
    try {
      runBot(scheduleBot, { bars: ROWS, instrument: 'ETHUSDT.BINANCE' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ModelError);
    expect((error as ModelError).field).toBe('subscriptions');
  });

  it('refuses rows off the instrument grid, naming the row', () => {
    const bad = ROWS.map((r, i) => (i === 3 ? { ...r, close: '105.001' } : r));
    expect(() => runBot(scheduleBot, { bars: bad })).toThrow(/^bars\[3\]\.close: /);
  });

  it('refuses bars out of time order, naming the bar', () => {
    const swapped = [ROWS[0]!, ROWS[2]!, ROWS[1]!, ROWS[3]!];
    expect(() => runBot(scheduleBot, { bars: swapped })).toThrow(/^bars\[2\]\.time: /);
  });
});

describe('runBot with several instruments and start-up orders', () => {
  const ids = ['BTCUSDT.BINANCE', 'ETHUSDT.BINANCE'];
  /** Buys 1 of each instrument on its first bar; optionally also asks for orders when it starts. */
  const basket = (onStartOrders: boolean) =>
    defineBot({
      name: 'basket',
      version: '1.0.0',
      description: 'buys one of each instrument',
      configSchema: z.object({}),
      subscriptions: () => ({ instruments: ids, barTypes: ids.map((i) => `${i}-1-MINUTE-LAST`) }),
      create: () => {
        const bought = new Set<string>();
        return {
          onStart: (): OrderIntent[] =>
            onStartOrders
              ? ids.map((instrumentId) => ({
                  instrumentId,
                  side: OrderSide.BUY,
                  quantity: '1',
                  reason: 'entry',
                }))
              : [],
          onTick: (m: MarketSnapshot): OrderIntent[] => {
            if (bought.has(m.instrumentId)) return [];
            bought.add(m.instrumentId);
            return [{ instrumentId: m.instrumentId, side: OrderSide.BUY, quantity: '1', reason: 'entry' }];
          },
        };
      },
    });
  const start = 1_704_067_200_000_000_000n;
  const bars = ids.flatMap((id, k) => {
    const instrument = instrumentFromSpec(
      k === 0 ? BTCUSDT_BINANCE : { ...BTCUSDT_BINANCE, id, base_currency: 'ETH' },
    );
    return syntheticBars({
      instrument,
      barType: makeBarType(instrument.id, 1, BarAggregation.MINUTE),
      count: 5,
      start,
      startPrice: k === 0 ? 42000 : 2200,
      seed: k + 1,
    });
  });

  it('runs a multi-asset bot over bars of two instruments merged in time order', () => {
    const r = runBot(basket(false), {
      bars,
      instruments: ids,
      balances: { USDT: '1000000' },
      closeAtEnd: false,
    });
    expect(r.fills.map((f) => f.instrumentId).sort()).toEqual([...ids].sort());
    expect(r.positions.map((p) => p.signedQty.toString())).toEqual(['1.00000', '1.0000']);
  });

  it('sends what onStart returns through risk, which fails closed before any price is known', () => {
    const r = runBot(basket(true), {
      bars,
      instruments: ids,
      balances: { USDT: '1000000' },
      closeAtEnd: false,
    });
    expect(r.intents).toHaveLength(4);
    expect(r.denials.map((d) => d.reasonCode)).toEqual([
      DenyReason.NO_REFERENCE_PRICE,
      DenyReason.NO_REFERENCE_PRICE,
    ]);
    expect(r.denials[0]!.reason).toMatch(/no last price yet/);
  });

  it('refuses bars of an instrument that is not in the run, naming the bar', () => {
    const instrument = instrumentFromSpec(VN30F1M_HNX);
    const vn = syntheticBars({
      instrument,
      barType: makeBarType(instrument.id, 1, BarAggregation.MINUTE),
      count: 2,
      start: 0n,
      startPrice: 1200,
    });
    expect(() => runBot(basket(false), { bars: vn, instruments: ids })).toThrow(
      /bars\[0\]: VN30F1M\.HNX is not one of the run's instruments/,
    );
  });
});

describe('open order views', () => {
  it('tell a bot the time in force, post-only and reduce-only flags of its working orders', () => {
    const seen: string[] = [];
    const resting = defineBot({
      name: 'resting',
      version: '1.0.0',
      description: 'rests one post-only GTC buy far below the market and reports what it sees',
      configSchema: z.object({}),
      subscriptions: () => ({
        instruments: ['BTCUSDT.BINANCE'],
        barTypes: ['BTCUSDT.BINANCE-1-MINUTE-LAST'],
      }),
      create: () => {
        let sent = false;
        return {
          onTick: (m: MarketSnapshot, ctx: BotContext): OrderIntent[] => {
            for (const o of ctx.openOrders(m.instrumentId))
              seen.push(`${o.timeInForce} post=${o.postOnly} reduce=${o.reduceOnly}`);
            if (sent) return [];
            sent = true;
            return [
              {
                instrumentId: m.instrumentId,
                side: OrderSide.BUY,
                orderType: 'LIMIT',
                price: '95.00',
                quantity: '1',
                postOnly: true,
                reason: 'entry',
              },
            ];
          },
        };
      },
    });
    const rows: BarRow[] = [100, 100.5, 101].map((c, i) => ({
      time: Date.UTC(2024, 0, 1) + i * 60_000,
      open: c,
      high: c,
      low: c,
      close: c,
      volume: 1,
    }));
    runBot(resting, { bars: rows, closeAtEnd: false, risk: { collar_pct: '0.5' } });
    expect(seen).toEqual(['GTC post=true reduce=false', 'GTC post=true reduce=false']);
  });
});

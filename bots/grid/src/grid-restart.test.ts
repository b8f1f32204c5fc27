import {
  BTCUSDT_PERP_BINANCE,
  ClientOrderId,
  Decimal,
  InstrumentId,
  Money,
  OrderSide,
  OrderStatus,
  OrderType,
  PositionSide,
  Price,
  Quantity,
  TimeInForce,
  instrumentFromSpec,
  makeBarType,
  BarAggregation,
  PriceType,
  type Bar,
  type BotContext,
  type Instrument,
  type KeyValueState,
  type MarketSnapshot,
  type OrderIntent,
  type OrderView,
  type PositionView,
} from '@qubit/model';
import { defineBot, type Bot } from '@qubit/sdk';
import { runBot, type BarRow } from '@qubit/sdk/testing';
import { describe, expect, it } from 'vitest';
import { GridBot, REFERENCE_KEY, grid } from './grid.js';
import { gridConfig, type GridConfig } from './grid-config.js';

const MINUTE = 60_000;
const T0 = Date.UTC(2024, 0, 1);
const PERP: Instrument = instrumentFromSpec(BTCUSDT_PERP_BINANCE);

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

/** Swings of ±350 around 42000 with a slow drift, so the grid holds inventory at most restart points. */
function swings(count: number): number[] {
  return Array.from(
    { length: count },
    (_, i) => Math.round((42_000 + 350 * Math.sin(i / 6) + 120 * Math.sin(i / 2.2) - i) * 10) / 10,
  );
}

interface Observed {
  /** Bars at which some line held two grid orders on the same side. */
  readonly doubled: number[];
  /** Intents a stopping instance returned on rollout (must be none: the grid stays resting). */
  readonly stopIntents: OrderIntent[];
}

/**
 * The grid definition with a twist: at each bar number in `restartAt` the running instance is stopped with
 * reason "rollout" and a NEW GridBot is started on the same context (same state, open orders and position),
 * exactly as the supervisor does on a rollout. Also records any line holding two orders.
 */
function restartingGrid(restartAt: ReadonlySet<number>, seen: Observed) {
  return defineBot({
    name: 'grid',
    version: '1.0.0',
    description: 'grid restarted mid-run (test)',
    configSchema: gridConfig,
    subscriptions: grid.subscriptions,
    create: (c: GridConfig): Bot<GridConfig> => {
      let current = grid.create(c);
      let bars = 0;
      return {
        onStart: (ctx) => current.onStart?.(ctx),
        onTick: (m, ctx) => {
          if (m.bar && restartAt.has(++bars)) {
            seen.stopIntents.push(...(current.onStop?.('rollout', ctx) ?? []));
            current = grid.create(c);
            current.onStart?.(ctx);
          }
          const lines = ctx.openOrders(c.instrument).map((o) => `${o.side}@${o.price?.toString()}`);
          if (new Set(lines).size !== lines.length) seen.doubled.push(bars);
          return current.onTick(m, ctx);
        },
        onEvent: (e, ctx) => current.onEvent?.(e, ctx),
        onStop: (r, ctx) => current.onStop?.(r, ctx),
      };
    },
  });
}

const fillPrint = (r: ReturnType<typeof runBot>): string[] =>
  r.fills.map((f) => `${f.tsEvent} ${f.clientOrderId} ${f.side} ${f.lastQty} @ ${f.lastPx}`);

describe('grid restart through the kernel', () => {
  const bars = barsThrough(swings(240));

  for (const mode of ['long', 'neutral'] as const) {
    it(`a ${mode} grid restarted every 17 bars on the same context trades exactly like one that never stopped`, () => {
      const config = { mode, spacing: '100', levels: 4, quantity: '0.010' };
      const straight = runBot(grid, { bars, config });
      const seen: Observed = { doubled: [], stopIntents: [] };
      const restartAt = new Set(Array.from({ length: 13 }, (_, k) => 17 * (k + 1)));
      const restarted = runBot(restartingGrid(restartAt, seen), { bars, config });
      expect(straight.fills.length).toBeGreaterThan(20);
      expect(fillPrint(restarted)).toEqual(fillPrint(straight));
      expect(restarted.intents.length).toBe(straight.intents.length);
      expect(seen.doubled).toEqual([]);
      expect(seen.stopIntents).toEqual([]);
      // Every restart found its grid intact: nothing to cancel, and missing only what the bar just filled asks
      // for — exactly the orders the bot that never stopped placed on that same bar.
      const restored = restarted.logs.filter((l) => l.message === 'grid restored');
      expect(restored).toHaveLength(13);
      for (const l of restored) {
        const placedThen = straight.intents.filter((i) => i.tsInit === l.ts).length;
        expect(l.fields).toMatchObject({ missing: placedThen, cancel: 0, reference: '42000.00' });
      }
      expect(restored.some((l) => l.fields!.missing === 0)).toBe(true);
      expect(restored.some((l) => (l.fields!.kept as number) > 0 && l.fields!.pivot !== 0)).toBe(true);
    });
  }
});

// ---- a fresh bot on a fake context --------------------------------------------------------------------

class MapState implements KeyValueState {
  readonly map = new Map<string, unknown>();
  get<T = unknown>(key: string): T | undefined {
    return this.map.get(key) as T | undefined;
  }
  set(key: string, value: unknown): void {
    this.map.set(key, JSON.parse(JSON.stringify(value)));
  }
  delete(key: string): void {
    this.map.delete(key);
  }
  keys(): string[] {
    return [...this.map.keys()];
  }
}

/** Just enough of a BotContext to run onStart/onTick: a position, open orders, state, and what was cancelled. */
class FakeContext implements BotContext<GridConfig> {
  readonly botId = 'grid-1' as BotContext['botId'];
  readonly accountId = 'SIM-001' as BotContext['accountId'];
  readonly strategyId = 'grid' as BotContext['strategyId'];
  readonly state = new MapState();
  readonly cancelled: string[] = [];
  readonly lines: string[] = [];
  readonly log = {
    debug: () => undefined,
    info: (m: string, f?: Record<string, unknown>) => void this.lines.push(`${m} ${JSON.stringify(f ?? {})}`),
    warn: (m: string) => void this.lines.push(m),
    error: (m: string) => void this.lines.push(m),
  };
  readonly metrics = { counter: () => undefined, gauge: () => undefined };

  constructor(
    readonly config: GridConfig,
    public signedQty: Decimal,
    public orders: OrderView[],
    public last: Price,
  ) {}

  now(): bigint {
    return 0n;
  }
  instrument(): Instrument {
    return PERP;
  }
  bars(): readonly Bar[] {
    return [];
  }
  lastPrice(): Price {
    return this.last;
  }
  quote(): undefined {
    return undefined;
  }
  position(): PositionView {
    const zero = Money.zero(PERP.settlementCurrency);
    const q = this.signedQty;
    return {
      instrumentId: PERP.id,
      side: q.isZero() ? PositionSide.FLAT : q.isPositive() ? PositionSide.LONG : PositionSide.SHORT,
      signedQty: q,
      quantity: Quantity.from(q.abs()),
      realizedPnl: zero,
      unrealizedPnl: zero,
      fees: zero,
    };
  }
  positions(): readonly PositionView[] {
    return [this.position()];
  }
  openOrders(): readonly OrderView[] {
    return this.orders;
  }
  equity(): Money {
    return Money.of('1000000', PERP.settlementCurrency);
  }
  cancel(id: string): void {
    this.cancelled.push(id);
  }
  modify(): void {
    throw new Error('the grid never modifies');
  }
  cancelAll(): void {
    for (const o of this.orders) this.cancelled.push(o.clientOrderId);
  }
}

let seq = 0;
function order(side: OrderSide, price: string, reason = 'grid'): OrderView {
  return {
    clientOrderId: ClientOrderId(`grid1-GR-x-${seq++}`),
    instrumentId: InstrumentId('BTCUSDT-PERP.BINANCE'),
    side,
    orderType: OrderType.LIMIT,
    status: OrderStatus.ACCEPTED,
    timeInForce: TimeInForce.GTC,
    postOnly: true,
    reduceOnly: false,
    quantity: Quantity.from('0.010'),
    filledQty: Quantity.from('0.000'),
    price: Price.from(price),
    reason,
  };
}

function snapshot(close: string): MarketSnapshot {
  const px = Price.from(close);
  const bar: Bar = {
    type: 'Bar',
    barType: makeBarType(PERP.id, 1, BarAggregation.MINUTE, PriceType.LAST),
    open: px,
    high: px,
    low: px,
    close: px,
    volume: Quantity.from('1'),
    tsEvent: 1n,
    tsInit: 1n,
  };
  return { instrumentId: PERP.id, instrument: PERP, ts: 1n, trigger: 'bar', bar, last: px };
}

const shown = (intents: readonly OrderIntent[]): string[] =>
  intents.map(
    (i) => `${i.side} ${String(i.price)}${i.reduceOnly ? ' reduce' : ''}${i.postOnly ? ' post' : ''}`,
  );

describe('grid onStart on a fresh bot', () => {
  const config = gridConfig.parse({ spacing: '100', levels: 3, quantity: '0.010' });

  it('places only the missing levels and cancels its doubled and off-grid orders, leaving other orders alone', () => {
    // Two units held (the 41900 and 41800 buys filled): wanted are SELL 41900, SELL 42000 and BUY 41700.
    const exit = order(OrderSide.SELL, '43000.00', 'exit');
    const doubled = order(OrderSide.BUY, '41700.00');
    const offGrid = order(OrderSide.BUY, '41650.00');
    const ctx = new FakeContext(
      config,
      Decimal.parse('0.020'),
      [order(OrderSide.SELL, '42000.00'), order(OrderSide.BUY, '41700.00'), doubled, offGrid, exit],
      Price.from('41850.00'),
    );
    ctx.state.set(REFERENCE_KEY, '42000.00');
    const bot = new GridBot(config);
    bot.onStart(ctx);
    expect(
      ctx.lines.some(
        (l) => l.startsWith('grid restored') && l.includes('"missing":1') && l.includes('"cancel":2'),
      ),
    ).toBe(true);
    const intents = bot.onTick(snapshot('41850.00'), ctx);
    expect(shown(intents)).toEqual(['SELL 41900.00 reduce post']);
    expect(intents[0]!.reason).toBe('grid');
    expect(ctx.cancelled.sort()).toEqual([doubled.clientOrderId, offGrid.clientOrderId].sort());
  });

  it('takes the reference from ctx.state, not from the first bar after the restart, and catches up a passed level with a plain limit', () => {
    const ctx = new FakeContext(config, Decimal.parse('0'), [], Price.from('41850.00'));
    ctx.state.set(REFERENCE_KEY, '42000.00');
    const bot = new GridBot(config);
    bot.onStart(ctx);
    expect(shown(bot.onTick(snapshot('41850.00'), ctx))).toEqual([
      'BUY 41900.00',
      'BUY 41800.00 post',
      'BUY 41700.00 post',
    ]);
  });

  it('sends nothing twice: a level already asked for is not asked again on the next bar', () => {
    const ctx = new FakeContext(config, Decimal.parse('0'), [], Price.from('42000.00'));
    const bot = new GridBot(config);
    bot.onStart(ctx);
    expect(bot.onTick(snapshot('42000.00'), ctx)).toHaveLength(3);
    expect(ctx.state.get(REFERENCE_KEY)).toBe('42000.00');
    // Denied orders never show up as open; the bot does not resend them until its position changes.
    expect(bot.onTick(snapshot('42000.00'), ctx)).toEqual([]);
    ctx.signedQty = Decimal.parse('0.010');
    expect(shown(bot.onTick(snapshot('41900.00'), ctx))).toEqual([
      'SELL 42000.00 reduce post',
      'BUY 41800.00 post',
      'BUY 41700.00 post',
    ]);
  });
});

describe('grid restart from a first-half run', () => {
  it('a fresh bot given the open orders, position and state left by the first half finds nothing missing', () => {
    const bars = barsThrough(swings(120));
    const config = gridConfig.parse({ mode: 'neutral', spacing: '100', levels: 4, quantity: '0.010' });
    const first = runBot(grid, { bars, config, closeAtEnd: false });
    const open: OrderView[] = first.node.cache.ordersOpen({ botId: 'grid-1' }).map((o) => ({
      clientOrderId: o.clientOrderId,
      instrumentId: o.instrumentId,
      side: o.side,
      orderType: o.orderType,
      status: o.status,
      timeInForce: o.timeInForce,
      postOnly: o.postOnly,
      reduceOnly: o.reduceOnly,
      quantity: o.quantity,
      filledQty: o.filledQty,
      price: o.price,
      reason: o.reason,
    }));
    expect(open.length).toBe(8);
    expect(first.position.signedQty.isZero()).toBe(false);
    const lastClose = bars.at(-1)!.close as string;
    const ctx = new FakeContext(config, first.position.signedQty, open, Price.from(lastClose));
    for (const k of first.node.bot('grid-1')!.state.keys())
      ctx.state.set(k, first.node.bot('grid-1')!.state.get(k));
    const bot = new GridBot(config);
    bot.onStart(ctx);
    expect(bot.onTick(snapshot(Price.from(lastClose).toString()), ctx)).toEqual([]);
    expect(ctx.cancelled).toEqual([]);
    // Two orders lost (say, cancelled by hand while the bot was down): exactly those two come back.
    const lost = [open[0]!, open[5]!];
    ctx.orders = open.filter((o) => !lost.includes(o));
    const again = new GridBot(config);
    again.onStart(ctx);
    const placed = again.onTick(snapshot(Price.from(lastClose).toString()), ctx);
    expect(placed.map((i) => `${i.side} ${String(i.price)}`).sort()).toEqual(
      lost.map((o) => `${o.side} ${o.price!.toString()}`).sort(),
    );
  });
});

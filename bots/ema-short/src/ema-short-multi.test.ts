import {
  BTCUSDT_PERP_BINANCE,
  BarAggregation,
  ClientOrderId,
  InstrumentId,
  Money,
  OrderStatus,
  OrderType,
  PositionSide,
  Price,
  PriceType,
  Quantity,
  TimeInForce,
  instrumentFromSpec,
  makeBarType,
  type Bar,
  type BotContext,
  type Instrument,
  type KeyValueState,
  type MarketSnapshot,
  type OrderIntent,
  type OrderView,
  type PositionView,
} from '@qubit/model';
import { Decimal, OrderSide } from '@qubit/sdk';
import { describe, expect, it } from 'vitest';
import { EmaShortBot } from './ema-short.js';
import { emaShortConfig, type EmaShortConfig } from './ema-short-config.js';

const BTC = instrumentFromSpec(BTCUSDT_PERP_BINANCE);
const ETH = instrumentFromSpec({
  id: 'ETHUSDT-PERP.BINANCE',
  kind: 'PERPETUAL',
  base_currency: 'ETH',
  quote_currency: 'USDT',
  tick_size: '0.01',
  lot_size: '0.001',
  min_notional: '20',
  margin_init: '0.05',
});

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

/** A two-instrument context: positions, open orders and bar history per instrument; records cancels and modifies. */
class FakeContext implements BotContext<EmaShortConfig> {
  readonly botId = 'ema-short-1' as BotContext['botId'];
  readonly accountId = 'SIM-001' as BotContext['accountId'];
  readonly strategyId = 'ema-short' as BotContext['strategyId'];
  readonly state = new MapState();
  readonly positionsById = new Map<string, { qty: Decimal; avgPx?: Price }>();
  readonly ordersById = new Map<string, OrderView[]>();
  readonly history = new Map<string, Bar[]>();
  readonly cancelled: string[] = [];
  readonly modified: { id: string; triggerPrice?: string }[] = [];
  readonly log = {
    debug: () => undefined,
    info: () => undefined,
    warn: () => undefined,
    error: () => undefined,
  };
  readonly metrics = { counter: () => undefined, gauge: () => undefined };

  constructor(readonly config: EmaShortConfig) {}

  now(): bigint {
    return 0n;
  }
  instrument(id: string): Instrument {
    if (id === BTC.id) return BTC;
    if (id === ETH.id) return ETH;
    throw new Error(`unknown instrument ${id}`);
  }
  bars(barType: unknown): readonly Bar[] {
    return this.history.get(String(barType)) ?? [];
  }
  lastPrice(): undefined {
    return undefined;
  }
  quote(): undefined {
    return undefined;
  }
  position(id: string): PositionView {
    const inst = this.instrument(id);
    const p = this.positionsById.get(id) ?? { qty: Decimal.ZERO };
    const zero = Money.zero(inst.settlementCurrency);
    return {
      instrumentId: inst.id,
      side: p.qty.isZero() ? PositionSide.FLAT : p.qty.isPositive() ? PositionSide.LONG : PositionSide.SHORT,
      signedQty: p.qty,
      quantity: Quantity.from(p.qty.abs()),
      avgPx: p.avgPx,
      realizedPnl: zero,
      unrealizedPnl: zero,
      fees: zero,
    };
  }
  positions(): readonly PositionView[] {
    return [...this.positionsById.keys()].map((id) => this.position(id));
  }
  openOrders(id?: string): readonly OrderView[] {
    if (id) return this.ordersById.get(id) ?? [];
    return [...this.ordersById.values()].flat();
  }
  equity(): Money {
    return Money.of('100000', BTC.settlementCurrency);
  }
  cancel(id: string): void {
    this.cancelled.push(id);
    for (const [k, list] of this.ordersById)
      this.ordersById.set(
        k,
        list.filter((o) => o.clientOrderId !== id),
      );
  }
  modify(id: string, changes: { triggerPrice?: string | number | Decimal }): void {
    this.modified.push({ id, triggerPrice: changes.triggerPrice?.toString() });
  }
  cancelAll(): void {
    throw new Error('not used');
  }

  /** What the venue would do with the intents: keep resting ones open (entries are filled by the test itself). */
  rest(intents: readonly OrderIntent[]): void {
    for (const i of intents) {
      if ((i.orderType ?? OrderType.MARKET) === OrderType.MARKET) continue;
      const list = this.ordersById.get(i.instrumentId) ?? [];
      list.push({
        clientOrderId: ClientOrderId(`x-${i.reason}-${list.length}-${i.instrumentId.slice(0, 3)}`),
        instrumentId: InstrumentId(i.instrumentId),
        side: i.side,
        orderType: i.orderType!,
        status: OrderStatus.ACCEPTED,
        timeInForce: i.timeInForce ?? TimeInForce.GTC,
        postOnly: i.postOnly ?? false,
        reduceOnly: i.reduceOnly ?? false,
        quantity: Quantity.from(i.quantity),
        filledQty: Quantity.from('0'),
        price: i.price === undefined ? undefined : Price.from(i.price),
        triggerPrice: i.triggerPrice === undefined ? undefined : Price.from(i.triggerPrice),
        reason: i.reason ?? 'signal',
      });
      this.ordersById.set(i.instrumentId, list);
    }
  }
}

let minute = 0;
function tick(inst: Instrument, close: string, ctx: FakeContext, low?: string): MarketSnapshot {
  const px = Price.from(close).withPrecision(inst.pricePrecision);
  const lo = Price.from(low ?? close).withPrecision(inst.pricePrecision);
  const ts = BigInt(++minute) * 60_000_000_000n;
  const bar: Bar = {
    type: 'Bar',
    barType: makeBarType(inst.id, 1, BarAggregation.MINUTE, PriceType.LAST),
    open: px,
    high: px,
    low: lo,
    close: px,
    volume: Quantity.from('1'),
    tsEvent: ts,
    tsInit: ts,
  };
  const key = `${inst.id}-1-MINUTE-LAST`;
  ctx.history.set(key, [...(ctx.history.get(key) ?? []), bar]);
  return { instrumentId: inst.id, instrument: inst, ts, trigger: 'bar', bar, last: px };
}

const shown = (intents: readonly OrderIntent[]): string[] =>
  intents.map(
    (i) => `${i.instrumentId.slice(0, 3)} ${i.side} ${i.orderType ?? 'MARKET'} ${i.quantity} ${i.reason}`,
  );

describe('ema-short with two instruments in one bot', () => {
  const config = emaShortConfig.parse({
    instruments: [BTC.id, ETH.id],
    fast_period: 2,
    slow_period: 4,
    cooldown_bars: 2,
  });

  it('keeps indicators, positions, exits, cooldowns and state apart for BTC and ETH', () => {
    const ctx = new FakeContext(config);
    const bot = new EmaShortBot(config);
    bot.onStart(ctx);
    const btc = ['42000', '42100', '42200', '42300', '42100', '41800'];
    const eth = ['2500', '2490', '2510', '2530', '2550', '2580'];
    const out: OrderIntent[] = [];
    for (let k = 0; k < btc.length; k++) {
      out.push(...bot.onTick(tick(BTC, btc[k]!, ctx), ctx));
      out.push(...bot.onTick(tick(ETH, eth[k]!, ctx), ctx));
    }
    // BTC turned down (EMA2 < EMA4, close below EMA2): one BTC entry of 1000 USDT; ETH is rising: nothing.
    expect(shown(out)).toEqual(['BTC SELL MARKET 0.023 entry']);

    // The entry filled: BTC is short at 41800. Its exits come on its next bar, sized to the BTC position.
    ctx.positionsById.set(BTC.id, { qty: Decimal.parse('-0.023'), avgPx: Price.from('41800.00') });
    const btcExits = bot.onTick(tick(BTC, '41700', ctx), ctx);
    ctx.rest(btcExits);
    expect(shown(btcExits)).toEqual([
      'BTC BUY LIMIT 0.023 take_profit',
      'BTC BUY STOP_MARKET 0.023 stop_loss',
    ]);
    expect(btcExits.map((i) => String(i.price ?? i.triggerPrice))).toEqual(['40128.00', '42636.00']);

    // ETH turns down: its own entry, sized for ETH (1000 / 2520 = 0.3968… → 0.396), while BTC's exits are left
    // alone; the next ETH bar does not send the entry again while it is in flight.
    const ethOut = [...bot.onTick(tick(ETH, '2520', ctx), ctx), ...bot.onTick(tick(ETH, '2440', ctx), ctx)];
    expect(shown(ethOut)).toEqual(['ETH SELL MARKET 0.396 entry']);
    expect(ctx.cancelled).toEqual([]);

    // BTC makes a new low: the trailing stop (41000 × 1.015 = 41615 < 41800) replaces the BTC stop-loss only.
    const trail = bot.onTick(tick(BTC, '41100', ctx, '41000'), ctx);
    ctx.rest(trail);
    expect(shown(trail)).toEqual(['BTC BUY STOP_MARKET 0.023 trailing_stop']);
    expect(String(trail[0]!.triggerPrice)).toBe('41615.00');
    expect(ctx.cancelled).toEqual([expect.stringContaining('stop_loss')]);
    expect(ctx.state.get(`book:${BTC.id}`)).toEqual({ lowest: '41000.00', cooldown: 0 });
    expect(ctx.state.get(`book:${ETH.id}`)).toMatchObject({ cooldown: 0 });
    expect((ctx.state.get(`book:${ETH.id}`) as { lowest?: string }).lowest).toBeUndefined();

    // A lower BTC low moves the trailing stop down by a modify, not a new order.
    expect(bot.onTick(tick(BTC, '40900', ctx, '40800'), ctx)).toEqual([]);
    expect(ctx.modified).toEqual([
      { id: expect.stringContaining('trailing_stop'), triggerPrice: '41412.00' },
    ]);

    // The BTC take-profit filled: BTC is flat. Its leftover stop is cancelled and BTC cools down for 2 bars,
    // while ETH (short now) gets its exits on its own next bar.
    ctx.positionsById.set(BTC.id, { qty: Decimal.ZERO });
    ctx.ordersById.set(
      BTC.id,
      ctx.ordersById.get(BTC.id)!.filter((o) => o.reason !== 'take_profit'),
    );
    ctx.positionsById.set(ETH.id, { qty: Decimal.parse('-0.396'), avgPx: Price.from('2440.00') });
    expect(bot.onTick(tick(BTC, '40700', ctx), ctx)).toEqual([]);
    expect(ctx.ordersById.get(BTC.id)).toEqual([]);
    expect(ctx.state.get(`book:${BTC.id}`)).toEqual({ cooldown: 1 });
    const ethExits = bot.onTick(tick(ETH, '2430', ctx), ctx);
    expect(shown(ethExits)).toEqual([
      'ETH BUY LIMIT 0.396 take_profit',
      'ETH BUY STOP_MARKET 0.396 stop_loss',
    ]);
    expect(ethExits.map((i) => String(i.price ?? i.triggerPrice))).toEqual(['2342.40', '2488.80']);
    expect(bot.onTick(tick(BTC, '40600', ctx), ctx)).toEqual([]); // still cooling down
    expect(shown(bot.onTick(tick(BTC, '40500', ctx), ctx))).toEqual(['BTC SELL MARKET 0.024 entry']);
  });

  it('a restarted instance warms its EMAs from ctx.bars, restores the lowest low and does not double the exits', () => {
    const ctx = new FakeContext(config);
    const first = new EmaShortBot(config);
    first.onStart(ctx);
    for (const c of ['42000', '42100', '42200', '42300', '42100', '41800'])
      first.onTick(tick(BTC, c, ctx), ctx);
    ctx.positionsById.set(BTC.id, { qty: Decimal.parse('-0.023'), avgPx: Price.from('41800.00') });
    ctx.rest(first.onTick(tick(BTC, '41100', ctx, '41000'), ctx));
    expect(ctx.openOrders(BTC.id).map((o) => o.reason)).toEqual(['take_profit', 'trailing_stop']);

    const second = new EmaShortBot(config);
    second.onStart(ctx);
    expect(second.health()).toMatchObject({ instruments: { [BTC.id]: { lowest: '41000.00' } } });
    // Nothing is resent; a further low only moves the existing trailing stop.
    expect(second.onTick(tick(BTC, '41000', ctx, '40900'), ctx)).toEqual([]);
    expect(ctx.modified.at(-1)!.triggerPrice).toBe('41513.50');
    // Its EMAs were warm at once: a rise flips EMA2 above EMA4 and it exits at market right away.
    const exit = second.onTick(tick(BTC, '42500', ctx), ctx);
    expect(shown(exit)).toEqual(['BTC BUY MARKET 0.023 exit']);
    expect(exit[0]!.reduceOnly).toBe(true);
    expect(ctx.openOrders(BTC.id)).toEqual([]);
    expect(exit[0]!.side).toBe(OrderSide.BUY);
  });
});

import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Decimal as DecimalJs } from 'decimal.js';
import {
  Decimal,
  LiquiditySide,
  Money,
  NANOS_PER_MILLI,
  OrderSide,
  OrderType,
  Price,
  Quantity,
  RejectReason,
  TradeId,
  TradingState,
  VenueOrderId,
  scopeKey,
  type DenyReason,
  type ModifyOrder,
  type RiskScope,
  type SubmitOrder,
  type TradingStateChanged,
  type CancelAllOrders,
  type OrderAccepted,
  type OrderRejected,
} from '@qubit/model';
import type { DeadLetter } from '../bus/message-bus.js';
import { Topic } from '../bus/topics.js';
import type { Order } from '../orders/order.js';
import type { RiskConfig, RiskLimits } from './risk-limits.js';
import { BTC, ETH, PERP, RiskHarness, ownerOf } from './testing/risk-harness.js';

/*
 * Over random limits and random intents, no approved order breaks a configured limit. Every approval
 * is checked again here, independently: with decimal.js instead of the model's Decimal, against this
 * test's own record of resting orders, states, rates and PnL baselines.
 */

const B = DecimalJs.clone({ precision: 80, rounding: DecimalJs.ROUND_HALF_EVEN });
type N = DecimalJs;
const big = (x: { toString(): string } | string): N => new B(x.toString());
const ZERO = new B(0);

const RUNS = 400;
const ACTIONS = 400;

const BOTS = [
  { bot: 'b1', account: 'cash', instruments: [BTC, ETH] },
  { bot: 'b2', account: 'cash', instruments: [BTC, ETH] },
  { bot: 'b3', account: 'margin', instruments: [PERP] },
] as const;
const ALL_INSTRUMENTS = [BTC, ETH, PERP] as const;
/** Quantity scale per instrument: 10^-e of a 1..99 mantissa with e in this list. */
const QTY_EXPONENTS: Record<string, readonly number[]> = {
  [BTC]: [3, 3, 4],
  [ETH]: [2, 2, 3],
  [PERP]: [2, 2, 3],
};

// ---- generators -----------------------------------------------------------------------------

/** Each limit is set in about one scope of three, so orders meet a few limits at a time, not all. */
const opt = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> =>
  fc.oneof({ weight: 2, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });
const decOf = (...values: string[]) => fc.constantFrom(...values).map((v) => Decimal.from(v));
const action = fc.constantFrom(TradingState.REDUCING, TradingState.HALTED);

const limitsArb = (bot: boolean): fc.Arbitrary<RiskLimits> =>
  fc
    .record({
      maxOrderQuantity: opt(decOf('0.05', '0.5', '5', '50')),
      maxOrderNotional: opt(decOf('500', '3000', '20000', '50000')),
      maxPositionQty: opt(
        fc.record({
          default: opt(decOf('0.1', '1', '10')),
          perInstrument: opt(fc.constant({ [BTC]: Decimal.from('0.2'), [PERP]: Decimal.from('0.5') })),
        }),
      ),
      maxLeverage: opt(decOf('0.5', '1', '3')),
      maxGrossExposure: opt(decOf('2000', '10000', '60000')),
      dailyLossCap: opt(decOf('50', '300', '3000')),
      maxOpenOrders: opt(fc.integer({ min: 0, max: 6 })),
      maxSubmitRate: opt(
        fc.record({
          count: fc.integer({ min: 1, max: 5 }),
          windowNs: fc.integer({ min: 300, max: 4000 }).map((ms) => BigInt(ms) * NANOS_PER_MILLI),
        }),
      ),
      budget: bot ? opt(decOf('1000', '5000', '30000')) : fc.constant(undefined),
      drawdownBreaker: opt(fc.record({ maxDrawdown: decOf('100', '1000'), action })),
      rejectBreaker: opt(fc.record({ consecutive: fc.integer({ min: 2, max: 4 }), action })),
    })
    .map(stripUndefined);

const configArb: fc.Arbitrary<Partial<RiskConfig>> = fc
  .record({
    global: limitsArb(false),
    cashLimits: limitsArb(false),
    marginLimits: limitsArb(false),
    b1: limitsArb(true),
    b2: limitsArb(true),
    b3: limitsArb(true),
    collarPct: fc.constantFrom<Decimal | null>(null, Decimal.from('0.02'), Decimal.from('0.1')),
    instrumentSubmitRate: opt(
      fc.record({
        count: fc.integer({ min: 2, max: 6 }),
        windowNs: fc.integer({ min: 500, max: 5000 }).map((ms) => BigInt(ms) * NANOS_PER_MILLI),
      }),
    ),
  })
  .map((r) => ({
    global: r.global,
    accounts: { cash: r.cashLimits, margin: r.marginLimits },
    bots: { b1: r.b1, b2: r.b2, b3: r.b3 },
    collarPct: r.collarPct,
    ...(r.instrumentSubmitRate ? { instrumentSubmitRate: r.instrumentSubmitRate } : {}),
  }));

const dt = fc.integer({ min: 0, max: 1500 });
const qtyM = fc.integer({ min: 1, max: 99 });
const qtyE = fc.integer({ min: 0, max: 2 });

type Action =
  | {
      kind: 'submit';
      bot: number;
      inst: number;
      side: OrderSide;
      type: OrderType;
      qtyM: number;
      qtyE: number;
      offLot: boolean;
      bp: number;
      offTick: boolean;
      rest: boolean;
      dt: number;
    }
  | { kind: 'modify'; pick: number; qtyM: number; qtyE: number; changeQty: boolean; bp: number; dt: number }
  | { kind: 'cancel' | 'fillResting'; pick: number; dt: number }
  | { kind: 'move'; inst: number; bp: number; dt: number }
  | { kind: 'state'; scope: number; state: TradingState; dt: number }
  | { kind: 'venue'; bot: number; rejected: boolean; dt: number };

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 66,
    arbitrary: fc.record({
      kind: fc.constant('submit' as const),
      bot: fc.integer({ min: 0, max: 2 }),
      inst: fc.integer({ min: 0, max: 1 }),
      side: fc.constantFrom(OrderSide.BUY, OrderSide.BUY, OrderSide.SELL),
      type: fc.constantFrom(
        OrderType.LIMIT,
        OrderType.LIMIT,
        OrderType.LIMIT,
        OrderType.MARKET,
        OrderType.STOP_MARKET,
      ),
      qtyM,
      qtyE,
      offLot: fc.integer({ min: 0, max: 30 }).map((n) => n === 0),
      bp: fc.oneof(
        { weight: 5, arbitrary: fc.integer({ min: -150, max: 150 }) },
        { weight: 1, arbitrary: fc.integer({ min: -1500, max: 1500 }) },
      ),
      offTick: fc.integer({ min: 0, max: 30 }).map((n) => n === 0),
      rest: fc.boolean(),
      dt,
    }),
  },
  {
    weight: 15,
    arbitrary: fc.record({
      kind: fc.constant('modify' as const),
      pick: fc.nat(),
      qtyM,
      qtyE,
      changeQty: fc.boolean(),
      bp: fc.integer({ min: -600, max: 600 }),
      dt,
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constantFrom('cancel' as const, 'fillResting' as const),
      pick: fc.nat(),
      dt,
    }),
  },
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('move' as const),
      inst: fc.integer({ min: 0, max: 2 }),
      bp: fc.integer({ min: -300, max: 300 }),
      dt,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('state' as const),
      scope: fc.integer({ min: 0, max: 5 }),
      state: fc.constantFrom(
        TradingState.ACTIVE,
        TradingState.ACTIVE,
        TradingState.ACTIVE,
        TradingState.ACTIVE,
        TradingState.REDUCING,
        TradingState.HALTED,
      ),
      dt,
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('venue' as const),
      bot: fc.integer({ min: 0, max: 2 }),
      rejected: fc.integer({ min: 0, max: 2 }).map((n) => n === 0),
      dt,
    }),
  },
);

const startArb = fc.record({
  usdt: fc.integer({ min: 300, max: 60000 }),
  btc: fc.integer({ min: 0, max: 40 }).map((n) => (n * 0.01).toFixed(2)),
  marginEquity: fc.integer({ min: 2000, max: 150000 }),
});

// ---- the test's own model of the world --------------------------------------------------------

interface Resting {
  readonly order: Order;
  readonly command: SubmitOrder;
}

const totals = {
  intents: 0,
  approvals: 0,
  denials: new Map<DenyReason, number>(),
  stateChanges: new Map<string, number>(),
};

afterAll(() => {
  // Printed so a reader can see the property exercised both sides of most limits.
  console.log(
    `risk property: ${totals.intents} intents, ${totals.approvals} approvals; denials by reason, state changes by cause:`,
    Object.fromEntries(totals.denials),
    Object.fromEntries(totals.stateChanges),
  );
});

describe('RiskEngine property', () => {
  it('never approves an order that breaks a configured limit', () => {
    fc.assert(
      fc.property(
        configArb,
        startArb,
        fc.array(actionArb, { minLength: ACTIONS, maxLength: ACTIONS }),
        (config, start, actions) => {
          runScenario(config, start, actions);
        },
      ),
      { numRuns: RUNS, seed: 1_001 },
    );
    expect(totals.intents).toBeGreaterThanOrEqual(100_000);
    expect(totals.approvals).toBeGreaterThan(totals.intents / 20);
    expect(totals.denials.size).toBeGreaterThanOrEqual(14);
  });
});

function runScenario(
  config: Partial<RiskConfig>,
  start: { usdt: number; btc: string; marginEquity: number },
  actions: Action[],
): void {
  const h = new RiskHarness({ ...config, pendingTtlNs: 3_600_000_000_000n });
  const cfg = config as RiskConfig;
  const resting = new Map<string, Resting>();
  const states = new Map<string, TradingState>();
  const stage1Passes = new Map<string, bigint[]>();
  const approvals = new Map<string, bigint[]>();
  // Whether the approval handler rests or fills a new order; set just before the order is sent.
  const restNext = new Map<string, boolean>();
  let tradeSeq = 0;

  h.portfolio.setBalance('cash', 'USDT', String(start.usdt));
  h.portfolio.adjustEquity('cash', String(start.usdt - 100000));
  h.portfolio.adjustEquity('margin', String(start.marginEquity - 100000));
  if (start.btc !== '0.00') {
    // An opening position bought at the mark: PnL stays 0, so every baseline is still 0.
    h.portfolio.setBalance('cash', 'USDT', String(start.usdt + 40000 * Number(start.btc)));
    h.portfolio.fill('cash', 'b1', BTC, OrderSide.BUY, Decimal.from(start.btc), Decimal.from('40000'));
  }

  h.bus.subscribe<TradingStateChanged>(Topic.RISK_ALERTS, 'property', (e) => {
    if (e.type !== 'TradingStateChanged') return;
    states.set(scopeKey(e.scope), e.state);
    const k = `${e.cause}->${e.state}`;
    totals.stateChanges.set(k, (totals.stateChanges.get(k) ?? 0) + 1);
  });
  h.bus.subscribe<SubmitOrder>(Topic.TRADING_SIGNALS_PORTFOLIO, 'property', (c) => {
    push(stage1Passes, c.instrumentId, h.clock.now());
  });
  h.bus.subscribe<CancelAllOrders>(Topic.ORDERS_COMMANDS, 'property', (c) => {
    for (const [id, r] of resting) {
      if (r.order.accountId === c.accountId && (c.botId === undefined || r.order.botId === c.botId))
        cancel(id);
    }
  });
  h.bus.subscribe<SubmitOrder | ModifyOrder>(Topic.TRADES_APPROVED, 'property', (c) => {
    totals.approvals++;
    const violation = verify(c);
    // The bus turns a throwing handler into a dead letter, so violations are collected and thrown after.
    if (violation)
      violations.push(`approved ${c.type} ${c.clientOrderId} at step ${stepNo} breaks ${violation}`);
    const now = h.clock.now();
    for (const key of ['global', `account:${c.accountId}`, `bot:${c.botId}`]) push(approvals, key, now);
    apply(c);
  });

  const violations: string[] = [];
  const deadLetters: string[] = [];
  h.bus.subscribe<DeadLetter>(Topic.DEAD_LETTER, 'property', (m) =>
    deadLetters.push(`${m.group} on ${m.topic}: ${m.error}`),
  );
  let stepNo = 0;
  for (const a of actions) {
    h.advance(BigInt(a.dt) * NANOS_PER_MILLI);
    step(a);
    stepNo++;
    if (violations.length > 0 || deadLetters.length > 0) break;
  }
  if (deadLetters.length > 0) throw new Error(`a handler failed: ${deadLetters[0]}`);
  if (violations.length > 0) throw new Error(violations[0]);

  // ---- actions ---------------------------------------------------------------------------------

  function step(a: Action): void {
    switch (a.kind) {
      case 'submit': {
        totals.intents++;
        const { bot, account, instruments } = BOTS[a.bot]!;
        const instrument = instruments[a.inst % instruments.length]!;
        const inst = h.cache.requireInstrument(instrument);
        const last = h.cache.lastPrice(instrument)!;
        const quantity = makeQty(instrument, a.qtyM, a.qtyE, a.offLot);
        const price = makePrice(last, inst.tickSize, a.bp, a.offTick);
        const command = h.order({
          account,
          bot,
          instrument,
          side: a.side,
          type: a.type,
          qty: quantity,
          price: a.type === OrderType.LIMIT ? price : undefined,
          trigger: a.type === OrderType.STOP_MARKET ? price : undefined,
        });
        restNext.set(command.clientOrderId, a.rest && a.type !== OrderType.MARKET);
        return record(h.send(command));
      }
      case 'modify': {
        const r = pick(a.pick);
        if (!r) return;
        totals.intents++;
        const inst = h.cache.requireInstrument(r.order.instrumentId);
        const change: { quantity?: Quantity; price?: Price; triggerPrice?: Price } = {};
        if (a.changeQty)
          change.quantity = Quantity.from(makeQty(r.order.instrumentId, a.qtyM, a.qtyE, false));
        else {
          const p = Price.from(
            makePrice(h.cache.lastPrice(r.order.instrumentId)!, inst.tickSize, a.bp, false),
          );
          if (r.order.price) change.price = p;
          else change.triggerPrice = p;
        }
        const command: ModifyOrder = {
          ...ownerOf(r.command),
          type: 'ModifyOrder',
          commandId: h.ids.id(),
          tsInit: h.clock.now(),
          ...change,
        };
        return record(h.send(command));
      }
      case 'cancel': {
        const r = pick(a.pick);
        if (r) cancel(r.order.clientOrderId);
        return;
      }
      case 'fillResting': {
        const r = pick(a.pick);
        if (!r) return;
        resting.delete(r.order.clientOrderId);
        const px = r.order.price ?? r.order.triggerPrice!;
        fillOrder(r.order, px);
        return;
      }
      case 'move': {
        const instrument = ALL_INSTRUMENTS[a.inst]!;
        const inst = h.cache.requireInstrument(instrument);
        h.setLast(instrument, makePrice(h.cache.lastPrice(instrument)!, inst.tickSize, a.bp, false));
        for (const { bot, account } of BOTS) portfolioUpdated(account, bot);
        return;
      }
      case 'state': {
        const scopes: RiskScope[] = [
          { kind: 'global' },
          { kind: 'account', accountId: 'cash' },
          { kind: 'account', accountId: 'margin' },
          { kind: 'bot', botId: 'b1' },
          { kind: 'bot', botId: 'b2' },
          { kind: 'bot', botId: 'b3' },
        ];
        h.engine.setTradingState(scopes[a.scope]!, a.state, 'operator', 'property test');
        return;
      }
      case 'venue': {
        const { bot, account } = BOTS[a.bot]!;
        const base = {
          ...ownerOf(h.order({ account, bot })),
          eventId: h.ids.id(),
          tsEvent: h.clock.now(),
          tsInit: h.clock.now(),
        };
        const event: OrderRejected | OrderAccepted = a.rejected
          ? { ...base, type: 'OrderRejected', reasonCode: RejectReason.OTHER, reason: 'venue' }
          : { ...base, type: 'OrderAccepted', venueOrderId: VenueOrderId(`V${tradeSeq++}`) };
        h.bus.publish(Topic.ORDERS_UPDATED, account, event);
        return;
      }
    }
  }

  function record(outcome: { approved?: unknown; denied?: { reasonCode: DenyReason } }): void {
    if (outcome.denied) {
      const code = outcome.denied.reasonCode;
      totals.denials.set(code, (totals.denials.get(code) ?? 0) + 1);
    }
  }

  function pick(n: number): Resting | undefined {
    if (resting.size === 0) return undefined;
    let i = n % resting.size;
    for (const r of resting.values()) if (i-- === 0) return r;
    return undefined;
  }

  function cancel(id: string): void {
    const r = resting.get(id);
    if (!r) return;
    resting.delete(id);
    const now = h.clock.now();
    r.order.apply({
      ...ownerOf(r.command),
      type: 'OrderCanceled',
      eventId: h.ids.id(),
      tsEvent: now,
      tsInit: now,
    });
    h.cache.orderUpdated(r.order);
  }

  function fillOrder(order: Order, px: Price): void {
    const now = h.clock.now();
    const inst = h.cache.requireInstrument(order.instrumentId);
    order.apply({
      ...ownerOf(order as unknown as SubmitOrder),
      type: 'OrderFilled',
      eventId: h.ids.id(),
      tsEvent: now,
      tsInit: now,
      venueOrderId: order.venueOrderId ?? VenueOrderId(`V${tradeSeq++}`),
      tradeId: TradeId(`T${tradeSeq++}`),
      side: order.side,
      orderType: order.orderType,
      lastQty: Quantity.from(order.quantity.sub(order.filledQty)),
      lastPx: px,
      fee: Money.zero(inst.quoteCurrency),
      liquiditySide: LiquiditySide.TAKER,
    });
    h.cache.orderUpdated(order);
    h.portfolio.fill(order.accountId, order.botId, order.instrumentId, order.side, order.quantity, px);
    portfolioUpdated(order.accountId, order.botId);
  }

  function portfolioUpdated(accountId: string, botId: string): void {
    h.bus.publish(Topic.PORTFOLIO_UPDATED, accountId, { type: 'PositionChanged', accountId, botId } as never);
  }

  /** What execution and the venue would do with an approval: rest it, or fill it at once. */
  function apply(c: SubmitOrder | ModifyOrder): void {
    if (c.type === 'ModifyOrder') {
      const r = resting.get(c.clientOrderId)!;
      r.order.markPendingUpdate();
      const now = h.clock.now();
      r.order.apply({
        ...ownerOf(r.command),
        type: 'OrderModified',
        eventId: h.ids.id(),
        tsEvent: now,
        tsInit: now,
        quantity: c.quantity ?? r.order.quantity,
        price: c.price,
        triggerPrice: c.triggerPrice,
      });
      h.cache.orderUpdated(r.order);
      return;
    }
    const order = h.rest(c);
    if (restNext.get(c.clientOrderId)) resting.set(c.clientOrderId, { order, command: c });
    else fillOrder(order, c.price ?? c.triggerPrice ?? h.cache.lastPrice(c.instrumentId)!);
    restNext.delete(c.clientOrderId);
  }

  // ---- independent verification ------------------------------------------------------------------

  /** Returns the first broken limit, or undefined. Straight arithmetic over this test's own records. */
  function verify(c: SubmitOrder | ModifyOrder): string | undefined {
    const now = h.clock.now();
    const self = resting.get(c.clientOrderId);
    const isModify = c.type === 'ModifyOrder';
    const side = isModify ? self!.order.side : c.side;
    const quantity = big(isModify ? (c.quantity ?? self!.order.quantity) : c.quantity);
    const price = isModify ? (c.price ?? self!.order.price) : c.price;
    const trigger = isModify ? (c.triggerPrice ?? self!.order.triggerPrice) : c.triggerPrice;
    const inst = h.cache.requireInstrument(c.instrumentId);
    const last = big(h.cache.lastPrice(c.instrumentId)!);
    const mult = big(inst.multiplier);
    const ref = price ? big(price) : trigger ? big(trigger) : last;
    const notional = ref.mul(quantity).mul(mult);
    const A = c.accountId;
    const Bot = c.botId;
    const scopes = [
      { key: 'global', limits: cfg.global ?? {} },
      { key: `account:${A}`, limits: cfg.accounts?.[A] ?? {} },
      { key: `bot:${Bot}`, limits: cfg.bots?.[Bot] ?? {} },
    ];

    // stage 1
    const onGrid = (x: N, step: N) => x.mod(step).isZero();
    if (price && !onGrid(big(price), big(inst.tickSize))) return 'tick grid';
    if (trigger && !onGrid(big(trigger), big(inst.tickSize))) return 'tick grid (trigger)';
    if (!onGrid(quantity, big(inst.lotSize))) return 'lot grid';
    if (quantity.lt(big(inst.minQuantity)) || (inst.maxQuantity && quantity.gt(big(inst.maxQuantity))))
      return 'instrument quantity';
    if (inst.minNotional && notional.lt(big(inst.minNotional.amount))) return 'min notional';
    for (const s of scopes) {
      if (s.limits.maxOrderQuantity && quantity.gt(big(s.limits.maxOrderQuantity)))
        return `max order quantity of ${s.key}`;
      if (s.limits.maxOrderNotional && notional.gt(big(s.limits.maxOrderNotional)))
        return `max order notional of ${s.key}`;
    }
    const collar =
      cfg.collarPct === undefined ? big('0.10') : cfg.collarPct === null ? undefined : big(cfg.collarPct);
    if (collar) {
      for (const p of [price, trigger])
        if (p && big(p).sub(last).abs().gt(last.mul(collar))) return 'price collar';
    }
    const ir = cfg.instrumentSubmitRate;
    if (ir && inWindow(stage1Passes.get(c.instrumentId), now, ir.windowNs) > ir.count)
      return 'instrument submit rate';

    // stage 2: states and what reduces
    const others = [...resting.values()].filter((r) => r.order.clientOrderId !== c.clientOrderId);
    const sameSide = (bot?: string) =>
      others
        .filter(
          (r) =>
            r.order.accountId === A &&
            r.order.instrumentId === c.instrumentId &&
            r.order.side === side &&
            (bot === undefined || r.order.botId === bot),
        )
        .reduce((s, r) => s.add(big(r.order.quantity)), ZERO);
    const netAccount = big(h.portfolio.netQty(A, c.instrumentId));
    const netBot = big(h.portfolio.netQty(A, c.instrumentId, Bot));
    const reduces = (net: N, open: N) =>
      !net.isZero() && (side === OrderSide.SELL) === net.gt(0) && quantity.add(open).lte(net.abs());
    const reducesAccount = reduces(netAccount, sameSide());
    const reducesBot = reduces(netBot, sameSide(Bot));
    for (const s of scopes) {
      const state = states.get(s.key) ?? TradingState.ACTIVE;
      if (state === TradingState.HALTED) return `HALTED state of ${s.key}`;
      if (state === TradingState.REDUCING && !(s.key.startsWith('bot:') ? reducesBot : reducesAccount))
        return `REDUCING state of ${s.key}`;
    }

    for (const s of scopes) {
      const cap = s.limits.dailyLossCap;
      if (cap) {
        const pnl = big(h.portfolio.totalPnl(scopeOf(s.key))!);
        if (pnl.neg().gt(big(cap))) return `daily loss cap of ${s.key}`;
      }
      const max = s.limits.maxOpenOrders;
      if (!isModify && max !== undefined) {
        const n = others.filter(
          (r) =>
            s.key === 'global' ||
            (s.key.startsWith('bot:') ? r.order.botId === Bot : r.order.accountId === A),
        ).length;
        if (n + 1 > max) return `max open orders of ${s.key}`;
      }
      const rate = s.limits.maxSubmitRate;
      if (rate && inWindow(approvals.get(s.key), now, rate.windowNs) + 1 > rate.count)
        return `submit rate of ${s.key}`;
    }

    const valueOf = (r: Resting) => {
      const i = h.cache.requireInstrument(r.order.instrumentId);
      const p = r.order.price ?? r.order.triggerPrice ?? h.cache.lastPrice(r.order.instrumentId)!;
      return big(p).mul(big(r.order.quantity)).mul(big(i.multiplier));
    };
    const accountGross = big(h.portfolio.grossExposure(A)!);
    const botGross = big(h.portfolio.grossExposure(A, Bot)!);
    const equity = big(h.portfolio.equity(A)!);
    for (const s of scopes) {
      const isBot = s.key.startsWith('bot:');
      if (isBot ? reducesBot : reducesAccount) continue;
      const maxPos =
        s.limits.maxPositionQty?.perInstrument?.[c.instrumentId] ?? s.limits.maxPositionQty?.default;
      if (maxPos) {
        const add = quantity.add(sameSide(isBot ? Bot : undefined));
        const net = isBot ? netBot : netAccount;
        const resulting = side === OrderSide.BUY ? net.add(add) : net.sub(add);
        if (resulting.abs().gt(big(maxPos))) return `max position of ${s.key}`;
      }
      const gross = isBot ? botGross : accountGross;
      if (
        s.limits.maxLeverage &&
        (!equity.gt(0) || gross.add(notional).gt(big(s.limits.maxLeverage).mul(equity)))
      ) {
        return `max leverage of ${s.key}`;
      }
      if (s.limits.maxGrossExposure && gross.add(notional).gt(big(s.limits.maxGrossExposure)))
        return `max exposure of ${s.key}`;
      if (isBot && s.limits.budget) {
        const open = others
          .filter((r) => r.order.accountId === A && r.order.botId === Bot)
          .reduce((t, r) => t.add(valueOf(r)), ZERO);
        if (botGross.add(open).add(notional).gt(big(s.limits.budget))) return `budget of ${s.key}`;
      }
    }

    // balance
    if (A === 'cash') {
      if (side === OrderSide.BUY) {
        const open = others
          .filter((r) => r.order.accountId === A && r.order.side === OrderSide.BUY)
          .reduce((t, r) => t.add(valueOf(r).mul(big('1.001'))), ZERO);
        const need = notional.mul(big('1.001')).add(open);
        if (big(h.portfolio.freeBalance(A, 'USDT')!).lt(need)) return 'free USDT';
      } else {
        const base = inst.baseCurrency.code;
        const open = others
          .filter(
            (r) =>
              r.order.accountId === A &&
              r.order.side === OrderSide.SELL &&
              h.cache.requireInstrument(r.order.instrumentId).baseCurrency.code === base,
          )
          .reduce((t, r) => t.add(big(r.order.quantity)), ZERO);
        if (big(h.portfolio.freeBalance(A, base)!).lt(quantity.add(open))) return `free ${base}`;
      }
    } else if (!reducesAccount) {
      let used = ZERO;
      for (const id of ALL_INSTRUMENTS) {
        const net = big(h.portfolio.netQty(A, id));
        const i = h.cache.requireInstrument(id);
        used = used.add(
          net
            .abs()
            .mul(big(h.cache.lastPrice(id)!))
            .mul(big(i.multiplier))
            .mul(big(i.marginInit)),
        );
      }
      for (const r of others) {
        if (r.order.accountId === A)
          used = used.add(valueOf(r).mul(big(h.cache.requireInstrument(r.order.instrumentId).marginInit)));
      }
      if (equity.sub(used).lt(notional.mul(big(inst.marginInit)))) return 'free margin';
    }
    return undefined;
  }
}

function push(map: Map<string, bigint[]>, key: string, t: bigint): void {
  const list = map.get(key);
  if (list) list.push(t);
  else map.set(key, [t]);
}

/** Events at times in (now - window, now]. */
function inWindow(times: bigint[] | undefined, now: bigint, windowNs: bigint): number {
  let n = 0;
  for (const t of times ?? []) if (t > now - windowNs && t <= now) n++;
  return n;
}

function scopeOf(key: string): RiskScope {
  if (key === 'global') return { kind: 'global' };
  const [kind, id] = key.split(':') as [string, string];
  return kind === 'account' ? { kind: 'account', accountId: id } : { kind: 'bot', botId: id };
}

function makeQty(instrument: string, m: number, e: number, offLot: boolean): string {
  const exp = QTY_EXPONENTS[instrument]![e % 3]!;
  const q = Decimal.of(BigInt(m), exp);
  return (offLot ? q.add(Decimal.of(1n, exp + 4)) : q).toString();
}

function makePrice(last: Decimal, tick: Decimal, bp: number, offTick: boolean): string {
  const raw = last.mul(Decimal.of(BigInt(10_000 + bp), 4));
  const p = raw.roundToStep(tick).max(tick);
  return (offTick ? p.add(Decimal.of(tick.units, tick.scale + 1)) : p).toString();
}

function stripUndefined<T extends object>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out as T;
}

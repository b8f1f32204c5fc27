import {
  AccountId,
  AggressorSide,
  BTCUSDT_BINANCE,
  BTCUSDT_PERP_BINANCE,
  BotId,
  ClientOrderId,
  Currencies,
  ETHUSDT_BINANCE,
  LiquiditySide,
  ModelError,
  Money,
  OrderSide,
  OrderType,
  Price,
  Quantity,
  StrategyId,
  TradeId,
  TraderId,
  VN30F1M_HNX,
  VenueOrderId,
  instrumentFromSpec,
  type AccountState,
  type Decimal,
  type Instrument,
  type OrderFilled,
  type PositionEvent,
} from '@qubit/model';
import { beforeEach, describe, expect, it } from 'vitest';
import { MessageBus, type BusMessage, type DeadLetter } from '../bus/message-bus.js';
import { Topic } from '../bus/topics.js';
import { Cache } from '../cache/cache.js';
import { TestClock } from '../clock/test-clock.js';
import { IdGenerator } from '../ids/id-generator.js';
import { Portfolio } from './portfolio.js';

const spot = instrumentFromSpec(BTCUSDT_BINANCE);
const eth = instrumentFromSpec(ETHUSDT_BINANCE);
const perp = instrumentFromSpec(BTCUSDT_PERP_BINANCE);
const vn30 = instrumentFromSpec(VN30F1M_HNX);

interface FillArgs {
  readonly account?: string;
  readonly bot?: string;
  readonly instrument: Instrument;
  readonly side: 'BUY' | 'SELL';
  readonly qty: string;
  readonly px: string;
  readonly fee?: string;
  readonly tradeId?: string;
  readonly ts?: bigint;
}

let bus: MessageBus;
let cache: Cache;
let clock: TestClock;
let portfolio: Portfolio;
let updates: BusMessage[];
let dead: DeadLetter[];
let tradeSeq = 0;

function makeFill(a: FillArgs): OrderFilled {
  tradeSeq++;
  const ts = a.ts ?? clock.now();
  return {
    type: 'OrderFilled',
    eventId: `fill-${tradeSeq}`,
    traderId: TraderId('QUBIT-001'),
    accountId: AccountId(a.account ?? 'BINANCE-futures'),
    botId: BotId(a.bot ?? 'bot-a'),
    strategyId: StrategyId('sma-cross'),
    instrumentId: a.instrument.id,
    clientOrderId: ClientOrderId(`O-${tradeSeq}`),
    venueOrderId: VenueOrderId(`V-${tradeSeq}`),
    tradeId: TradeId(a.tradeId ?? `T-${tradeSeq}`),
    side: a.side === 'BUY' ? OrderSide.BUY : OrderSide.SELL,
    orderType: OrderType.LIMIT,
    lastQty: Quantity.from(a.qty),
    lastPx: Price.from(a.px),
    fee: Money.of(a.fee ?? '0', a.instrument.settlementCurrency),
    liquiditySide: LiquiditySide.TAKER,
    tsEvent: ts,
    tsInit: ts,
  };
}

function fill(a: FillArgs): OrderFilled {
  const f = makeFill(a);
  bus.publish(Topic.ORDERS_FILLS, f.accountId, f);
  return f;
}

function mark(instrument: Instrument, px: string): void {
  cache.onTrade({
    type: 'TradeTick',
    instrumentId: instrument.id,
    price: Price.from(px),
    size: Quantity.from('1'),
    aggressorSide: AggressorSide.BUYER,
    tradeId: TradeId(`M-${px}`),
    tsEvent: clock.now(),
    tsInit: clock.now(),
  });
}

const str = (d: Decimal | undefined): string | undefined => d?.normalize().toString();
const types = (): string[] => updates.map((m) => m.type);
const positionEvents = (): PositionEvent[] =>
  updates.filter((m) => m.type !== 'AccountState') as PositionEvent[];
const accountStates = (): AccountState[] =>
  updates.filter((m) => m.type === 'AccountState') as AccountState[];

function thrown(fn: () => unknown): ModelError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ModelError) return e;
    throw new Error(`expected a ModelError, got ${String(e)}`);
  }
  throw new Error('expected the call to throw');
}

beforeEach(() => {
  bus = new MessageBus();
  cache = new Cache();
  clock = new TestClock(1_000n);
  for (const i of [spot, eth, perp, vn30]) cache.addInstrument(i);
  portfolio = new Portfolio({ bus, cache, clock, ids: new IdGenerator('pf') });
  portfolio.start();
  portfolio.registerAccount({
    accountId: 'BINANCE-futures',
    accountType: 'MARGIN',
    baseCurrency: Currencies.USDT,
    balances: [Money.of('10000', Currencies.USDT)],
  });
  portfolio.registerAccount({
    accountId: 'BINANCE-spot',
    accountType: 'CASH',
    baseCurrency: Currencies.USDT,
    balances: [Money.of('1000', Currencies.USDT)],
  });
  portfolio.registerAccount({
    accountId: 'SSI-deriv',
    accountType: 'MARGIN',
    baseCurrency: Currencies.VND,
    balances: [Money.of('500000000', Currencies.VND)],
  });
  updates = [];
  dead = [];
  bus.subscribe(Topic.PORTFOLIO_UPDATED, 'test', (m) => void updates.push(m));
  bus.subscribe<DeadLetter>(Topic.DEAD_LETTER, 'test', (m) => void dead.push(m));
});

describe('Portfolio positions', () => {
  it('opens, adds to, reduces and closes a long, each fill publishing its position event then an AccountState', () => {
    fill({ instrument: perp, side: 'BUY', qty: '0.100', px: '40000.00', ts: 1_000n });
    fill({ instrument: perp, side: 'BUY', qty: '0.100', px: '41000.00', ts: 2_000n });
    fill({ instrument: perp, side: 'SELL', qty: '0.050', px: '42000.00', ts: 3_000n });
    fill({ instrument: perp, side: 'SELL', qty: '0.150', px: '39000.00', ts: 4_000n });
    expect(types()).toEqual([
      'PositionOpened',
      'AccountState',
      'PositionChanged',
      'AccountState',
      'PositionChanged',
      'AccountState',
      'PositionClosed',
      'AccountState',
    ]);
    const [opened, added, reduced, closed] = positionEvents();
    expect(str(opened!.signedQty)).toBe('0.1');
    expect(added!.avgPxOpen.toString()).toBe('40500.00');
    // 0.05 × (42000 − 40500) = 75
    expect(reduced!.realizedPnl.toString()).toBe('75.00000000 USDT');
    expect(str(reduced!.signedQty)).toBe('0.15');
    // 75 + 0.15 × (39000 − 40500) = −150
    expect(closed).toMatchObject({ type: 'PositionClosed', side: 'FLAT', durationNs: 3_000n });
    expect(closed!.realizedPnl.toString()).toBe('-150.00000000 USDT');
    expect(closed!.avgPxOpen.toString()).toBe('40500.00');
    expect(closed!.positionId).toBe('BTCUSDT-PERP.BINANCE-bot-a');
    const p = portfolio.position('BINANCE-futures', 'bot-a', perp.id)!;
    expect({ qty: str(p.signedQty), cost: str(p.cost), realized: str(p.realizedPnl) }).toEqual({
      qty: '0',
      cost: '0',
      realized: '-150',
    });
    expect(portfolio.positions()).toEqual([]);
  });

  it('opens and covers a short, realizing the gain', () => {
    fill({ instrument: perp, side: 'SELL', qty: '0.200', px: '50000.00' });
    fill({ instrument: perp, side: 'BUY', qty: '0.050', px: '48000.00' });
    const p = portfolio.position('BINANCE-futures', 'bot-a', perp.id)!;
    expect(p.side).toBe('SHORT');
    expect(str(p.signedQty)).toBe('-0.15');
    expect(str(p.cost)).toBe('-7500');
    expect(str(p.realizedPnl)).toBe('100');
    expect(p.avgPxOpen?.toString()).toBe('50000.00');
  });

  it('flips a long into a short with PositionClosed then PositionOpened, before the AccountState', () => {
    fill({ instrument: perp, side: 'BUY', qty: '0.010', px: '40000.00', ts: 1_000n });
    updates = [];
    fill({ instrument: perp, side: 'SELL', qty: '0.030', px: '40100.00', ts: 5_000n });
    expect(types()).toEqual(['PositionClosed', 'PositionOpened', 'AccountState']);
    const [closed, opened] = positionEvents();
    expect(closed).toMatchObject({ side: 'FLAT', durationNs: 4_000n });
    expect(str(closed!.signedQty)).toBe('0');
    expect(closed!.realizedPnl.toString()).toBe('1.00000000 USDT');
    expect(opened).toMatchObject({ side: 'SHORT', tsEvent: 5_000n });
    expect(str(opened!.signedQty)).toBe('-0.02');
    expect(opened!.avgPxOpen.toString()).toBe('40100.00');
    expect(portfolio.position('BINANCE-futures', 'bot-a', perp.id)?.openedAt).toBe(5_000n);
  });

  it('applies the multiplier to realized and unrealized PnL (VN30F1M, 100,000 VND a point)', () => {
    fill({ account: 'SSI-deriv', instrument: vn30, side: 'BUY', qty: '2', px: '1250.3', fee: '2700' });
    fill({ account: 'SSI-deriv', instrument: vn30, side: 'SELL', qty: '1', px: '1252.1', fee: '2700' });
    mark(vn30, '1249.9');
    const p = portfolio.position('SSI-deriv', 'bot-a', vn30.id)!;
    expect(str(p.realizedPnl)).toBe('180000');
    expect(str(p.unrealizedPnl)).toBe('-40000');
    expect(str(p.fees)).toBe('5400');
    expect(str(portfolio.totalPnl({ kind: 'account', accountId: 'SSI-deriv' }))).toBe('134600');
    // Margin wallet moves by realized PnL minus fees.
    expect(str(portfolio.balance('SSI-deriv', 'VND'))).toBe(String(500_000_000 + 180_000 - 5_400));
  });

  it('reads the mark lazily from the cache, without publishing on a price change', () => {
    fill({ instrument: perp, side: 'BUY', qty: '1.000', px: '40000.00' });
    expect(portfolio.position('BINANCE-futures', 'bot-a', perp.id)!.unrealizedPnl).toBeUndefined();
    updates = [];
    mark(perp, '40100.00');
    expect(str(portfolio.position('BINANCE-futures', 'bot-a', perp.id)!.unrealizedPnl)).toBe('100');
    mark(perp, '39900.00');
    expect(str(portfolio.unrealizedPnl({ kind: 'bot', botId: 'bot-a' }))).toBe('-100');
    expect(updates).toEqual([]);
  });

  it('keeps separate sub-ledgers for two bots on one account and sums them for account queries', () => {
    fill({ bot: 'bot-a', instrument: perp, side: 'BUY', qty: '0.300', px: '40000.00', fee: '6' });
    fill({ bot: 'bot-b', instrument: perp, side: 'SELL', qty: '0.100', px: '40200.00', fee: '2' });
    mark(perp, '40100.00');
    expect(str(portfolio.netQty('BINANCE-futures', perp.id, 'bot-a'))).toBe('0.3');
    expect(str(portfolio.netQty('BINANCE-futures', perp.id, 'bot-b'))).toBe('-0.1');
    expect(str(portfolio.netQty('BINANCE-futures', perp.id))).toBe('0.2');
    expect(str(portfolio.exposure('BINANCE-futures', perp.id, 'bot-b'))).toBe('4010');
    expect(str(portfolio.exposure('BINANCE-futures', perp.id))).toBe('8020');
    expect(str(portfolio.grossExposure('BINANCE-futures', 'bot-a'))).toBe('12030');
    // bot-a: 0.3 × 100 − 6 = 24; bot-b: −0.1 × (40100 − 40200) − 2 = 8
    expect(str(portfolio.totalPnl({ kind: 'bot', botId: 'bot-a' }))).toBe('24');
    expect(str(portfolio.totalPnl({ kind: 'bot', botId: 'bot-b' }))).toBe('8');
    expect(str(portfolio.totalPnl({ kind: 'account', accountId: 'BINANCE-futures' }))).toBe('32');
    expect(portfolio.positions({ accountId: 'BINANCE-futures' }).map((p) => p.botId)).toEqual([
      'bot-a',
      'bot-b',
    ]);
    expect(portfolio.positions({ botId: 'bot-b' }).map((p) => p.side)).toEqual(['SHORT']);
  });

  it('gives bot contexts a PositionView, flat for an instrument the bot never traded', () => {
    const flat = portfolio.positionView('BINANCE-futures', 'bot-a', perp.id);
    expect(flat.side).toBe('FLAT');
    expect(flat.avgPx).toBeUndefined();
    expect(flat.realizedPnl.toString()).toBe('0.00000000 USDT');
    fill({ instrument: perp, side: 'BUY', qty: '0.010', px: '40000.00', fee: '0.2' });
    mark(perp, '40500.00');
    const v = portfolio.positionView('BINANCE-futures', 'bot-a', perp.id);
    expect(v.side).toBe('LONG');
    expect(v.avgPx?.toString()).toBe('40000.00');
    expect(v.unrealizedPnl.toString()).toBe('5.00000000 USDT');
    expect(v.fees.toString()).toBe('0.20000000 USDT');
    expect(() => portfolio.positionView('BINANCE-futures', 'bot-a', 'NOPE.BINANCE')).toThrow(
      /unknown instrument/,
    );
  });
});

describe('Portfolio idempotency and refusals', () => {
  it('ignores a fill seen again with the same venue and trade id', () => {
    const f = fill({ instrument: perp, side: 'BUY', qty: '0.100', px: '40000.00' });
    const before = portfolio.position('BINANCE-futures', 'bot-a', perp.id);
    updates = [];
    expect(portfolio.applyFill(f)).toBe('duplicate');
    const again: OrderFilled = { ...f, eventId: 'again' };
    bus.publish(Topic.ORDERS_FILLS, f.accountId, again);
    expect(updates).toEqual([]);
    expect(portfolio.position('BINANCE-futures', 'bot-a', perp.id)).toEqual(before);
  });

  it('applies the same trade id from another venue', () => {
    fill({ instrument: perp, side: 'BUY', qty: '0.100', px: '40000.00', tradeId: 'T-1' });
    const other = instrumentFromSpec({ ...BTCUSDT_PERP_BINANCE, id: 'BTCUSDT-PERP.BYBIT' });
    cache.addInstrument(other);
    expect(
      portfolio.applyFill(
        makeFill({ instrument: other, side: 'BUY', qty: '0.100', px: '1.00', tradeId: 'T-1' }),
      ),
    ).toBe('applied');
    expect(str(portfolio.netQty('BINANCE-futures', other.id))).toBe('0.1');
  });

  it('refuses a fill for an unknown account with a ModelError, sent to dead.letter by the bus', () => {
    const e = thrown(() =>
      portfolio.applyFill(makeFill({ account: 'nobody', instrument: perp, side: 'BUY', qty: '1', px: '1' })),
    );
    expect(e.field).toBe('fill.accountId');
    expect(e.message).toMatch(/unknown account nobody/);
    fill({ account: 'nobody', instrument: perp, side: 'BUY', qty: '1', px: '1' });
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({
      topic: Topic.ORDERS_FILLS,
      group: 'portfolio',
      messageType: 'OrderFilled',
    });
    expect(dead[0]!.error).toMatch(/fill.accountId: unknown account nobody/);
    expect(updates).toEqual([]);
  });

  it('refuses a fill for an instrument the cache does not know', () => {
    const ghost = instrumentFromSpec({ ...BTCUSDT_PERP_BINANCE, id: 'GHOST.BINANCE' });
    const e = thrown(() =>
      portfolio.applyFill(makeFill({ instrument: ghost, side: 'BUY', qty: '1', px: '1' })),
    );
    expect(e.field).toBe('fill.instrumentId');
    expect(e.message).toMatch(/unknown instrument GHOST.BINANCE/);
  });

  it('refuses off-grid quantities and prices, foreign fee currencies and mismatched accounts, changing nothing', () => {
    fill({ instrument: perp, side: 'BUY', qty: '0.100', px: '40000.00' });
    const before = portfolio.position('BINANCE-futures', 'bot-a', perp.id);
    const balance = portfolio.balance('BINANCE-futures', 'USDT');
    const cases: [() => OrderFilled, string, RegExp][] = [
      [
        () => makeFill({ instrument: perp, side: 'BUY', qty: '0.0005', px: '40000.00' }),
        'fill.lastQty',
        /lot size/,
      ],
      [
        () => makeFill({ instrument: perp, side: 'BUY', qty: '0.001', px: '40000.05' }),
        'fill.lastPx',
        /tick grid/,
      ],
      [
        () => ({
          ...makeFill({ instrument: perp, side: 'BUY', qty: '0.001', px: '1.00' }),
          fee: Money.of('1', Currencies.BTC),
        }),
        'fill.fee.currency',
        /fee in BTC but BTCUSDT-PERP.BINANCE settles in USDT/,
      ],
      [
        () => ({
          ...makeFill({ instrument: perp, side: 'BUY', qty: '0.001', px: '1.00' }),
          side: 'HOLD' as never,
        }),
        'fill.side',
        /not BUY or SELL/,
      ],
      [
        () => makeFill({ account: 'BINANCE-spot', instrument: perp, side: 'BUY', qty: '0.001', px: '1.00' }),
        'fill.instrumentId',
        /CASH account/,
      ],
      [
        () => makeFill({ account: 'SSI-deriv', instrument: perp, side: 'BUY', qty: '0.001', px: '1.00' }),
        'fill.instrumentId',
        /settles in USDT but margin account SSI-deriv is in VND/,
      ],
    ];
    for (const [make, field, message] of cases) {
      const e = thrown(() => portfolio.applyFill(make()));
      expect(e.field).toBe(field);
      expect(e.message).toMatch(message);
    }
    expect(portfolio.position('BINANCE-futures', 'bot-a', perp.id)).toEqual(before);
    expect(portfolio.balance('BINANCE-futures', 'USDT')).toEqual(balance);
    expect(portfolio.position('BINANCE-spot', 'bot-a', perp.id)).toBeUndefined();
  });

  it('accepts a zero fee labelled in another currency', () => {
    const f = {
      ...makeFill({ instrument: perp, side: 'BUY', qty: '0.001', px: '1.00' }),
      fee: Money.zero(Currencies.BTC),
    };
    expect(portfolio.applyFill(f)).toBe('applied');
    expect(str(portfolio.fees({ kind: 'bot', botId: 'bot-a' }))).toBe('0');
  });

  it('stops consuming fills after stop()', () => {
    portfolio.stop();
    fill({ instrument: perp, side: 'BUY', qty: '0.100', px: '40000.00' });
    expect(updates).toEqual([]);
    expect(str(portfolio.netQty('BINANCE-futures', perp.id))).toBe('0');
  });

  it('sends a message of another type on orders.fills to dead.letter', () => {
    bus.publish(Topic.ORDERS_FILLS, 'BINANCE-futures', { type: 'OrderAccepted' });
    expect(dead[0]?.error).toMatch(/consumes OrderFilled/);
  });

  it('refuses to register an account twice, naming it, and checks the registration', () => {
    const again = thrown(() =>
      portfolio.registerAccount({
        accountId: 'BINANCE-spot',
        accountType: 'CASH',
        baseCurrency: Currencies.USDT,
        balances: [],
      }),
    );
    expect(again.field).toBe('accountId');
    expect(again.message).toMatch(/account BINANCE-spot is already registered/);
    const badType = thrown(() =>
      portfolio.registerAccount({
        accountId: 'x',
        accountType: 'SPOT' as never,
        baseCurrency: Currencies.USDT,
        balances: [],
      }),
    );
    expect(badType.field).toBe('accountType');
    const twice = thrown(() =>
      portfolio.registerAccount({
        accountId: 'x',
        accountType: 'CASH',
        baseCurrency: Currencies.USDT,
        balances: [Money.of('1', Currencies.BTC), Money.of('2', Currencies.BTC)],
      }),
    );
    expect(twice.field).toBe('balances[1]');
    const negative = thrown(() =>
      portfolio.registerAccount({
        accountId: 'x',
        accountType: 'CASH',
        baseCurrency: Currencies.USDT,
        balances: [Money.of('-1', Currencies.USDT)],
      }),
    );
    expect(negative.message).toMatch(/negative/);
    const badBase = thrown(() =>
      portfolio.registerAccount({
        accountId: 'x',
        accountType: 'CASH',
        baseCurrency: { code: 'usdt', precision: 2 },
        balances: [],
      }),
    );
    expect(badBase.field).toBe('baseCurrency');
    expect(portfolio.hasAccount('x')).toBe(false);
  });
});

describe('Portfolio balances and equity', () => {
  it('moves cash balances on spot fills: quote pays notional and fee, base asset arrives', () => {
    fill({
      account: 'BINANCE-spot',
      instrument: spot,
      side: 'BUY',
      qty: '0.01000',
      px: '40000.00',
      fee: '0.4',
    });
    expect(str(portfolio.balance('BINANCE-spot', 'USDT'))).toBe('599.6');
    expect(str(portfolio.balance('BINANCE-spot', 'BTC'))).toBe('0.01');
    expect(str(portfolio.freeBalance('BINANCE-spot', 'USDT'))).toBe('599.6');
    expect(str(portfolio.freeBalance('BINANCE-spot', 'ETH'))).toBe('0');
    // BTC held and no mark yet: equity unknown, so risk fails closed.
    expect(portfolio.equity('BINANCE-spot')).toBeUndefined();
    mark(spot, '41000.00');
    expect(str(portfolio.equity('BINANCE-spot'))).toBe('1009.6');
    fill({
      account: 'BINANCE-spot',
      instrument: spot,
      side: 'SELL',
      qty: '0.00400',
      px: '42000.00',
      fee: '0.168',
    });
    expect(str(portfolio.balance('BINANCE-spot', 'USDT'))).toBe('767.432');
    expect(str(portfolio.balance('BINANCE-spot', 'BTC'))).toBe('0.006');
    expect(str(portfolio.equity('BINANCE-spot'))).toBe('1013.432');
    // Realized on the sub-ledger: 0.004 × 2000 = 8; total = 8 + 0.006 × 1000 − 0.568
    expect(str(portfolio.totalPnl({ kind: 'account', accountId: 'BINANCE-spot' }))).toBe('13.432');
    expect(portfolio.marginUsed('BINANCE-spot')?.isZero()).toBe(true);
  });

  it('values a non-base asset at the mark of its spot pair in the published AccountState', () => {
    fill({ account: 'BINANCE-spot', instrument: eth, side: 'BUY', qty: '0.1000', px: '2000.00', fee: '0.2' });
    const state = accountStates().at(-1)!;
    expect(state).toMatchObject({ accountType: 'CASH', baseCurrency: 'USDT', reported: false });
    // No mark in the cache: the fill price stands in for the event.
    expect(state.equity.toString()).toBe('999.80000000 USDT');
    expect(state.balances.map((b) => b.total.toString())).toEqual(['799.80000000 USDT', '0.10000000 ETH']);
    expect(state.balances.every((b) => b.locked.isZero())).toBe(true);
    mark(eth, '2100.00');
    const snapshot = portfolio.account('BINANCE-spot')!;
    expect(snapshot.equity.toString()).toBe('1009.80000000 USDT');
    // A query consumes no event id: the next published state continues the sequence.
    expect(snapshot.eventId).toBe('BINANCE-spot:snapshot:1000');
    fill({ account: 'BINANCE-spot', instrument: eth, side: 'SELL', qty: '0.1000', px: '2100.00' });
    const ids = updates.map((m) => (m as AccountState).eventId);
    expect(ids).toEqual(['pf-0', 'pf-1', 'pf-2', 'pf-3']);
    expect(portfolio.account('nobody')).toBeUndefined();
  });

  it('computes margin: wallet moves by realized minus fees, equity adds unrealized, free subtracts margin used', () => {
    fill({ instrument: perp, side: 'BUY', qty: '0.500', px: '40000.00', fee: '10' });
    mark(perp, '40400.00');
    expect(str(portfolio.balance('BINANCE-futures', 'USDT'))).toBe('9990');
    expect(str(portfolio.equity('BINANCE-futures'))).toBe('10190');
    // 0.5 × 40400 × 0.05
    expect(str(portfolio.marginUsed('BINANCE-futures'))).toBe('1010');
    expect(str(portfolio.freeBalance('BINANCE-futures', 'USDT'))).toBe('9180');
    fill({ instrument: perp, side: 'SELL', qty: '0.200', px: '40600.00', fee: '4' });
    expect(str(portfolio.balance('BINANCE-futures', 'USDT'))).toBe('10106');
    const state = accountStates().at(-1)!;
    // Wallet 10106 + 0.3 × (40400 − 40000) = 10226; margin 0.3 × 40400 × 0.05 = 606
    expect(state.equity.toString()).toBe('10226.00000000 USDT');
    expect(state.marginUsed.toString()).toBe('606.00000000 USDT');
    expect(state.balances).toHaveLength(1);
    expect(state.balances[0]!.total.toString()).toBe('10226.00000000 USDT');
    expect(state.balances[0]!.locked.toString()).toBe('606.00000000 USDT');
    expect(state.balances[0]!.free.toString()).toBe('9620.00000000 USDT');
  });

  it('nets bots per instrument for margin, and answers undefined for an unmarked held instrument', () => {
    fill({ bot: 'bot-a', instrument: perp, side: 'BUY', qty: '0.100', px: '40000.00' });
    fill({ bot: 'bot-b', instrument: perp, side: 'SELL', qty: '0.100', px: '40100.00' });
    // The account is flat: its unrealized (10) needs no mark, and no margin is used.
    expect(str(portfolio.equity('BINANCE-futures'))).toBe('10010');
    expect(str(portfolio.marginUsed('BINANCE-futures'))).toBe('0');
    expect(portfolio.exposure('BINANCE-futures', perp.id, 'bot-a')).toBeUndefined();
    expect(portfolio.grossExposure('BINANCE-futures', 'bot-a')).toBeUndefined();
    expect(portfolio.totalPnl({ kind: 'bot', botId: 'bot-a' })).toBeUndefined();
    // Realized PnL and fees need no mark.
    expect(str(portfolio.realizedPnl({ kind: 'bot', botId: 'bot-a' }))).toBe('0');
    expect(portfolio.unrealizedPnl({ kind: 'bot', botId: 'bot-a' })).toBeUndefined();
    fill({ bot: 'bot-b', instrument: perp, side: 'SELL', qty: '0.100', px: '40100.00' });
    expect(portfolio.equity('BINANCE-futures')).toBeUndefined();
    expect(portfolio.freeBalance('BINANCE-futures', 'USDT')).toBeUndefined();
  });

  it('answers per scope and refuses to add up accounts in different base currencies', () => {
    fill({ instrument: perp, side: 'BUY', qty: '0.100', px: '40000.00', fee: '1' });
    fill({ instrument: perp, side: 'SELL', qty: '0.100', px: '40010.00', fee: '1' });
    expect(str(portfolio.realizedPnl({ kind: 'global' }))).toBe('1');
    expect(str(portfolio.fees({ kind: 'global' }))).toBe('2');
    expect(str(portfolio.totalPnl({ kind: 'global' }))).toBe('-1');
    fill({ account: 'SSI-deriv', bot: 'bot-v', instrument: vn30, side: 'BUY', qty: '1', px: '1250.0' });
    expect(portfolio.totalPnl({ kind: 'global' })).toBeUndefined();
    expect(portfolio.totalPnl({ kind: 'account', accountId: 'nobody' })).toBeUndefined();
    expect(str(portfolio.totalPnl({ kind: 'bot', botId: 'never-traded' }))).toBe('0');
    expect(portfolio.equity('nobody')).toBeUndefined();
    expect(portfolio.baseCurrency('SSI-deriv')).toEqual(Currencies.VND);
  });
});

// Shared by the wire tests: the shipped instruments, one sample of every wire message, and a strict
// structural comparison that treats Decimals as equal only with the same value, scale and class.
import { makeBarType } from '../data/bar-type.js';
import { AccountId } from '../identifiers/account-id.js';
import { BotId } from '../identifiers/bot-id.js';
import { ClientOrderId } from '../identifiers/client-order-id.js';
import { InstrumentId } from '../identifiers/instrument-id.js';
import { PositionId } from '../identifiers/position-id.js';
import { StrategyId } from '../identifiers/strategy-id.js';
import { TradeId } from '../identifiers/trade-id.js';
import { TraderId } from '../identifiers/trader-id.js';
import { VenueOrderId } from '../identifiers/venue-order-id.js';
import { instrumentFromSpec, type Instrument } from '../instruments/instrument.js';
import { SHIPPED_INSTRUMENT_SPECS } from '../instruments/specs.js';
import type { OrderOwner } from '../commands/order-spec.js';
import { Currencies } from '../numbers/currency.js';
import { Decimal } from '../numbers/decimal.js';
import { Money } from '../numbers/money.js';
import { Price } from '../numbers/price.js';
import { Quantity } from '../numbers/quantity.js';
import type { DecodeContext } from './schema.js';
import type { WireMessage } from './wire-message.js';

export const INSTRUMENTS: readonly Instrument[] = SHIPPED_INSTRUMENT_SPECS.map((s) => instrumentFromSpec(s));

const byId = new Map(INSTRUMENTS.map((i) => [i.id as string, i]));

export function instrument(id: string): Instrument {
  const found = byId.get(id);
  if (!found) throw new Error(`no shipped instrument ${id}`);
  return found;
}

/** A decode context that knows the shipped instruments, so the tick and lot grids are enforced. */
export const WITH_INSTRUMENTS: DecodeContext = { instruments: (id) => byId.get(id) };

const T0 = 1_700_000_000_000_000_000n;
const BTC = InstrumentId('BTCUSDT.BINANCE');
const PERP = InstrumentId('BTCUSDT-PERP.BINANCE');
const VN30 = InstrumentId('VN30F1M.HNX');

const p = (s: string): Price => Price.from(s);
const q = (s: string): Quantity => Quantity.from(s);

export const OWNER: OrderOwner = {
  traderId: TraderId('QUBIT-001'),
  accountId: AccountId('BINANCE-main'),
  botId: BotId('bot-7'),
  strategyId: StrategyId('sma-cross'),
  instrumentId: BTC,
  clientOrderId: ClientOrderId('Q-bot7-entry-000001'),
};

const VN_OWNER: OrderOwner = {
  ...OWNER,
  accountId: AccountId('SSI-derivatives'),
  instrumentId: VN30,
  clientOrderId: ClientOrderId('Q-bot7-exit-000002'),
};

const eventBase = (n: number, owner: OrderOwner = OWNER) => ({
  ...owner,
  eventId: `evt-${n}`,
  tsEvent: T0 + BigInt(n),
  tsInit: T0 + BigInt(n) + 5n,
});

const position = (n: number) => ({
  eventId: `pos-${n}`,
  traderId: OWNER.traderId,
  accountId: OWNER.accountId,
  botId: OWNER.botId,
  strategyId: OWNER.strategyId,
  instrumentId: PERP,
  positionId: PositionId('BTCUSDT-PERP.BINANCE-bot-7'),
  side: 'SHORT' as const,
  signedQty: Decimal.parse('-0.250'),
  quantity: q('0.250'),
  // An average of fills: finer than the tick on purpose, since it is not held to the grid.
  avgPxOpen: p('42000.1234'),
  realizedPnl: Money.of('-12.5', Currencies.USDT),
  unrealizedPnl: Money.of('3.25', Currencies.USDT),
  fees: Money.of('0.0021', Currencies.USDT),
  lastPx: p('41987.30'),
  tsEvent: T0 + BigInt(n),
  tsInit: T0 + BigInt(n),
});

/** At least one sample of every wire message type, with optional fields both present and absent. */
export function sampleMessages(): WireMessage[] {
  return [
    {
      type: 'TradeTick',
      instrumentId: BTC,
      price: p('42000.10'),
      size: q('0.01500'),
      aggressorSide: 'BUYER',
      tradeId: TradeId('3141592653'),
      tsEvent: T0,
      tsInit: T0 + 1_000n,
    },
    {
      type: 'QuoteTick',
      instrumentId: VN30,
      bidPrice: p('1312.4'),
      askPrice: p('1312.5'),
      bidSize: q('12'),
      askSize: q('3'),
      tsEvent: T0,
      tsInit: T0,
    },
    {
      type: 'Bar',
      barType: makeBarType(PERP, 1, 'MINUTE', 'LAST'),
      open: p('42000.10'),
      high: p('42010.00'),
      low: p('41990.50'),
      close: p('42005.20'),
      volume: q('12.3456'),
      tsEvent: T0 + 60_000_000_000n,
      tsInit: T0 + 60_000_000_001n,
    },
    {
      type: 'OrderBookDeltas',
      instrumentId: BTC,
      deltas: [
        { action: 'ADD', side: 'BUY', price: p('41999.99'), size: q('0.50000') },
        { action: 'UPDATE', side: 'SELL', price: p('42000.01'), size: q('1.25000') },
        { action: 'DELETE', side: 'SELL', price: p('42000.02'), size: q('0') },
      ],
      sequence: 1_234_567,
      tsEvent: T0,
      tsInit: T0,
    },
    {
      type: 'OrderBookDeltas',
      instrumentId: BTC,
      deltas: [],
      sequence: 0,
      tsEvent: T0,
      tsInit: T0,
    },
    {
      type: 'OrderBookSnapshot',
      instrumentId: VN30,
      bids: [
        { price: p('1312.4'), size: q('10') },
        { price: p('1312.3'), size: q('7') },
      ],
      asks: [{ price: p('1312.5'), size: q('4') }],
      sequence: 42,
      tsEvent: T0,
      tsInit: T0,
    },
    {
      type: 'SubmitOrder',
      commandId: 'cmd-1',
      ...OWNER,
      side: 'BUY',
      orderType: 'STOP_LIMIT',
      quantity: q('0.01000'),
      price: p('42100.00'),
      triggerPrice: p('42050.00'),
      timeInForce: 'GTD',
      expireTime: T0 + 86_400_000_000_000n,
      postOnly: false,
      reduceOnly: true,
      reason: 'entry',
      tsInit: T0,
    },
    {
      type: 'SubmitOrder',
      commandId: 'cmd-2',
      ...VN_OWNER,
      side: 'SELL',
      orderType: 'MARKET',
      quantity: q('2'),
      timeInForce: 'IOC',
      postOnly: false,
      reduceOnly: false,
      reason: '',
      tsInit: T0,
    },
    {
      type: 'ModifyOrder',
      commandId: 'cmd-3',
      ...OWNER,
      venueOrderId: VenueOrderId('8389765521'),
      quantity: q('0.02000'),
      price: p('42090.00'),
      triggerPrice: p('42040.00'),
      tsInit: T0,
    },
    { type: 'ModifyOrder', commandId: 'cmd-4', ...OWNER, price: p('42080.50'), tsInit: T0 },
    {
      type: 'CancelOrder',
      commandId: 'cmd-5',
      ...OWNER,
      venueOrderId: VenueOrderId('8389765521'),
      tsInit: T0,
    },
    { type: 'CancelOrder', commandId: 'cmd-6', ...VN_OWNER, tsInit: T0 },
    {
      type: 'CancelAllOrders',
      commandId: 'cmd-7',
      traderId: OWNER.traderId,
      accountId: OWNER.accountId,
      botId: OWNER.botId,
      instrumentId: BTC,
      side: 'SELL',
      reason: 'bot stopping',
      tsInit: T0,
    },
    {
      type: 'CancelAllOrders',
      commandId: 'cmd-8',
      traderId: OWNER.traderId,
      reason: 'kill switch',
      tsInit: T0,
    },
    {
      type: 'OrderInitialized',
      ...eventBase(1),
      side: 'BUY',
      orderType: 'LIMIT',
      quantity: q('0.01000'),
      price: p('42000.00'),
      timeInForce: 'GTC',
      postOnly: true,
      reduceOnly: false,
      reason: 'entry',
    },
    {
      type: 'OrderDenied',
      ...eventBase(2),
      reasonCode: 'NOTIONAL_ABOVE_MAX',
      reason: 'notional 50000 USDT is above the maximum 10000 USDT',
      stage: 2,
    },
    { type: 'OrderSubmitted', ...eventBase(3) },
    { type: 'OrderSubmitted', ...eventBase(4), reconciliation: true },
    { type: 'OrderAccepted', ...eventBase(5), venueOrderId: VenueOrderId('8389765521') },
    {
      type: 'OrderRejected',
      ...eventBase(6),
      reasonCode: 'MIN_NOTIONAL',
      reason: 'Filter failure: NOTIONAL',
    },
    {
      type: 'OrderModified',
      ...eventBase(7),
      venueOrderId: VenueOrderId('8389765521'),
      quantity: q('0.02000'),
      price: p('42010.00'),
      triggerPrice: p('42005.00'),
    },
    { type: 'OrderModified', ...eventBase(8, VN_OWNER), quantity: q('3') },
    { type: 'OrderModifyRejected', ...eventBase(9), reasonCode: 'ORDER_NOT_MODIFIABLE', reason: 'filled' },
    { type: 'OrderCanceled', ...eventBase(10), venueOrderId: VenueOrderId('8389765521') },
    { type: 'OrderCanceled', ...eventBase(11), reconciliation: false },
    {
      type: 'OrderCancelRejected',
      ...eventBase(12),
      reasonCode: 'UNKNOWN_ORDER',
      reason: 'Unknown order sent.',
    },
    { type: 'OrderExpired', ...eventBase(13), venueOrderId: VenueOrderId('8389765521') },
    { type: 'OrderTriggered', ...eventBase(14) },
    {
      type: 'OrderFilled',
      ...eventBase(15),
      venueOrderId: VenueOrderId('8389765521'),
      tradeId: TradeId('3141592653'),
      positionId: PositionId('BTCUSDT.BINANCE-bot-7'),
      side: 'BUY',
      orderType: 'LIMIT',
      lastQty: q('0.00500'),
      lastPx: p('42000.00'),
      fee: Money.of('0.00000500', Currencies.BTC),
      liquiditySide: 'MAKER',
    },
    {
      type: 'OrderFilled',
      ...eventBase(16, VN_OWNER),
      venueOrderId: VenueOrderId('HNX-77'),
      tradeId: TradeId('HNX-T-1'),
      side: 'SELL',
      orderType: 'MARKET',
      lastQty: q('2'),
      lastPx: p('1312.4'),
      fee: Money.of('5400', Currencies.VND),
      liquiditySide: 'TAKER',
    },
    { type: 'PositionOpened', ...position(1) },
    { type: 'PositionChanged', ...position(2) },
    { type: 'PositionClosed', ...position(3), durationNs: 3_600_000_000_000n },
    {
      type: 'AccountState',
      eventId: 'acc-1',
      accountId: OWNER.accountId,
      accountType: 'CASH',
      baseCurrency: 'USDT',
      balances: [
        {
          total: Money.of('1000', Currencies.USDT),
          locked: Money.of('250.5', Currencies.USDT),
          free: Money.of('749.5', Currencies.USDT),
        },
        {
          total: Money.of('0.5', Currencies.BTC),
          locked: Money.zero(Currencies.BTC),
          free: Money.of('0.5', Currencies.BTC),
        },
      ],
      marginUsed: Money.zero(Currencies.USDT),
      equity: Money.of('22000.75', Currencies.USDT),
      reported: true,
      tsEvent: T0,
      tsInit: T0,
    },
    {
      type: 'TradingStateChanged',
      eventId: 'ts-1',
      scope: { kind: 'global' },
      state: 'HALTED',
      previous: 'ACTIVE',
      cause: 'kill_switch',
      reason: 'operator pressed the kill switch',
      tsEvent: T0,
      tsInit: T0,
    },
    {
      type: 'TradingStateChanged',
      eventId: 'ts-2',
      scope: { kind: 'account', accountId: 'BINANCE-main' },
      state: 'REDUCING',
      previous: 'ACTIVE',
      cause: 'daily_loss_cap',
      reason: 'daily loss reached 5 %',
      tsEvent: T0,
      tsInit: T0,
    },
    {
      type: 'TradingStateChanged',
      eventId: 'ts-3',
      scope: { kind: 'bot', botId: 'bot-7' },
      state: 'ACTIVE',
      previous: 'HALTED',
      cause: 'operator',
      reason: 'resumed',
      tsEvent: T0,
      tsInit: T0,
    },
  ];
}

/**
 * The path of the first difference between two values, or undefined when they are the same. Decimals
 * (and Price, Quantity) must have the same class, value and scale; objects the same prototype and the
 * same keys, so a field present as `undefined` differs from an absent one.
 */
export function firstDifference(actual: unknown, expected: unknown, path = '$'): string | undefined {
  if (expected instanceof Decimal) {
    if (!(actual instanceof Decimal) || actual.constructor !== expected.constructor) {
      return `${path}: expected a ${expected.constructor.name}`;
    }
    if (!actual.eq(expected) || actual.scale !== expected.scale)
      return `${path}: ${actual} is not ${expected}`;
    return undefined;
  }
  if (typeof expected !== 'object' || expected === null) {
    return Object.is(actual, expected) ? undefined : `${path}: ${String(actual)} is not ${String(expected)}`;
  }
  if (typeof actual !== 'object' || actual === null)
    return `${path}: expected an object, got ${String(actual)}`;
  if (Object.getPrototypeOf(actual) !== Object.getPrototypeOf(expected))
    return `${path}: different prototypes`;
  if (Array.isArray(expected)) {
    const a = actual as unknown[];
    if (a.length !== expected.length) return `${path}: length ${a.length} is not ${expected.length}`;
    for (let i = 0; i < expected.length; i++) {
      const d = firstDifference(a[i], expected[i], `${path}[${i}]`);
      if (d !== undefined) return d;
    }
    return undefined;
  }
  const a = actual as Record<string, unknown>;
  const e = expected as Record<string, unknown>;
  const keys = new Set([...Object.keys(a), ...Object.keys(e)]);
  for (const k of keys) {
    if (!(k in a)) return `${path}.${k}: missing`;
    if (!(k in e)) return `${path}.${k}: unexpected`;
    const d = firstDifference(a[k], e[k], `${path}.${k}`);
    if (d !== undefined) return d;
  }
  return undefined;
}

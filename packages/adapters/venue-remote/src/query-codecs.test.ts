import type { VenueOrderStatus } from '@qubit/engine';
import {
  AccountId,
  BTCUSDT_BINANCE,
  BotId,
  ClientOrderId,
  Currencies,
  Decimal,
  InstrumentId,
  Money,
  Price,
  Quantity,
  StrategyId,
  TradeId,
  TraderId,
  VenueOrderId,
  instrumentFromSpec,
  type OrderFilled,
} from '@qubit/model';
import { describe, expect, it } from 'vitest';
import { parseClientMessage, parseServerMessage } from './protocol.js';
import {
  decodeBalances,
  decodeFills,
  decodeOpenOrders,
  decodeOrder,
  decodePositions,
  encodeBalances,
  encodeFills,
  encodeOpenOrders,
  encodeOrder,
  encodePositions,
  readSince,
} from './query-codecs.js';

const BTC = instrumentFromSpec(BTCUSDT_BINANCE);
const ctx = { instruments: (id: string) => (id === BTC.id ? BTC : undefined) };

const order: VenueOrderStatus = {
  traderId: TraderId('T-1'),
  accountId: AccountId('ACC-1'),
  botId: BotId('bot-1'),
  strategyId: StrategyId('s-1'),
  instrumentId: InstrumentId('BTCUSDT.BINANCE'),
  clientOrderId: ClientOrderId('O-1'),
  venueOrderId: VenueOrderId('SIM-BINANCE-1'),
  side: 'BUY',
  orderType: 'STOP_LIMIT',
  timeInForce: 'GTD',
  quantity: Quantity.from('0.50000'),
  filledQty: Quantity.from('0.20000'),
  price: Price.from('60000.10'),
  triggerPrice: Price.from('59990.00'),
  triggered: true,
  postOnly: false,
  reduceOnly: true,
  expireTime: 1_700_000_000_123_456_789n,
  status: 'PARTIALLY_FILLED',
  avgPx: Price.from('60000.05'),
};

const through = <T>(v: T): unknown => JSON.parse(JSON.stringify(v)) as unknown;

describe('query codecs', () => {
  it('round-trips an order status and open orders through JSON with decimals and nanos as strings', () => {
    const json = through(encodeOrder(order)) as { order: Record<string, unknown> };
    expect(json.order.expire_time).toBe('1700000000123456789');
    expect(json.order.filled_qty).toBe('0.20000');
    expect(decodeOrder(json, ctx)).toEqual(order);
    const { status: _s, avgPx: _a, ...report } = order;
    expect(decodeOpenOrders(through(encodeOpenOrders([report])), ctx)).toEqual([report]);
  });

  it('round-trips positions, balances and fills', () => {
    const positions = [
      { accountId: order.accountId, instrumentId: order.instrumentId, netQty: Decimal.parse('-0.25000') },
    ];
    expect(decodePositions(through(encodePositions(positions)), ctx)).toEqual(positions);
    const balances = [Money.of('99.5', Currencies.USDT), Money.of('0.001', Currencies.BTC)];
    expect(decodeBalances(through(encodeBalances(balances)), ctx).map(String)).toEqual(balances.map(String));
    const fill: OrderFilled = {
      type: 'OrderFilled',
      traderId: order.traderId,
      accountId: order.accountId,
      botId: order.botId,
      strategyId: order.strategyId,
      instrumentId: order.instrumentId,
      clientOrderId: order.clientOrderId,
      eventId: 'E-1',
      tsEvent: 10n,
      tsInit: 10n,
      venueOrderId: order.venueOrderId,
      tradeId: TradeId('BINANCE-T1'),
      side: 'BUY',
      orderType: 'LIMIT',
      lastQty: Quantity.from('0.20000'),
      lastPx: Price.from('60000.00'),
      fee: Money.of('12', Currencies.USDT),
      liquiditySide: 'MAKER',
    };
    expect(decodeFills(through(encodeFills([fill])), ctx)).toEqual([fill]);
  });

  it('names the offending field of a bad answer', () => {
    const json = through(encodeOrder(order)) as { order: Record<string, unknown> };
    expect(() => decodeOrder({ order: { ...json.order, price: '60000.001' } }, ctx)).toThrow(
      'order.price: 60000.001 is not on the tick grid of BTCUSDT.BINANCE (tick 0.01)',
    );
    expect(() => decodeOrder({ order: { ...json.order, status: 'DENIED' } }, ctx)).toThrow(
      'order.status: "DENIED" is not one of',
    );
    expect(() =>
      decodePositions(
        { positions: [{ account_id: 'A', instrument_id: 'BTCUSDT.BINANCE', net_qty: 'x' }] },
        ctx,
      ),
    ).toThrow('positions[0].net_qty');
    expect(() => decodeFills({ fills: [{ type: 'OrderAccepted' }] }, ctx)).toThrow('fills[0].v');
    expect(() => readSince('-5')).toThrow('since: "-5" is not a whole number of nanoseconds');
    expect(readSince('17')).toBe(17n);
    expect(readSince(null)).toBeUndefined();
  });
});

describe('stream messages', () => {
  it('reads a subscribe and refuses a malformed one, naming the field', () => {
    expect(parseClientMessage('{"kind":"subscribe","accounts":["A-1"],"after":"12"}')).toEqual({
      accounts: new Set(['A-1']),
      after: 12n,
    });
    expect(parseClientMessage('{"kind":"subscribe"}')).toEqual({ accounts: undefined, after: undefined });
    expect(() => parseClientMessage('{"kind":"subscribe","accounts":["bad id"]}')).toThrow(
      'accounts[0]: "bad id" is not a valid AccountId',
    );
    expect(() => parseClientMessage('{"kind":"unsubscribe"}')).toThrow(
      'kind: "unsubscribe" is not a client message (subscribe)',
    );
    expect(() => parseClientMessage('{')).toThrow('message: is not valid JSON');
  });

  it('reads server frames and refuses an unknown kind', () => {
    expect(
      parseServerMessage('{"kind":"hello","venue":"BINANCE","incarnation":"ab","last_seq":"3"}'),
    ).toEqual({
      kind: 'hello',
      venue: 'BINANCE',
      incarnation: 'ab',
      last_seq: '3',
    });
    expect(() => parseServerMessage('{"kind":"report","seq":"1"}')).toThrow('envelope: is required');
    expect(() => parseServerMessage('{"kind":"tick"}')).toThrow('kind: "tick" is not a server message');
  });
});

import {
  AccountId,
  BTCUSDT_BINANCE,
  BotId,
  ClientOrderId,
  Currencies,
  ETHUSDT_BINANCE,
  InstrumentId,
  Money,
  PositionId,
  Price,
  Quantity,
  StrategyId,
  TraderId,
  VenueOrderId,
  type OrderOwner,
} from '@qubit/model';
import { describe, expect, it } from 'vitest';
import { btcMinuteBar, btcTrade } from '../testing/market-data.js';
import { BotMirror } from './bot-mirror.js';

describe('BotMirror', () => {
  it('wakes a bot only for what it follows, and keeps bars and last prices for what it may ask', () => {
    const byTicks = new BotMirror('b-1', [BTCUSDT_BINANCE], { instruments: ['BTCUSDT.BINANCE'] }, 3);
    const snap = byTicks.market(btcTrade('42000.10', 5n));
    expect(snap).toMatchObject({ trigger: 'trade', ts: 5n, instrumentId: 'BTCUSDT.BINANCE' });
    expect(snap?.last?.toString()).toBe('42000.10');
    // A bar of a series it does not follow is kept for ctx.bars but wakes nothing.
    expect(byTicks.market(btcMinuteBar('42001.00', 0))).toBeUndefined();
    expect(byTicks.lastPrice('BTCUSDT.BINANCE')?.toString()).toBe('42001.00');

    const byBars = new BotMirror(
      'b-2',
      [BTCUSDT_BINANCE],
      { instruments: [], barTypes: ['BTCUSDT.BINANCE-1-MINUTE-LAST'] },
      3,
    );
    // Ticks of an instrument followed by bars do not wake it; its bars do.
    expect(byBars.market(btcTrade('42000.10', 5n))).toBeUndefined();
    for (let i = 0; i < 5; i++)
      expect(byBars.market(btcMinuteBar(`${42000 + i}.00`, i))?.trigger).toBe('bar');
    // Only the last `barCapacity` bars are kept, oldest first.
    expect(byBars.barsOf('BTCUSDT.BINANCE-1-MINUTE-LAST').map((b) => b.close.toString())).toEqual([
      '42002.00',
      '42003.00',
      '42004.00',
    ]);
    expect(byBars.barsOf('BTCUSDT.BINANCE-1-MINUTE-LAST', 1)).toHaveLength(1);
  });

  it('answers a flat position and no open orders before any event, and refuses unknown instruments', () => {
    const m = new BotMirror(
      'b-1',
      [BTCUSDT_BINANCE, ETHUSDT_BINANCE],
      { instruments: ['BTCUSDT.BINANCE'] },
      10,
    );
    expect(m.position('ETHUSDT.BINANCE').signedQty.isZero()).toBe(true);
    expect(m.positions()).toEqual([]);
    expect(m.openOrders()).toEqual([]);
    expect(() => m.instrument('XRPUSDT.BINANCE')).toThrow(
      'instrumentId: instrument XRPUSDT.BINANCE is not known to bot b-1',
    );
    expect(() => m.ownOpenOrder('nope')).toThrow('client_order_id: nope is not an order of bot b-1');
    expect(() => m.equity()).toThrow("account_id: equity of bot b-1's account is unknown");
    expect(() => new BotMirror('b-1', [], { instruments: ['BTCUSDT.BINANCE'] }, 10)).toThrow(
      'subscriptions: instrument BTCUSDT.BINANCE is not known to bot b-1',
    );
  });
});

const OWNER: OrderOwner = {
  traderId: TraderId('TRADER-001'),
  accountId: AccountId('SIM-001'),
  botId: BotId('b-1'),
  strategyId: StrategyId('echo'),
  instrumentId: InstrumentId('BTCUSDT.BINANCE'),
  clientOrderId: ClientOrderId('b-1-EN-1-0'),
};
const at = (n: number) => ({ eventId: `e-${n}`, tsEvent: BigInt(n), tsInit: BigInt(n) });

describe('BotMirror events', () => {
  it('follows the bot’s own orders from their events and its position from position events', () => {
    const m = new BotMirror('b-1', [BTCUSDT_BINANCE], { instruments: ['BTCUSDT.BINANCE'] }, 10);
    m.event({
      type: 'OrderInitialized',
      ...OWNER,
      ...at(1),
      side: 'BUY',
      orderType: 'LIMIT',
      quantity: Quantity.from('0.01000'),
      price: Price.from('41000.00'),
      timeInForce: 'GTC',
      postOnly: false,
      reduceOnly: false,
      reason: 'entry',
    });
    m.event({ type: 'OrderSubmitted', ...OWNER, ...at(2) });
    m.event({ type: 'OrderAccepted', ...OWNER, ...at(3), venueOrderId: VenueOrderId('v-1') });
    expect(m.openOrders('BTCUSDT.BINANCE')).toMatchObject([
      { clientOrderId: 'b-1-EN-1-0', status: 'ACCEPTED' },
    ]);
    expect(m.ownOpenOrder('b-1-EN-1-0').price?.toString()).toBe('41000.00');
    m.event({ type: 'OrderCanceled', ...OWNER, ...at(4) });
    expect(m.openOrders()).toEqual([]);

    const usdt = (v: string) => Money.of(v, Currencies.USDT);
    m.event({
      type: 'PositionOpened',
      eventId: 'p-1',
      traderId: OWNER.traderId,
      accountId: OWNER.accountId,
      botId: OWNER.botId,
      strategyId: OWNER.strategyId,
      instrumentId: OWNER.instrumentId,
      positionId: PositionId('BTCUSDT.BINANCE-b-1'),
      side: 'LONG',
      signedQty: Quantity.from('0.01000'),
      quantity: Quantity.from('0.01000'),
      avgPxOpen: Price.from('42000.00'),
      realizedPnl: usdt('0'),
      unrealizedPnl: usdt('1.5'),
      fees: usdt('0.42'),
      lastPx: Price.from('42150.00'),
      tsEvent: 5n,
      tsInit: 5n,
    });
    expect(m.position('BTCUSDT.BINANCE')).toMatchObject({ side: 'LONG' });
    expect(m.position('BTCUSDT.BINANCE').signedQty.toString()).toBe('0.01000');
    expect(m.positions()).toHaveLength(1);
    expect(() => m.event({ type: 'OrderSubmitted', ...OWNER, botId: BotId('other'), ...at(6) })).toThrow(
      'event.botId: other is not bot b-1',
    );
  });
});

import {
  AccountId,
  BTCUSDT_BINANCE,
  BotId,
  ClientOrderId,
  Decimal,
  ModelError,
  OrderSide,
  OrderType,
  StrategyId,
  TimeInForce,
  TraderId,
  instrumentFromSpec,
  type Instrument,
  type OrderIntent,
} from '@qubit/model';
import { describe, expect, it } from 'vitest';
import { intentToCommand, type IntentOwner } from './intent-to-command.js';

const BTC = instrumentFromSpec(BTCUSDT_BINANCE);
const OWNER: IntentOwner = {
  traderId: TraderId('TESTER'),
  accountId: AccountId('SIM-001'),
  botId: BotId('bot-1'),
  strategyId: StrategyId('test'),
};
const lookup = (id: string): Instrument | undefined => (id === BTC.id ? BTC : undefined);

function convert(intent: OrderIntent) {
  const ids: [string, string][] = [];
  const command = intentToCommand(
    intent,
    OWNER,
    lookup,
    (botId, reason) => {
      ids.push([botId, reason]);
      return ClientOrderId(`O-${ids.length}`);
    },
    'cmd-1',
    123n,
  );
  return { command, ids };
}

/** The ModelError an intent is refused with, and proof that no client order id was spent on it. */
function refusal(intent: unknown): ModelError {
  let spent = 0;
  try {
    intentToCommand(
      intent as OrderIntent,
      OWNER,
      lookup,
      () => {
        spent++;
        return ClientOrderId('never');
      },
      'cmd-x',
      1n,
    );
  } catch (e) {
    expect(spent).toBe(0);
    if (e instanceof ModelError) return e;
    throw e;
  }
  throw new Error(`expected ${JSON.stringify(intent)} to be refused`);
}

const MARKET_BUY: OrderIntent = { instrumentId: BTC.id, side: OrderSide.BUY, quantity: '0.01' };
const LIMIT_BUY: OrderIntent = { ...MARKET_BUY, orderType: OrderType.LIMIT, price: '42000.00' };

describe('intentToCommand', () => {
  it('turns a market intent into a SubmitOrder with the defaults filled in', () => {
    const { command, ids } = convert(MARKET_BUY);
    expect(ids).toEqual([['bot-1', 'signal']]);
    expect(command).toMatchObject({
      type: 'SubmitOrder',
      commandId: 'cmd-1',
      traderId: 'TESTER',
      accountId: 'SIM-001',
      botId: 'bot-1',
      strategyId: 'test',
      instrumentId: 'BTCUSDT.BINANCE',
      clientOrderId: 'O-1',
      side: 'BUY',
      orderType: 'MARKET',
      timeInForce: 'IOC',
      postOnly: false,
      reduceOnly: false,
      reason: 'signal',
      tsInit: 123n,
    });
    expect(command.quantity.toString()).toBe('0.01');
    expect(command.price).toBeUndefined();
    expect(command.triggerPrice).toBeUndefined();
  });

  it('defaults a LIMIT order to GTC and keeps its price', () => {
    const { command } = convert(LIMIT_BUY);
    expect(command.timeInForce).toBe(TimeInForce.GTC);
    expect(command.price?.toString()).toBe('42000.00');
  });

  it('defaults stop orders to GTC and keeps price and trigger', () => {
    const stopLimit = convert({
      ...MARKET_BUY,
      orderType: OrderType.STOP_LIMIT,
      price: '42010.00',
      triggerPrice: '42000.00',
    }).command;
    expect(stopLimit.timeInForce).toBe(TimeInForce.GTC);
    expect(stopLimit.price?.toString()).toBe('42010.00');
    expect(stopLimit.triggerPrice?.toString()).toBe('42000.00');
    const stopMarket = convert({
      ...MARKET_BUY,
      orderType: OrderType.STOP_MARKET,
      triggerPrice: 41000,
    }).command;
    expect(stopMarket.triggerPrice?.toString()).toBe('41000');
    expect(stopMarket.price).toBeUndefined();
  });

  it('takes quantities as strings, numbers and Decimals, and keeps explicit options', () => {
    expect(convert({ ...MARKET_BUY, quantity: 0.5 }).command.quantity.toString()).toBe('0.5');
    expect(convert({ ...MARKET_BUY, quantity: Decimal.from('1.25') }).command.quantity.toString()).toBe(
      '1.25',
    );
    const { command, ids } = convert({
      ...LIMIT_BUY,
      side: OrderSide.SELL,
      timeInForce: TimeInForce.GTD,
      expireTime: 999n,
      postOnly: true,
      reduceOnly: true,
      reason: 'take_profit',
    });
    expect(ids).toEqual([['bot-1', 'take_profit']]);
    expect(command).toMatchObject({
      side: 'SELL',
      timeInForce: 'GTD',
      expireTime: 999n,
      postOnly: true,
      reduceOnly: true,
      reason: 'take_profit',
    });
  });

  it('refuses an intent that is not an object', () => {
    expect(refusal(null).field).toBe('intent');
    expect(refusal('BUY 1 BTC').field).toBe('intent');
  });

  it('refuses an unknown instrument, naming it', () => {
    const e = refusal({ ...MARKET_BUY, instrumentId: 'DOGE.BINANCE' });
    expect(e.field).toBe('intent.instrumentId');
    expect(e.message).toContain('DOGE.BINANCE');
  });

  it('refuses a side that is not BUY or SELL', () => {
    for (const side of ['buy', 'LONG', undefined]) {
      const e = refusal({ ...MARKET_BUY, side });
      expect(e.field).toBe('intent.side');
    }
  });

  it('refuses an unknown order type', () => {
    const e = refusal({ ...MARKET_BUY, orderType: 'ICEBERG' });
    expect(e.field).toBe('intent.orderType');
    expect(e.message).toContain('ICEBERG');
  });

  it('refuses a zero, negative or non-numeric quantity', () => {
    expect(refusal({ ...MARKET_BUY, quantity: '0' }).field).toBe('intent.quantity');
    expect(refusal({ ...MARKET_BUY, quantity: 0 }).message).toMatch(/must be positive/);
    expect(refusal({ ...MARKET_BUY, quantity: '-1' }).field).toBe('intent.quantity');
    expect(refusal({ ...MARKET_BUY, quantity: 'lots' }).field).toBe('intent.quantity');
    expect(refusal({ ...MARKET_BUY, quantity: undefined }).field).toBe('intent.quantity');
    expect(refusal({ ...MARKET_BUY, quantity: { amount: 1 } }).field).toBe('intent.quantity');
  });

  it('refuses a LIMIT without a price and a MARKET with one', () => {
    const noPrice = refusal({ ...MARKET_BUY, orderType: OrderType.LIMIT });
    expect(noPrice.field).toBe('intent.price');
    expect(noPrice.message).toMatch(/required for LIMIT/);
    const marketWithPrice = refusal({ ...MARKET_BUY, price: '42000.00' });
    expect(marketWithPrice.field).toBe('intent.price');
    expect(marketWithPrice.message).toMatch(/not allowed for MARKET/);
    expect(
      refusal({ ...MARKET_BUY, orderType: OrderType.STOP_MARKET, triggerPrice: '1', price: '1' }).field,
    ).toBe('intent.price');
  });

  it('refuses a stop order without a trigger price', () => {
    expect(refusal({ ...MARKET_BUY, orderType: OrderType.STOP_MARKET }).field).toBe('intent.triggerPrice');
    expect(refusal({ ...LIMIT_BUY, orderType: OrderType.STOP_LIMIT }).field).toBe('intent.triggerPrice');
  });

  it('refuses a price or trigger that is zero, negative or not a number', () => {
    expect(refusal({ ...LIMIT_BUY, price: '0' }).field).toBe('intent.price');
    expect(refusal({ ...LIMIT_BUY, price: '-5' }).field).toBe('intent.price');
    expect(refusal({ ...LIMIT_BUY, price: 'cheap' }).field).toBe('intent.price');
    expect(refusal({ ...MARKET_BUY, orderType: OrderType.STOP_MARKET, triggerPrice: 0 }).field).toBe(
      'intent.triggerPrice',
    );
  });

  it('refuses an unknown time in force and a GTD without an expire time', () => {
    expect(refusal({ ...LIMIT_BUY, timeInForce: 'FOREVER' }).field).toBe('intent.timeInForce');
    expect(refusal({ ...LIMIT_BUY, timeInForce: TimeInForce.GTD }).field).toBe('intent.expireTime');
  });

  it('refuses postOnly on anything but LIMIT', () => {
    const e = refusal({ ...MARKET_BUY, postOnly: true });
    expect(e.field).toBe('intent.postOnly');
    expect(
      refusal({ ...LIMIT_BUY, orderType: OrderType.STOP_LIMIT, triggerPrice: '41990.00', postOnly: true })
        .field,
    ).toBe('intent.postOnly');
    expect(convert({ ...LIMIT_BUY, postOnly: true }).command.postOnly).toBe(true);
  });

  it('refuses a reason that is not 1-32 of a-z, 0-9, _', () => {
    for (const reason of ['', 'Take Profit', 'take-profit', 'x'.repeat(33), 'émotion']) {
      const e = refusal({ ...MARKET_BUY, reason });
      expect(e.field, reason).toBe('intent.reason');
    }
    expect(convert({ ...MARKET_BUY, reason: 'x'.repeat(32) }).command.reason).toHaveLength(32);
  });
});

import { Decimal, OrderSide, OrderType } from '@qubit/model';
import { describe, expect, it } from 'vitest';
import { newExitLevel, reachedWithoutOrder, stopLevelOnGrid } from './exit-orders.js';
import { TestBotContext } from './test-bot-context.js';

const ID = 'BTCUSDT-PERP.BINANCE';
const TICK = Decimal.parse('0.1');
const d = (s: string): Decimal => Decimal.parse(s);

describe('stopLevelOnGrid', () => {
  it('puts a long stop the distance below the reference, rounded down to the tick', () => {
    expect(stopLevelOnGrid(true, 100, 2.37, TICK)).toEqual(d('97.6'));
  });

  it('puts a short stop the distance above the reference, rounded up to the tick', () => {
    expect(stopLevelOnGrid(false, 100, 2.31, TICK)).toEqual(d('102.4'));
  });

  it('never returns a level below one tick', () => {
    expect(stopLevelOnGrid(true, 1, 5, TICK)).toEqual(d('0.1'));
  });
});

describe('reachedWithoutOrder', () => {
  const stop = newExitLevel(d('95.0'));
  const target = newExitLevel(d('110.0'));

  it('is true when a long closes through its stop and no stop order is working', () => {
    const t = new TestBotContext(ID).hold('1');
    expect(reachedWithoutOrder(t.ctx, ID, 'stop', 'stop_loss', stop, true, d('94.9'))).toBe(true);
    expect(reachedWithoutOrder(t.ctx, ID, 'stop', 'stop_loss', stop, true, d('95.0'))).toBe(true);
  });

  it('is false while the close has not reached the level', () => {
    const t = new TestBotContext(ID).hold('1');
    expect(reachedWithoutOrder(t.ctx, ID, 'stop', 'stop_loss', stop, true, d('95.1'))).toBe(false);
    expect(reachedWithoutOrder(t.ctx, ID, 'target', 'take_profit', target, true, d('109.9'))).toBe(false);
  });

  it('mirrors the levels for a short: stop above, target below', () => {
    const t = new TestBotContext(ID).hold('-1');
    expect(reachedWithoutOrder(t.ctx, ID, 'stop', 'stop_loss', target, false, d('110.0'))).toBe(true);
    expect(reachedWithoutOrder(t.ctx, ID, 'target', 'take_profit', stop, false, d('94.0'))).toBe(true);
  });

  it('leaves a level with a working order of that kind and reason to the order', () => {
    const t = new TestBotContext(ID).hold('1').rest({
      reason: 'stop_loss',
      side: OrderSide.SELL,
      orderType: OrderType.STOP_MARKET,
      triggerPrice: d('95.0'),
    });
    expect(reachedWithoutOrder(t.ctx, ID, 'stop', 'stop_loss', stop, true, d('90.0'))).toBe(false);
    // An order under another reason does not guard this level.
    expect(reachedWithoutOrder(t.ctx, ID, 'stop', 'trailing_stop', stop, true, d('90.0'))).toBe(true);
  });

  it('is false while the level is not known yet', () => {
    const t = new TestBotContext(ID).hold('1');
    expect(reachedWithoutOrder(t.ctx, ID, 'stop', 'stop_loss', undefined, true, d('1'))).toBe(false);
  });
});

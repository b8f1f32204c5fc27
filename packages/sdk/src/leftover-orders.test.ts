import { OrderSide } from '@qubit/model';
import { describe, expect, it } from 'vitest';
import { cancelLeftoverOrders } from './leftover-orders.js';
import { TestBotContext } from './test-bot-context.js';

const ID = 'ETHUSDT.BINANCE';

describe('cancelLeftoverOrders', () => {
  it('cancels the orders still working on the instrument and reports it', () => {
    const t = new TestBotContext(ID).rest({ reason: 'stop_loss', side: OrderSide.SELL });
    expect(cancelLeftoverOrders(t.ctx, ID)).toBe(true);
    expect(t.calls).toEqual([`cancelAll ${ID}`]);
  });

  it('does nothing and reports false when no order is working', () => {
    const t = new TestBotContext(ID);
    expect(cancelLeftoverOrders(t.ctx, ID)).toBe(false);
    expect(t.calls).toEqual([]);
  });
});

import { Decimal, OrderSide } from '@qubit/model';
import { describe, expect, it } from 'vitest';
import { closeAtEndOfData, closePosition, closingIntent } from './position-exits.js';
import { TestBotContext } from './test-bot-context.js';

const ID = 'BTCUSDT-PERP.BINANCE';

describe('closingIntent', () => {
  it('sells the whole long reduce-only at market with the reason given', () => {
    expect(closingIntent(ID, Decimal.parse('0.03'), 'exit')).toEqual([
      {
        instrumentId: ID,
        side: OrderSide.SELL,
        quantity: Decimal.parse('0.03'),
        reduceOnly: true,
        reason: 'exit',
      },
    ]);
  });

  it('buys back the absolute size of a short', () => {
    const [intent] = closingIntent(ID, Decimal.parse('-2.5'), 'stop_loss');
    expect(intent?.side).toBe(OrderSide.BUY);
    expect(intent?.quantity).toEqual(Decimal.parse('2.5'));
    expect(intent?.orderType).toBeUndefined(); // MARKET by default
  });

  it('sends nothing when flat', () => {
    expect(closingIntent(ID, Decimal.ZERO, 'exit')).toEqual([]);
  });
});

describe('closePosition', () => {
  it('cancels the bot orders on the instrument before closing the position', () => {
    const t = new TestBotContext(ID).hold('-1').rest({ reason: 'stop_loss', side: OrderSide.BUY });
    const intents = closePosition(t.ctx, ID, 'take_profit');
    expect(t.calls).toEqual([`cancelAll ${ID}`]);
    expect(t.orders).toEqual([]);
    expect(intents).toEqual(closingIntent(ID, Decimal.parse('-1'), 'take_profit'));
  });

  it('still cancels leftover orders when already flat, and sends nothing', () => {
    const t = new TestBotContext(ID).rest({ reason: 'entry', side: OrderSide.BUY });
    expect(closePosition(t.ctx, ID, 'exit')).toEqual([]);
    expect(t.calls).toEqual([`cancelAll ${ID}`]);
  });
});

describe('closeAtEndOfData', () => {
  it('closes the position with reason end_of_data when the data ends', () => {
    const t = new TestBotContext(ID).hold('0.5');
    const [intent] = closeAtEndOfData('end_of_data', t.ctx, ID);
    expect(intent).toMatchObject({ side: OrderSide.SELL, reduceOnly: true, reason: 'end_of_data' });
    expect(t.calls).toEqual([`cancelAll ${ID}`]);
  });

  it.each(['shutdown', 'rollout'] as const)('leaves position and orders alone on %s', (reason) => {
    const t = new TestBotContext(ID).hold('0.5').rest({ reason: 'stop_loss', side: OrderSide.SELL });
    expect(closeAtEndOfData(reason, t.ctx, ID)).toEqual([]);
    expect(t.calls).toEqual([]);
    expect(t.orders).toHaveLength(1);
  });
});

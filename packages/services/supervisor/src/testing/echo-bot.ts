import { OrderSide, defineBot, z, type OrderIntent } from '@qubit/sdk';

const config = z.object({
  instrument: z.string().default('BTCUSDT.BINANCE'),
  quantity: z.string().default('0.01000'),
});

/**
 * Test bot: buys `quantity` on every trade it sees, counts its ticks in durable state, logs each order
 * event with its open order count, and sells what it bought on stop (so a graceful stop's onStop intents
 * can be seen arriving).
 */
export const echoBot = defineBot({
  name: 'echo',
  version: '1.0.0',
  description: 'buys on every trade, sells everything on stop (tests only)',
  configSchema: config,
  subscriptions: (c) => ({ instruments: [c.instrument] }),
  create: (c) => {
    let bought = 0;
    return {
      onStart: (ctx) => {
        ctx.log.info('started', { ticks: ctx.state.get<number>('ticks') ?? 0 });
      },
      onTick: (market, ctx): OrderIntent[] => {
        ctx.state.set('ticks', (ctx.state.get<number>('ticks') ?? 0) + 1);
        bought++;
        return [
          { instrumentId: market.instrumentId, side: OrderSide.BUY, quantity: c.quantity, reason: 'entry' },
        ];
      },
      onEvent: (event, ctx) => {
        ctx.log.info('event', { type: event.type, open: ctx.openOrders().length });
      },
      onStop: (): OrderIntent[] =>
        bought === 0
          ? []
          : [{ instrumentId: c.instrument, side: OrderSide.SELL, quantity: c.quantity, reason: 'exit' }],
    };
  },
});

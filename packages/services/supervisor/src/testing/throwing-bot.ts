import { defineBot, z } from '@qubit/sdk';

/** Test bot: throws on every tick; the runtime must log and count it and keep the bot running. */
export const throwingBot = defineBot({
  name: 'throwing',
  version: '1.0.0',
  description: 'throws in onTick (tests only)',
  configSchema: z.object({ instrument: z.string().default('BTCUSDT.BINANCE') }),
  subscriptions: (c) => ({ instruments: [c.instrument] }),
  create: () => ({
    onTick: () => {
      throw new Error('bad tick');
    },
  }),
});

import { defineBot, z } from '@qubit/sdk';

/** Test bot: its onStart throws, so it never runs (phase error with the reason). */
export const failingStartBot = defineBot({
  name: 'failing-start',
  version: '1.0.0',
  description: 'throws in onStart (tests only)',
  configSchema: z.object({ instrument: z.string().default('BTCUSDT.BINANCE') }),
  subscriptions: (c) => ({ instruments: [c.instrument] }),
  create: () => ({
    onStart: () => {
      throw new Error('no keys configured');
    },
    onTick: () => [],
  }),
});

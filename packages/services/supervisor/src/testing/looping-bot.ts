import { defineBot, z } from '@qubit/sdk';

/** Test bot: its first tick never returns, so its heartbeats stop (the host must terminate it). */
export const loopingBot = defineBot({
  name: 'looping',
  version: '1.0.0',
  description: 'loops forever in onTick (tests only)',
  configSchema: z.object({ instrument: z.string().default('BTCUSDT.BINANCE') }),
  subscriptions: (c) => ({ instruments: [c.instrument] }),
  create: () => ({
    onTick: () => {
      let spins = 0;
      // The loop has a body so no engine can prove it empty and drop it.
      for (;;) spins = (spins + 1) | 0;
    },
  }),
});

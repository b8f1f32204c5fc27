import { defineBot, z } from '@qubit/sdk';

/** Test bot: runs normally but its onStop never returns, so a graceful stop must end as forced_stop. */
export const slowStopBot = defineBot({
  name: 'slow-stop',
  version: '1.0.0',
  description: 'never finishes onStop (tests only)',
  configSchema: z.object({ instrument: z.string().default('BTCUSDT.BINANCE') }),
  subscriptions: (c) => ({ instruments: [c.instrument] }),
  create: () => ({
    onTick: () => [],
    onStop: () => {
      let spins = 0;
      for (;;) spins = (spins + 1) | 0;
    },
  }),
});

import { defineBot, z } from '@qubit/sdk';

/** Test bot: its first tick keeps allocating until the thread's heap limit ends it. */
export const memoryHogBot = defineBot({
  name: 'memory-hog',
  version: '1.0.0',
  description: 'exhausts its heap in onTick (tests only)',
  configSchema: z.object({ instrument: z.string().default('BTCUSDT.BINANCE') }),
  subscriptions: (c) => ({ instruments: [c.instrument] }),
  create: () => {
    // Many small objects: they live in the old generation the heap limit counts (big arrays would not).
    const hoard: { readonly i: number; readonly s: string }[][] = [];
    return {
      onTick: () => {
        for (;;) hoard.push(Array.from({ length: 1000 }, (_, i) => ({ i, s: `x${i}` })));
      },
    };
  },
});

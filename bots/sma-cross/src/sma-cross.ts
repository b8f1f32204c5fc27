import { OrderSide, Sma, defineBot, z, type Bot, type BotContext, type OrderIntent } from '@qubit/sdk';

export const smaCrossConfig = z
  .object({
    instrument: z.string().default('BTCUSDT.BINANCE').describe('Instrument to trade, SYMBOL.VENUE'),
    timeframe: z
      .string()
      .regex(/^\d+-(SECOND|MINUTE|HOUR|DAY)$/, 'must look like 1-MINUTE, 5-MINUTE, 1-HOUR or 1-DAY')
      .default('1-MINUTE')
      .describe('Bar step and aggregation'),
    fast: z.number().int().min(1).default(10).describe('Fast SMA period (bars)'),
    slow: z.number().int().min(2).default(30).describe('Slow SMA period (bars)'),
    quantity: z
      .string()
      .regex(/^\d+(\.\d+)?$/, 'must be a positive decimal string such as "0.01"')
      .default('0.01')
      .describe('Order quantity in base units'),
    mode: z
      .enum(['long', 'long_short'])
      .default('long')
      .describe('long: only long; long_short: flip between long and short'),
  })
  .refine((c) => c.fast < c.slow, { message: 'fast must be smaller than slow', path: ['fast'] });

export type SmaCrossConfig = z.output<typeof smaCrossConfig>;

/** Returned on the bars that ask for nothing (nearly all of them), so that they allocate nothing. */
const NO_INTENTS: readonly OrderIntent[] = Object.freeze([]);

/**
 * The exact rule, because benchmarks and comparisons depend on it: a cross up is fast > slow on this bar's
 * close with fast ≤ slow on the previous bar (both defined); a cross down is the mirror. Long-only: a cross
 * up while flat enters, a cross down while long exits. long_short also enters short on a cross down while
 * flat and reverses on the opposite cross. Orders are market orders, so they fill at the next bar's open.
 */
export class SmaCrossBot implements Bot<SmaCrossConfig> {
  private readonly fast: Sma;
  private readonly slow: Sma;
  private previous: -1 | 0 | 1 | undefined;

  constructor(private readonly config: SmaCrossConfig) {
    this.fast = new Sma(config.fast);
    this.slow = new Sma(config.slow);
  }

  onTick(market: Parameters<Bot['onTick']>[0], ctx: BotContext<SmaCrossConfig>): readonly OrderIntent[] {
    if (!market.bar) return NO_INTENTS;
    this.fast.update(market.bar.close);
    this.slow.update(market.bar.close);
    if (!this.slow.ready) return NO_INTENTS;
    const now = this.fast.compare(this.slow);
    const before = this.previous;
    this.previous = now;
    if (before === undefined) return NO_INTENTS;
    const crossUp = now > 0 && before <= 0;
    const crossDown = now < 0 && before >= 0;
    if (!crossUp && !crossDown) return NO_INTENTS;
    if (ctx.openOrders(this.config.instrument).length > 0) return [];
    const pos = ctx.position(this.config.instrument).signedQty;
    const out: OrderIntent[] = [];
    const instrumentId = this.config.instrument;
    if (crossUp) {
      if (pos.isNegative())
        out.push({
          instrumentId,
          side: OrderSide.BUY,
          quantity: pos.abs(),
          reason: 'exit',
          reduceOnly: true,
        });
      if (!pos.isPositive())
        out.push({ instrumentId, side: OrderSide.BUY, quantity: this.config.quantity, reason: 'entry' });
    } else {
      if (pos.isPositive())
        out.push({ instrumentId, side: OrderSide.SELL, quantity: pos, reason: 'exit', reduceOnly: true });
      if (this.config.mode === 'long_short' && !pos.isNegative()) {
        out.push({ instrumentId, side: OrderSide.SELL, quantity: this.config.quantity, reason: 'entry' });
      }
    }
    return out;
  }

  onStop(reason: Parameters<NonNullable<Bot['onStop']>>[0], ctx: BotContext<SmaCrossConfig>): OrderIntent[] {
    const pos = ctx.position(this.config.instrument).signedQty;
    if (pos.isZero()) return [];
    return [
      {
        instrumentId: this.config.instrument,
        side: pos.isPositive() ? OrderSide.SELL : OrderSide.BUY,
        quantity: pos.abs(),
        reduceOnly: true,
        reason: reason === 'end_of_data' ? 'end_of_data' : 'exit',
      },
    ];
  }

  health(): { ok: boolean; fast?: string; slow?: string } {
    return { ok: true, fast: this.fast.value(4)?.toString(), slow: this.slow.value(4)?.toString() };
  }
}

export const smaCross = defineBot({
  name: 'sma-cross',
  version: '1.0.0',
  description:
    'SMA fast/slow crossover, long-only by default (mode=long|long_short); market orders fill at the next bar open.',
  configSchema: smaCrossConfig,
  subscriptions: (c) => ({ instruments: [c.instrument], barTypes: [`${c.instrument}-${c.timeframe}-LAST`] }),
  create: (c) => new SmaCrossBot(c),
});

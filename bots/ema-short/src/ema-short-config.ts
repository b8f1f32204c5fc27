import { Decimal, decimalTextField, timeframeField, z } from '@qubit/sdk';

const decimalText = decimalTextField('1000');
const pct = (fallback: number, what: string) =>
  z.number().positive().max(100).default(fallback).describe(`${what}, in percent (2 = 2 %)`);

export const emaShortConfig = z
  .object({
    instruments: z
      .array(z.string().min(3))
      .min(1)
      .default(['BTCUSDT-PERP.BINANCE'])
      .describe('Instruments traded, each on its own (SYMBOL.VENUE); shorting needs a margin account'),
    timeframe: timeframeField('1-MINUTE', 'Bar series of every instrument whose closes feed the EMAs'),
    fast_period: z.number().int().min(1).default(240).describe('Fast EMA period (bars)'),
    slow_period: z.number().int().min(2).default(600).describe('Slow EMA period (bars)'),
    order_notional: decimalText
      .default('1000')
      .describe(
        'Size of each entry in the quote currency (price × quantity × multiplier), rounded down to the lot',
      ),
    notional_by_instrument: z
      .record(z.string(), decimalText)
      .default({})
      .describe(
        'Entry size per instrument id where it differs from order_notional (e.g. a VND-quoted future)',
      ),
    take_profit_pct: pct(4, 'Take-profit distance below the entry price'),
    stop_loss_pct: pct(
      2,
      'Stop-loss distance above the entry price (guards the trade until the trailing stop is in profit)',
    ),
    trailing_stop_pct: pct(1.5, 'Trailing stop distance above the lowest price since entry'),
    cooldown_bars: z
      .number()
      .int()
      .min(0)
      .default(15)
      .describe('Bars of an instrument after an exit (or a refused entry) before it may be entered again'),
  })
  .refine((c) => c.fast_period < c.slow_period, {
    message: 'fast_period must be smaller than slow_period',
    path: ['fast_period'],
  })
  .refine((c) => new Set(c.instruments).size === c.instruments.length, {
    message: 'instruments must not repeat',
    path: ['instruments'],
  })
  .refine((c) => !/^\d+(\.\d+)?$/.test(c.order_notional) || Decimal.parse(c.order_notional).isPositive(), {
    message: 'order_notional must be positive',
    path: ['order_notional'],
  });

export type EmaShortConfig = z.output<typeof emaShortConfig>;

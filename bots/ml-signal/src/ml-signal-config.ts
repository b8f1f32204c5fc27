import { Decimal, directionModeField, instrumentField, quantityField, timeframeField, z } from '@qubit/sdk';
import { logisticWeightsSchema } from './model-weights.js';

const period = (fallback: number, what: string) =>
  z.number().int().min(1).max(10_000).default(fallback).describe(what);

export const mlSignalConfig = z
  .object({
    instrument: instrumentField('BTCUSDT-PERP.BINANCE'),
    timeframe: timeframeField('1-MINUTE', 'Bar series whose closes are scored'),
    mode: directionModeField(
      'long',
      'long: BUY opens a long, SELL closes it; long_short: SELL also opens a short, BUY closes it',
    ),
    sizing: z
      .enum(['fixed', 'equity_fraction'])
      .default('fixed')
      .describe(
        'fixed: `quantity` per entry; equity_fraction: equity × equity_fraction × confidence of notional',
      ),
    quantity: quantityField(
      '0.01',
      'Entry size in base units when sizing is fixed (rounded down to the lot)',
    ),
    equity_fraction: z
      .number()
      .gt(0)
      .max(1)
      .default(0.1)
      .describe('Share of equity committed at confidence 1 when sizing is equity_fraction'),
    rsi_period: period(14, 'RSI period (bars)'),
    macd_fast: period(12, 'MACD fast EMA (bars)'),
    macd_slow: period(26, 'MACD slow EMA (bars)'),
    macd_signal: period(9, 'MACD signal EMA (bars)'),
    vol_period: z
      .number()
      .int()
      .min(2)
      .max(10_000)
      .default(20)
      .describe('Realised volatility window σ (bars)'),
    vol_long_period: z
      .number()
      .int()
      .min(2)
      .max(10_000)
      .default(100)
      .describe('Longer volatility window σ is compared with'),
    ema_period: period(20, 'EMA whose one-bar slope is a feature (bars)'),
    return_bars: period(10, 'N of the N-bar return feature'),
    model_weights: logisticWeightsSchema
      .optional()
      .describe('Logistic weights replacing the shipped models/logistic-v1.json (same shape as that file)'),
  })
  .refine((c) => c.macd_fast < c.macd_slow, {
    message: 'macd_fast must be smaller than macd_slow',
    path: ['macd_fast'],
  })
  .refine((c) => c.vol_period < c.vol_long_period, {
    message: 'vol_period must be smaller than vol_long_period',
    path: ['vol_period'],
  })
  .refine((c) => !/^\d+(\.\d+)?$/.test(c.quantity) || Decimal.parse(c.quantity).isPositive(), {
    message: 'quantity must be positive',
    path: ['quantity'],
  });

export type MlSignalConfig = z.output<typeof mlSignalConfig>;

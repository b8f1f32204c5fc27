import {
  Decimal,
  decimalTextField as decimalText,
  instrumentField,
  quantityField,
  timeframeField,
  z,
} from '@qubit/sdk';

const positive = (text: string | undefined): boolean =>
  text === undefined || Decimal.parse(text).isPositive();

export const gridConfig = z
  .object({
    instrument: instrumentField('BTCUSDT-PERP.BINANCE'),
    timeframe: timeframeField(
      '1-MINUTE',
      'Bar series whose closes wake the bot (the grid is re-checked on every close)',
    ),
    mode: z
      .enum(['long', 'neutral'])
      .default('long')
      .describe(
        'long: buys below the reference, each with a take-profit one spacing above (never short); ' +
          'neutral: buys below and sells above, every fill re-quoted one spacing away on the other side',
      ),
    levels: z
      .number()
      .int()
      .min(1)
      .max(200)
      .default(10)
      .describe('Grid lines quoted on each side of the reference'),
    spacing: z
      .string()
      .regex(
        /^\d+(\.\d+)?%?$/,
        'must be a price step such as "50" or a percentage of the reference such as "0.25%"',
      )
      .default('0.25%')
      .describe(
        'Distance between lines: an absolute price step ("50") or a percentage of the reference ("0.25%")',
      ),
    quantity: quantityField('0.005', 'Size of every grid order, in base units (a multiple of the lot)'),
    reference: decimalText('42000')
      .optional()
      .describe(
        'Centre line of the grid; by default the close of the first bar seen, remembered across restarts',
      ),
    lower: decimalText('40000').optional().describe('No opening order is quoted below this price'),
    upper: decimalText('44000').optional().describe('No opening order is quoted above this price'),
    max_inventory: decimalText('0.05')
      .optional()
      .describe(
        'Largest position (long, or short in neutral mode) in base units; by default levels × quantity',
      ),
    post_only: z
      .boolean()
      .default(true)
      .describe('Send resting orders post-only (maker); orders already through the price are plain limits'),
  })
  .refine((c) => positive(c.quantity), { message: 'quantity must be positive', path: ['quantity'] })
  .refine((c) => positive(c.spacing.replace('%', '')), {
    message: 'spacing must be positive',
    path: ['spacing'],
  })
  .refine((c) => positive(c.max_inventory), {
    message: 'max_inventory must be positive',
    path: ['max_inventory'],
  })
  .refine((c) => positive(c.reference), { message: 'reference must be positive', path: ['reference'] })
  .refine(
    (c) =>
      c.lower === undefined || c.upper === undefined || Decimal.parse(c.lower).lt(Decimal.parse(c.upper)),
    {
      message: 'lower must be below upper',
      path: ['lower'],
    },
  );

export type GridConfig = z.output<typeof gridConfig>;

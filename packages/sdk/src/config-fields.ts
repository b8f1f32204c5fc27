import { z } from 'zod';

/**
 * Config fields most bots share, so their wording and validation stay the same in every config form. Each
 * returns a fresh schema the bot may refine further.
 */

/** A positive decimal in a string (quantities, notionals, prices): exact, never a float. */
export function decimalTextField(example: string): z.ZodString {
  return z.string().regex(/^\d+(\.\d+)?$/, `must be a positive decimal string such as "${example}"`);
}

/** The one instrument a bot trades. */
export function instrumentField(fallback: string) {
  return z.string().default(fallback).describe('Instrument to trade, SYMBOL.VENUE');
}

/** A bar step and aggregation such as 1-MINUTE or 1-DAY. */
export function timeframeField(fallback: string, description: string) {
  return z
    .string()
    .regex(/^\d+-(SECOND|MINUTE|HOUR|DAY)$/, 'must look like 1-MINUTE, 5-MINUTE, 1-HOUR or 1-DAY')
    .default(fallback)
    .describe(description);
}

/** Order size in base units, as a decimal string with `fallback` as default and example. */
export function quantityField(fallback: string, description: string) {
  return decimalTextField(fallback).default(fallback).describe(description);
}

/** Which directions a bot trades: long only, or long and short. */
export function directionModeField(fallback: 'long' | 'long_short', description: string) {
  return z.enum(['long', 'long_short']).default(fallback).describe(description);
}

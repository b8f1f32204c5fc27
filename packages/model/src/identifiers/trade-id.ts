import { type Identifier, identifierFactory } from './identifier.js';

/** The id a venue gives one execution; fills are unique per (venue, trade id). */
export type TradeId = Identifier<'TradeId'>;
export const TradeId = identifierFactory(
  'TradeId',
  /^[\x21-\x7e]+$/,
  128,
  '1-128 printable ASCII characters without spaces',
);

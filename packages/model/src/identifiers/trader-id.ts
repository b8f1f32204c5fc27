import { type Identifier, identifierFactory } from './identifier.js';

/** The trader (installation) that owns accounts, bots and orders, e.g. "QUBIT-001". */
export type TraderId = Identifier<'TraderId'>;
export const TraderId = identifierFactory(
  'TraderId',
  /^[A-Za-z0-9][A-Za-z0-9_.:-]*$/,
  64,
  '1-64 characters of A-Z, a-z, 0-9, _ . : -',
);

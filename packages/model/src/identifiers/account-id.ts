import { type Identifier, identifierFactory } from './identifier.js';

/** An account at a venue (one set of balances), e.g. "BINANCE-main" or "SIM-001". */
export type AccountId = Identifier<'AccountId'>;
export const AccountId = identifierFactory(
  'AccountId',
  /^[A-Za-z0-9][A-Za-z0-9_.:-]*$/,
  64,
  '1-64 characters of A-Z, a-z, 0-9, _ . : -',
);

import { type Identifier, identifierFactory } from './identifier.js';

/** A running bot; many bots may share one account and each keeps its own sub-ledger. */
export type BotId = Identifier<'BotId'>;
export const BotId = identifierFactory(
  'BotId',
  /^[A-Za-z0-9][A-Za-z0-9_-]*$/,
  64,
  '1-64 characters of A-Z, a-z, 0-9, _ - (a UUID fits)',
);

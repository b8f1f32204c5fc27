import { type Identifier, identifierFactory } from './identifier.js';

/** A net position: one per (account, bot, instrument), written "INSTRUMENT-BOT". */
export type PositionId = Identifier<'PositionId'>;
export const PositionId = identifierFactory(
  'PositionId',
  /^[A-Za-z0-9][A-Za-z0-9_.:/-]*$/,
  256,
  '1-256 characters of A-Z, a-z, 0-9, _ . : / -',
);

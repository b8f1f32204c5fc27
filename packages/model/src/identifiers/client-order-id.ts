import { type Identifier, identifierFactory } from './identifier.js';

/**
 * The id we give an order before any venue sees it. It must fit every venue's limit, so it is
 * at most 32 characters of [A-Za-z0-9_-] (Binance allows 36, OKX 32 alphanumerics plus _ and -).
 */
export type ClientOrderId = Identifier<'ClientOrderId'>;
export const ClientOrderId = identifierFactory(
  'ClientOrderId',
  /^[A-Za-z0-9_-]+$/,
  32,
  '1-32 characters of A-Z, a-z, 0-9, _ -',
);

import { type Identifier, identifierFactory } from './identifier.js';

/** The id a venue gives an order it accepted. */
export type VenueOrderId = Identifier<'VenueOrderId'>;
export const VenueOrderId = identifierFactory(
  'VenueOrderId',
  /^[\x21-\x7e]+$/,
  128,
  '1-128 printable ASCII characters without spaces',
);

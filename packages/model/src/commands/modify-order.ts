import type { VenueOrderId } from '../identifiers/venue-order-id.js';
import type { Price } from '../numbers/price.js';
import type { Quantity } from '../numbers/quantity.js';
import type { UnixNanos } from '../time.js';
import type { OrderOwner } from './order-spec.js';

/** Asks to change the quantity, limit or trigger price of a working order. */
export interface ModifyOrder extends OrderOwner {
  readonly type: 'ModifyOrder';
  readonly commandId: string;
  readonly venueOrderId?: VenueOrderId;
  readonly quantity?: Quantity;
  readonly price?: Price;
  readonly triggerPrice?: Price;
  readonly tsInit: UnixNanos;
}

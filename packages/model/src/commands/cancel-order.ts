import type { VenueOrderId } from '../identifiers/venue-order-id.js';
import type { UnixNanos } from '../time.js';
import type { OrderOwner } from './order-spec.js';

/** Asks to cancel one working order. */
export interface CancelOrder extends OrderOwner {
  readonly type: 'CancelOrder';
  readonly commandId: string;
  readonly venueOrderId?: VenueOrderId;
  readonly tsInit: UnixNanos;
}

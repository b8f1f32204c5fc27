import type { InstrumentId } from '../identifiers/instrument-id.js';
import type { Price } from '../numbers/price.js';
import type { Quantity } from '../numbers/quantity.js';
import type { UnixNanos } from '../time.js';

/** Best bid and ask at one instant. */
export interface QuoteTick {
  readonly type: 'QuoteTick';
  readonly instrumentId: InstrumentId;
  readonly bidPrice: Price;
  readonly askPrice: Price;
  readonly bidSize: Quantity;
  readonly askSize: Quantity;
  readonly tsEvent: UnixNanos;
  readonly tsInit: UnixNanos;
}

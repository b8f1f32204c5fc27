import type { BookAction } from '../enums/book-action.js';
import type { OrderSide } from '../enums/order-side.js';
import type { InstrumentId } from '../identifiers/instrument-id.js';
import type { Price } from '../numbers/price.js';
import type { Quantity } from '../numbers/quantity.js';
import type { UnixNanos } from '../time.js';

/** One price level of an L2 book. */
export interface BookLevel {
  readonly price: Price;
  readonly size: Quantity;
}

/** One change to an L2 book; a size of zero or action DELETE removes the level. */
export interface OrderBookDelta {
  readonly action: BookAction;
  readonly side: OrderSide;
  readonly price: Price;
  readonly size: Quantity;
}

/** A batch of changes applied atomically; `sequence` lets a consumer detect a gap and resync. */
export interface OrderBookDeltas {
  readonly type: 'OrderBookDeltas';
  readonly instrumentId: InstrumentId;
  readonly deltas: readonly OrderBookDelta[];
  readonly sequence: number;
  readonly tsEvent: UnixNanos;
  readonly tsInit: UnixNanos;
}

/** The whole visible book at one instant, best levels first. */
export interface OrderBookSnapshot {
  readonly type: 'OrderBookSnapshot';
  readonly instrumentId: InstrumentId;
  readonly bids: readonly BookLevel[];
  readonly asks: readonly BookLevel[];
  readonly sequence: number;
  readonly tsEvent: UnixNanos;
  readonly tsInit: UnixNanos;
}

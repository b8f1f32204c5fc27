import type { AggressorSide } from '../enums/aggressor-side.js';
import type { InstrumentId } from '../identifiers/instrument-id.js';
import type { TradeId } from '../identifiers/trade-id.js';
import type { Price } from '../numbers/price.js';
import type { Quantity } from '../numbers/quantity.js';
import type { UnixNanos } from '../time.js';

/** One trade printed by a venue. */
export interface TradeTick {
  readonly type: 'TradeTick';
  readonly instrumentId: InstrumentId;
  readonly price: Price;
  readonly size: Quantity;
  readonly aggressorSide: AggressorSide;
  readonly tradeId: TradeId;
  /** When the venue says it happened. */
  readonly tsEvent: UnixNanos;
  /** When we received it. */
  readonly tsInit: UnixNanos;
}

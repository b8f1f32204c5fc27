import type { Price } from '../numbers/price.js';
import type { Quantity } from '../numbers/quantity.js';
import type { UnixNanos } from '../time.js';
import type { BarType } from './bar-type.js';

/** An OHLCV bar; `tsEvent` is when the bar closed (its open time plus its interval). */
export interface Bar {
  readonly type: 'Bar';
  readonly barType: BarType;
  readonly open: Price;
  readonly high: Price;
  readonly low: Price;
  readonly close: Price;
  readonly volume: Quantity;
  readonly tsEvent: UnixNanos;
  readonly tsInit: UnixNanos;
}

import type { OrderSide } from '../enums/order-side.js';
import type { OrderType } from '../enums/order-type.js';
import type { TimeInForce } from '../enums/time-in-force.js';
import type { Decimal } from '../numbers/decimal.js';
import type { UnixNanos } from '../time.js';

/**
 * What a bot returns from onTick: an order it would like placed. The platform turns it into a
 * SubmitOrder (with a ClientOrderId that carries the bot and `reason`), then risk decides.
 * Numbers may be decimal strings, numbers or Decimals; they are checked against the instrument's grid.
 */
export interface OrderIntent {
  readonly instrumentId: string;
  readonly side: OrderSide;
  /** MARKET when absent. */
  readonly orderType?: OrderType;
  readonly quantity: string | number | Decimal;
  readonly price?: string | number | Decimal;
  readonly triggerPrice?: string | number | Decimal;
  /** GTC when absent (IOC for MARKET). */
  readonly timeInForce?: TimeInForce;
  readonly expireTime?: UnixNanos;
  readonly postOnly?: boolean;
  readonly reduceOnly?: boolean;
  /** Why: "entry", "exit", "take_profit", "stop_loss", "trailing_stop", "end_of_data" … (default "signal"). */
  readonly reason?: string;
}

import type { OrderSide } from '../enums/order-side.js';
import type { OrderStatus } from '../enums/order-status.js';
import type { OrderType } from '../enums/order-type.js';
import type { PositionSide } from '../enums/position-side.js';
import type { TimeInForce } from '../enums/time-in-force.js';
import type { ClientOrderId } from '../identifiers/client-order-id.js';
import type { InstrumentId } from '../identifiers/instrument-id.js';
import type { Decimal } from '../numbers/decimal.js';
import type { Money } from '../numbers/money.js';
import type { Price } from '../numbers/price.js';
import type { Quantity } from '../numbers/quantity.js';

/** A read-only copy of a bot's own position in one instrument (its sub-ledger on the shared account). */
export interface PositionView {
  readonly instrumentId: InstrumentId;
  readonly side: PositionSide;
  /** Positive long, negative short, zero flat. */
  readonly signedQty: Decimal;
  readonly quantity: Quantity;
  readonly avgPx?: Price;
  readonly realizedPnl: Money;
  readonly unrealizedPnl: Money;
  readonly fees: Money;
}

/** A read-only copy of one of the bot's orders. */
export interface OrderView {
  readonly clientOrderId: ClientOrderId;
  readonly instrumentId: InstrumentId;
  readonly side: OrderSide;
  readonly orderType: OrderType;
  readonly status: OrderStatus;
  readonly quantity: Quantity;
  readonly filledQty: Quantity;
  readonly price?: Price;
  readonly triggerPrice?: Price;
  readonly timeInForce: TimeInForce;
  readonly postOnly: boolean;
  readonly reduceOnly: boolean;
  readonly reason: string;
}

import type { OrderOwner, OrderTerms } from '../commands/order-spec.js';
import type { DenyReason } from '../enums/deny-reason.js';
import type { LiquiditySide } from '../enums/liquidity-side.js';
import type { OrderSide } from '../enums/order-side.js';
import type { OrderType } from '../enums/order-type.js';
import type { RejectReason } from '../enums/reject-reason.js';
import type { PositionId } from '../identifiers/position-id.js';
import type { TradeId } from '../identifiers/trade-id.js';
import type { VenueOrderId } from '../identifiers/venue-order-id.js';
import type { Money } from '../numbers/money.js';
import type { Price } from '../numbers/price.js';
import type { Quantity } from '../numbers/quantity.js';
import type { UnixNanos } from '../time.js';

/** What every order event carries: whose order it is, a unique id, and when. */
export interface OrderEventBase extends OrderOwner {
  readonly eventId: string;
  readonly tsEvent: UnixNanos;
  readonly tsInit: UnixNanos;
  /** True when the event was inferred while reconciling with the venue after a restart. */
  readonly reconciliation?: boolean;
}

export interface OrderInitialized extends OrderEventBase, OrderTerms {
  readonly type: 'OrderInitialized';
}

/** Refused by our own RiskEngine before any venue saw it. */
export interface OrderDenied extends OrderEventBase {
  readonly type: 'OrderDenied';
  readonly reasonCode: DenyReason;
  readonly reason: string;
  /** 1 or 2: which risk stage refused it. */
  readonly stage: 1 | 2;
}

/** Journaled and handed to the venue. */
export interface OrderSubmitted extends OrderEventBase {
  readonly type: 'OrderSubmitted';
}

export interface OrderAccepted extends OrderEventBase {
  readonly type: 'OrderAccepted';
  readonly venueOrderId: VenueOrderId;
}

/** Refused by the venue. */
export interface OrderRejected extends OrderEventBase {
  readonly type: 'OrderRejected';
  readonly reasonCode: RejectReason;
  readonly reason: string;
}

export interface OrderModified extends OrderEventBase {
  readonly type: 'OrderModified';
  readonly venueOrderId?: VenueOrderId;
  readonly quantity: Quantity;
  readonly price?: Price;
  readonly triggerPrice?: Price;
}

export interface OrderModifyRejected extends OrderEventBase {
  readonly type: 'OrderModifyRejected';
  readonly reasonCode: RejectReason;
  readonly reason: string;
}

export interface OrderCanceled extends OrderEventBase {
  readonly type: 'OrderCanceled';
  readonly venueOrderId?: VenueOrderId;
}

export interface OrderCancelRejected extends OrderEventBase {
  readonly type: 'OrderCancelRejected';
  readonly reasonCode: RejectReason;
  readonly reason: string;
}

export interface OrderExpired extends OrderEventBase {
  readonly type: 'OrderExpired';
  readonly venueOrderId?: VenueOrderId;
}

/** A stop order's trigger price traded; a STOP_LIMIT now works as a limit order. */
export interface OrderTriggered extends OrderEventBase {
  readonly type: 'OrderTriggered';
  readonly venueOrderId?: VenueOrderId;
}

/** One execution. Unique per (venue, tradeId): the same fill reported twice changes nothing. */
export interface OrderFilled extends OrderEventBase {
  readonly type: 'OrderFilled';
  readonly venueOrderId: VenueOrderId;
  readonly tradeId: TradeId;
  readonly positionId?: PositionId;
  readonly side: OrderSide;
  readonly orderType: OrderType;
  readonly lastQty: Quantity;
  readonly lastPx: Price;
  readonly fee: Money;
  readonly liquiditySide: LiquiditySide;
}

export type OrderEvent =
  | OrderInitialized
  | OrderDenied
  | OrderSubmitted
  | OrderAccepted
  | OrderRejected
  | OrderModified
  | OrderModifyRejected
  | OrderCanceled
  | OrderCancelRejected
  | OrderExpired
  | OrderTriggered
  | OrderFilled;

export type OrderEventType = OrderEvent['type'];

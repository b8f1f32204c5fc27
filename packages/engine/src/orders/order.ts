import {
  Decimal,
  OrderStatus,
  Quantity,
  Rounding,
  type ClientOrderId,
  type OrderEvent,
  type OrderInitialized,
  type OrderOwner,
  type OrderTerms,
  type Price,
  type TradeId,
  type UnixNanos,
  type VenueOrderId,
} from '@qubit/model';

/** The outcome of applying an event: applied, ignored as a duplicate, or refused as illegal. */
export type ApplyResult =
  | { readonly kind: 'applied' }
  | { readonly kind: 'duplicate' }
  | { readonly kind: 'illegal'; readonly reason: string };

// Outcomes without a reason are shared: applying an event is on every order's path.
const APPLIED: ApplyResult = Object.freeze({ kind: 'applied' });
const DUPLICATE: ApplyResult = Object.freeze({ kind: 'duplicate' });

const TERMINAL: ReadonlySet<OrderStatus> = new Set([
  OrderStatus.DENIED,
  OrderStatus.REJECTED,
  OrderStatus.FILLED,
  OrderStatus.CANCELED,
  OrderStatus.EXPIRED,
]);

const WORKING: ReadonlySet<OrderStatus> = new Set([
  OrderStatus.ACCEPTED,
  OrderStatus.TRIGGERED,
  OrderStatus.PARTIALLY_FILLED,
  OrderStatus.PENDING_UPDATE,
  OrderStatus.PENDING_CANCEL,
]);

/** Which event types each status accepts. Anything else is an illegal transition and is not applied. */
const LEGAL: Readonly<Record<OrderStatus, ReadonlySet<OrderEvent['type']>>> = {
  INITIALIZED: new Set(['OrderDenied', 'OrderSubmitted', 'OrderRejected']),
  SUBMITTED: new Set([
    'OrderAccepted',
    'OrderRejected',
    'OrderCanceled',
    'OrderExpired',
    'OrderTriggered',
    'OrderFilled',
  ]),
  ACCEPTED: new Set([
    'OrderModified',
    'OrderModifyRejected',
    'OrderCancelRejected',
    'OrderCanceled',
    'OrderExpired',
    'OrderTriggered',
    'OrderFilled',
  ]),
  TRIGGERED: new Set([
    'OrderModified',
    'OrderModifyRejected',
    'OrderCancelRejected',
    'OrderCanceled',
    'OrderExpired',
    'OrderFilled',
  ]),
  PARTIALLY_FILLED: new Set([
    'OrderModified',
    'OrderModifyRejected',
    'OrderCancelRejected',
    'OrderCanceled',
    'OrderExpired',
    'OrderFilled',
  ]),
  PENDING_UPDATE: new Set([
    'OrderModified',
    'OrderModifyRejected',
    'OrderCanceled',
    'OrderExpired',
    'OrderTriggered',
    'OrderFilled',
    'OrderAccepted',
  ]),
  PENDING_CANCEL: new Set([
    'OrderCanceled',
    'OrderCancelRejected',
    'OrderExpired',
    'OrderFilled',
    'OrderModified',
    'OrderModifyRejected',
    'OrderAccepted',
    'OrderTriggered',
  ]),
  DENIED: new Set(),
  REJECTED: new Set(),
  FILLED: new Set(),
  CANCELED: new Set(),
  EXPIRED: new Set(),
};

/**
 * One order and its life. Only `apply` changes it, and only along the legal transitions above;
 * fills are counted once per trade id and can never exceed the order quantity.
 */
export class Order implements OrderOwner, OrderTerms {
  readonly traderId;
  readonly accountId;
  readonly botId;
  readonly strategyId;
  readonly instrumentId;
  readonly clientOrderId: ClientOrderId;
  readonly side;
  readonly orderType;
  readonly timeInForce;
  readonly expireTime?: UnixNanos;
  readonly postOnly;
  readonly reduceOnly;
  readonly reason;
  readonly tsInit: UnixNanos;

  quantity: Quantity;
  price?: Price;
  triggerPrice?: Price;
  status: OrderStatus = OrderStatus.INITIALIZED;
  venueOrderId?: VenueOrderId;
  filledQty: Quantity;
  triggered = false;
  tsLast: UnixNanos;
  readonly events: OrderEvent[];
  /**
   * Trade ids of the fills applied. Most orders fill once, so the first id is kept on its own and a
   * set is made only for a second fill: a Set per order would be most of a closed order's memory.
   */
  private firstTradeId: TradeId | undefined;
  private moreTradeIds: Set<TradeId> | undefined;
  private fillCostSum: Decimal | undefined;
  /** Where PENDING_UPDATE / PENDING_CANCEL return to when the venue refuses the change. */
  private statusBeforePending?: OrderStatus;

  constructor(init: OrderInitialized) {
    this.traderId = init.traderId;
    this.accountId = init.accountId;
    this.botId = init.botId;
    this.strategyId = init.strategyId;
    this.instrumentId = init.instrumentId;
    this.clientOrderId = init.clientOrderId;
    this.side = init.side;
    this.orderType = init.orderType;
    this.quantity = init.quantity;
    this.price = init.price;
    this.triggerPrice = init.triggerPrice;
    this.timeInForce = init.timeInForce;
    this.expireTime = init.expireTime;
    this.postOnly = init.postOnly;
    this.reduceOnly = init.reduceOnly;
    this.reason = init.reason;
    this.tsInit = init.tsInit;
    this.tsLast = init.tsEvent;
    this.filledQty = zeroQuantity(init.quantity.precision);
    // Room for the usual life (initialized, submitted, accepted, filled) from the start: grown by
    // pushes from one element, the array would get 17 slots, and closed orders are kept by the thousand.
    this.events = [init, init, init, init];
    this.events.length = 1;
  }

  /**
   * Σ price × quantity of the fills, exact. Summed from the fills when first asked (and kept until the
   * next fill) rather than on every fill: closed orders are kept by the thousand and most are never asked.
   */
  get fillCost(): Decimal {
    if (this.fillCostSum !== undefined) return this.fillCostSum;
    let sum = Decimal.ZERO;
    for (const e of this.events) if (e.type === 'OrderFilled') sum = sum.add(e.lastPx.mul(e.lastQty));
    return (this.fillCostSum = sum);
  }

  get isOpen(): boolean {
    return WORKING.has(this.status) || this.status === OrderStatus.SUBMITTED;
  }

  get isClosed(): boolean {
    return TERMINAL.has(this.status);
  }

  get isInFlight(): boolean {
    return (
      this.status === OrderStatus.SUBMITTED ||
      this.status === OrderStatus.PENDING_UPDATE ||
      this.status === OrderStatus.PENDING_CANCEL
    );
  }

  get leavesQty(): Quantity {
    return Quantity.from(this.quantity.sub(this.filledQty));
  }

  /** Average fill price, exact to `scale` decimals (undefined before the first fill). */
  avgPx(scale = this.quantity.precision + 8): Decimal | undefined {
    return this.filledQty.isZero() ? undefined : this.fillCost.div(this.filledQty, scale, Rounding.HALF_EVEN);
  }

  hasTrade(tradeId: TradeId): boolean {
    return (
      tradeId === this.firstTradeId || (this.moreTradeIds !== undefined && this.moreTradeIds.has(tradeId))
    );
  }

  /** Local transition when a modify is sent; undone by OrderModified / OrderModifyRejected. */
  markPendingUpdate(): ApplyResult {
    return this.markPending(OrderStatus.PENDING_UPDATE);
  }

  /** Local transition when a cancel is sent; undone by OrderCancelRejected. */
  markPendingCancel(): ApplyResult {
    return this.markPending(OrderStatus.PENDING_CANCEL);
  }

  apply(event: OrderEvent): ApplyResult {
    if (event.clientOrderId !== this.clientOrderId) {
      return {
        kind: 'illegal',
        reason: `event for ${event.clientOrderId} applied to order ${this.clientOrderId}`,
      };
    }
    if (event.type === 'OrderFilled' && this.hasTrade(event.tradeId)) return DUPLICATE;
    if (!LEGAL[this.status].has(event.type)) {
      return { kind: 'illegal', reason: `${event.type} is not allowed when the order is ${this.status}` };
    }
    switch (event.type) {
      case 'OrderDenied':
        this.status = OrderStatus.DENIED;
        break;
      case 'OrderSubmitted':
        this.status = OrderStatus.SUBMITTED;
        break;
      case 'OrderAccepted':
        this.venueOrderId = event.venueOrderId;
        // A late ack while a change is pending keeps the pending state.
        if (this.status === OrderStatus.SUBMITTED) this.status = OrderStatus.ACCEPTED;
        else if (this.statusBeforePending === OrderStatus.SUBMITTED)
          this.statusBeforePending = OrderStatus.ACCEPTED;
        break;
      case 'OrderRejected':
        this.status = OrderStatus.REJECTED;
        break;
      case 'OrderModified': {
        if (event.quantity.lt(this.filledQty)) {
          return {
            kind: 'illegal',
            reason: `modified quantity ${event.quantity} is below the filled ${this.filledQty}`,
          };
        }
        this.quantity = event.quantity;
        if (event.price) this.price = event.price;
        if (event.triggerPrice) this.triggerPrice = event.triggerPrice;
        if (event.venueOrderId) this.venueOrderId = event.venueOrderId;
        this.restoreFromPending(OrderStatus.PENDING_UPDATE);
        if (this.filledQty.gte(this.quantity)) this.status = OrderStatus.FILLED;
        break;
      }
      case 'OrderModifyRejected':
        this.restoreFromPending(OrderStatus.PENDING_UPDATE);
        break;
      case 'OrderCancelRejected':
        this.restoreFromPending(OrderStatus.PENDING_CANCEL);
        break;
      case 'OrderCanceled':
        this.status = OrderStatus.CANCELED;
        break;
      case 'OrderExpired':
        this.status = OrderStatus.EXPIRED;
        break;
      case 'OrderTriggered':
        this.triggered = true;
        if (this.status === OrderStatus.PENDING_UPDATE || this.status === OrderStatus.PENDING_CANCEL) {
          this.statusBeforePending = OrderStatus.TRIGGERED;
        } else this.status = OrderStatus.TRIGGERED;
        break;
      case 'OrderFilled': {
        if (
          event.lastQty.scale > this.quantity.precision &&
          !event.lastQty.isMultipleOf(Decimal.of(1n, this.quantity.precision))
        ) {
          return {
            kind: 'illegal',
            reason: `fill quantity ${event.lastQty} is finer than the order's precision ${this.quantity.precision}`,
          };
        }
        const filled = this.filledQty.add(event.lastQty);
        if (filled.gt(this.quantity)) {
          return {
            kind: 'illegal',
            reason: `fill of ${event.lastQty} would take filled ${filled} above quantity ${this.quantity}`,
          };
        }
        if (!this.venueOrderId) this.venueOrderId = event.venueOrderId;
        if (this.firstTradeId === undefined) this.firstTradeId = event.tradeId;
        else (this.moreTradeIds ??= new Set()).add(event.tradeId);
        const precision = this.quantity.precision;
        if (
          filled.units === this.quantity.units &&
          filled.scale === precision &&
          this.quantity instanceof Quantity
        ) {
          this.filledQty = this.quantity; // filled completely: the same value, kept once
        } else {
          this.filledQty =
            filled.scale === precision
              ? Quantity.fromUnits(filled.units, precision)
              : Quantity.from(filled).withPrecision(precision);
        }
        this.fillCostSum = undefined;
        if (this.filledQty.eq(this.quantity)) this.status = OrderStatus.FILLED;
        else if (this.status === OrderStatus.PENDING_CANCEL || this.status === OrderStatus.PENDING_UPDATE) {
          this.statusBeforePending = OrderStatus.PARTIALLY_FILLED;
        } else this.status = OrderStatus.PARTIALLY_FILLED;
        break;
      }
      case 'OrderInitialized':
        return { kind: 'illegal', reason: 'an order is initialized only once' };
    }
    this.tsLast = event.tsEvent;
    this.events.push(event);
    return APPLIED;
  }

  private markPending(status: OrderStatus): ApplyResult {
    if (!WORKING.has(this.status) && this.status !== OrderStatus.SUBMITTED) {
      return {
        kind: 'illegal',
        reason: `cannot ${status === OrderStatus.PENDING_CANCEL ? 'cancel' : 'modify'} an order that is ${this.status}`,
      };
    }
    if (this.status !== OrderStatus.PENDING_UPDATE && this.status !== OrderStatus.PENDING_CANCEL) {
      this.statusBeforePending = this.status;
    }
    this.status = status;
    return APPLIED;
  }

  /** Leaves `pending` (only that one: a modify answer must not end a pending cancel). */
  private restoreFromPending(pending: OrderStatus): void {
    if (this.status === pending) {
      this.status = this.statusBeforePending ?? OrderStatus.ACCEPTED;
      this.statusBeforePending = undefined;
    }
  }
}

/** Zero quantities by precision, shared by every new order (they are immutable). */
const ZERO_QUANTITIES: Quantity[] = [];

function zeroQuantity(precision: number): Quantity {
  return (ZERO_QUANTITIES[precision] ??= Quantity.zero(precision));
}

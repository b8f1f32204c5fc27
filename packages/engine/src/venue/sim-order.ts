import {
  LiquiditySide,
  OrderSide,
  OrderType,
  TimeInForce,
  type Instrument,
  type Price,
  type Quantity,
  type SubmitOrder,
  type UnixNanos,
  type VenueOrderId,
} from '@qubit/model';
import type { PositionEntry } from './position-ledger.js';

/** The final states the venue remembers of the orders it closed. */
export type ClosedStatus = 'FILLED' | 'CANCELED' | 'EXPIRED' | 'REJECTED';

/**
 * An order the venue refused on arrival, remembered so that `fetchOrder` can tell "rejected" from
 * "never received". It is given a venue order id of its own kind (`SIM-<venue>-R<n>`), as venues that
 * number rejected orders do; no event carries it.
 */
export interface RejectedOrder {
  readonly cmd: SubmitOrder;
  readonly venueOrderId: VenueOrderId;
  readonly closedAs: 'REJECTED';
}

/** A list an order can rest in (SortedOrders); declared here so that the two files do not import each other. */
export interface RestingList {
  remove(order: SimOrder): void;
}

/**
 * The venue's own record of a working order. Mutable on purpose: the matching loop updates it in
 * place. Prices and quantities are mirrored as bigint units at the instrument's precision.
 */
export class SimOrder {
  readonly isBuy: boolean;
  readonly tif: TimeInForce;
  /** Time priority: lower is earlier; renewed when a modify raises the quantity or moves a price. */
  seq: number;
  quantity: Quantity;
  qtyU: bigint;
  filledU = 0n;
  price: Price | undefined;
  /** Limit price units (0n when there is none). */
  pxU: bigint;
  triggerPrice: Price | undefined;
  /** Trigger price units (0n when there is none). */
  trgU: bigint;
  /** A stop whose trigger traded; a STOP_LIMIT then works as a limit order. */
  triggered = false;
  /**
   * Set when a limit order was marketable on arrival at a venue driven by trades or bars (no book to
   * take from at once): its eventual fill is then a TAKER fill at the market price, not a MAKER fill.
   */
  takerOnArrival = false;
  open = true;
  /** Σ price units × quantity units of its fills: the average fill price, exactly, for order queries. */
  costU = 0n;
  /** How it ended, once closed: what `fetchOrder` answers for it. */
  closedAs: ClosedStatus | undefined;
  /** The sorted list this order rests in, if any. */
  where: RestingList | null = null;
  expiryTimer: string | undefined;
  /** When its DAY or GTD expiry timer fires, and the venue's count of timers when it was set (their order). */
  expireAt: UnixNanos | undefined;
  expirySeq = 0;

  constructor(
    readonly cmd: SubmitOrder,
    readonly instrument: Instrument,
    readonly venueOrderId: VenueOrderId,
    readonly position: PositionEntry,
    seq: number,
    quantity: Quantity,
    qtyU: bigint,
    price: Price | undefined,
    pxU: bigint,
    triggerPrice: Price | undefined,
    trgU: bigint,
  ) {
    this.isBuy = cmd.side === OrderSide.BUY;
    this.tif = cmd.timeInForce;
    this.seq = seq;
    this.quantity = quantity;
    this.qtyU = qtyU;
    this.price = price;
    this.pxU = pxU;
    this.triggerPrice = triggerPrice;
    this.trgU = trgU;
  }

  get leavesU(): bigint {
    return this.qtyU - this.filledU;
  }

  /** True for IOC and FOK: the order gets one chance at the market, then the rest is canceled. */
  get isImmediate(): boolean {
    return this.tif === TimeInForce.IOC || this.tif === TimeInForce.FOK;
  }

  /** True for LIMIT, and for STOP_LIMIT once triggered. */
  get actsAsLimit(): boolean {
    const t = this.cmd.orderType;
    return t === OrderType.LIMIT || (t === OrderType.STOP_LIMIT && this.triggered);
  }

  liquidityOfRestingFill(): LiquiditySide {
    return this.takerOnArrival ? LiquiditySide.TAKER : LiquiditySide.MAKER;
  }
}

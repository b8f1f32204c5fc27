import type {
  LiquiditySide,
  Money,
  OrderAccepted,
  OrderCanceled,
  OrderCancelRejected,
  OrderExpired,
  OrderFilled,
  OrderModified,
  OrderModifyRejected,
  OrderOwner,
  OrderRejected,
  OrderSide,
  OrderTriggered,
  OrderType,
  Price,
  Quantity,
  RejectReason,
  TradeId,
  VenueOrderId,
} from '@qubit/model';
import type { Clock } from '../clock/clock.js';
import type { IdGenerator } from '../ids/id-generator.js';

/**
 * Builds the venue's execution reports. Each copies the owner fields, takes its eventId from the
 * IdGenerator and stamps tsEvent = tsInit = clock.now(). Object literals with every field spelled
 * out keep one allocation per event and a stable shape for V8.
 */
export class VenueReports {
  /** The last event id drawn: a venue restored from its state continues the IdGenerator after it. */
  lastEventId: string | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  private nextId(): string {
    return (this.lastEventId = this.ids.id());
  }

  accepted(o: OrderOwner, venueOrderId: VenueOrderId): OrderAccepted {
    const ts = this.clock.now();
    return {
      type: 'OrderAccepted',
      traderId: o.traderId,
      accountId: o.accountId,
      botId: o.botId,
      strategyId: o.strategyId,
      instrumentId: o.instrumentId,
      clientOrderId: o.clientOrderId,
      eventId: this.nextId(),
      tsEvent: ts,
      tsInit: ts,
      venueOrderId,
    };
  }

  rejected(o: OrderOwner, reasonCode: RejectReason, reason: string): OrderRejected {
    const ts = this.clock.now();
    return {
      type: 'OrderRejected',
      traderId: o.traderId,
      accountId: o.accountId,
      botId: o.botId,
      strategyId: o.strategyId,
      instrumentId: o.instrumentId,
      clientOrderId: o.clientOrderId,
      eventId: this.nextId(),
      tsEvent: ts,
      tsInit: ts,
      reasonCode,
      reason,
    };
  }

  filled(
    o: OrderOwner,
    venueOrderId: VenueOrderId,
    tradeId: TradeId,
    side: OrderSide,
    orderType: OrderType,
    lastQty: Quantity,
    lastPx: Price,
    fee: Money,
    liquiditySide: LiquiditySide,
  ): OrderFilled {
    const ts = this.clock.now();
    return {
      type: 'OrderFilled',
      traderId: o.traderId,
      accountId: o.accountId,
      botId: o.botId,
      strategyId: o.strategyId,
      instrumentId: o.instrumentId,
      clientOrderId: o.clientOrderId,
      eventId: this.nextId(),
      tsEvent: ts,
      tsInit: ts,
      venueOrderId,
      tradeId,
      side,
      orderType,
      lastQty,
      lastPx,
      fee,
      liquiditySide,
    };
  }

  modified(
    o: OrderOwner,
    venueOrderId: VenueOrderId,
    quantity: Quantity,
    price: Price | undefined,
    triggerPrice: Price | undefined,
  ): OrderModified {
    const ts = this.clock.now();
    return {
      type: 'OrderModified',
      traderId: o.traderId,
      accountId: o.accountId,
      botId: o.botId,
      strategyId: o.strategyId,
      instrumentId: o.instrumentId,
      clientOrderId: o.clientOrderId,
      eventId: this.nextId(),
      tsEvent: ts,
      tsInit: ts,
      venueOrderId,
      quantity,
      price,
      triggerPrice,
    };
  }

  modifyRejected(o: OrderOwner, reasonCode: RejectReason, reason: string): OrderModifyRejected {
    const ts = this.clock.now();
    return {
      type: 'OrderModifyRejected',
      traderId: o.traderId,
      accountId: o.accountId,
      botId: o.botId,
      strategyId: o.strategyId,
      instrumentId: o.instrumentId,
      clientOrderId: o.clientOrderId,
      eventId: this.nextId(),
      tsEvent: ts,
      tsInit: ts,
      reasonCode,
      reason,
    };
  }

  canceled(o: OrderOwner, venueOrderId: VenueOrderId): OrderCanceled {
    const ts = this.clock.now();
    return {
      type: 'OrderCanceled',
      traderId: o.traderId,
      accountId: o.accountId,
      botId: o.botId,
      strategyId: o.strategyId,
      instrumentId: o.instrumentId,
      clientOrderId: o.clientOrderId,
      eventId: this.nextId(),
      tsEvent: ts,
      tsInit: ts,
      venueOrderId,
    };
  }

  cancelRejected(o: OrderOwner, reasonCode: RejectReason, reason: string): OrderCancelRejected {
    const ts = this.clock.now();
    return {
      type: 'OrderCancelRejected',
      traderId: o.traderId,
      accountId: o.accountId,
      botId: o.botId,
      strategyId: o.strategyId,
      instrumentId: o.instrumentId,
      clientOrderId: o.clientOrderId,
      eventId: this.nextId(),
      tsEvent: ts,
      tsInit: ts,
      reasonCode,
      reason,
    };
  }

  expired(o: OrderOwner, venueOrderId: VenueOrderId): OrderExpired {
    const ts = this.clock.now();
    return {
      type: 'OrderExpired',
      traderId: o.traderId,
      accountId: o.accountId,
      botId: o.botId,
      strategyId: o.strategyId,
      instrumentId: o.instrumentId,
      clientOrderId: o.clientOrderId,
      eventId: this.nextId(),
      tsEvent: ts,
      tsInit: ts,
      venueOrderId,
    };
  }

  triggered(o: OrderOwner, venueOrderId: VenueOrderId): OrderTriggered {
    const ts = this.clock.now();
    return {
      type: 'OrderTriggered',
      traderId: o.traderId,
      accountId: o.accountId,
      botId: o.botId,
      strategyId: o.strategyId,
      instrumentId: o.instrumentId,
      clientOrderId: o.clientOrderId,
      eventId: this.nextId(),
      tsEvent: ts,
      tsInit: ts,
      venueOrderId,
    };
  }
}

import {
  Decimal,
  OrderType,
  type BotContext,
  type OrderSide,
  type OrderView,
  type PositionView,
} from '@qubit/model';

/** An order of the bot as the SDK helpers read it; only the fields they look at. */
export interface TestOrder {
  clientOrderId: string;
  side: OrderSide;
  orderType: OrderType;
  reason: string;
  quantity: Decimal;
  price?: Decimal;
  triggerPrice?: Decimal;
}

/**
 * A BotContext for the SDK's own tests: one position per instrument, a list of open orders, and a journal
 * of the calls that change something (cancelAll, cancel, modify), in order.
 */
export class TestBotContext {
  readonly calls: string[] = [];
  readonly positions = new Map<string, Decimal>();
  orders: TestOrder[] = [];

  constructor(readonly instrumentId: string) {}

  hold(signedQty: string): this {
    this.positions.set(this.instrumentId, Decimal.parse(signedQty));
    return this;
  }

  rest(order: Partial<TestOrder> & Pick<TestOrder, 'reason' | 'side'>): this {
    this.orders.push({
      clientOrderId: `O-${this.orders.length + 1}`,
      orderType: OrderType.LIMIT,
      quantity: Decimal.parse('1'),
      ...order,
    });
    return this;
  }

  get ctx(): BotContext<unknown> {
    const fake = {
      position: (id: string) =>
        ({ signedQty: this.positions.get(id) ?? Decimal.ZERO }) as unknown as PositionView,
      openOrders: (id?: string) =>
        (id === undefined || id === this.instrumentId ? this.orders : []) as unknown as OrderView[],
      cancelAll: (id?: string) => {
        this.calls.push(`cancelAll ${id}`);
        if (id === undefined || id === this.instrumentId) this.orders = [];
      },
      cancel: (clientOrderId: string) => this.calls.push(`cancel ${clientOrderId}`),
      modify: (clientOrderId: string) => this.calls.push(`modify ${clientOrderId}`),
      log: { warn: () => undefined, info: () => undefined, error: () => undefined, debug: () => undefined },
    };
    return fake as unknown as BotContext<unknown>;
  }
}

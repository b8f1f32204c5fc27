import { BarHistory, Order, flatPositionView } from '@qubit/engine';
import {
  ModelError,
  barTypeToString,
  instrumentFromSpec,
  parseBarType,
  type AccountState,
  type Bar,
  type BarType,
  type BotEvent,
  type Instrument,
  type InstrumentSpec,
  type MarketData,
  type MarketSnapshot,
  type Money,
  type OrderView,
  type PositionView,
  type Price,
  type QuoteTick,
} from '@qubit/model';

/**
 * What a bot's context reads, kept inside the worker from what the host pushes: instruments, the last
 * bars of each series, last prices and quotes, the bot's own positions and orders (from its order and
 * position events) and its account's equity. The SDK's Bot contract is synchronous, so every answer
 * must already be here when the bot asks.
 */
export class BotMirror {
  private readonly instruments = new Map<string, Instrument>();
  private readonly bars = new Map<string, BarHistory>();
  private readonly lastPrices = new Map<string, Price>();
  private readonly quotes = new Map<string, QuoteTick>();
  private readonly positionViews = new Map<string, PositionView>();
  private readonly orders = new Map<string, Order>();
  private readonly instrumentSet: ReadonlySet<string>;
  private readonly barTypeSet: ReadonlySet<string>;
  private readonly barInstruments: ReadonlySet<string>;
  private accountEquity: Money | undefined;

  constructor(
    private readonly botId: string,
    specs: readonly InstrumentSpec[],
    subscriptions: { readonly instruments: readonly string[]; readonly barTypes?: readonly string[] },
    private readonly barCapacity: number,
  ) {
    specs.forEach((s, i) => this.addInstrument(s, `instruments[${i}]`));
    this.instrumentSet = new Set(subscriptions.instruments);
    this.barTypeSet = new Set(subscriptions.barTypes ?? []);
    this.barInstruments = new Set(
      [...this.barTypeSet].map((b) => parseBarType(b, 'subscriptions.barTypes').instrumentId),
    );
    for (const id of [...this.instrumentSet, ...this.barInstruments]) this.instrument(id, 'subscriptions');
  }

  addInstrument(spec: InstrumentSpec, field = 'instrument'): void {
    const instrument = instrumentFromSpec(spec, field);
    this.instruments.set(instrument.id, instrument);
  }

  instrument(id: string, field = 'instrumentId'): Instrument {
    const found = this.instruments.get(id);
    if (!found) throw new ModelError(field, `instrument ${String(id)} is not known to bot ${this.botId}`);
    return found;
  }

  /**
   * Takes a datum into the mirror and returns the snapshot to wake the bot with, or undefined when
   * the bot does not follow it (bars of other series; ticks of instruments it follows by bars).
   */
  market(data: MarketData): MarketSnapshot | undefined {
    switch (data.type) {
      case 'Bar': {
        const key = barTypeToString(data.barType);
        let history = this.bars.get(key);
        if (!history) this.bars.set(key, (history = new BarHistory(this.barCapacity)));
        history.push(data);
        const id = data.barType.instrumentId;
        this.lastPrices.set(id, data.close);
        if (!this.barTypeSet.has(key)) return undefined;
        return this.snapshot(id, data.tsEvent, 'bar', { bar: data });
      }
      case 'TradeTick': {
        const id = data.instrumentId;
        this.lastPrices.set(id, data.price);
        if (!this.instrumentSet.has(id) || this.barInstruments.has(id)) return undefined;
        return this.snapshot(id, data.tsEvent, 'trade', { trade: data });
      }
      case 'QuoteTick': {
        const id = data.instrumentId;
        this.quotes.set(id, data);
        if (!this.instrumentSet.has(id) || this.barInstruments.has(id)) return undefined;
        return this.snapshot(id, data.tsEvent, 'quote', { quote: data });
      }
      default:
        return undefined;
    }
  }

  /** Follows the bot's own orders and positions; another bot's event is refused. */
  event(event: BotEvent): void {
    if (event.botId !== this.botId) {
      throw new ModelError('event.botId', `${event.botId} is not bot ${this.botId}`);
    }
    switch (event.type) {
      case 'PositionOpened':
      case 'PositionChanged':
      case 'PositionClosed':
        this.positionViews.set(event.instrumentId, {
          instrumentId: event.instrumentId,
          side: event.side,
          signedQty: event.signedQty,
          quantity: event.quantity,
          avgPx: event.quantity.isZero() ? undefined : event.avgPxOpen,
          realizedPnl: event.realizedPnl,
          unrealizedPnl: event.unrealizedPnl,
          fees: event.fees,
        });
        return;
      case 'OrderInitialized':
        if (!this.orders.has(event.clientOrderId)) this.orders.set(event.clientOrderId, new Order(event));
        return;
      default: {
        const order = this.orders.get(event.clientOrderId);
        // An event of an order whose OrderInitialized came before this run has nothing to update.
        if (!order) return;
        order.apply(event);
        if (order.isClosed) this.orders.delete(event.clientOrderId);
      }
    }
  }

  account(state: AccountState): void {
    this.accountEquity = state.equity;
  }

  barsOf(barType: BarType | string, count?: number): readonly Bar[] {
    const key = typeof barType === 'string' ? barType : barTypeToString(barType);
    return this.bars.get(key)?.tail(count) ?? [];
  }

  lastPrice(id: string): Price | undefined {
    return this.lastPrices.get(id);
  }

  quote(id: string): QuoteTick | undefined {
    return this.quotes.get(id);
  }

  position(id: string): PositionView {
    const instrument = this.instrument(id);
    return this.positionViews.get(instrument.id) ?? flatPositionView(instrument);
  }

  positions(): readonly PositionView[] {
    return [...this.positionViews.values()].filter((p) => !p.signedQty.isZero());
  }

  openOrders(instrumentId?: string): readonly OrderView[] {
    const out: OrderView[] = [];
    for (const o of this.orders.values()) {
      // As the cache counts them: every order not in a terminal state, unacknowledged ones included.
      if (!o.isClosed && (instrumentId === undefined || o.instrumentId === instrumentId))
        out.push(orderView(o));
    }
    return out;
  }

  /** One of the bot's open orders, or the error BotHost gives for an order that is not the bot's. */
  ownOpenOrder(clientOrderId: string): OrderView {
    const o = this.orders.get(clientOrderId);
    if (!o) throw new ModelError('client_order_id', `${clientOrderId} is not an order of bot ${this.botId}`);
    return orderView(o);
  }

  equity(): Money {
    if (!this.accountEquity)
      throw new ModelError('account_id', `equity of bot ${this.botId}'s account is unknown`);
    return this.accountEquity;
  }

  private snapshot(
    id: string,
    ts: bigint,
    trigger: MarketSnapshot['trigger'],
    datum: Pick<MarketSnapshot, 'bar' | 'trade' | 'quote'>,
  ): MarketSnapshot {
    const instrument = this.instrument(id);
    const q = this.quotes.get(id);
    return {
      instrumentId: instrument.id,
      instrument,
      ts,
      trigger,
      last: this.lastPrices.get(id),
      bid: q?.bidPrice,
      ask: q?.askPrice,
      ...datum,
    };
  }
}

function orderView(o: Order): OrderView {
  return {
    clientOrderId: o.clientOrderId,
    instrumentId: o.instrumentId,
    side: o.side,
    orderType: o.orderType,
    status: o.status,
    quantity: o.quantity,
    filledQty: o.filledQty,
    price: o.price,
    triggerPrice: o.triggerPrice,
    timeInForce: o.timeInForce,
    postOnly: o.postOnly,
    reduceOnly: o.reduceOnly,
    reason: o.reason,
  };
}

import {
  Decimal,
  ModelError,
  OrderSide,
  OrderType,
  Price,
  Quantity,
  RejectReason,
  TimeInForce,
  nanosToIso,
  priceBandAt,
  type AccountId,
  type Bar,
  type CancelAllOrders,
  type CancelOrder,
  type Instrument,
  type InstrumentId,
  type LiquiditySide,
  type ModifyOrder,
  type OrderBookDeltas,
  type OrderBookSnapshot,
  type OrderEvent,
  type OrderFilled,
  type OrderOwner,
  type QuoteTick,
  type SubmitOrder,
  type TradeId,
  type TradeTick,
  type UnixNanos,
  type VenueOrderId,
} from '@qubit/model';
import type { Clock } from '../clock/clock.js';
import type { IdGenerator } from '../ids/id-generator.js';
import type { ExecutionClient, ExecutionReportSink } from '../ports/execution-client.js';
import { DayEndCalendar } from './day-end.js';
import { FeeModel } from './fee-model.js';
import { OrderMatcher, type MatchHost } from './order-matcher.js';
import { PositionLedger, type VenuePosition } from './position-ledger.js';
import { SimOrder } from './sim-order.js';
import { exactUnits } from './units.js';
import { resolveVenueConfig, type SimulatedVenueConfig } from './venue-config.js';
import { VenueReports } from './venue-reports.js';
import {
  checkOrderShape,
  checkSession,
  checkVenueRules,
  type ActiveBand,
  type CheckedTerms,
  type RuleViolation,
} from './venue-rules.js';

export interface SimulatedVenueOptions {
  /** The venue name used in venue order ids (`SIM-<venue>-<n>`) and trade ids (`<venue>-T<n>`), e.g. "BINANCE". */
  readonly venue: string;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly instruments: (id: string) => Instrument | undefined;
  readonly config?: Partial<SimulatedVenueConfig>;
}

/** A working order as the venue reports it for reconciliation. */
export interface VenueOrderReport extends OrderOwner {
  readonly venueOrderId: VenueOrderId;
  readonly side: SubmitOrder['side'];
  readonly orderType: OrderType;
  readonly timeInForce: TimeInForce;
  readonly quantity: Quantity;
  readonly filledQty: Quantity;
  readonly price?: Price;
  readonly triggerPrice?: Price;
  readonly triggered: boolean;
  readonly postOnly: boolean;
  readonly reduceOnly: boolean;
  readonly expireTime?: UnixNanos;
}

const VENUE_RE = /^[A-Z][A-Z0-9_]{0,31}$/;
const TIME_IN_FORCE: ReadonlySet<string> = new Set(Object.values(TimeInForce));

/**
 * A matching engine behind the ExecutionClient port, for backtests and paper trading.
 *
 * Commands take effect `latencyNs` after the call (synchronously when 0); every outcome is reported
 * only through the sink given to `connect`. Each command is checked in this order: duplicate
 * clientOrderId still working (DUPLICATE_ORDER), unknown instrument (OTHER), order shape, time in
 * force, session (MARKET_CLOSED), venue rules (INVALID_PRICE, INVALID_QUANTITY, MIN_NOTIONAL,
 * PRICE_LIMIT), post-only (POST_ONLY_WOULD_TAKE), reduce-only (REDUCE_ONLY_WOULD_INCREASE).
 *
 * Reduce-only: an order that would increase (or open) the venue-side net position of its account is
 * rejected on arrival; one larger than the position is accepted and clipped at fill time, and its
 * remainder is canceled once the position is flat.
 *
 * DAY orders expire at the end of the instrument's last session of the trading day, or at 00:00 UTC
 * for instruments that trade around the clock; GTD orders at their expireTime. Both via clock timers.
 *
 * Events are queued while a command or a market-data update is being matched and delivered to the
 * sink afterwards, so a sink that reacts by sending a new command never re-enters a matching loop.
 */
export class SimulatedVenue implements ExecutionClient {
  readonly venue: string;
  readonly config: SimulatedVenueConfig;
  private readonly clock: Clock;
  private readonly ids: IdGenerator;
  private readonly lookup: (id: string) => Instrument | undefined;
  private readonly reports: VenueReports;
  private readonly fees: FeeModel;
  private readonly calendar = new DayEndCalendar();
  private readonly ledger = new PositionLedger();
  private readonly matchers = new Map<string, OrderMatcher>();
  private readonly working = new Map<string, SimOrder>();
  private readonly bands = new Map<string, ActiveBand>();
  private readonly fillLog: OrderFilled[] = [];
  private readonly outbox: OrderEvent[] = [];
  private readonly host: MatchHost;
  private sink: ExecutionReportSink | undefined;
  /** The matcher of the last instrument looked up: consecutive data are mostly of one instrument. */
  private recentMatcher: OrderMatcher | undefined;
  private flushing = false;
  private orderCount = 0;
  private tradeCount = 0;
  private commandCount = 0;
  private seq = 0;
  /** `SIM-<venue>-` and `<venue>-T`, made once: every id shares its prefix instead of carrying a copy. */
  private readonly venueOrderIdPrefix: string;
  private readonly tradeIdPrefix: string;

  constructor(options: SimulatedVenueOptions) {
    if (options === null || typeof options !== 'object')
      throw new ModelError('venue', 'expected an options object');
    const { venue, clock, ids, instruments } = options;
    if (typeof venue !== 'string' || !VENUE_RE.test(venue)) {
      throw new ModelError(
        'venue.venue',
        `"${String(venue)}" is not a venue name (1-32 of upper-case A-Z, 0-9, _ starting with a letter)`,
      );
    }
    if (!clock || typeof clock.now !== 'function' || typeof clock.setTimer !== 'function') {
      throw new ModelError('venue.clock', 'a Clock is required');
    }
    if (!ids || typeof ids.id !== 'function') throw new ModelError('venue.ids', 'an IdGenerator is required');
    if (typeof instruments !== 'function')
      throw new ModelError('venue.instruments', 'an instrument lookup function is required');
    this.venue = venue;
    this.venueOrderIdPrefix = `SIM-${venue}-`;
    this.tradeIdPrefix = `${venue}-T`;
    this.clock = clock;
    this.ids = ids;
    this.lookup = instruments;
    this.config = resolveVenueConfig(options.config);
    this.reports = new VenueReports(clock, ids);
    this.fees = new FeeModel(this.config.feeOverride);
    this.host = {
      fillable: (o, wanted) => this.fillable(o, wanted),
      fill: (o, px, qty, liquidity) => this.fill(o, px, qty, liquidity),
      trigger: (o) => this.emit(this.reports.triggered(o.cmd, o.venueOrderId)),
      cancel: (o) => this.cancelWorking(o),
    };
  }

  // ---- ExecutionClient -----------------------------------------------------------------------

  connect(sink: ExecutionReportSink): void {
    if (typeof sink !== 'function')
      throw new ModelError('sink', 'expected a function that takes order events');
    this.sink = sink;
  }

  submitOrder(command: SubmitOrder): void {
    this.requireConnected('submitOrder');
    if (this.config.latencyNs === 0n) {
      // The common case (no latency) without a closure: every order of a backtest comes this way.
      this.applySubmit(command);
      this.flush();
      return;
    }
    this.schedule(() => this.applySubmit(command));
  }

  modifyOrder(command: ModifyOrder): void {
    this.requireConnected('modifyOrder');
    this.schedule(() => this.applyModify(command));
  }

  cancelOrder(command: CancelOrder): void {
    this.requireConnected('cancelOrder');
    this.schedule(() => this.applyCancel(command));
  }

  cancelAllOrders(command: CancelAllOrders): void {
    this.requireConnected('cancelAllOrders');
    this.schedule(() => this.applyCancelAll(command));
  }

  // ---- market data ---------------------------------------------------------------------------

  processQuote(quote: QuoteTick): void {
    this.matcherOrThrow(quote.instrumentId, 'quote.instrumentId').onQuote(quote);
    this.flush();
  }

  processTrade(trade: TradeTick): void {
    this.matcherOrThrow(trade.instrumentId, 'trade.instrumentId').onTrade(trade);
    this.flush();
  }

  processBar(bar: Bar): void {
    this.matcherOrThrow(bar.barType.instrumentId, 'bar.barType.instrumentId').onBar(bar);
    this.flush();
  }

  processBookSnapshot(snapshot: OrderBookSnapshot): void {
    this.matcherOrThrow(snapshot.instrumentId, 'snapshot.instrumentId').onSnapshot(snapshot);
    this.flush();
  }

  processBookDeltas(deltas: OrderBookDeltas): void {
    this.matcherOrThrow(deltas.instrumentId, 'deltas.instrumentId').onDeltas(deltas);
    this.flush();
  }

  /** Sets the reference price the instrument's daily band (priceBandAt) is computed from; without one no band is checked. */
  setReferencePrice(instrumentId: InstrumentId, price: Price): void {
    const instrument = this.lookup(instrumentId);
    if (!instrument)
      throw new ModelError('instrumentId', `unknown instrument ${instrumentId} at ${this.venue}`);
    if (!(price instanceof Decimal) || !price.isPositive()) {
      throw new ModelError('price', `reference price of ${instrumentId} must be a positive Price`);
    }
    const band = priceBandAt(instrument, price);
    if (band) this.bands.set(instrumentId, { reference: price, low: band.low, high: band.high });
    else this.bands.delete(instrumentId);
  }

  // ---- queries for reconciliation -------------------------------------------------------------

  /** Working orders (all accounts, or one), in the order they were accepted. */
  openOrders(accountId?: AccountId): VenueOrderReport[] {
    const out: VenueOrderReport[] = [];
    for (const o of this.working.values()) {
      if (accountId !== undefined && o.cmd.accountId !== accountId) continue;
      const c = o.cmd;
      out.push({
        traderId: c.traderId,
        accountId: c.accountId,
        botId: c.botId,
        strategyId: c.strategyId,
        instrumentId: c.instrumentId,
        clientOrderId: c.clientOrderId,
        venueOrderId: o.venueOrderId,
        side: c.side,
        orderType: c.orderType,
        timeInForce: c.timeInForce,
        quantity: o.quantity,
        filledQty: Quantity.fromUnits(o.filledU, o.instrument.sizePrecision),
        price: o.price,
        triggerPrice: o.triggerPrice,
        triggered: o.triggered,
        postOnly: c.postOnly,
        reduceOnly: c.reduceOnly,
        expireTime: c.expireTime,
      });
    }
    return out;
  }

  /** Net position per instrument of an account, from the fills this venue made (flat ones left out). */
  positions(accountId: AccountId): VenuePosition[] {
    return this.ledger.positions(accountId);
  }

  /** Every fill so far, oldest first (empty when `keepFills` is off). */
  fills(): readonly OrderFilled[] {
    return this.fillLog;
  }

  // ---- commands ------------------------------------------------------------------------------

  private applySubmit(cmd: SubmitOrder): void {
    if (this.working.has(cmd.clientOrderId)) {
      return this.emit(
        this.reports.rejected(
          cmd,
          RejectReason.DUPLICATE_ORDER,
          `order ${cmd.clientOrderId} is still working at ${this.venue}`,
        ),
      );
    }
    const m = this.matcherFor(cmd.instrumentId);
    if (!m) {
      return this.emit(
        this.reports.rejected(
          cmd,
          RejectReason.OTHER,
          `instrument ${cmd.instrumentId} is unknown at ${this.venue}`,
        ),
      );
    }
    const now = this.clock.now();
    const violation = this.checkTimeInForce(cmd, now) ?? this.checkTerms(m, cmd, now);
    if (violation) return this.emit(this.reports.rejected(cmd, violation.code, violation.reason));
    const inst = m.instrument;
    const isBuy = cmd.side === OrderSide.BUY;
    const pxU = cmd.price !== undefined ? (exactUnits(cmd.price, inst.pricePrecision) ?? 0n) : 0n;
    if (cmd.postOnly) {
      if (cmd.orderType !== OrderType.LIMIT) {
        return this.emit(
          this.reports.rejected(
            cmd,
            RejectReason.UNSUPPORTED,
            `post-only applies to LIMIT orders, not ${cmd.orderType}`,
          ),
        );
      }
      if (m.wouldTake(isBuy, pxU)) {
        return this.emit(
          this.reports.rejected(
            cmd,
            RejectReason.POST_ONLY_WOULD_TAKE,
            `post-only ${cmd.side} at ${cmd.price?.toString()} would take liquidity on ${inst.id}`,
          ),
        );
      }
    }
    const position = this.ledger.entry(cmd.accountId, cmd.instrumentId, inst.sizePrecision);
    if (cmd.reduceOnly && (isBuy ? position.net >= 0n : position.net <= 0n)) {
      const held = position.net === 0n ? 'no' : position.net > 0n ? 'a long' : 'a short';
      return this.emit(
        this.reports.rejected(
          cmd,
          RejectReason.REDUCE_ONLY_WOULD_INCREASE,
          `reduce-only ${cmd.side} would increase the position: ${cmd.accountId} holds ${held} position in ${inst.id}`,
        ),
      );
    }
    const o = new SimOrder(
      cmd,
      inst,
      (this.venueOrderIdPrefix + ++this.orderCount) as VenueOrderId,
      position,
      this.seq++,
      cmd.quantity,
      exactUnits(cmd.quantity, inst.sizePrecision) ?? 0n,
      cmd.price,
      pxU,
      cmd.triggerPrice,
      cmd.triggerPrice !== undefined ? (exactUnits(cmd.triggerPrice, inst.pricePrecision) ?? 0n) : 0n,
    );
    this.working.set(cmd.clientOrderId, o);
    this.emit(this.reports.accepted(cmd, o.venueOrderId));
    m.place(o);
    if (o.open) this.armExpiry(o, now);
  }

  private applyModify(cmd: ModifyOrder): void {
    const o = this.findWorking(cmd);
    if (!o) {
      return this.emit(
        this.reports.modifyRejected(
          cmd,
          RejectReason.UNKNOWN_ORDER,
          `order ${cmd.clientOrderId} is not working at ${this.venue}`,
        ),
      );
    }
    const type = o.cmd.orderType;
    const isStop = type === OrderType.STOP_MARKET || type === OrderType.STOP_LIMIT;
    const refuse = (code: RejectReason, reason: string): void =>
      this.emit(this.reports.modifyRejected(o.cmd, code, reason));
    if (cmd.quantity === undefined && cmd.price === undefined && cmd.triggerPrice === undefined) {
      return refuse(
        RejectReason.OTHER,
        `modify of ${cmd.clientOrderId} names no new quantity, price or trigger price`,
      );
    }
    if (cmd.price !== undefined && type !== OrderType.LIMIT && type !== OrderType.STOP_LIMIT) {
      return refuse(RejectReason.ORDER_NOT_MODIFIABLE, `a ${type} order has no limit price to modify`);
    }
    if (cmd.triggerPrice !== undefined && (!isStop || o.triggered)) {
      return refuse(
        RejectReason.ORDER_NOT_MODIFIABLE,
        isStop
          ? `${cmd.clientOrderId} has already triggered; its trigger price cannot change`
          : `a ${type} order has no trigger price`,
      );
    }
    const m = this.matchers.get(o.instrument.id)!;
    const inst = o.instrument;
    const terms: CheckedTerms = {
      side: o.cmd.side,
      orderType: type,
      quantity: cmd.quantity ?? o.quantity,
      price: cmd.price ?? o.price,
      triggerPrice: cmd.triggerPrice ?? o.triggerPrice,
    };
    const violation = this.checkTerms(m, terms, this.clock.now());
    if (violation) return refuse(violation.code, violation.reason);
    const qtyU = exactUnits(terms.quantity, inst.sizePrecision) ?? 0n;
    if (qtyU < o.filledU) {
      const filled = Quantity.fromUnits(o.filledU, inst.sizePrecision);
      return refuse(
        RejectReason.INVALID_QUANTITY,
        `quantity ${terms.quantity.toString()} is below the ${filled.toString()} already filled`,
      );
    }
    const pxU = terms.price !== undefined ? (exactUnits(terms.price, inst.pricePrecision) ?? 0n) : 0n;
    const trgU =
      terms.triggerPrice !== undefined ? (exactUnits(terms.triggerPrice, inst.pricePrecision) ?? 0n) : 0n;
    if (o.cmd.postOnly && m.wouldTake(o.isBuy, pxU)) {
      return refuse(
        RejectReason.POST_ONLY_WOULD_TAKE,
        `post-only ${o.cmd.side} at ${terms.price?.toString()} would take liquidity on ${inst.id}`,
      );
    }
    m.remove(o);
    // Like real venues: a new price or a larger size goes to the back of the queue; a smaller size keeps its place.
    if (pxU !== o.pxU || trgU !== o.trgU || qtyU > o.qtyU) o.seq = this.seq++;
    o.quantity = terms.quantity;
    o.qtyU = qtyU;
    o.price = terms.price;
    o.pxU = pxU;
    o.triggerPrice = terms.triggerPrice;
    o.trgU = trgU;
    this.emit(this.reports.modified(o.cmd, o.venueOrderId, o.quantity, o.price, o.triggerPrice));
    if (o.filledU === o.qtyU) this.close(o);
    else m.place(o);
  }

  private applyCancel(cmd: CancelOrder): void {
    const o = this.findWorking(cmd);
    if (!o) {
      return this.emit(
        this.reports.cancelRejected(
          cmd,
          RejectReason.UNKNOWN_ORDER,
          `order ${cmd.clientOrderId} is not working at ${this.venue}`,
        ),
      );
    }
    this.matchers.get(o.instrument.id)?.remove(o);
    this.cancelWorking(o);
  }

  private applyCancelAll(cmd: CancelAllOrders): void {
    const due: SimOrder[] = [];
    for (const o of this.working.values()) {
      const c = o.cmd;
      if (c.traderId !== cmd.traderId) continue;
      if (cmd.accountId !== undefined && c.accountId !== cmd.accountId) continue;
      if (cmd.botId !== undefined && c.botId !== cmd.botId) continue;
      if (cmd.instrumentId !== undefined && c.instrumentId !== cmd.instrumentId) continue;
      if (cmd.side !== undefined && c.side !== cmd.side) continue;
      due.push(o);
    }
    for (const o of due) {
      this.matchers.get(o.instrument.id)?.remove(o);
      this.cancelWorking(o);
    }
  }

  // ---- checks --------------------------------------------------------------------------------

  private checkTimeInForce(cmd: SubmitOrder, now: UnixNanos): RuleViolation | undefined {
    if (!TIME_IN_FORCE.has(cmd.timeInForce)) {
      return {
        code: RejectReason.UNSUPPORTED,
        reason: `time in force "${String(cmd.timeInForce)}" is not supported`,
      };
    }
    if (cmd.timeInForce !== TimeInForce.GTD) return undefined;
    if (cmd.expireTime === undefined)
      return { code: RejectReason.OTHER, reason: 'a GTD order needs an expireTime' };
    if (cmd.expireTime <= now) {
      return {
        code: RejectReason.OTHER,
        reason: `expireTime ${nanosToIso(cmd.expireTime)} is not after the venue time ${nanosToIso(now)}`,
      };
    }
    return undefined;
  }

  private checkTerms(m: OrderMatcher, t: CheckedTerms, now: UnixNanos): RuleViolation | undefined {
    const inst = m.instrument;
    const shape = checkOrderShape(inst, t);
    if (shape) return shape;
    if (this.config.rejectOutsideSession) {
      const session = checkSession(inst, t.orderType, now);
      if (session) return session;
    }
    if (!this.config.enforceRules) return undefined;
    let marketPx: Decimal | undefined;
    if (t.orderType === OrderType.MARKET && (inst.minNotional || inst.maxNotional)) {
      const u = m.marketPrice(t.side === OrderSide.BUY);
      if (u !== undefined) marketPx = Decimal.of(u, inst.pricePrecision);
    }
    return checkVenueRules(inst, t, marketPx, this.bands.get(inst.id));
  }

  // ---- matching host -------------------------------------------------------------------------

  private fillable(o: SimOrder, wanted: bigint): bigint {
    if (!o.cmd.reduceOnly) return wanted;
    const net = o.position.net;
    const reducible = o.isBuy ? (net < 0n ? -net : 0n) : net > 0n ? net : 0n;
    return wanted < reducible ? wanted : reducible;
  }

  private fill(o: SimOrder, px: bigint, qty: bigint, liquidity: LiquiditySide): void {
    const inst = o.instrument;
    o.filledU += qty;
    o.position.net += o.isBuy ? qty : -qty;
    const lastPx = this.matchers.get(inst.id)?.quotedPrice(px) ?? Price.fromUnits(px, inst.pricePrecision);
    // A fill of the whole order at once (the usual case) reports the order's own quantity object.
    const lastQty =
      qty === o.qtyU && o.quantity.scale === inst.sizePrecision && o.quantity instanceof Quantity
        ? o.quantity
        : Quantity.fromUnits(qty, inst.sizePrecision);
    const event = this.reports.filled(
      o.cmd,
      o.venueOrderId,
      (this.tradeIdPrefix + ++this.tradeCount) as TradeId,
      o.cmd.side,
      o.cmd.orderType,
      lastQty,
      lastPx,
      this.fees.fee(inst, lastPx, lastQty, liquidity),
      liquidity,
    );
    if (this.config.keepFills) this.fillLog.push(event);
    this.emit(event);
    if (o.filledU >= o.qtyU) this.close(o);
    else if (o.cmd.reduceOnly && this.fillable(o, o.leavesU) === 0n) this.cancelWorking(o);
  }

  /** Cancels a working order the caller has already taken out of its matcher's lists. */
  private cancelWorking(o: SimOrder): void {
    if (!o.open) return;
    this.close(o);
    this.emit(this.reports.canceled(o.cmd, o.venueOrderId));
  }

  private close(o: SimOrder): void {
    o.open = false;
    if (this.working.get(o.cmd.clientOrderId) === o) this.working.delete(o.cmd.clientOrderId);
    if (o.expiryTimer !== undefined) {
      this.clock.cancelTimer(o.expiryTimer);
      o.expiryTimer = undefined;
    }
  }

  private armExpiry(o: SimOrder, now: UnixNanos): void {
    let at: UnixNanos | undefined;
    if (o.tif === TimeInForce.GTD) at = o.cmd.expireTime;
    else if (o.tif === TimeInForce.DAY) at = this.calendar.dayEnd(o.instrument, now);
    if (at === undefined) return;
    const name = `${this.venue}:expire:${o.venueOrderId}`;
    o.expiryTimer = name;
    this.clock.setTimer(name, at, () => {
      if (!o.open) return;
      o.expiryTimer = undefined;
      this.matchers.get(o.instrument.id)?.remove(o);
      this.close(o);
      this.emit(this.reports.expired(o.cmd, o.venueOrderId));
      this.flush();
    });
  }

  // ---- plumbing ------------------------------------------------------------------------------

  private findWorking(cmd: OrderOwner & { readonly venueOrderId?: VenueOrderId }): SimOrder | undefined {
    const o = this.working.get(cmd.clientOrderId);
    if (!o) return undefined;
    if (o.cmd.accountId !== cmd.accountId || o.cmd.instrumentId !== cmd.instrumentId) return undefined;
    if (cmd.venueOrderId !== undefined && cmd.venueOrderId !== o.venueOrderId) return undefined;
    return o;
  }

  private matcherFor(instrumentId: string): OrderMatcher | undefined {
    const recent = this.recentMatcher;
    if (recent !== undefined && recent.instrument.id === instrumentId) return recent;
    const hit = this.matchers.get(instrumentId);
    if (hit) return (this.recentMatcher = hit);
    const instrument = this.lookup(instrumentId);
    if (!instrument) return undefined;
    const m = new OrderMatcher(instrument, this.config, this.host);
    this.matchers.set(instrumentId, m);
    return (this.recentMatcher = m);
  }

  private matcherOrThrow(instrumentId: string, field: string): OrderMatcher {
    const m = this.matcherFor(instrumentId);
    if (!m) throw new ModelError(field, `unknown instrument ${instrumentId} at ${this.venue}`);
    return m;
  }

  private requireConnected(verb: string): void {
    if (!this.sink) throw new ModelError('sink', `${this.venue}: call connect(sink) before ${verb}`);
  }

  private schedule(apply: () => void): void {
    if (this.config.latencyNs === 0n) {
      apply();
      this.flush();
      return;
    }
    const name = `${this.venue}:cmd:${this.commandCount++}`;
    this.clock.setTimer(name, this.clock.now() + this.config.latencyNs, () => {
      apply();
      this.flush();
    });
  }

  private emit(event: OrderEvent): void {
    this.outbox.push(event);
  }

  /** Delivers queued events; a sink that throws loses nothing after the event it failed on. */
  private flush(): void {
    if (this.flushing || this.outbox.length === 0) return;
    const sink = this.sink;
    if (!sink) return;
    this.flushing = true;
    let i = 0;
    try {
      for (; i < this.outbox.length; i++) sink(this.outbox[i]!);
      this.outbox.length = 0;
    } catch (err) {
      this.outbox.splice(0, i + 1);
      throw err;
    } finally {
      this.flushing = false;
    }
  }
}

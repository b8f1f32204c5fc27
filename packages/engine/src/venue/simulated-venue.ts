import {
  AccountId,
  Decimal,
  ModelError,
  Money,
  OrderSide,
  OrderType,
  Price,
  Quantity,
  RejectReason,
  Rounding,
  TimeInForce,
  describe,
  divRound,
  nanosToIso,
  priceBandAt,
  type Bar,
  type CancelAllOrders,
  type CancelOrder,
  type ClientOrderId,
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
  type TradingCommand,
  type UnixNanos,
  type VenueOrderId,
} from '@qubit/model';
import type { Clock } from '../clock/clock.js';
import type { IdGenerator } from '../ids/id-generator.js';
import type { ExecutionClient, ExecutionReportSink } from '../ports/execution-client.js';
import { advanceIdsTo, idCounter, idPrefix } from '../recovery/advance-ids.js';
import { ClosedOrders } from './closed-orders.js';
import { DayEndCalendar } from './day-end.js';
import { FeeModel } from './fee-model.js';
import type { MatchDriver } from './order-matcher.js';
import { OrderMatcher, type MatchHost } from './order-matcher.js';
import { PositionLedger, type VenuePosition } from './position-ledger.js';
import { SimOrder, type ClosedStatus, type RejectedOrder } from './sim-order.js';
import {
  MATCH_DRIVER_NAMES,
  type BookLevelState,
  type ClosedOrderState,
  type MatcherState,
  type PendingCommandState,
  type SimulatedVenueState,
  type WorkingOrderState,
} from './simulated-venue-state.js';
import { UNLIMITED, exactUnits, priceUnits } from './units.js';
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
  /** Starting balances per account id (see `openAccount`). */
  readonly accounts?: Readonly<Record<string, readonly Money[]>>;
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

/** An order as the venue knows it, working or closed: the answer to fetchOrder (VenueOrderStatus). */
export interface SimulatedOrderStatus extends VenueOrderReport {
  readonly status: ClosedStatus | 'ACCEPTED' | 'TRIGGERED' | 'PARTIALLY_FILLED';
  /** Average price of its fills, half-even at the instrument's price precision, when it has any. */
  readonly avgPx?: Price;
}

/** A command waiting out the venue's latency; kept so that an exported state can schedule it again. */
interface PendingCommand {
  readonly command: TradingCommand;
  readonly at: UnixNanos;
  readonly timerSeq: number;
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
 *
 * For reconciliation it answers what a venue's REST API would (see SimulatedVenueQueries): working
 * orders, the status of an order it closed (a bounded memory, `closedOrderMemory`), fills, positions and
 * balances per account, which move with every fill as the Portfolio moves them. For a venue running as its
 * own process, `exportState` / `SimulatedVenue.restore` carry everything it needs to continue exactly.
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
  /** Closed orders, oldest forgotten first (`closedOrderMemory`). */
  private readonly closed: ClosedOrders;
  /** Starting balances given to `openAccount`, in order: part of an exported state. */
  private readonly openings: { readonly accountId: AccountId; readonly balances: readonly Money[] }[] = [];
  private readonly pending = new Map<number, PendingCommand>();
  private readonly outbox: OrderEvent[] = [];
  private readonly host: MatchHost;
  private sink: ExecutionReportSink | undefined;
  /** The matcher of the last instrument looked up: consecutive data are mostly of one instrument. */
  private recentMatcher: OrderMatcher | undefined;
  private flushing = false;
  private orderCount = 0;
  private tradeCount = 0;
  private commandCount = 0;
  private rejectCount = 0;
  /** Timers set so far: timers of one time fire in the order they were set, which a restore repeats. */
  private timerSeq = 0;
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
    this.closed = new ClosedOrders(this.config.closedOrderMemory);
    this.reports = new VenueReports(clock, ids);
    this.fees = new FeeModel(this.config.feeOverride);
    this.host = {
      fillable: (o, wanted) => this.fillable(o, wanted),
      fill: (o, px, qty, liquidity) => this.fill(o, px, qty, liquidity),
      trigger: (o) => this.emit(this.reports.triggered(o.cmd, o.venueOrderId)),
      cancel: (o) => this.cancelWorking(o),
    };
    const accounts: unknown = options.accounts;
    if (accounts !== undefined) {
      if (accounts === null || typeof accounts !== 'object' || Array.isArray(accounts)) {
        throw new ModelError(
          'venue.accounts',
          `expected { [accountId]: Money[] }, got ${describe(accounts)}`,
        );
      }
      for (const [id, balances] of Object.entries(accounts as Record<string, unknown>)) {
        this.openAccount(id, balances as readonly Money[], `venue.accounts.${id}`);
      }
    }
  }

  /**
   * Opens an account with its starting balances (one Money per currency, none negative). An account
   * the venue has not opened starts from nothing when it first trades; opening one twice is an error.
   */
  openAccount(accountId: string, balances: readonly Money[], field = 'accountId'): void {
    const id = AccountId(accountId, field);
    if (this.openings.some((o) => o.accountId === id)) {
      throw new ModelError(field, `account ${id} is already open at ${this.venue}`);
    }
    if (this.ledger.holdingsOf(id) !== undefined) {
      throw new ModelError(field, `account ${id} has already placed orders at ${this.venue}; open it before`);
    }
    const list: unknown = balances;
    if (!Array.isArray(list))
      throw new ModelError(field, `expected an array of Money, got ${describe(list)}`);
    const codes = new Set<string>();
    list.forEach((m: unknown, i) => {
      const at = `${field}[${i}]`;
      if (!(m instanceof Money)) throw new ModelError(at, `expected Money, got ${describe(m)}`);
      if (codes.has(m.currency.code)) throw new ModelError(at, `${m.currency.code} is listed twice`);
      codes.add(m.currency.code);
      if (m.isNegative()) throw new ModelError(at, `starting balance ${m.toString()} is negative`);
    });
    const copy = Object.freeze([...(list as Money[])]);
    this.openings.push({ accountId: id, balances: copy });
    this.ledger.deposit(id, copy);
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
    this.schedule(command);
  }

  modifyOrder(command: ModifyOrder): void {
    this.requireConnected('modifyOrder');
    this.schedule(command);
  }

  cancelOrder(command: CancelOrder): void {
    this.requireConnected('cancelOrder');
    this.schedule(command);
  }

  cancelAllOrders(command: CancelAllOrders): void {
    this.requireConnected('cancelAllOrders');
    this.schedule(command);
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

  /**
   * True when no order of `instrumentId` waits, rests or is due here and no report waits to go out: a
   * datum then only moves the instrument's last price, whatever the clock says. False for an instrument
   * this venue does not know (processing its data is what reports that).
   */
  restsNothing(instrumentId: string): boolean {
    if (this.outbox.length > 0) return false;
    const m = this.matcherFor(instrumentId);
    return m !== undefined && m.idle();
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
      out.push(reportOf(o));
    }
    return out;
  }

  /**
   * One order of the account by client order id: working, or closed and still remembered (see
   * `closedOrderMemory`); undefined when the venue never received it (or has forgotten it).
   */
  orderStatus(accountId: AccountId, clientOrderId: string): SimulatedOrderStatus | undefined {
    const o = this.working.get(clientOrderId) ?? this.closed.find(clientOrderId);
    if (!o || o.cmd.accountId !== accountId) return undefined;
    if (!(o instanceof SimOrder)) {
      const c = o.cmd;
      return {
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
        quantity: c.quantity,
        filledQty: Quantity.zero(c.quantity.precision),
        price: c.price,
        triggerPrice: c.triggerPrice,
        triggered: false,
        postOnly: c.postOnly,
        reduceOnly: c.reduceOnly,
        expireTime: c.expireTime,
        status: 'REJECTED',
      };
    }
    const status =
      o.closedAs ?? (o.filledU > 0n ? 'PARTIALLY_FILLED' : o.triggered ? 'TRIGGERED' : 'ACCEPTED');
    const report: { -readonly [K in keyof SimulatedOrderStatus]: SimulatedOrderStatus[K] } = {
      ...reportOf(o),
      status,
    };
    if (o.filledU > 0n) {
      report.avgPx = Price.fromUnits(
        divRound(o.costU, o.filledU, Rounding.HALF_EVEN),
        o.instrument.pricePrecision,
      );
    }
    return report;
  }

  /** Net position per instrument of an account, from the fills this venue made (flat ones left out). */
  positions(accountId: AccountId): VenuePosition[] {
    return this.ledger.positions(accountId);
  }

  /**
   * The account's balance per currency: its starting balances moved by every fill (see PositionLedger),
   * rounded half-even to each currency's precision. Empty for an account the venue does not know.
   */
  balances(accountId: AccountId): Money[] {
    const out: Money[] = [];
    for (const h of this.ledger.holdingsOf(accountId)?.values() ?? []) {
      out.push(Money.of(h.amount, h.currency));
    }
    return out;
  }

  /** The exact balance of one currency (undefined when the account never held it). */
  balance(accountId: AccountId, currencyCode: string): Decimal | undefined {
    return this.ledger.holdingsOf(accountId)?.get(currencyCode)?.amount;
  }

  /** Every fill so far, oldest first (empty when `keepFills` is off). */
  fills(): readonly OrderFilled[] {
    return this.fillLog;
  }

  // ---- state of a venue running as its own process -------------------------------------------

  /**
   * Everything needed to continue this venue elsewhere (see SimulatedVenueState), taken between two
   * calls (never from inside the sink). Needs `keepFills`: positions and balances are rebuilt from the
   * fills on restore.
   */
  exportState(): SimulatedVenueState {
    if (this.flushing || this.outbox.length > 0) {
      throw new ModelError(
        'venue',
        `${this.venue}: cannot export the state while reports are being delivered`,
      );
    }
    if (!this.config.keepFills) {
      throw new ModelError(
        'config.keepFills',
        `${this.venue}: exporting the state needs keepFills (positions and balances are rebuilt from the fills)`,
      );
    }
    const matchers: MatcherState[] = [];
    for (const m of this.matchers.values()) {
      const snap = m.snapshot();
      const inst = m.instrument;
      const level = ([px, size]: readonly [bigint, bigint]): BookLevelState => ({
        price: Price.fromUnits(px, inst.pricePrecision),
        size: size >= UNLIMITED ? 'unlimited' : Quantity.fromUnits(size, inst.sizePrecision),
      });
      matchers.push({
        instrumentId: inst.id,
        driver: MATCH_DRIVER_NAMES[snap.driver]!,
        ...(snap.barType !== undefined ? { barType: snap.barType } : {}),
        ...(snap.lastU !== undefined ? { lastPrice: Price.fromUnits(snap.lastU, inst.pricePrecision) } : {}),
        bids: snap.bids.map(level),
        asks: snap.asks.map(level),
        takers: snap.takers as ClientOrderId[],
        immediate: snap.immediate as ClientOrderId[],
        fresh: snap.fresh as ClientOrderId[],
      });
    }
    const working: WorkingOrderState[] = [];
    for (const o of this.working.values()) {
      working.push({
        command: o.cmd,
        venueOrderId: o.venueOrderId,
        seq: o.seq,
        ...termsOf(o),
        takerOnArrival: o.takerOnArrival,
        resting: this.matchers.get(o.instrument.id)!.restingKind(o),
        ...(o.expireAt !== undefined ? { expireAt: o.expireAt, expirySeq: o.expirySeq } : {}),
      });
    }
    const closed: ClosedOrderState[] = [];
    for (const o of this.closed.oldestFirst()) {
      if (o instanceof SimOrder) {
        closed.push({ command: o.cmd, venueOrderId: o.venueOrderId, status: o.closedAs!, ...termsOf(o) });
      } else {
        closed.push({
          command: o.cmd,
          venueOrderId: o.venueOrderId,
          status: 'REJECTED',
          quantity: o.cmd.quantity,
          ...(o.cmd.price !== undefined ? { price: o.cmd.price } : {}),
          ...(o.cmd.triggerPrice !== undefined ? { triggerPrice: o.cmd.triggerPrice } : {}),
          filledQty: Quantity.zero(o.cmd.quantity.precision),
          fillCost: Decimal.ZERO,
          triggered: false,
        });
      }
    }
    const pending: PendingCommandState[] = [];
    for (const [n, p] of this.pending) {
      pending.push({ commandNo: n, at: p.at, timerSeq: p.timerSeq, command: p.command });
    }
    const lastEventId = this.reports.lastEventId;
    return {
      venue: this.venue,
      exportedAt: this.clock.now(),
      counters: {
        orders: this.orderCount,
        trades: this.tradeCount,
        commands: this.commandCount,
        rejects: this.rejectCount,
        seq: this.seq,
        timers: this.timerSeq,
      },
      ...(lastEventId !== undefined ? { lastEventId } : {}),
      accounts: this.openings.map((o) => ({ accountId: o.accountId, balances: o.balances })),
      balances: this.ledger.accounts().map((accountId) => ({
        accountId,
        amounts: [...(this.ledger.holdingsOf(accountId)?.values() ?? [])].map((h) => ({
          currency: h.currency.code,
          amount: h.amount,
        })),
      })),
      books: this.ledger.books(),
      referencePrices: [...this.bands].map(([instrumentId, band]) => ({
        instrumentId: instrumentId as InstrumentId,
        price: band.reference,
      })),
      matchers,
      working,
      closed,
      pending,
      fills: [...this.fillLog],
    };
  }

  /**
   * A venue that continues exactly where the one that exported `state` stopped, given the options it
   * ran with: a clock at or after `state.exportedAt` and a fresh IdGenerator of the same prefix (it is
   * moved past the last id the venue drew). Timers (expiries, commands waiting out the latency) are set
   * again in the order they were first set. The state is checked as it is read: an unknown instrument,
   * an order listed twice or balances its fills do not give are ModelErrors naming the field.
   */
  static restore(options: SimulatedVenueOptions, state: SimulatedVenueState): SimulatedVenue {
    const venue = new SimulatedVenue({ ...options, accounts: undefined });
    venue.restoreState(state);
    return venue;
  }

  private restoreState(state: SimulatedVenueState): void {
    if (state === null || typeof state !== 'object') {
      throw new ModelError('state', `expected a SimulatedVenueState, got ${describe(state)}`);
    }
    if (state.venue !== this.venue) {
      throw new ModelError('state.venue', `the state is of venue ${String(state.venue)}, not ${this.venue}`);
    }
    if (!this.config.keepFills) {
      throw new ModelError('config.keepFills', 'a venue restored from a state must keep its fills');
    }
    if (this.clock.now() < state.exportedAt) {
      throw new ModelError(
        'state.exportedAt',
        `the clock (${nanosToIso(this.clock.now())}) is before the export (${nanosToIso(state.exportedAt)})`,
      );
    }
    const instrument = (id: string, field: string): Instrument => {
      const i = this.lookup(id);
      if (!i) throw new ModelError(field, `unknown instrument ${id} at ${this.venue}`);
      return i;
    };
    state.accounts.forEach((a, i) => this.openAccount(a.accountId, a.balances, `state.accounts[${i}]`));
    state.books.forEach((b, i) =>
      this.ledger.entry(b.accountId, instrument(b.instrumentId, `state.books[${i}].instrumentId`)),
    );
    state.fills.forEach((f, i) => {
      const field = `state.fills[${i}]`;
      const inst = instrument(f.instrumentId, `${field}.instrumentId`);
      const qty = exactUnits(f.lastQty, inst.sizePrecision);
      if (qty === undefined || qty <= 0n) {
        throw new ModelError(`${field}.lastQty`, `${f.lastQty.toString()} is not a quantity of ${inst.id}`);
      }
      const px = priceUnits(f.lastPx, inst.pricePrecision, `${field}.lastPx`);
      const e = this.ledger.entry(f.accountId, inst);
      const isBuy = f.side === OrderSide.BUY;
      e.net += isBuy ? qty : -qty;
      this.ledger.settle(e, isBuy, qty, px, f.fee);
      this.fillLog.push(f);
    });
    for (const b of state.balances) {
      const holdings = this.ledger.holdingsOf(b.accountId);
      for (const x of b.amounts) {
        const have = holdings?.get(x.currency)?.amount ?? Decimal.ZERO;
        if (!have.eq(x.amount)) {
          throw new ModelError(
            `state.balances.${b.accountId}.${x.currency}`,
            `is ${x.amount.toString()} but the starting balances and fills give ${have.toString()}`,
          );
        }
      }
    }
    state.referencePrices.forEach((r, i) =>
      this.setReferencePrice(
        instrument(r.instrumentId, `state.referencePrices[${i}].instrumentId`).id,
        r.price,
      ),
    );
    const restored = new Map<string, SimOrder>();
    state.working.forEach((w, i) => {
      const field = `state.working[${i}]`;
      const cmd = w.command;
      if (restored.has(cmd.clientOrderId)) {
        throw new ModelError(`${field}.command.clientOrderId`, `order ${cmd.clientOrderId} is listed twice`);
      }
      const inst = instrument(cmd.instrumentId, `${field}.command.instrumentId`);
      const o = this.simOrder(w, inst, field);
      o.seq = w.seq;
      o.takerOnArrival = w.takerOnArrival;
      if (w.expireAt !== undefined) {
        o.expireAt = w.expireAt;
        o.expirySeq = w.expirySeq ?? 0;
      }
      this.working.set(cmd.clientOrderId, o);
      restored.set(cmd.clientOrderId, o);
      this.matcherOrThrow(inst.id, `${field}.command.instrumentId`).rest(o, w.resting);
    });
    state.matchers.forEach((ms, i) => {
      const field = `state.matchers[${i}]`;
      const m = this.matcherOrThrow(ms.instrumentId, `${field}.instrumentId`);
      const inst = m.instrument;
      const driver = MATCH_DRIVER_NAMES.indexOf(ms.driver);
      if (driver < 0) throw new ModelError(`${field}.driver`, `"${String(ms.driver)}" is not a match driver`);
      const level =
        (side: string) =>
        (l: BookLevelState, j: number): readonly [bigint, bigint] => [
          priceUnits(l.price, inst.pricePrecision, `${field}.${side}[${j}].price`),
          l.size === 'unlimited' ? UNLIMITED : (exactUnits(l.size, inst.sizePrecision) ?? 0n),
        ];
      m.restore(
        {
          driver: driver as MatchDriver,
          barType: ms.barType,
          lastU:
            ms.lastPrice === undefined
              ? undefined
              : priceUnits(ms.lastPrice, inst.pricePrecision, `${field}.lastPrice`),
          bids: ms.bids.map(level('bids')),
          asks: ms.asks.map(level('asks')),
          takers: ms.takers,
          immediate: ms.immediate,
          fresh: ms.fresh,
        },
        (id, list) => {
          const o = restored.get(id);
          if (!o || o.instrument.id !== inst.id) {
            throw new ModelError(`${field}.${list}`, `${id} is not a working order of ${inst.id}`);
          }
          return o;
        },
      );
    });
    state.closed.forEach((c, i) => {
      const field = `state.closed[${i}]`;
      const cmd = c.command;
      const inst = this.lookup(cmd.instrumentId);
      if (c.status === 'REJECTED' || !inst) {
        this.closed.add({ cmd, venueOrderId: c.venueOrderId, closedAs: 'REJECTED' });
        return;
      }
      const o = this.simOrder(c, inst, field);
      o.open = false;
      o.closedAs = c.status;
      this.closed.add(o);
    });
    // Timers of one time fire in the order they were set: set them again in that order.
    const timers: { readonly seq: number; readonly set: () => void }[] = [];
    for (const o of restored.values()) {
      if (o.expireAt !== undefined) timers.push({ seq: o.expirySeq, set: () => this.setExpiryTimer(o) });
    }
    state.pending.forEach((p) => {
      const pending: PendingCommand = { command: p.command, at: p.at, timerSeq: p.timerSeq };
      this.pending.set(p.commandNo, pending);
      timers.push({ seq: p.timerSeq, set: () => this.setCommandTimer(p.commandNo, pending) });
    });
    timers.sort((a, b) => a.seq - b.seq);
    for (const t of timers) t.set();
    const c = state.counters;
    this.orderCount = c.orders;
    this.tradeCount = c.trades;
    this.commandCount = c.commands;
    this.rejectCount = c.rejects;
    this.seq = c.seq;
    this.timerSeq = c.timers;
    if (state.lastEventId !== undefined) {
      const prefix = idPrefix(state.lastEventId);
      const last = prefix === undefined ? undefined : idCounter(state.lastEventId, prefix);
      if (prefix === undefined || last === undefined) {
        throw new ModelError('state.lastEventId', `"${state.lastEventId}" is not an IdGenerator id`);
      }
      advanceIdsTo(this.ids, prefix, last, 'state.lastEventId');
      this.reports.lastEventId = state.lastEventId;
    }
  }

  /** A SimOrder with the terms and fills of an exported order (working or closed). */
  private simOrder(
    t: (WorkingOrderState | ClosedOrderState) & { readonly command: SubmitOrder },
    inst: Instrument,
    field: string,
  ): SimOrder {
    const cmd = t.command;
    const units = (d: Decimal, scale: number, name: string): bigint => {
      const u = exactUnits(d, scale);
      if (u === undefined)
        throw new ModelError(`${field}.${name}`, `${d.toString()} is finer than ${inst.id} allows`);
      return u;
    };
    const qtyU = units(t.quantity, inst.sizePrecision, 'quantity');
    const filledU = units(t.filledQty, inst.sizePrecision, 'filledQty');
    if (filledU > qtyU) {
      throw new ModelError(
        `${field}.filledQty`,
        `${t.filledQty.toString()} is above the quantity ${t.quantity.toString()}`,
      );
    }
    const o = new SimOrder(
      cmd,
      inst,
      t.venueOrderId,
      this.ledger.entry(cmd.accountId, inst),
      0,
      t.quantity,
      qtyU,
      t.price,
      t.price !== undefined ? units(t.price, inst.pricePrecision, 'price') : 0n,
      t.triggerPrice,
      t.triggerPrice !== undefined ? units(t.triggerPrice, inst.pricePrecision, 'triggerPrice') : 0n,
    );
    o.filledU = filledU;
    o.triggered = t.triggered;
    o.costU = units(t.fillCost, inst.pricePrecision + inst.sizePrecision, 'fillCost');
    return o;
  }

  // ---- commands ------------------------------------------------------------------------------

  private applySubmit(cmd: SubmitOrder): void {
    if (this.working.has(cmd.clientOrderId)) {
      // Not remembered as a rejection: the order of that id is still working and answers fetchOrder.
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
      return this.reject(
        cmd,
        RejectReason.OTHER,
        `instrument ${cmd.instrumentId} is unknown at ${this.venue}`,
      );
    }
    const now = this.clock.now();
    const violation = this.checkTimeInForce(cmd, now) ?? this.checkTerms(m, cmd, now);
    if (violation) return this.reject(cmd, violation.code, violation.reason);
    const inst = m.instrument;
    const isBuy = cmd.side === OrderSide.BUY;
    const pxU = cmd.price !== undefined ? (exactUnits(cmd.price, inst.pricePrecision) ?? 0n) : 0n;
    if (cmd.postOnly) {
      if (cmd.orderType !== OrderType.LIMIT) {
        return this.reject(
          cmd,
          RejectReason.UNSUPPORTED,
          `post-only applies to LIMIT orders, not ${cmd.orderType}`,
        );
      }
      if (m.wouldTake(isBuy, pxU)) {
        return this.reject(
          cmd,
          RejectReason.POST_ONLY_WOULD_TAKE,
          `post-only ${cmd.side} at ${cmd.price?.toString()} would take liquidity on ${inst.id}`,
        );
      }
    }
    const position = this.ledger.entry(cmd.accountId, inst);
    if (cmd.reduceOnly && (isBuy ? position.net >= 0n : position.net <= 0n)) {
      const held = position.net === 0n ? 'no' : position.net > 0n ? 'a long' : 'a short';
      return this.reject(
        cmd,
        RejectReason.REDUCE_ONLY_WOULD_INCREASE,
        `reduce-only ${cmd.side} would increase the position: ${cmd.accountId} holds ${held} position in ${inst.id}`,
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
    if (o.filledU === o.qtyU) this.close(o, 'FILLED');
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
    o.costU += px * qty;
    const position = o.position;
    position.net += o.isBuy ? qty : -qty;
    const lastPx = this.matchers.get(inst.id)?.quotedPrice(px) ?? Price.fromUnits(px, inst.pricePrecision);
    // A fill of the whole order at once (the usual case) reports the order's own quantity object.
    const lastQty =
      qty === o.qtyU && o.quantity.scale === inst.sizePrecision && o.quantity instanceof Quantity
        ? o.quantity
        : Quantity.fromUnits(qty, inst.sizePrecision);
    const fee = this.fees.fee(inst, lastPx, lastQty, liquidity);
    const event = this.reports.filled(
      o.cmd,
      o.venueOrderId,
      (this.tradeIdPrefix + ++this.tradeCount) as TradeId,
      o.cmd.side,
      o.cmd.orderType,
      lastQty,
      lastPx,
      fee,
      liquidity,
    );
    this.ledger.settle(position, o.isBuy, qty, px, fee);
    if (this.config.keepFills) this.fillLog.push(event);
    this.emit(event);
    if (o.filledU >= o.qtyU) this.close(o, 'FILLED');
    else if (o.cmd.reduceOnly && this.fillable(o, o.leavesU) === 0n) this.cancelWorking(o);
  }

  /** Cancels a working order the caller has already taken out of its matcher's lists. */
  private cancelWorking(o: SimOrder): void {
    if (!o.open) return;
    this.close(o, 'CANCELED');
    this.emit(this.reports.canceled(o.cmd, o.venueOrderId));
  }

  private close(o: SimOrder, status: ClosedStatus): void {
    o.open = false;
    o.closedAs = status;
    const id = o.cmd.clientOrderId;
    if (this.working.get(id) === o) this.working.delete(id);
    this.closed.add(o);
    if (o.expiryTimer !== undefined) {
      this.clock.cancelTimer(o.expiryTimer);
      o.expiryTimer = undefined;
    }
  }

  /** Refuses a new order, remembering it so that fetchOrder tells it from one never received. */
  private reject(cmd: SubmitOrder, code: RejectReason, reason: string): void {
    if (this.closed.capacity > 0) {
      const record: RejectedOrder = {
        cmd,
        venueOrderId: `${this.venueOrderIdPrefix}R${++this.rejectCount}` as VenueOrderId,
        closedAs: 'REJECTED',
      };
      this.closed.add(record);
    }
    this.emit(this.reports.rejected(cmd, code, reason));
  }

  private armExpiry(o: SimOrder, now: UnixNanos): void {
    let at: UnixNanos | undefined;
    if (o.tif === TimeInForce.GTD) at = o.cmd.expireTime;
    else if (o.tif === TimeInForce.DAY) at = this.calendar.dayEnd(o.instrument, now);
    if (at === undefined) return;
    o.expireAt = at;
    o.expirySeq = this.timerSeq++;
    this.setExpiryTimer(o);
  }

  private setExpiryTimer(o: SimOrder): void {
    const name = `${this.venue}:expire:${o.venueOrderId}`;
    o.expiryTimer = name;
    this.clock.setTimer(name, o.expireAt!, () => {
      if (!o.open) return;
      o.expiryTimer = undefined;
      this.matchers.get(o.instrument.id)?.remove(o);
      this.close(o, 'EXPIRED');
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

  /** Carries a command out now (no latency) or once the latency has passed. */
  private schedule(command: TradingCommand): void {
    if (this.config.latencyNs === 0n) {
      this.apply(command);
      this.flush();
      return;
    }
    const n = this.commandCount++;
    const pending: PendingCommand = {
      command,
      at: this.clock.now() + this.config.latencyNs,
      timerSeq: this.timerSeq++,
    };
    this.pending.set(n, pending);
    this.setCommandTimer(n, pending);
  }

  private setCommandTimer(n: number, pending: PendingCommand): void {
    this.clock.setTimer(`${this.venue}:cmd:${n}`, pending.at, () => {
      this.pending.delete(n);
      this.apply(pending.command);
      this.flush();
    });
  }

  private apply(command: TradingCommand): void {
    switch (command.type) {
      case 'SubmitOrder':
        return this.applySubmit(command);
      case 'ModifyOrder':
        return this.applyModify(command);
      case 'CancelOrder':
        return this.applyCancel(command);
      case 'CancelAllOrders':
        return this.applyCancelAll(command);
    }
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

/** The current terms and fills of an order, as an exported state lists them. */
function termsOf(o: SimOrder): {
  quantity: Quantity;
  price?: Price;
  triggerPrice?: Price;
  filledQty: Quantity;
  fillCost: Decimal;
  triggered: boolean;
} {
  const inst = o.instrument;
  return {
    quantity: o.quantity,
    ...(o.price !== undefined ? { price: o.price } : {}),
    ...(o.triggerPrice !== undefined ? { triggerPrice: o.triggerPrice } : {}),
    filledQty: Quantity.fromUnits(o.filledU, inst.sizePrecision),
    fillCost: Decimal.of(o.costU, inst.pricePrecision + inst.sizePrecision),
    triggered: o.triggered,
  };
}

/** A working order as the venue reports it. */
function reportOf(o: SimOrder): VenueOrderReport {
  const c = o.cmd;
  return {
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
  };
}

import {
  AccountId,
  BotId,
  ClientOrderId,
  Decimal,
  InstrumentId,
  LiquiditySide,
  ModelError,
  Money,
  OrderSide,
  OrderStatus,
  OrderType,
  Price,
  Quantity,
  RejectReason,
  Rounding,
  StrategyId,
  TimeInForce,
  TradeId,
  TraderId,
  VenueOrderId,
  describe,
  parseInstrumentId,
  type Instrument,
  type OrderEvent,
  type OrderEventBase,
  type OrderFilled,
  type OrderInitialized,
  type UnixNanos,
} from '@qubit/model';
import type { BusMessage } from '../bus/message-bus.js';
import { Topic } from '../bus/topics.js';
import type { ExecutionAnomaly } from '../execution/execution-anomaly.js';
import type { TradingNode } from '../node/trading-node.js';
import type { Order } from '../orders/order.js';
import type {
  VenueOrderReport,
  VenueOrderStatus,
  VenuePosition,
  VenueQueries,
} from '../ports/venue-queries.js';
import type {
  ReconciliationAdoption,
  ReconciliationMismatch,
  ReconciliationReport,
} from './reconciliation-report.js';

export interface ReconcileOptions {
  /**
   * How far before the last fill the node has seen the venue's fills are asked from, for clocks that
   * disagree and reports that overtook each other; a fill seen twice is harmless. Default 5 minutes.
   */
  readonly fillLookbackNs?: bigint;
  /** Owner of the positions adopted from the venue; default `reconciliation`. */
  readonly reconciliationBotId?: string;
  readonly reconciliationStrategyId?: string;
}

const DEFAULT_LOOKBACK_NS = 300_000_000_000n;
const RECONCILE_REASON = 'reconcile';

/**
 * Brings a restored node in line with what its venue says about one account, in the order issue 4
 * prescribes:
 *
 * 1. asks the venue for the account's open orders, its fills since the last fill the node has seen (less
 *    `fillLookbackNs`), its positions and its balances;
 * 2. resolves every order of ours that is not closed by its client order id: working at the venue, or
 *    explained by fills, or else asked for with `fetchOrder`; an order never submitted (INITIALIZED) and
 *    one the venue never received are rejected here and never sent again;
 * 3. emits what is missing (OrderAccepted, OrderTriggered, OrderModified, OrderFilled with the venue's
 *    trade id, OrderCanceled, OrderExpired, OrderRejected, OrderCancelRejected / OrderModifyRejected for a
 *    change the venue did not make) marked `reconciliation: true`, through the ExecutionEngine's report
 *    path, so each is journaled before it changes an order or reaches the portfolio; working orders at the
 *    venue we never journaled are adopted when they name their owner;
 * 4. compares positions per instrument (Σ of the account's bots against the venue's net): a position only
 *    the venue holds is adopted with a synthetic fill (`RECON-<venue>-<n>`) owned by the reconciliation
 *    bot, any other difference is a mismatch; then balances per currency.
 *
 * It starts the kernel's consumers (not the bots) so that fills reach the portfolio. Only the questions
 * to the venue are asynchronous; a venue that fails to answer rejects the returned promise (nothing is
 * left half-emitted: what was emitted before is journaled and consistent). Bad arguments throw at once.
 */
export async function reconcile(
  node: TradingNode,
  queries: VenueQueries,
  accountId: AccountId,
  options: ReconcileOptions = {},
): Promise<ReconciliationReport> {
  const run = new Reconciliation(node, queries, accountId, options);
  return run.run();
}

class Reconciliation {
  private readonly venue: string;
  private readonly accountId: AccountId;
  private readonly lookback: bigint;
  private readonly reconBotId: BotId;
  private readonly reconStrategyId: StrategyId;
  private readonly emitted: OrderEvent[] = [];
  private readonly adopted: ReconciliationAdoption[] = [];
  private readonly mismatches: ReconciliationMismatch[] = [];
  /** The venue's fills of the account by trade id, and by client order id (oldest first). */
  private readonly fillsById = new Map<string, OrderFilled>();
  private fillsByOrder = new Map<string, OrderFilled[]>();
  /** Trade ids handed to the engine: one refused is reported once, not tried again. */
  private readonly tried = new Set<string>();
  private allFillsFetched = false;

  constructor(
    private readonly node: TradingNode,
    private readonly queries: VenueQueries,
    accountId: AccountId,
    options: ReconcileOptions,
  ) {
    if (node === null || typeof node !== 'object' || typeof node.startKernel !== 'function') {
      throw new ModelError('node', `expected a TradingNode, got ${describe(node)}`);
    }
    if (queries === null || typeof queries !== 'object' || typeof queries.venue !== 'string') {
      throw new ModelError('queries', `expected VenueQueries, got ${describe(queries)}`);
    }
    for (const m of [
      'fetchOpenOrders',
      'fetchOrder',
      'fetchFills',
      'fetchPositions',
      'fetchBalances',
    ] as const) {
      if (typeof queries[m] !== 'function') throw new ModelError(`queries.${m}`, 'is not a function');
    }
    this.venue = queries.venue;
    this.accountId = AccountId(accountId, 'accountId');
    if (!node.portfolio.hasAccount(this.accountId)) {
      throw new ModelError('accountId', `account ${this.accountId} is not registered in the node`);
    }
    const lookback = options.fillLookbackNs ?? DEFAULT_LOOKBACK_NS;
    if (typeof lookback !== 'bigint' || lookback < 0n) {
      throw new ModelError(
        'options.fillLookbackNs',
        `must be a non-negative bigint, got ${describe(lookback)}`,
      );
    }
    this.lookback = lookback;
    this.reconBotId = BotId(options.reconciliationBotId ?? 'reconciliation', 'options.reconciliationBotId');
    this.reconStrategyId = StrategyId(
      options.reconciliationStrategyId ?? 'reconciliation',
      'options.reconciliationStrategyId',
    );
  }

  async run(): Promise<ReconciliationReport> {
    const node = this.node;
    // Checked before anything happens: reconciliation reports through the venue's client.
    if (!node.execution.hasClient(this.venue)) {
      throw new ModelError('queries.venue', `the node has no execution client for venue ${this.venue}`);
    }
    node.startKernel();
    const startedAt = node.clock.now();
    const anomalies: ExecutionAnomaly[] = [];
    // A group of its own: runs for other accounts must not share (and split) the alerts.
    const group = `reconciliation:${this.venue}:${this.accountId}:${startedAt}`;
    const unsubscribe = node.bus.subscribe(Topic.RISK_ALERTS, group, (m: BusMessage) => {
      const a = m as ExecutionAnomaly;
      if (a.type === 'ExecutionAnomaly' && a.accountId === this.accountId) {
        anomalies.push(a);
      }
    });
    try {
      await node.execution.whenIdle();
      const accountId = this.accountId;
      const ours = node.cache
        .orders({ accountId })
        .filter((o) => !o.isClosed && this.venueOf(o.instrumentId) === this.venue);
      const since = this.fillsSince();
      const open = await this.ask('fetchOpenOrders', () => this.queries.fetchOpenOrders(accountId));
      const fills = await this.ask('fetchFills', () => this.queries.fetchFills(accountId, since));
      const positions = await this.ask('fetchPositions', () => this.queries.fetchPositions(accountId));
      const balances = await this.ask('fetchBalances', () => this.queries.fetchBalances(accountId));
      this.indexFills(fills);
      const openById = new Map<string, VenueOrderReport>();
      for (const r of open) openById.set(r.clientOrderId, r);

      const resolved = new Set<string>();
      for (const order of ours) {
        resolved.add(order.clientOrderId);
        await this.resolve(order, openById.get(order.clientOrderId));
      }
      for (const report of open) {
        if (!resolved.has(report.clientOrderId)) await this.adoptOrder(report);
      }
      await node.execution.whenIdle();
      await this.comparePositions(positions, this.troubled(anomalies));
      await node.execution.whenIdle();
      this.compareBalances(balances);
    } finally {
      unsubscribe();
    }
    for (const a of anomalies) {
      this.mismatch({
        kind: 'anomaly',
        ...(a.clientOrderId !== '*' ? { clientOrderId: a.clientOrderId as ClientOrderId } : {}),
        ours: a.eventType,
        theirs: 'refused',
        detail: `the execution engine refused ${a.eventType} for ${a.clientOrderId}: ${a.reason}`,
      });
    }
    return {
      venue: this.venue,
      accountId: this.accountId,
      startedAt,
      finishedAt: node.clock.now(),
      emitted: this.emitted,
      adopted: this.adopted,
      mismatches: this.mismatches,
      blockedBots: this.blockedBots(),
      ok: this.mismatches.length === 0,
    };
  }

  // ---- orders of ours ---------------------------------------------------------------------------

  private async resolve(order: Order, working: VenueOrderReport | undefined): Promise<void> {
    if (order.status === OrderStatus.INITIALIZED) {
      // Write-ahead: an order is journaled SUBMITTED before a venue is called, so this one never left.
      await this.emit({
        ...this.base(order),
        type: 'OrderRejected',
        reasonCode: RejectReason.OTHER,
        reason: `never submitted to ${this.venue} before the restart; closed by reconciliation, not sent`,
      });
      return;
    }
    if (working) {
      await this.resolveWorking(order, working);
      return;
    }
    const fills = this.fillsByOrder.get(order.clientOrderId) ?? [];
    if (fills.length > 0) {
      await this.accept(order, fills[0]!.venueOrderId);
      await this.applyFills(order, undefined);
      if (order.isClosed) return;
    }
    const status = await this.ask('fetchOrder', () =>
      this.queries.fetchOrder(this.accountId, order.clientOrderId),
    );
    if (status === undefined) {
      await this.neverReceived(order);
      return;
    }
    if (status.clientOrderId !== order.clientOrderId) {
      this.orderMismatch(order, status.clientOrderId, `fetchOrder answered for another order`);
      return;
    }
    if (
      status.status === OrderStatus.ACCEPTED ||
      status.status === OrderStatus.TRIGGERED ||
      status.status === OrderStatus.PARTIALLY_FILLED
    ) {
      await this.resolveWorking(order, status);
      return;
    }
    await this.resolveClosed(order, status);
  }

  /** The venue has the order working: bring ours to the same terms, fills and state. */
  private async resolveWorking(order: Order, report: VenueOrderReport): Promise<void> {
    await this.accept(order, report.venueOrderId);
    await this.trigger(order, report);
    await this.matchTerms(order, report);
    if (order.status === OrderStatus.PENDING_UPDATE) {
      await this.emit({
        ...this.base(order),
        type: 'OrderModifyRejected',
        reasonCode: RejectReason.OTHER,
        reason: `the modify was not in effect at ${this.venue} after the restart`,
      });
    }
    await this.applyFills(order, report.filledQty);
    if (order.status === OrderStatus.PENDING_CANCEL) {
      await this.emit({
        ...this.base(order),
        type: 'OrderCancelRejected',
        reasonCode: RejectReason.OTHER,
        reason: `the order was still working at ${this.venue} after the restart`,
      });
    }
  }

  /** The venue closed the order: its fills, then how it ended. */
  private async resolveClosed(order: Order, status: VenueOrderStatus): Promise<void> {
    if (status.status === OrderStatus.REJECTED) {
      if (order.venueOrderId !== undefined || !order.filledQty.isZero()) {
        this.orderMismatch(order, 'REJECTED', `the venue says it rejected an order it had acknowledged`);
        return;
      }
      await this.leavePending(order);
      await this.emit({
        ...this.base(order),
        type: 'OrderRejected',
        reasonCode: RejectReason.OTHER,
        reason: `rejected by ${this.venue} (found by reconciliation after a restart)`,
      });
      return;
    }
    await this.accept(order, status.venueOrderId);
    await this.trigger(order, status);
    await this.matchTerms(order, status);
    await this.applyFills(order, status.filledQty);
    if (order.filledQty.lt(status.filledQty)) return; // reported by applyFills
    if (status.status === OrderStatus.FILLED) {
      if (!order.isClosed) {
        this.orderMismatch(order, 'FILLED', `the venue filled it completely but its fills do not add up`);
      }
      return;
    }
    const base = this.base(order);
    await this.emit(
      status.status === OrderStatus.CANCELED
        ? { ...base, type: 'OrderCanceled', venueOrderId: status.venueOrderId }
        : { ...base, type: 'OrderExpired', venueOrderId: status.venueOrderId },
    );
  }

  /** The venue has no record of the order. */
  private async neverReceived(order: Order): Promise<void> {
    if (order.venueOrderId !== undefined || !order.filledQty.isZero()) {
      this.orderMismatch(order, 'unknown', `the venue has no record of an order it acknowledged`);
      return;
    }
    await this.leavePending(order);
    if (order.status !== OrderStatus.SUBMITTED) {
      this.orderMismatch(order, 'unknown', `the venue has no record of it`);
      return;
    }
    // Its client order id is never sent again: a venue may still hold the request somewhere.
    await this.emit({
      ...this.base(order),
      type: 'OrderRejected',
      reasonCode: RejectReason.OTHER,
      reason: `never reached ${this.venue} (it has no record of it after the restart); not sent again`,
    });
  }

  /** Answers a pending change the venue never saw, so the order is back in its state before it. */
  private async leavePending(order: Order): Promise<void> {
    if (order.status === OrderStatus.PENDING_UPDATE) {
      await this.emit({
        ...this.base(order),
        type: 'OrderModifyRejected',
        reasonCode: RejectReason.OTHER,
        reason: `the venue did not make the change (found by reconciliation after a restart)`,
      });
    } else if (order.status === OrderStatus.PENDING_CANCEL) {
      await this.emit({
        ...this.base(order),
        type: 'OrderCancelRejected',
        reasonCode: RejectReason.OTHER,
        reason: `the venue did not cancel it (found by reconciliation after a restart)`,
      });
    }
  }

  private async accept(order: Order, venueOrderId: VenueOrderId): Promise<void> {
    if (order.venueOrderId !== undefined) return;
    await this.emit({ ...this.base(order), type: 'OrderAccepted', venueOrderId });
  }

  private async trigger(order: Order, report: VenueOrderReport): Promise<void> {
    if (!report.triggered || order.triggered) return;
    // A stop that has filled in part since is past its trigger for good; the fills say so.
    if (order.status === OrderStatus.PARTIALLY_FILLED) return;
    await this.emit({ ...this.base(order), type: 'OrderTriggered', venueOrderId: report.venueOrderId });
  }

  /** A modify we never heard the answer to (or never journaled) shows in the venue's terms. */
  private async matchTerms(order: Order, report: VenueOrderReport): Promise<void> {
    if (
      order.quantity.eq(report.quantity) &&
      samePrice(order.price, report.price) &&
      samePrice(order.triggerPrice, report.triggerPrice)
    ) {
      return;
    }
    await this.emit({
      ...this.base(order),
      type: 'OrderModified',
      venueOrderId: report.venueOrderId,
      quantity: report.quantity,
      ...(report.price !== undefined ? { price: report.price } : {}),
      ...(report.triggerPrice !== undefined ? { triggerPrice: report.triggerPrice } : {}),
    });
  }

  /**
   * Emits the venue's fills of `order` we have not applied, oldest first. When the venue says more was
   * filled (`filled`) than that gives, the account's fills are asked for again without a start time.
   */
  private async applyFills(order: Order, filled: Quantity | undefined): Promise<void> {
    await this.emitFills(order);
    if (filled === undefined || !order.filledQty.lt(filled)) return;
    if (!this.allFillsFetched) {
      this.allFillsFetched = true;
      const all = await this.ask('fetchFills', () => this.queries.fetchFills(this.accountId));
      this.indexFills(all);
      await this.emitFills(order);
    }
    if (order.filledQty.lt(filled)) {
      this.mismatch({
        kind: 'order',
        instrumentId: order.instrumentId,
        clientOrderId: order.clientOrderId,
        ours: order.filledQty,
        theirs: filled,
        detail: `${order.clientOrderId}: the venue says ${filled.toString()} filled but its fills give ${order.filledQty.toString()}`,
      });
    }
  }

  private async emitFills(order: Order): Promise<void> {
    for (const f of this.fillsByOrder.get(order.clientOrderId) ?? []) {
      if (order.hasTrade(f.tradeId) || this.tried.has(f.tradeId)) continue;
      this.tried.add(f.tradeId);
      if (f.instrumentId !== order.instrumentId) {
        this.orderMismatch(
          order,
          f.instrumentId,
          `the venue reports fill ${f.tradeId} in another instrument`,
        );
        continue;
      }
      // Owner fields are ours (a venue may not carry them); the trade id, price and fee are the venue's.
      const fill: OrderFilled = {
        ...f,
        ...this.base(order),
        tsEvent: f.tsEvent,
        type: 'OrderFilled',
      };
      await this.emit(fill);
    }
  }

  // ---- orders only the venue knows -------------------------------------------------------------

  private async adoptOrder(report: VenueOrderReport): Promise<void> {
    const known = this.node.cache.order(report.clientOrderId);
    if (known) {
      this.orderMismatch(known, 'working', `the venue has it working but it is ${known.status} here`);
      return;
    }
    const refusal = this.ownerProblem(report);
    if (refusal !== undefined) {
      this.mismatch({
        kind: 'unknown-order',
        ...(typeof report.instrumentId === 'string' ? { instrumentId: report.instrumentId } : {}),
        ...(typeof report.clientOrderId === 'string' ? { clientOrderId: report.clientOrderId } : {}),
        ours: 'none',
        theirs: `${String(report.side)} ${String(report.quantity)} working`,
        detail: `open order ${String(report.clientOrderId)} at ${this.venue} is not ours and cannot be adopted: ${refusal}`,
      });
      return;
    }
    const now = this.node.clock.now();
    const init: OrderInitialized = {
      type: 'OrderInitialized',
      eventId: this.node.ids.id(),
      tsEvent: now,
      tsInit: now,
      reconciliation: true,
      traderId: report.traderId,
      accountId: report.accountId,
      botId: report.botId,
      strategyId: report.strategyId,
      instrumentId: report.instrumentId,
      clientOrderId: report.clientOrderId,
      side: report.side,
      orderType: report.orderType,
      quantity: report.quantity,
      ...(report.price !== undefined ? { price: report.price } : {}),
      ...(report.triggerPrice !== undefined ? { triggerPrice: report.triggerPrice } : {}),
      timeInForce: report.timeInForce,
      ...(report.expireTime !== undefined ? { expireTime: report.expireTime } : {}),
      postOnly: report.postOnly,
      reduceOnly: report.reduceOnly,
      reason: RECONCILE_REASON,
    };
    if (!(await this.emit(init))) return;
    const order = this.node.cache.order(init.clientOrderId)!;
    this.node.orderIds.register(order.clientOrderId, order.botId, RECONCILE_REASON);
    await this.emit({ ...this.base(order), type: 'OrderSubmitted' });
    await this.accept(order, report.venueOrderId);
    await this.trigger(order, report);
    await this.applyFills(order, report.filledQty);
    this.adopted.push({
      kind: 'order',
      instrumentId: order.instrumentId,
      clientOrderId: order.clientOrderId,
      botId: order.botId,
      quantity: order.quantity,
      detail: `working ${order.side} ${order.orderType} ${order.quantity.toString()} of bot ${order.botId} at ${this.venue}, never journaled here: adopted`,
    });
  }

  /** Why an open order at the venue cannot be adopted; undefined when it can. */
  private ownerProblem(r: VenueOrderReport): string | undefined {
    try {
      TraderId(r.traderId, 'traderId');
      AccountId(r.accountId, 'accountId');
      BotId(r.botId, 'botId');
      StrategyId(r.strategyId, 'strategyId');
      InstrumentId(r.instrumentId, 'instrumentId');
      ClientOrderId(r.clientOrderId, 'clientOrderId');
    } catch (err) {
      return `it does not name its owner (${(err as Error).message})`;
    }
    if (r.traderId !== this.node.traderId) return `it belongs to trader ${r.traderId}`;
    if (r.accountId !== this.accountId) return `it belongs to account ${r.accountId}`;
    const instrument = this.node.cache.instrument(r.instrumentId);
    if (!instrument) return `instrument ${r.instrumentId} is unknown here`;
    if (instrument.venue !== this.venue) return `${r.instrumentId} is not an instrument of ${this.venue}`;
    return undefined;
  }

  // ---- positions and balances ------------------------------------------------------------------

  /** Instruments where an order of ours disagrees with the venue (or an event of it was refused). */
  private troubled(anomalies: readonly ExecutionAnomaly[]): Set<string> {
    const out = new Set<string>();
    for (const m of this.mismatches) if (m.instrumentId !== undefined) out.add(m.instrumentId);
    for (const a of anomalies) {
      const o = this.node.cache.order(a.clientOrderId);
      if (o) out.add(o.instrumentId);
    }
    return out;
  }

  private async comparePositions(
    positions: readonly VenuePosition[],
    troubled: ReadonlySet<string>,
  ): Promise<void> {
    const portfolio = this.node.portfolio;
    const theirs = new Map<string, VenuePosition>();
    for (const p of positions) {
      if (p.accountId !== this.accountId) continue;
      if (this.venueOf(p.instrumentId) !== this.venue) continue;
      theirs.set(p.instrumentId, p);
    }
    const instruments = new Set<string>(theirs.keys());
    for (const p of portfolio.positions({ accountId: this.accountId })) {
      if (this.venueOf(p.instrumentId) === this.venue) instruments.add(p.instrumentId);
    }
    for (const id of instruments) {
      const instrumentId = id as InstrumentId;
      const venueQty = theirs.get(id)?.netQty ?? Decimal.ZERO;
      const ourQty = portfolio.netQty(this.accountId, id);
      if (ourQty.eq(venueQty)) continue;
      // Only a position nothing of ours explains is the venue's own to adopt.
      if (ourQty.isZero() && !troubled.has(id)) {
        await this.adoptPosition(instrumentId, theirs.get(id)!);
        continue;
      }
      this.mismatch({
        kind: 'position',
        instrumentId,
        ours: ourQty,
        theirs: venueQty,
        detail: venueQty.isZero()
          ? `${this.accountId} holds ${ourQty.toString()} ${id} here but the venue holds none`
          : `${this.accountId} holds ${ourQty.toString()} ${id} here but ${venueQty.toString()} at the venue` +
            (ourQty.isZero() ? '; not adopted: an order of ours in it disagrees with the venue' : ''),
      });
    }
  }

  /** A position only the venue holds: taken on with a flagged synthetic fill of the reconciliation bot. */
  private async adoptPosition(instrumentId: InstrumentId, position: VenuePosition): Promise<void> {
    const node = this.node;
    const theirs = position.netQty;
    const refuse = (why: string): void =>
      this.mismatch({
        kind: 'position',
        instrumentId,
        ours: Decimal.ZERO,
        theirs,
        detail: `the venue holds ${theirs.toString()} ${instrumentId} that ${this.accountId} does not, and it cannot be adopted: ${why}`,
      });
    const instrument = node.cache.instrument(instrumentId);
    if (!instrument) return refuse('the instrument is unknown here');
    const size = theirs.abs();
    if (!size.isMultipleOf(instrument.lotSize))
      return refuse(`${size.toString()} is not a whole number of lots`);
    const price = adoptionPrice(instrument, position.avgPx, node.cache.lastPrice(instrumentId));
    if (!price) return refuse('the venue reports no average price and no last price is known');
    const quantity = Quantity.from(size).withPrecision(instrument.sizePrecision);
    const side = theirs.isPositive() ? OrderSide.BUY : OrderSide.SELL;
    const clientOrderId = node.orderIds.generate(this.reconBotId, RECONCILE_REASON);
    const tradeId = TradeId(node.recoveryMarks.nextSyntheticId(this.venue), 'tradeId');
    const venueOrderId = VenueOrderId(tradeId, 'venueOrderId');
    const now = node.clock.now();
    const owner = {
      traderId: node.traderId,
      accountId: this.accountId,
      botId: this.reconBotId,
      strategyId: this.reconStrategyId,
      instrumentId,
      clientOrderId,
    };
    if (
      !(await this.emit({
        ...owner,
        type: 'OrderInitialized',
        eventId: node.ids.id(),
        tsEvent: now,
        tsInit: now,
        reconciliation: true,
        side,
        orderType: OrderType.MARKET,
        quantity,
        timeInForce: TimeInForce.IOC,
        postOnly: false,
        reduceOnly: false,
        reason: RECONCILE_REASON,
      }))
    ) {
      return refuse('the synthetic order was refused');
    }
    const order = node.cache.order(clientOrderId)!;
    await this.emit({ ...this.base(order), type: 'OrderSubmitted' });
    await this.emit({ ...this.base(order), type: 'OrderAccepted', venueOrderId });
    await this.emit({
      ...this.base(order),
      type: 'OrderFilled',
      venueOrderId,
      tradeId,
      side,
      orderType: OrderType.MARKET,
      lastQty: quantity,
      lastPx: price.price,
      fee: Money.zero(instrument.settlementCurrency),
      liquiditySide: LiquiditySide.TAKER,
    });
    await node.execution.whenIdle();
    const now2 = node.portfolio.netQty(this.accountId, instrumentId);
    if (!now2.eq(theirs)) {
      this.mismatch({
        kind: 'position',
        instrumentId,
        ours: now2,
        theirs,
        detail: `adopting ${theirs.toString()} ${instrumentId} left ${now2.toString()} here`,
      });
      return;
    }
    this.adopted.push({
      kind: 'position',
      instrumentId,
      clientOrderId,
      botId: this.reconBotId,
      quantity: theirs,
      price: price.price,
      tradeId,
      detail: `${theirs.toString()} ${instrumentId} held at ${this.venue} but not here: adopted by ${this.reconBotId} at ${price.price.toString()} (${price.source})`,
    });
  }

  private compareBalances(balances: readonly Money[]): void {
    const portfolio = this.node.portfolio;
    const theirs = new Map<string, Money>();
    for (const m of balances) {
      if (!(m instanceof Money)) {
        throw new ModelError(`${this.venue}.fetchBalances`, `answered ${describe(m)}, not Money`);
      }
      theirs.set(m.currency.code, m);
    }
    const currencies = new Map<string, Money['currency']>();
    for (const m of balances) currencies.set(m.currency.code, m.currency);
    for (const b of portfolio.account(this.accountId)?.balances ?? []) {
      if (!currencies.has(b.total.currency.code)) currencies.set(b.total.currency.code, b.total.currency);
    }
    for (const [code, currency] of currencies) {
      // The venue reports at the currency's precision; ours is exact, and compared at that precision.
      const ours = Money.of(portfolio.balance(this.accountId, code) ?? Decimal.ZERO, currency).amount;
      const venue = theirs.get(code)?.amount ?? Decimal.ZERO;
      if (ours.eq(venue)) continue;
      this.mismatch({
        kind: 'balance',
        currency: code,
        ours,
        theirs: venue,
        detail: `${this.accountId} has ${ours.toString()} ${code} here but ${venue.toString()} at ${this.venue}`,
      });
    }
  }

  // ---- plumbing --------------------------------------------------------------------------------

  /** Hands one event to the engine's reconciliation path and waits for it; true when it was applied. */
  private async emit(event: OrderEvent): Promise<boolean> {
    this.node.execution.applyReconciliation(this.venue, event);
    await this.node.execution.whenIdle();
    const order = this.node.cache.order(event.clientOrderId);
    const applied = order !== undefined && order.events.includes(event);
    if (applied) this.emitted.push(event);
    return applied;
  }

  private base(order: Order): OrderEventBase {
    const now = this.node.clock.now();
    return {
      traderId: order.traderId,
      accountId: order.accountId,
      botId: order.botId,
      strategyId: order.strategyId,
      instrumentId: order.instrumentId,
      clientOrderId: order.clientOrderId,
      eventId: this.node.ids.id(),
      tsEvent: now,
      tsInit: now,
      reconciliation: true,
    };
  }

  private async ask<T>(what: string, question: () => Promise<T>): Promise<T> {
    const answer = await question();
    if (what !== 'fetchOrder' && !Array.isArray(answer)) {
      throw new ModelError(`${this.venue}.${what}`, `answered ${describe(answer)}, not an array`);
    }
    return answer;
  }

  /** Adds the venue's answer to the fills known (a fill answered twice counts once). */
  private indexFills(fills: readonly OrderFilled[]): void {
    fills.forEach((f, i) => {
      if (f === null || typeof f !== 'object' || f.type !== 'OrderFilled') {
        throw new ModelError(`${this.venue}.fetchFills[${i}]`, `answered ${describe(f)}, not an OrderFilled`);
      }
      if (f.accountId === this.accountId && !this.fillsById.has(f.tradeId)) this.fillsById.set(f.tradeId, f);
    });
    const byOrder = new Map<string, OrderFilled[]>();
    for (const f of this.fillsById.values()) {
      let list = byOrder.get(f.clientOrderId);
      if (!list) byOrder.set(f.clientOrderId, (list = []));
      list.push(f);
    }
    // Oldest first; a stable sort keeps the venue's order among fills of one time.
    for (const list of byOrder.values()) {
      list.sort((a, b) => (a.tsEvent < b.tsEvent ? -1 : a.tsEvent > b.tsEvent ? 1 : 0));
    }
    this.fillsByOrder = byOrder;
  }

  /** Where to ask fills from: the last fill of the account at this venue, less the lookback. */
  private fillsSince(): UnixNanos | undefined {
    let last: UnixNanos | undefined;
    for (const o of this.node.cache.orders({ accountId: this.accountId })) {
      if (this.venueOf(o.instrumentId) !== this.venue) continue;
      for (const e of o.events) {
        if (e.type === 'OrderFilled' && (last === undefined || e.tsEvent > last)) last = e.tsEvent;
      }
    }
    if (last === undefined) return undefined;
    return last > this.lookback ? last - this.lookback : 0n;
  }

  private venueOf(instrumentId: string): string | undefined {
    const known = this.node.cache.instrument(instrumentId);
    if (known) return known.venue;
    try {
      return parseInstrumentId(instrumentId).venue;
    } catch {
      return undefined;
    }
  }

  private orderMismatch(order: Order, theirs: string, why: string): void {
    this.mismatch({
      kind: 'order',
      instrumentId: order.instrumentId,
      clientOrderId: order.clientOrderId,
      ours: order.status,
      theirs,
      detail: `${order.clientOrderId} (${order.status} here): ${why}`,
    });
  }

  private mismatch(m: ReconciliationMismatch): void {
    this.mismatches.push(m);
  }

  private blockedBots(): BotId[] {
    const node = this.node;
    const accountId = this.accountId;
    const blocked = new Set<string>();
    const botsIn = (instrumentId: string | undefined): void => {
      for (const o of node.cache.ordersOpen({ accountId, instrumentId })) blocked.add(o.botId);
      for (const p of node.portfolio.positions({ accountId, instrumentId })) blocked.add(p.botId);
    };
    for (const m of this.mismatches) {
      if (m.kind === 'balance') {
        botsIn(undefined);
        for (const o of node.cache.orders({ accountId })) blocked.add(o.botId);
        for (const b of node.botsOf(accountId)) blocked.add(b);
        continue;
      }
      if (m.instrumentId !== undefined) botsIn(m.instrumentId);
      if (m.clientOrderId !== undefined) {
        const o = node.cache.order(m.clientOrderId);
        if (o) blocked.add(o.botId);
      }
    }
    return [...blocked] as BotId[];
  }
}

function samePrice(a: Decimal | undefined, b: Decimal | undefined): boolean {
  return a === undefined ? b === undefined : b !== undefined && a.eq(b);
}

/**
 * The price a position is adopted at: the venue's average price, on the tick grid (half-even), else the
 * last price known here; undefined when there is neither.
 */
function adoptionPrice(
  instrument: Instrument,
  avgPx: Price | undefined,
  lastPx: Price | undefined,
): { price: Price; source: string } | undefined {
  if (avgPx !== undefined && avgPx.isPositive()) {
    const onGrid = avgPx.isMultipleOf(instrument.tickSize);
    const px = Price.from(avgPx.roundToStep(instrument.tickSize, Rounding.HALF_EVEN)).withPrecision(
      instrument.pricePrecision,
    );
    return {
      price: px,
      source: onGrid ? "the venue's average price" : "the venue's average price on the tick grid",
    };
  }
  if (lastPx !== undefined) {
    return { price: Price.from(lastPx).withPrecision(instrument.pricePrecision), source: 'the last price' };
  }
  return undefined;
}

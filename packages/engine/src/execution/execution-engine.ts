import {
  ModelError,
  OrderStatus,
  RejectReason,
  describe,
  parseInstrumentId,
  type CancelAllOrders,
  type CancelOrder,
  type ModifyOrder,
  type OrderDenied,
  type OrderEvent,
  type OrderEventBase,
  type OrderInitialized,
  type OrderSubmitted,
  type SubmitOrder,
  type TradingCommand,
} from '@qubit/model';
import type { Bus, BusMessage } from '../bus/message-bus.js';
import { Topic, portfolioKey } from '../bus/topics.js';
import type { Cache } from '../cache/cache.js';
import type { Clock } from '../clock/clock.js';
import type { IdGenerator } from '../ids/id-generator.js';
import { Order } from '../orders/order.js';
import type { ExecutionClient } from '../ports/execution-client.js';
import type { ExecutionJournal } from '../ports/execution-journal.js';
import type { JournalEntry } from '../ports/journal-entry.js';
import { BoundedMap } from './bounded-map.js';
import type { ExecutionAnomaly } from './execution-anomaly.js';

/** The consumer groups the engine subscribes with. */
export const ExecutionGroup = {
  /** Creates orders from trading.signals, beside risk stage 1 (which uses its own group). */
  ORDERS: 'execution-orders',
  /** Everything else: decisions, commands. */
  COMMANDS: 'execution',
} as const;

export interface ExecutionEngineOptions {
  readonly bus: Bus;
  readonly cache: Cache;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly journal: ExecutionJournal;
  readonly clients?: readonly ExecutionClient[];
  /** How many command ids (and early denials) are remembered to recognise redeliveries; default 100 000. */
  readonly memory?: number;
}

/** What a kill switch or an operator asks `cancelAll` for: every field but the scope is filled in. */
export type CancelAllScope = Omit<CancelAllOrders, 'type' | 'commandId' | 'tsInit'>;

/**
 * What replaying one journal entry did: `applied` (an order created or changed, a command remembered),
 * `duplicate` (already applied: a journal may hold a repeat), or `refused` with the reason (an event for
 * an order never initialized, an illegal transition), which changed nothing.
 */
export type ReplayOutcome =
  | { readonly kind: 'applied'; readonly order?: Order }
  | { readonly kind: 'duplicate' }
  | { readonly kind: 'refused'; readonly reason: string };

const REPLAY_APPLIED: ReplayOutcome = Object.freeze({ kind: 'applied' });
const REPLAY_DUPLICATE: ReplayOutcome = Object.freeze({ kind: 'duplicate' });

/** One unit of work; a promise only when an asynchronous journal is involved. */
type Step = void | Promise<void>;

/**
 * A unit of work as a method of the engine and its arguments. Work is passed this way, not as a
 * closure, so that the synchronous path (every backtest, every in-memory journal) allocates no closure
 * per message.
 */
type Work<A, B, C> = (this: ExecutionEngine, a: A, b: B, c: C) => Step;

/** What a unit of work is about: named in the anomaly when it fails. */
type Subject = TradingCommand | OrderEvent;

interface Context {
  readonly clientOrderId: string;
  readonly accountId?: string;
  readonly eventType: string;
}

/**
 * Turns approved commands into venue calls and venue reports into order state, with a write-ahead
 * journal in between: a command is journaled before any venue sees it and a report is journaled before it
 * changes an order. It is the single writer of orders in the Cache.
 *
 * With a synchronous journal everything happens inside the bus delivery, deterministically. With an
 * asynchronous one the engine keeps a promise chain so that work still runs one piece at a time in arrival
 * order; `whenIdle()` resolves when the chain is empty.
 *
 * CancelAllOrders is carried out as one CancelOrder per open order in scope, sent to each order's own venue,
 * never as a venue-wide cancel-all: a scope (one bot, one side) rarely matches what a venue would cancel
 * (every order of the account on a symbol, other bots' and manual ones included), and each order then goes
 * through PENDING_CANCEL and its own confirmation.
 */
export class ExecutionEngine {
  private readonly bus: Bus;
  private readonly cache: Cache;
  private readonly clock: Clock;
  private readonly ids: IdGenerator;
  private readonly journal: ExecutionJournal;
  private readonly clients = new Map<string, ExecutionClient>();
  /** Command ids already carried out (approved submits, modifies, cancels). */
  private readonly processed: BoundedMap<string, true>;
  /** The command that created each order, to tell a redelivery from a reused client order id. */
  private readonly creators: BoundedMap<string, string>;
  /** Denials that arrived before their order (possible when topics are not ordered together). */
  private readonly earlyDenials: BoundedMap<string, OrderDenied>;
  private readonly unsubscribes: (() => void)[] = [];
  private tail: Promise<void> | undefined;

  constructor(options: ExecutionEngineOptions) {
    this.bus = options.bus;
    this.cache = options.cache;
    this.clock = options.clock;
    this.ids = options.ids;
    this.journal = options.journal;
    const memory = options.memory ?? 100_000;
    this.processed = new BoundedMap(memory);
    this.creators = new BoundedMap(memory);
    this.earlyDenials = new BoundedMap(memory);
    for (const client of options.clients ?? []) this.registerClient(client);
  }

  /** Adds the client of one venue and connects its reports to the engine. A second client for a venue is an error. */
  registerClient(client: ExecutionClient): void {
    if (this.clients.has(client.venue)) {
      throw new Error(`ExecutionEngine: an execution client for venue ${client.venue} is already registered`);
    }
    this.clients.set(client.venue, client);
    client.connect((event) => this.onReport(client.venue, event));
  }

  /** True when a client for `venue` is registered. */
  hasClient(venue: string): boolean {
    return this.clients.has(venue);
  }

  /** Subscribes to the bus. Calling it again does nothing. */
  start(): void {
    if (this.unsubscribes.length > 0) return;
    this.unsubscribes.push(
      this.bus.subscribe(Topic.TRADING_SIGNALS, ExecutionGroup.ORDERS, (m) => this.onSignal(m)),
      this.bus.subscribe(Topic.TRADES_REJECTED, ExecutionGroup.COMMANDS, (m) => this.onRejected(m)),
      this.bus.subscribe(Topic.TRADES_APPROVED, ExecutionGroup.COMMANDS, (m) => this.onApproved(m)),
      this.bus.subscribe(Topic.ORDERS_COMMANDS, ExecutionGroup.COMMANDS, (m) => this.onOrderCommand(m)),
    );
  }

  /** Unsubscribes from the bus; work already queued still completes (see `whenIdle`). */
  stop(): void {
    for (const unsubscribe of this.unsubscribes.splice(0)) unsubscribe();
  }

  /** Resolves once no asynchronous journal write or work queued behind one is pending. */
  async whenIdle(): Promise<void> {
    while (this.tail) await this.tail;
  }

  /**
   * Cancels every open order in scope (kill switches, operators) and returns the command it journaled.
   * Orders not yet submitted are closed locally with an OrderRejected so a later approval cannot send them.
   */
  cancelAll(scope: CancelAllScope): CancelAllOrders {
    const command: CancelAllOrders = {
      ...scope,
      type: 'CancelAllOrders',
      commandId: this.ids.id(),
      tsInit: this.clock.now(),
    };
    this.execute(command);
    return command;
  }

  // ---- bus handlers ---------------------------------------------------------------------------

  private onSignal(message: BusMessage): void {
    // Other intents (ModifyOrder) on this topic are risk's; they reach us once approved.
    if (message.type !== 'SubmitOrder') return;
    const command = message as SubmitOrder;
    this.schedule(command, false, this.createOrder, command, undefined, undefined);
  }

  private onRejected(message: BusMessage): void {
    if (message.type !== 'OrderDenied') return;
    const denial = message as OrderDenied;
    this.schedule(denial, false, this.deny, denial, undefined, undefined);
  }

  private onApproved(message: BusMessage): void {
    this.execute(asCommand(message, Topic.TRADES_APPROVED));
  }

  private onOrderCommand(message: BusMessage): void {
    const command = asCommand(message, Topic.ORDERS_COMMANDS);
    if (command.type === 'SubmitOrder' || command.type === 'ModifyOrder') {
      throw new Error(
        `${command.type} ${command.commandId} on ${Topic.ORDERS_COMMANDS} bypasses risk; send it to ${Topic.TRADING_SIGNALS}`,
      );
    }
    this.execute(command);
  }

  private onReport(venue: string, event: OrderEvent): void {
    this.schedule(event, false, this.report, venue, event, undefined);
  }

  // ---- recovery -------------------------------------------------------------------------------

  /**
   * Rebuilds order state from one journal entry, as it was when the entry was journaled, without
   * journaling it again, publishing it or calling any venue: for `TradingNode.restore` on a fresh engine,
   * entries in journal order. A command is remembered as carried out (its redelivery changes nothing);
   * a ModifyOrder or CancelOrder leaves its order PENDING_UPDATE / PENDING_CANCEL as it did live, until
   * the venue's answer (journaled after it, or found by reconciliation) comes.
   */
  replay(entry: JournalEntry): ReplayOutcome {
    if (entry === null || typeof entry !== 'object' || typeof entry.type !== 'string') {
      return { kind: 'refused', reason: `not a journal entry: ${describe(entry)}` };
    }
    if (COMMAND_TYPES.has(entry.type)) return this.replayCommand(entry as TradingCommand);
    const event = entry as OrderEvent;
    if (!ORDER_EVENT_TYPES.has(event.type) || typeof event.clientOrderId !== 'string') {
      return { kind: 'refused', reason: `${String(event.type)} is neither a command nor an order event` };
    }
    const order = this.cache.order(event.clientOrderId);
    if (event.type === 'OrderInitialized') {
      if (order) {
        return order.events[0]!.eventId === event.eventId
          ? REPLAY_DUPLICATE
          : { kind: 'refused', reason: `order ${event.clientOrderId} is initialized a second time` };
      }
      const created = new Order(event);
      this.cache.addOrder(created);
      return { kind: 'applied', order: created };
    }
    if (!order) {
      return {
        kind: 'refused',
        reason: `${event.type} for order ${event.clientOrderId}, which was never initialized`,
      };
    }
    if (isRepeat(order, event)) return REPLAY_DUPLICATE;
    const result = order.apply(event);
    if (result.kind === 'duplicate') return REPLAY_DUPLICATE;
    if (result.kind === 'illegal') return { kind: 'refused', reason: result.reason };
    this.cache.orderUpdated(order);
    return { kind: 'applied', order };
  }

  private replayCommand(command: TradingCommand): ReplayOutcome {
    if (typeof command.commandId !== 'string' || command.commandId.length === 0) {
      return { kind: 'refused', reason: `${command.type} has no commandId` };
    }
    if (this.processed.has(command.commandId)) return REPLAY_DUPLICATE;
    if (command.type === 'CancelAllOrders') {
      this.processed.set(command.commandId, true);
      return REPLAY_APPLIED;
    }
    const order = this.cache.order(command.clientOrderId);
    if (!order) {
      return {
        kind: 'refused',
        reason: `${command.type} ${command.commandId} for order ${command.clientOrderId}, which was never initialized`,
      };
    }
    if (command.type === 'SubmitOrder') {
      const creator = this.creators.get(order.clientOrderId);
      if (creator !== undefined && creator !== command.commandId) {
        return {
          kind: 'refused',
          reason: `SubmitOrder ${command.commandId} reuses client order id ${order.clientOrderId} of command ${creator}`,
        };
      }
      this.creators.set(order.clientOrderId, command.commandId);
    } else if (command.type === 'CancelOrder' && order.status === OrderStatus.INITIALIZED) {
      // Live, a cancel of an order never submitted closes it with an OrderRejected, journaled next.
    } else {
      const marked = command.type === 'ModifyOrder' ? order.markPendingUpdate() : order.markPendingCancel();
      if (marked.kind === 'illegal') return { kind: 'refused', reason: marked.reason };
      this.cache.orderUpdated(order);
    }
    this.processed.set(command.commandId, true);
    return { kind: 'applied', order };
  }

  /**
   * Takes an event reconciliation inferred from the venue's answers (it must say `reconciliation: true`)
   * through the report path: journaled first, then applied and published exactly like a live report,
   * repeats dropped. Unlike a venue report it may also be an OrderInitialized (an order adopted from the
   * venue) or an OrderSubmitted (of such an order). Runs in order behind pending work; `whenIdle`
   * resolves once it is done. A report refused (unknown order, illegal transition) is an anomaly.
   */
  applyReconciliation(venue: string, event: OrderEvent): void {
    if (typeof venue !== 'string' || !this.clients.has(venue)) {
      throw new ModelError('venue', `no execution client for venue ${String(venue)} is registered`);
    }
    if (event === null || typeof event !== 'object' || !ORDER_EVENT_TYPES.has(event.type)) {
      throw new ModelError('event', `expected an order event, got ${describe(event)}`);
    }
    if (event.reconciliation !== true) {
      throw new ModelError(
        'event.reconciliation',
        `${event.type} for ${String(event.clientOrderId)} is not marked reconciliation: true`,
      );
    }
    this.schedule(event, false, this.reconciled, venue, event, undefined);
  }

  private reconciled(venue: string, event: OrderEvent): Step {
    if (event.type === 'OrderInitialized') {
      const existing = this.cache.order(event.clientOrderId);
      if (existing) {
        if (existing.events[0]!.eventId !== event.eventId) {
          this.anomaly(
            contextOf(event),
            `cannot adopt ${event.clientOrderId} from ${venue}: an order of that id already exists`,
          );
        }
        return;
      }
      if (parseInstrumentId(event.instrumentId).venue !== venue) {
        this.anomaly(contextOf(event), `cannot adopt an order of ${event.instrumentId} from ${venue}`);
        return;
      }
      return afterCall(this.journal.recordEvent(event), this, this.adopt, event, undefined, undefined);
    }
    if (event.type === 'OrderSubmitted') {
      const order = this.cache.order(event.clientOrderId);
      if (!order) {
        this.anomaly(
          contextOf(event),
          `OrderSubmitted (reconciliation) for unknown order ${event.clientOrderId}`,
        );
        return;
      }
      return this.process(order, event, Topic.ORDERS_PLACED);
    }
    return this.report(venue, event);
  }

  private adopt(init: OrderInitialized): Step {
    // Another adoption of the same id may have been queued behind the journal write.
    if (this.cache.order(init.clientOrderId)) return;
    this.cache.addOrder(new Order(init));
  }

  // ---- commands -------------------------------------------------------------------------------

  /** Runs a command once: a command id seen before is a redelivery and changes nothing. */
  private execute(command: TradingCommand): void {
    if (!this.processed.setIfAbsent(command.commandId, true)) return;
    this.schedule(command, true, this.runCommand, command, undefined, undefined);
  }

  private runCommand(command: TradingCommand): Step {
    switch (command.type) {
      case 'SubmitOrder':
        return this.submit(command);
      case 'ModifyOrder':
        return this.modify(command);
      case 'CancelOrder':
        return this.cancel(command);
      case 'CancelAllOrders':
        return this.cancelAllOrders(command);
    }
  }

  /** The single place an order is created: from the SubmitOrder on trading.signals (or its approval, if first). */
  private createOrder(command: SubmitOrder): Step {
    const existing = this.cache.order(command.clientOrderId);
    if (existing) {
      const creator = this.creators.get(command.clientOrderId);
      // An unknown creator means it was forgotten long ago: the order is left alone either way.
      if (creator !== undefined && creator !== command.commandId) {
        this.anomaly(
          contextOf(command),
          `client order id ${command.clientOrderId} already belongs to the order of command ${creator}; command ${command.commandId} ignored`,
        );
      }
      return;
    }
    const now = this.clock.now();
    const init: OrderInitialized = {
      type: 'OrderInitialized',
      eventId: this.ids.id(),
      tsEvent: now,
      tsInit: now,
      traderId: command.traderId,
      accountId: command.accountId,
      botId: command.botId,
      strategyId: command.strategyId,
      instrumentId: command.instrumentId,
      clientOrderId: command.clientOrderId,
      side: command.side,
      orderType: command.orderType,
      quantity: command.quantity,
      price: command.price,
      triggerPrice: command.triggerPrice,
      timeInForce: command.timeInForce,
      expireTime: command.expireTime,
      postOnly: command.postOnly,
      reduceOnly: command.reduceOnly,
      reason: command.reason,
    };
    return afterCall(this.journal.recordEvent(init), this, this.addOrder, command, init, undefined);
  }

  private addOrder(command: SubmitOrder, init: OrderInitialized): Step {
    const order = new Order(init);
    this.cache.addOrder(order);
    this.creators.set(order.clientOrderId, command.commandId);
    const denial = this.earlyDenials.take(order.clientOrderId);
    if (denial) return this.deny(denial);
  }

  private deny(denial: OrderDenied): Step {
    const order = this.cache.order(denial.clientOrderId);
    if (!order) {
      this.earlyDenials.set(denial.clientOrderId, denial);
      return;
    }
    // A denial of a later command (a modify) leaves the working order as it is.
    if (order.status !== OrderStatus.INITIALIZED) return;
    return this.process(order, denial, undefined);
  }

  private submit(command: SubmitOrder): Step {
    const order = this.cache.order(command.clientOrderId);
    if (!order) {
      // The approval overtook the signal (separate topics on Kafka): create the order from it now.
      return afterCall(this.createOrder(command), this, this.send, command, undefined, undefined);
    }
    return this.send(command, order);
  }

  /** `order` is the command's order when the caller has just looked it up. */
  private send(command: SubmitOrder, found?: Order): Step {
    const order = found ?? this.cache.order(command.clientOrderId);
    if (!order) {
      this.anomaly(contextOf(command), `order ${command.clientOrderId} could not be created; not submitted`);
      return;
    }
    const creator = this.creators.get(order.clientOrderId);
    if (creator !== undefined && creator !== command.commandId) {
      this.anomaly(
        contextOf(command),
        `approved command ${command.commandId} reuses client order id ${order.clientOrderId} of command ${creator}; not submitted`,
      );
      return;
    }
    if (order.status !== OrderStatus.INITIALIZED) {
      this.anomaly(contextOf(command), `order ${order.clientOrderId} is ${order.status}; not submitted`);
      return;
    }
    return afterCall(
      this.journal.recordCommand(command),
      this,
      this.sendJournaled,
      command,
      order,
      undefined,
    );
  }

  private sendJournaled(command: SubmitOrder, order: Order): Step {
    const venue = this.venueOf(order);
    const client = this.clients.get(venue);
    if (!client) {
      return this.process(
        order,
        this.rejection(order, 'OrderRejected', `no execution client for venue ${venue}`),
        Topic.ORDERS_UPDATED,
      );
    }
    const now = this.clock.now();
    const submitted: OrderSubmitted = {
      eventId: this.ids.id(),
      tsEvent: now,
      tsInit: now,
      traderId: order.traderId,
      accountId: order.accountId,
      botId: order.botId,
      strategyId: order.strategyId,
      instrumentId: order.instrumentId,
      clientOrderId: order.clientOrderId,
      type: 'OrderSubmitted',
    };
    return afterCall(
      this.process(order, submitted, Topic.ORDERS_PLACED),
      this,
      this.sendToClient,
      command,
      order,
      client,
    );
  }

  private sendToClient(command: SubmitOrder, order: Order, client: ExecutionClient): Step {
    if (order.status === OrderStatus.SUBMITTED) client.submitOrder(command);
  }

  private modify(command: ModifyOrder): Step {
    const order = this.cache.order(command.clientOrderId);
    if (!order) {
      this.anomaly(contextOf(command), `modify for unknown order ${command.clientOrderId}`);
      return;
    }
    if (!order.isOpen) {
      this.anomaly(contextOf(command), `cannot modify order ${order.clientOrderId}: it is ${order.status}`);
      return;
    }
    return after(this.journal.recordCommand(command), () => {
      const marked = order.markPendingUpdate();
      if (marked.kind === 'illegal') {
        this.anomaly(contextOf(command), marked.reason);
        return;
      }
      this.cache.orderUpdated(order);
      const client = this.clients.get(this.venueOf(order));
      if (!client) {
        return this.process(
          order,
          this.rejection(
            order,
            'OrderModifyRejected',
            `no execution client for venue ${this.venueOf(order)}`,
          ),
          Topic.ORDERS_UPDATED,
        );
      }
      client.modifyOrder(
        command.venueOrderId || !order.venueOrderId
          ? command
          : { ...command, venueOrderId: order.venueOrderId },
      );
    });
  }

  private cancel(command: CancelOrder): Step {
    const order = this.cache.order(command.clientOrderId);
    if (!order) {
      this.anomaly(contextOf(command), `cancel for unknown order ${command.clientOrderId}`);
      return;
    }
    // Already closed (typically filled while the cancel was on its way): what was asked already holds.
    if (order.isClosed) return;
    return after(this.journal.recordCommand(command), () => {
      if (order.status === OrderStatus.INITIALIZED) {
        // Not yet at any venue: close it here so that a later approval cannot send it.
        return this.process(
          order,
          this.rejection(
            order,
            'OrderRejected',
            `canceled before submission by command ${command.commandId}`,
          ),
          Topic.ORDERS_UPDATED,
        );
      }
      const marked = order.markPendingCancel();
      if (marked.kind === 'illegal') {
        this.anomaly(contextOf(command), marked.reason);
        return;
      }
      this.cache.orderUpdated(order);
      const client = this.clients.get(this.venueOf(order));
      if (!client) {
        return this.process(
          order,
          this.rejection(
            order,
            'OrderCancelRejected',
            `no execution client for venue ${this.venueOf(order)}`,
          ),
          Topic.ORDERS_UPDATED,
        );
      }
      client.cancelOrder(
        command.venueOrderId || !order.venueOrderId
          ? command
          : { ...command, venueOrderId: order.venueOrderId },
      );
    });
  }

  private cancelAllOrders(command: CancelAllOrders): Step {
    return after(this.journal.recordCommand(command), () => {
      const targets = this.cache
        .ordersOpen({
          accountId: command.accountId,
          botId: command.botId,
          instrumentId: command.instrumentId,
        })
        .filter((o) => command.side === undefined || o.side === command.side);
      return sequence(
        targets.map((order) => () => {
          // The order may have closed meanwhile (a synchronous venue answering an earlier cancel).
          if (order.isClosed) return;
          const cancel: CancelOrder = {
            type: 'CancelOrder',
            commandId: this.ids.id(),
            traderId: order.traderId,
            accountId: order.accountId,
            botId: order.botId,
            strategyId: order.strategyId,
            instrumentId: order.instrumentId,
            clientOrderId: order.clientOrderId,
            venueOrderId: order.venueOrderId,
            tsInit: this.clock.now(),
          };
          return this.cancel(cancel);
        }),
      );
    });
  }

  // ---- venue reports --------------------------------------------------------------------------

  private report(venue: string, event: OrderEvent): Step {
    const order = this.cache.order(event.clientOrderId);
    if (!order) {
      this.anomaly(contextOf(event), `${event.type} from ${venue} for unknown order ${event.clientOrderId}`);
      return;
    }
    if (
      event.type === 'OrderInitialized' ||
      event.type === 'OrderSubmitted' ||
      event.type === 'OrderDenied'
    ) {
      this.anomaly(
        contextOf(event),
        `${event.type} is made by Qubit itself, not reported by a venue (${venue})`,
      );
      return;
    }
    if (this.venueOf(order) !== venue) {
      this.anomaly(
        contextOf(event),
        `${event.type} from ${venue} for order ${order.clientOrderId} of venue ${this.venueOf(order)}`,
      );
      return;
    }
    return this.process(
      order,
      event,
      event.type === 'OrderFilled' ? Topic.ORDERS_FILLS : Topic.ORDERS_UPDATED,
    );
  }

  /**
   * Journals, applies and publishes one event of an order. A repeat of something already applied is
   * dropped before the journal; an illegal transition is reported and never applied.
   */
  private process(order: Order, event: OrderEvent, topic: string | undefined): Step {
    if (isRepeat(order, event)) return;
    return afterCall(this.journal.recordEvent(event), this, this.applyJournaled, order, event, topic);
  }

  private applyJournaled(order: Order, event: OrderEvent, topic: string | undefined): Step {
    const result = order.apply(event);
    if (result.kind === 'duplicate') return;
    if (result.kind === 'illegal') {
      this.anomaly(contextOf(event), result.reason);
      return;
    }
    this.cache.orderUpdated(order);
    if (topic !== undefined) this.bus.publish(topic, portfolioKey(order.accountId), event);
  }

  // ---- helpers --------------------------------------------------------------------------------

  private eventBase(order: Order): OrderEventBase {
    const now = this.clock.now();
    return {
      eventId: this.ids.id(),
      tsEvent: now,
      tsInit: now,
      traderId: order.traderId,
      accountId: order.accountId,
      botId: order.botId,
      strategyId: order.strategyId,
      instrumentId: order.instrumentId,
      clientOrderId: order.clientOrderId,
    };
  }

  /** The venue of an order: its instrument's, read from the id only for an instrument the cache lacks. */
  private venueOf(order: Order): string {
    return this.cache.instrument(order.instrumentId)?.venue ?? parseInstrumentId(order.instrumentId).venue;
  }

  private rejection(
    order: Order,
    type: 'OrderRejected' | 'OrderModifyRejected' | 'OrderCancelRejected',
    reason: string,
  ): OrderEvent {
    return { ...this.eventBase(order), type, reasonCode: RejectReason.OTHER, reason };
  }

  private anomaly(context: Context, reason: string): void {
    const anomaly: ExecutionAnomaly = {
      type: 'ExecutionAnomaly',
      clientOrderId: context.clientOrderId,
      ...(context.accountId !== undefined ? { accountId: context.accountId } : {}),
      eventType: context.eventType,
      reason,
      tsEvent: this.clock.now(),
    };
    this.bus.publish(Topic.RISK_ALERTS, context.accountId ?? 'global', anomaly);
  }

  /**
   * Runs `work` now when nothing asynchronous is pending, else after what is. A failure (a journal that
   * threw or rejected) becomes an anomaly and the chain goes on.
   */
  private schedule<A, B, C>(
    subject: Subject,
    executed: boolean,
    work: Work<A, B, C>,
    a: A,
    b: B,
    c: C,
  ): void {
    if (this.tail === undefined) {
      let result: Step;
      try {
        result = work.call(this, a, b, c);
      } catch (err) {
        this.fail(subject, executed, err);
        return;
      }
      if (isPromise(result)) {
        this.track(Promise.resolve(result).catch((err: unknown) => this.fail(subject, executed, err)));
      }
      return;
    }
    this.track(
      this.tail
        .then(() => work.call(this, a, b, c))
        .catch((err: unknown) => this.fail(subject, executed, err)),
    );
  }

  /**
   * Reports work that failed. A command carried out by `execute` is forgotten again, so that a
   * redelivery may try it once more.
   */
  private fail(subject: Subject, executed: boolean, err: unknown): void {
    if (executed) this.processed.delete((subject as TradingCommand).commandId);
    const context = executed
      ? commandContext(subject as TradingCommand)
      : contextOf(subject as OrderEvent | SubmitOrder);
    this.anomaly(
      context,
      `${context.eventType} not processed: ${err instanceof Error ? err.message : String(err)}`,
    );
  }

  private track(pending: Promise<void>): void {
    const clear = (): void => {
      if (this.tail === tail) this.tail = undefined;
    };
    // `pending` already turned failures into anomalies; only a failing alert publish could reach here.
    const tail: Promise<void> = pending.then(clear, clear);
    this.tail = tail;
  }
}

/** Calls `next` at once after a synchronous result, or once a promise resolved. */
function after(result: void | Promise<void>, next: () => Step): Step {
  return isPromise(result) ? Promise.resolve(result).then(next) : next();
}

/** `after` for the order path: `next` is a method of the engine, so the synchronous case makes no closure. */
function afterCall<A, B, C>(
  result: Step,
  self: ExecutionEngine,
  next: Work<A, B, C>,
  a: A,
  b: B,
  c: C,
): Step {
  return isPromise(result)
    ? Promise.resolve(result).then(() => next.call(self, a, b, c))
    : next.call(self, a, b, c);
}

/** Journals may return any thenable (a database driver's), or nothing. */
function isPromise(value: unknown): value is PromiseLike<void> {
  return (
    typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function'
  );
}

/** Runs steps one after another, staying synchronous as long as they are. */
function sequence(steps: readonly (() => Step)[]): Step {
  let i = 0;
  const next = (): Step => {
    while (i < steps.length) {
      const result = steps[i++]!();
      if (isPromise(result)) return Promise.resolve(result).then(next);
    }
  };
  return next();
}

/** Things already applied that a venue (or the bus) may send again; dropped silently. */
function isRepeat(order: Order, event: OrderEvent): boolean {
  switch (event.type) {
    case 'OrderFilled':
      return order.hasTrade(event.tradeId);
    case 'OrderAccepted':
      return order.venueOrderId !== undefined && order.venueOrderId === event.venueOrderId;
    case 'OrderDenied':
      return order.status === OrderStatus.DENIED;
    case 'OrderRejected':
      return order.status === OrderStatus.REJECTED;
    case 'OrderCanceled':
      return order.status === OrderStatus.CANCELED;
    case 'OrderExpired':
      return order.status === OrderStatus.EXPIRED;
    case 'OrderTriggered':
      return order.triggered;
    default: {
      const events = order.events;
      for (let i = 0; i < events.length; i++) {
        const e = events[i]!;
        if (e.type === event.type && e.eventId === event.eventId) return true;
      }
      return false;
    }
  }
}

function commandContext(command: TradingCommand): Context {
  return {
    clientOrderId: command.type === 'CancelAllOrders' ? '*' : command.clientOrderId,
    accountId: command.accountId,
    eventType: command.type,
  };
}

function contextOf(x: {
  readonly type: string;
  readonly clientOrderId: string;
  readonly accountId: string;
}): Context {
  return { clientOrderId: x.clientOrderId, accountId: x.accountId, eventType: x.type };
}

const COMMAND_TYPES: ReadonlySet<string> = new Set([
  'SubmitOrder',
  'ModifyOrder',
  'CancelOrder',
  'CancelAllOrders',
]);

function asCommand(message: BusMessage, topic: string): TradingCommand {
  if (!COMMAND_TYPES.has(message.type)) {
    throw new Error(`ExecutionEngine: unexpected message type ${message.type} on ${topic}`);
  }
  const command = message as TradingCommand;
  if (typeof command.commandId !== 'string' || command.commandId.length === 0) {
    throw new Error(`ExecutionEngine: ${message.type} on ${topic} has no commandId`);
  }
  return command;
}

const ORDER_EVENT_TYPES: ReadonlySet<string> = new Set([
  'OrderInitialized',
  'OrderDenied',
  'OrderSubmitted',
  'OrderAccepted',
  'OrderRejected',
  'OrderModified',
  'OrderModifyRejected',
  'OrderCanceled',
  'OrderCancelRejected',
  'OrderExpired',
  'OrderTriggered',
  'OrderFilled',
]);

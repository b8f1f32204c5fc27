import {
  AccountId,
  BotId,
  ClientOrderId,
  Currencies,
  DenyReason,
  InstrumentId,
  LiquiditySide,
  Money,
  OrderSide,
  OrderStatus,
  OrderType,
  Price,
  Quantity,
  RejectReason,
  StrategyId,
  TimeInForce,
  TradeId,
  TraderId,
  VenueOrderId,
  type CancelAllOrders,
  type CancelOrder,
  type ModifyOrder,
  type OrderDenied,
  type OrderEvent,
  type OrderEventBase,
  type OrderFilled,
  type SubmitOrder,
  type TradingCommand,
} from '@qubit/model';
import { describe, expect, it } from 'vitest';
import type { BusMessage, DeadLetter } from '../bus/message-bus.js';
import { MessageBus } from '../bus/message-bus.js';
import { Topic, instrumentKey, portfolioKey } from '../bus/topics.js';
import { Cache } from '../cache/cache.js';
import { TestClock } from '../clock/test-clock.js';
import { IdGenerator } from '../ids/id-generator.js';
import type { ExecutionClient, ExecutionReportSink } from '../ports/execution-client.js';
import { InMemoryJournal, type ExecutionJournal } from '../ports/execution-journal.js';
import type { ExecutionAnomaly } from './execution-anomaly.js';
import { ExecutionEngine } from './execution-engine.js';

const ACCOUNT = AccountId('SIM-001');
const SIM_BTC = InstrumentId('BTCUSDT.SIM');
const SIM_ETH = InstrumentId('ETHUSDT.SIM');
const BINANCE_BTC = InstrumentId('BTCUSDT.BINANCE');

/** The in-memory journal, also writing each call into a shared log so tests can check what came first. */
class LoggedJournal extends InMemoryJournal {
  constructor(private readonly log: string[]) {
    super();
  }
  override recordCommand(command: TradingCommand): void {
    this.log.push(`journal ${command.type}`);
    super.recordCommand(command);
  }
  override recordEvent(event: OrderEvent): void {
    this.log.push(`journal ${event.type}`);
    super.recordEvent(event);
  }
}

/** A journal standing for a database: every write waits until the test releases it. */
class GatedJournal implements ExecutionJournal {
  readonly commands: TradingCommand[] = [];
  readonly events: OrderEvent[] = [];
  private waiting: (() => void)[] = [];
  constructor(private readonly log: string[]) {}
  recordCommand(command: TradingCommand): Promise<void> {
    this.log.push(`journal ${command.type}`);
    this.commands.push(command);
    return this.gate();
  }
  recordEvent(event: OrderEvent): Promise<void> {
    this.log.push(`journal ${event.type}`);
    this.events.push(event);
    return this.gate();
  }
  get pending(): number {
    return this.waiting.length;
  }
  /** Lets every write waiting now complete, and gives the engine time to go on. */
  async release(): Promise<void> {
    for (const resolve of this.waiting.splice(0)) resolve();
    await new Promise((r) => setTimeout(r, 0));
  }
  private gate(): Promise<void> {
    return new Promise((resolve) => this.waiting.push(resolve));
  }
}

/** A venue that records what it was asked and lets the test send reports back. */
class RecordingClient implements ExecutionClient {
  readonly calls: { method: string; command: TradingCommand }[] = [];
  private sink?: ExecutionReportSink;
  /** Called inside submitOrder, as a venue that answers synchronously would. */
  onSubmit?: (command: SubmitOrder) => void;

  constructor(
    readonly venue: string,
    private readonly log: string[],
  ) {}

  connect(sink: ExecutionReportSink): void {
    this.sink = sink;
  }
  submitOrder(command: SubmitOrder): void {
    this.record('submitOrder', command);
    this.onSubmit?.(command);
  }
  modifyOrder(command: ModifyOrder): void {
    this.record('modifyOrder', command);
  }
  cancelOrder(command: CancelOrder): void {
    this.record('cancelOrder', command);
  }
  cancelAllOrders(command: CancelAllOrders): void {
    this.record('cancelAllOrders', command);
  }
  emit(event: OrderEvent): void {
    if (!this.sink) throw new Error('client not connected');
    this.sink(event);
  }
  private record(method: string, command: TradingCommand): void {
    this.log.push(`${this.venue} ${method}`);
    this.calls.push({ method, command });
  }
}

let seq = 0;

function submit(overrides: Partial<SubmitOrder> = {}): SubmitOrder {
  const n = ++seq;
  return {
    type: 'SubmitOrder',
    commandId: `cmd-${n}`,
    traderId: TraderId('QUBIT-001'),
    accountId: ACCOUNT,
    botId: BotId('bot-1'),
    strategyId: StrategyId('sma-cross'),
    instrumentId: SIM_BTC,
    clientOrderId: ClientOrderId(`O-${n}`),
    side: OrderSide.BUY,
    orderType: OrderType.LIMIT,
    quantity: Quantity.from('1.000'),
    price: Price.from('100.00'),
    timeInForce: TimeInForce.GTC,
    postOnly: false,
    reduceOnly: false,
    reason: 'entry',
    tsInit: 500n,
    ...overrides,
  };
}

function base(cmd: SubmitOrder): OrderEventBase {
  const n = ++seq;
  return {
    eventId: `venue-${n}`,
    tsEvent: 2_000n,
    tsInit: 2_000n,
    traderId: cmd.traderId,
    accountId: cmd.accountId,
    botId: cmd.botId,
    strategyId: cmd.strategyId,
    instrumentId: cmd.instrumentId,
    clientOrderId: cmd.clientOrderId,
  };
}

const report = {
  accepted: (cmd: SubmitOrder, venueOrderId = `V-${cmd.clientOrderId}`): OrderEvent => ({
    ...base(cmd),
    type: 'OrderAccepted',
    venueOrderId: VenueOrderId(venueOrderId),
  }),
  filled: (cmd: SubmitOrder, tradeId: string, qty: string, px = '100.00'): OrderFilled => ({
    ...base(cmd),
    type: 'OrderFilled',
    venueOrderId: VenueOrderId(`V-${cmd.clientOrderId}`),
    tradeId: TradeId(tradeId),
    side: cmd.side,
    orderType: cmd.orderType,
    lastQty: Quantity.from(qty),
    lastPx: Price.from(px),
    fee: Money.of('0.01', Currencies.USDT),
    liquiditySide: LiquiditySide.MAKER,
  }),
  canceled: (cmd: SubmitOrder): OrderEvent => ({ ...base(cmd), type: 'OrderCanceled' }),
  modified: (cmd: SubmitOrder, qty: string): OrderEvent => ({
    ...base(cmd),
    type: 'OrderModified',
    quantity: Quantity.from(qty),
  }),
};

function denial(cmd: SubmitOrder): OrderDenied {
  return {
    ...base(cmd),
    type: 'OrderDenied',
    reasonCode: DenyReason.MAX_POSITION,
    reason: 'position would exceed 5',
    stage: 2,
  };
}

function setup(options: { venues?: string[]; journal?: (log: string[]) => ExecutionJournal } = {}) {
  const log: string[] = [];
  const bus = new MessageBus();
  const cache = new Cache();
  const clock = new TestClock(1_000n);
  const ids = new IdGenerator('ex');
  const journal = options.journal ? options.journal(log) : new LoggedJournal(log);
  const clients = (options.venues ?? ['SIM']).map((venue) => new RecordingClient(venue, log));
  const engine = new ExecutionEngine({ bus, cache, clock, ids, journal, clients });
  engine.start();
  const seen = new Map<string, { key: string; message: BusMessage }[]>();
  for (const topic of [
    Topic.ORDERS_PLACED,
    Topic.ORDERS_UPDATED,
    Topic.ORDERS_FILLS,
    Topic.RISK_ALERTS,
    Topic.DEAD_LETTER,
  ]) {
    seen.set(topic, []);
    bus.subscribe(topic, 'test', (message, delivery) => {
      seen.get(topic)!.push({ key: delivery.key, message });
      log.push(`bus ${topic} ${message.type}`);
    });
  }
  const on = (topic: string): { key: string; message: BusMessage }[] => seen.get(topic) ?? [];
  return {
    bus,
    cache,
    clock,
    journal,
    engine,
    log,
    client: clients[0]!,
    clients,
    on,
    anomalies: (): ExecutionAnomaly[] => on(Topic.RISK_ALERTS).map((x) => x.message as ExecutionAnomaly),
    signal: (cmd: SubmitOrder): void =>
      bus.publish(Topic.TRADING_SIGNALS, instrumentKey(cmd.instrumentId), cmd),
    approve: (cmd: TradingCommand): void => bus.publish(Topic.TRADES_APPROVED, portfolioKey(ACCOUNT), cmd),
    deny: (d: OrderDenied): void => bus.publish(Topic.TRADES_REJECTED, portfolioKey(d.accountId), d),
    command: (cmd: TradingCommand): void => bus.publish(Topic.ORDERS_COMMANDS, portfolioKey(ACCOUNT), cmd),
    /** Signal then approval, as risk would pass it. */
    place: (cmd: SubmitOrder): void => {
      bus.publish(Topic.TRADING_SIGNALS, instrumentKey(cmd.instrumentId), cmd);
      bus.publish(Topic.TRADES_APPROVED, portfolioKey(cmd.accountId), cmd);
    },
  };
}

function cancelOf(cmd: SubmitOrder, commandId = `cancel-${cmd.clientOrderId}`): CancelOrder {
  return {
    type: 'CancelOrder',
    commandId,
    traderId: cmd.traderId,
    accountId: cmd.accountId,
    botId: cmd.botId,
    strategyId: cmd.strategyId,
    instrumentId: cmd.instrumentId,
    clientOrderId: cmd.clientOrderId,
    tsInit: 1_500n,
  };
}

describe('ExecutionEngine', () => {
  describe('order creation on trading.signals', () => {
    it('creates the order from SubmitOrder, journaling OrderInitialized first', () => {
      const t = setup();
      const cmd = submit({ reason: 'take_profit', reduceOnly: true });
      t.signal(cmd);
      const order = t.cache.order(cmd.clientOrderId);
      expect(order?.status).toBe(OrderStatus.INITIALIZED);
      expect(order?.reduceOnly).toBe(true);
      const init = (t.journal as InMemoryJournal).events[0];
      expect(init).toMatchObject({
        type: 'OrderInitialized',
        eventId: 'ex-0',
        tsEvent: 1_000n,
        tsInit: 1_000n,
        clientOrderId: cmd.clientOrderId,
        quantity: cmd.quantity,
        price: cmd.price,
        reason: 'take_profit',
      });
      expect(order?.events[0]).toBe(init);
      expect(t.client.calls).toHaveLength(0);
      expect(t.on(Topic.ORDERS_PLACED)).toHaveLength(0);
    });

    it('ignores a redelivered SubmitOrder with the same command id', () => {
      const t = setup();
      const cmd = submit();
      t.signal(cmd);
      t.signal(cmd);
      expect((t.journal as InMemoryJournal).events).toHaveLength(1);
      expect(t.anomalies()).toHaveLength(0);
    });

    it('leaves an existing order alone and reports an anomaly when another command reuses its client order id', () => {
      const t = setup();
      const first = submit();
      t.place(first);
      const reuse = submit({ clientOrderId: first.clientOrderId, quantity: Quantity.from('9.000') });
      t.place(reuse);
      const order = t.cache.order(first.clientOrderId)!;
      expect(order.quantity.toString()).toBe('1.000');
      expect(order.status).toBe(OrderStatus.SUBMITTED);
      expect(t.client.calls.map((c) => c.command.commandId)).toEqual([first.commandId]);
      const anomalies = t.anomalies();
      expect(anomalies.map((a) => a.eventType)).toEqual(['SubmitOrder', 'SubmitOrder']);
      expect(anomalies[0]).toMatchObject({
        clientOrderId: first.clientOrderId,
        accountId: ACCOUNT,
        tsEvent: 1_000n,
      });
      expect(anomalies[0]!.reason).toContain(reuse.commandId);
      expect(t.on(Topic.RISK_ALERTS)[0]!.key).toBe(ACCOUNT);
    });
  });

  describe('submit path', () => {
    it('journals the command and OrderSubmitted before the venue sees the order, then publishes orders.placed', () => {
      const t = setup();
      const cmd = submit();
      t.place(cmd);
      expect(t.log).toEqual([
        'journal OrderInitialized',
        'journal SubmitOrder',
        'journal OrderSubmitted',
        'SIM submitOrder',
        'bus orders.placed OrderSubmitted',
      ]);
      expect(t.client.calls[0]!.command).toBe(cmd);
      expect(t.cache.order(cmd.clientOrderId)?.status).toBe(OrderStatus.SUBMITTED);
      const placed = t.on(Topic.ORDERS_PLACED);
      expect(placed).toHaveLength(1);
      expect(placed[0]!.key).toBe(portfolioKey(ACCOUNT));
      expect(placed[0]!.message).toMatchObject({
        type: 'OrderSubmitted',
        clientOrderId: cmd.clientOrderId,
        tsEvent: 1_000n,
      });
    });

    it('lets a venue that answers inside submitOrder find the order already SUBMITTED', () => {
      const t = setup();
      const cmd = submit();
      t.client.onSubmit = (c) => t.client.emit(report.accepted(cmd, `V-${c.clientOrderId}`));
      t.place(cmd);
      expect(t.cache.order(cmd.clientOrderId)?.status).toBe(OrderStatus.ACCEPTED);
      expect(t.anomalies()).toHaveLength(0);
    });

    it('sends nothing to the venue until an asynchronous journal has written the command', async () => {
      let journal!: GatedJournal;
      const t = setup({ journal: (log) => (journal = new GatedJournal(log)) });
      const cmd = submit();
      t.place(cmd);
      // OrderInitialized is being written: no order yet, the approval waits behind it.
      expect(t.log).toEqual(['journal OrderInitialized']);
      expect(t.cache.order(cmd.clientOrderId)).toBeUndefined();
      await journal.release();
      expect(t.cache.order(cmd.clientOrderId)?.status).toBe(OrderStatus.INITIALIZED);
      expect(t.log).toEqual(['journal OrderInitialized', 'journal SubmitOrder']);
      expect(t.client.calls).toHaveLength(0);
      await journal.release();
      expect(t.log.at(-1)).toBe('journal OrderSubmitted');
      expect(t.client.calls).toHaveLength(0);
      expect(t.on(Topic.ORDERS_PLACED)).toHaveLength(0);
      await journal.release();
      await t.engine.whenIdle();
      expect(t.log).toEqual([
        'journal OrderInitialized',
        'journal SubmitOrder',
        'journal OrderSubmitted',
        'bus orders.placed OrderSubmitted',
        'SIM submitOrder',
      ]);
      expect(journal.pending).toBe(0);
    });

    it('keeps arrival order with an asynchronous journal: a report waits for the work before it', async () => {
      let journal!: GatedJournal;
      const t = setup({ journal: (log) => (journal = new GatedJournal(log)) });
      const cmd = submit();
      t.place(cmd);
      while (journal.pending > 0) await journal.release();
      t.client.emit(report.accepted(cmd));
      t.client.emit(report.filled(cmd, 'T-1', '1.000'));
      expect(journal.events.map((e) => e.type)).toEqual([
        'OrderInitialized',
        'OrderSubmitted',
        'OrderAccepted',
      ]);
      while (journal.pending > 0) await journal.release();
      await t.engine.whenIdle();
      expect(journal.events.map((e) => e.type).slice(-2)).toEqual(['OrderAccepted', 'OrderFilled']);
      expect(t.cache.order(cmd.clientOrderId)?.status).toBe(OrderStatus.FILLED);
      expect(t.on(Topic.ORDERS_FILLS)).toHaveLength(1);
    });

    it('rejects locally, with no OrderSubmitted, when no client serves the venue', () => {
      const t = setup();
      const cmd = submit({ instrumentId: BINANCE_BTC });
      t.place(cmd);
      const order = t.cache.order(cmd.clientOrderId)!;
      expect(order.status).toBe(OrderStatus.REJECTED);
      expect(t.client.calls).toHaveLength(0);
      expect(t.on(Topic.ORDERS_PLACED)).toHaveLength(0);
      const updated = t.on(Topic.ORDERS_UPDATED);
      expect(updated).toHaveLength(1);
      expect(updated[0]!.message).toMatchObject({
        type: 'OrderRejected',
        reasonCode: RejectReason.OTHER,
        reason: 'no execution client for venue BINANCE',
      });
      expect(t.log).toEqual([
        'journal OrderInitialized',
        'journal SubmitOrder',
        'journal OrderRejected',
        'bus orders.updated OrderRejected',
      ]);
    });

    it('executes a redelivered approval once', () => {
      const t = setup();
      const cmd = submit();
      t.place(cmd);
      t.approve(cmd);
      t.approve(cmd);
      expect(t.client.calls).toHaveLength(1);
      expect((t.journal as InMemoryJournal).commands).toHaveLength(1);
      expect(t.anomalies()).toHaveLength(0);
    });

    it('creates and submits the order when the approval arrives before the signal, and treats the late signal as a redelivery', () => {
      const t = setup();
      const cmd = submit();
      t.approve(cmd);
      expect(t.cache.order(cmd.clientOrderId)?.status).toBe(OrderStatus.SUBMITTED);
      t.signal(cmd);
      expect(t.client.calls).toHaveLength(1);
      expect((t.journal as InMemoryJournal).events.map((e) => e.type)).toEqual([
        'OrderInitialized',
        'OrderSubmitted',
      ]);
      expect(t.anomalies()).toHaveLength(0);
    });

    it('reports a failed journal write as an anomaly, sends nothing, and lets a redelivery try again', () => {
      let failing = true;
      const t = setup({
        journal: (log) =>
          new (class extends LoggedJournal {
            override recordCommand(command: TradingCommand): void {
              if (failing) throw new Error('disk full');
              super.recordCommand(command);
            }
          })(log),
      });
      const cmd = submit();
      t.place(cmd);
      expect(t.client.calls).toHaveLength(0);
      expect(t.anomalies()[0]).toMatchObject({ eventType: 'SubmitOrder', clientOrderId: cmd.clientOrderId });
      expect(t.anomalies()[0]!.reason).toContain('disk full');
      failing = false;
      t.approve(cmd);
      expect(t.client.calls).toHaveLength(1);
    });
  });

  describe('venue reports', () => {
    it('journals each report before applying it, publishes fills on orders.fills and the rest on orders.updated', () => {
      const t = setup();
      const cmd = submit();
      t.place(cmd);
      t.log.length = 0;
      t.client.emit(report.accepted(cmd));
      t.client.emit(report.filled(cmd, 'T-1', '0.400', '100.00'));
      t.client.emit(report.filled(cmd, 'T-2', '0.600', '100.10'));
      expect(t.log).toEqual([
        'journal OrderAccepted',
        'bus orders.updated OrderAccepted',
        'journal OrderFilled',
        'bus orders.fills OrderFilled',
        'journal OrderFilled',
        'bus orders.fills OrderFilled',
      ]);
      const order = t.cache.order(cmd.clientOrderId)!;
      expect(order.status).toBe(OrderStatus.FILLED);
      expect(order.avgPx(2)?.toString()).toBe('100.06');
      expect(t.cache.ordersOpen()).toHaveLength(0);
      expect(t.on(Topic.ORDERS_FILLS).every((x) => x.key === portfolioKey(ACCOUNT))).toBe(true);
    });

    it('ignores a duplicate fill: nothing journaled, nothing published, quantity counted once', () => {
      const t = setup();
      const cmd = submit();
      t.place(cmd);
      const fill = report.filled(cmd, 'T-1', '0.500');
      t.client.emit(fill);
      const journaled = (t.journal as InMemoryJournal).events.length;
      t.client.emit({ ...fill, eventId: 'another-event-id' });
      expect((t.journal as InMemoryJournal).events).toHaveLength(journaled);
      expect(t.on(Topic.ORDERS_FILLS)).toHaveLength(1);
      expect(t.cache.order(cmd.clientOrderId)?.filledQty.toString()).toBe('0.500');
      expect(t.anomalies()).toHaveLength(0);
    });

    it('ignores a repeated OrderAccepted and a repeated OrderCanceled silently', () => {
      const t = setup();
      const cmd = submit();
      t.place(cmd);
      t.client.emit(report.accepted(cmd, 'V-1'));
      t.client.emit(report.accepted(cmd, 'V-1'));
      t.client.emit(report.canceled(cmd));
      t.client.emit(report.canceled(cmd));
      expect((t.journal as InMemoryJournal).events.map((e) => e.type)).toEqual([
        'OrderInitialized',
        'OrderSubmitted',
        'OrderAccepted',
        'OrderCanceled',
      ]);
      expect(t.on(Topic.ORDERS_UPDATED)).toHaveLength(2);
      expect(t.anomalies()).toHaveLength(0);
    });

    it('reports an illegal transition as an anomaly and does not apply it', () => {
      const t = setup();
      const cmd = submit();
      t.place(cmd);
      t.client.emit(report.accepted(cmd));
      t.client.emit(report.canceled(cmd));
      t.client.emit(report.filled(cmd, 'T-late', '0.100'));
      const order = t.cache.order(cmd.clientOrderId)!;
      expect(order.status).toBe(OrderStatus.CANCELED);
      expect(order.filledQty.isZero()).toBe(true);
      expect(t.on(Topic.ORDERS_FILLS)).toHaveLength(0);
      expect(t.anomalies()).toEqual([
        expect.objectContaining({
          type: 'ExecutionAnomaly',
          clientOrderId: cmd.clientOrderId,
          accountId: ACCOUNT,
          eventType: 'OrderFilled',
          reason: 'OrderFilled is not allowed when the order is CANCELED',
        }),
      ]);
    });

    it('refuses an overfill with an anomaly', () => {
      const t = setup();
      const cmd = submit();
      t.place(cmd);
      t.client.emit(report.filled(cmd, 'T-1', '0.800'));
      t.client.emit(report.filled(cmd, 'T-2', '0.800'));
      expect(t.cache.order(cmd.clientOrderId)?.filledQty.toString()).toBe('0.800');
      expect(t.on(Topic.ORDERS_FILLS)).toHaveLength(1);
      expect(t.anomalies()[0]?.reason).toContain('above quantity');
    });

    it('reports a report for an unknown order, or from another venue, without journaling it', () => {
      const t = setup({ venues: ['SIM', 'BINANCE'] });
      const cmd = submit();
      t.place(cmd);
      const journaled = (t.journal as InMemoryJournal).events.length;
      t.client.emit(report.accepted(submit()));
      t.clients[1]!.emit(report.accepted(cmd));
      expect((t.journal as InMemoryJournal).events).toHaveLength(journaled);
      expect(t.anomalies().map((a) => a.reason)).toEqual([
        expect.stringContaining('unknown order'),
        expect.stringContaining('from BINANCE'),
      ]);
      expect(t.cache.order(cmd.clientOrderId)?.status).toBe(OrderStatus.SUBMITTED);
    });
  });

  describe('denials', () => {
    it('journals and applies OrderDenied from trades.rejected', () => {
      const t = setup();
      const cmd = submit();
      t.signal(cmd);
      t.deny(denial(cmd));
      const order = t.cache.order(cmd.clientOrderId)!;
      expect(order.status).toBe(OrderStatus.DENIED);
      expect((t.journal as InMemoryJournal).events.map((e) => e.type)).toEqual([
        'OrderInitialized',
        'OrderDenied',
      ]);
      expect(t.cache.ordersOpen()).toHaveLength(0);
      expect(t.client.calls).toHaveLength(0);
    });

    it('keeps a denial that arrives before its order and applies it when the order is created', () => {
      const t = setup();
      const cmd = submit();
      t.deny(denial(cmd));
      expect(t.cache.order(cmd.clientOrderId)).toBeUndefined();
      t.signal(cmd);
      expect(t.cache.order(cmd.clientOrderId)?.status).toBe(OrderStatus.DENIED);
      expect(t.anomalies()).toHaveLength(0);
    });

    it('ignores a redelivered denial', () => {
      const t = setup();
      const cmd = submit();
      t.signal(cmd);
      const d = denial(cmd);
      t.deny(d);
      t.deny(d);
      expect((t.journal as InMemoryJournal).events).toHaveLength(2);
      expect(t.anomalies()).toHaveLength(0);
    });
  });

  describe('modify and cancel', () => {
    it('marks PENDING_UPDATE and sends the modify with the venue order id, then applies OrderModified', () => {
      const t = setup();
      const cmd = submit();
      t.place(cmd);
      t.client.emit(report.accepted(cmd, 'V-42'));
      const modify: ModifyOrder = {
        type: 'ModifyOrder',
        commandId: 'mod-1',
        traderId: cmd.traderId,
        accountId: cmd.accountId,
        botId: cmd.botId,
        strategyId: cmd.strategyId,
        instrumentId: cmd.instrumentId,
        clientOrderId: cmd.clientOrderId,
        quantity: Quantity.from('2.000'),
        tsInit: 1_000n,
      };
      t.log.length = 0;
      t.approve(modify);
      const order = t.cache.order(cmd.clientOrderId)!;
      expect(order.status).toBe(OrderStatus.PENDING_UPDATE);
      expect(t.log).toEqual(['journal ModifyOrder', 'SIM modifyOrder']);
      expect(t.client.calls.at(-1)!.command).toMatchObject({ commandId: 'mod-1', venueOrderId: 'V-42' });
      t.client.emit(report.modified(cmd, '2.000'));
      expect(order.status).toBe(OrderStatus.ACCEPTED);
      expect(order.quantity.toString()).toBe('2.000');
    });

    it('reports a modify of a closed order and sends nothing', () => {
      const t = setup();
      const cmd = submit();
      t.place(cmd);
      t.client.emit(report.filled(cmd, 'T-1', '1.000'));
      const calls = t.client.calls.length;
      t.approve({
        ...cancelOf(cmd),
        type: 'ModifyOrder',
        commandId: 'mod-closed',
        quantity: Quantity.from('3.000'),
      });
      expect(t.client.calls).toHaveLength(calls);
      expect(t.anomalies()[0]).toMatchObject({
        eventType: 'ModifyOrder',
        reason: expect.stringContaining('FILLED'),
      });
    });

    it('marks PENDING_CANCEL and sends the cancel on orders.commands; OrderCanceled closes the order', () => {
      const t = setup();
      const cmd = submit();
      t.place(cmd);
      t.client.emit(report.accepted(cmd));
      t.command(cancelOf(cmd));
      const order = t.cache.order(cmd.clientOrderId)!;
      expect(order.status).toBe(OrderStatus.PENDING_CANCEL);
      expect(t.client.calls.at(-1)).toMatchObject({
        method: 'cancelOrder',
        command: { venueOrderId: `V-${cmd.clientOrderId}` },
      });
      t.client.emit(report.canceled(cmd));
      expect(order.status).toBe(OrderStatus.CANCELED);
      expect(t.on(Topic.ORDERS_UPDATED).at(-1)!.message.type).toBe('OrderCanceled');
    });

    it('sends nothing and reports nothing for a cancel of an order that already filled', () => {
      const t = setup();
      const cmd = submit();
      t.place(cmd);
      t.client.emit(report.filled(cmd, 'T-1', '1.000'));
      t.command(cancelOf(cmd));
      expect(t.client.calls.map((c) => c.method)).toEqual(['submitOrder']);
      expect(t.anomalies()).toHaveLength(0);
    });

    it('executes a redelivered cancel once', () => {
      const t = setup();
      const cmd = submit();
      t.place(cmd);
      t.command(cancelOf(cmd));
      t.command(cancelOf(cmd));
      expect(t.client.calls.filter((c) => c.method === 'cancelOrder')).toHaveLength(1);
    });

    it('refuses SubmitOrder on orders.commands (it would bypass risk) by dead-lettering it', () => {
      const t = setup();
      const cmd = submit();
      t.signal(cmd);
      t.command(cmd);
      expect(t.client.calls).toHaveLength(0);
      const dead = t.on(Topic.DEAD_LETTER)[0]?.message as DeadLetter | undefined;
      expect(dead?.error).toContain('bypasses risk');
    });
  });

  describe('cancel all', () => {
    function fleet() {
      const t = setup({ venues: ['SIM', 'BINANCE'] });
      const orders = {
        bot1BuyBtc: submit(),
        bot1SellEth: submit({ side: OrderSide.SELL, instrumentId: SIM_ETH }),
        bot1BuyBinance: submit({ instrumentId: BINANCE_BTC }),
        bot2Buy: submit({ botId: BotId('bot-2') }),
        otherAccount: submit({ accountId: AccountId('SIM-002') }),
        filled: submit(),
      };
      for (const cmd of Object.values(orders)) t.place(cmd);
      t.client.emit(report.filled(orders.filled, 'T-1', '1.000'));
      t.log.length = 0;
      return { t, orders };
    }

    it('cancels every open order in the scope, each at its own venue, after journaling the command', () => {
      const { t, orders } = fleet();
      const all: CancelAllOrders = {
        type: 'CancelAllOrders',
        commandId: 'all-1',
        traderId: TraderId('QUBIT-001'),
        accountId: ACCOUNT,
        botId: BotId('bot-1'),
        reason: 'bot stopped',
        tsInit: 1_000n,
      };
      t.command(all);
      expect(t.log[0]).toBe('journal CancelAllOrders');
      const canceled = t.clients.flatMap((c) =>
        c.calls
          .filter((x) => x.method === 'cancelOrder')
          .map((x) => `${c.venue}:${x.command.type === 'CancelOrder' ? x.command.clientOrderId : ''}`),
      );
      expect(canceled).toEqual([
        `SIM:${orders.bot1BuyBtc.clientOrderId}`,
        `SIM:${orders.bot1SellEth.clientOrderId}`,
        `BINANCE:${orders.bot1BuyBinance.clientOrderId}`,
      ]);
      expect((t.journal as InMemoryJournal).commands.filter((c) => c.type === 'CancelOrder')).toHaveLength(3);
      expect(t.cache.order(orders.bot2Buy.clientOrderId)?.status).toBe(OrderStatus.SUBMITTED);
      expect(t.cache.order(orders.otherAccount.clientOrderId)?.status).toBe(OrderStatus.SUBMITTED);
      expect(t.cache.order(orders.bot1BuyBtc.clientOrderId)?.status).toBe(OrderStatus.PENDING_CANCEL);
      t.command(all);
      expect(t.clients.flatMap((c) => c.calls).filter((x) => x.method === 'cancelOrder')).toHaveLength(3);
    });

    it('narrows the scope by side and instrument', () => {
      const { t, orders } = fleet();
      t.engine.cancelAll({ traderId: TraderId('QUBIT-001'), side: OrderSide.SELL, reason: 'flatten shorts' });
      t.engine.cancelAll({
        traderId: TraderId('QUBIT-001'),
        instrumentId: BINANCE_BTC,
        reason: 'venue down',
      });
      const canceled = t.clients.flatMap((c) =>
        c.calls
          .filter((x) => x.method === 'cancelOrder')
          .map((x) => (x.command.type === 'CancelOrder' ? x.command.clientOrderId : '')),
      );
      expect(canceled).toEqual([orders.bot1SellEth.clientOrderId, orders.bot1BuyBinance.clientOrderId]);
    });

    it('closes orders not yet submitted so that a later approval cannot send them', () => {
      const t = setup();
      const cmd = submit();
      t.signal(cmd);
      const all = t.engine.cancelAll({ traderId: TraderId('QUBIT-001'), reason: 'kill switch' });
      expect(all).toMatchObject({ type: 'CancelAllOrders', commandId: expect.any(String), tsInit: 1_000n });
      const order = t.cache.order(cmd.clientOrderId)!;
      expect(order.status).toBe(OrderStatus.REJECTED);
      t.approve(cmd);
      expect(t.client.calls).toHaveLength(0);
      expect(t.anomalies()[0]).toMatchObject({
        eventType: 'SubmitOrder',
        reason: expect.stringContaining('REJECTED'),
      });
    });
  });

  it('refuses a second client for the same venue', () => {
    const t = setup();
    expect(() => t.engine.registerClient(new RecordingClient('SIM', []))).toThrow(/venue SIM/);
  });

  it('produces the same journal for the same inputs', () => {
    const run = (): unknown[] => {
      seq = 0;
      const t = setup();
      const a = submit();
      const b = submit({ side: OrderSide.SELL });
      t.place(a);
      t.place(b);
      t.client.emit(report.accepted(a));
      t.client.emit(report.filled(a, 'T-1', '1.000'));
      t.command(cancelOf(b));
      const journal = t.journal as InMemoryJournal;
      return [...journal.commands, ...journal.events].map((x) =>
        JSON.stringify(x, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)),
      );
    };
    expect(run()).toEqual(run());
  });
});

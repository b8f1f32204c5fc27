import {
  AccountId,
  AccountType,
  BTCUSDT_PERP_BINANCE,
  BotId,
  LiquiditySide,
  Money,
  OrderSide,
  OrderStatus,
  OrderType,
  Price,
  Quantity,
  StrategyId,
  TimeInForce,
  TradeId,
  TraderId,
  VenueOrderId,
  instrumentFromSpec,
  type CancelAllOrders,
  type CancelOrder,
  type ModifyOrder,
  type OrderEvent,
  type OrderFilled,
  type SubmitOrder,
  type TradingCommand,
} from '@qubit/model';
import { describe, expect, it } from 'vitest';
import { MessageBus } from '../bus/message-bus.js';
import { Topic, portfolioKey } from '../bus/topics.js';
import { Cache } from '../cache/cache.js';
import { TestClock } from '../clock/test-clock.js';
import { IdGenerator } from '../ids/id-generator.js';
import { Portfolio } from '../portfolio/portfolio.js';
import type { ExecutionClient, ExecutionReportSink } from '../ports/execution-client.js';
import type { ExecutionJournal } from '../ports/execution-journal.js';
import { ExecutionEngine } from './execution-engine.js';

const PERP = instrumentFromSpec(BTCUSDT_PERP_BINANCE);
const ACCOUNT = AccountId('SIM-001');

/** A journal standing for a database whose writes the test completes one at a time, in order. */
class HandJournal implements ExecutionJournal {
  readonly written: string[] = [];
  private readonly waiting: { what: string; resolve: () => void }[] = [];
  constructor(private readonly log: string[]) {}
  recordCommand(command: TradingCommand): Promise<void> {
    return this.write(`${command.type} ${command.commandId}`);
  }
  recordEvent(event: OrderEvent): Promise<void> {
    return this.write(`${event.type} ${event.eventId}`);
  }
  /** What is being written and not yet acknowledged. */
  get pending(): string[] {
    return this.waiting.map((w) => w.what);
  }
  /** Acknowledges the oldest write and lets the engine go on with what waited for it. */
  async complete(): Promise<string> {
    const next = this.waiting.shift();
    if (!next) throw new Error('no journal write is pending');
    this.written.push(next.what);
    this.log.push(`journaled ${next.what}`);
    next.resolve();
    for (let i = 0; i < 5; i++) await Promise.resolve();
    await new Promise((r) => setTimeout(r, 0));
    return next.what;
  }
  async completeAll(): Promise<void> {
    while (this.waiting.length > 0) await this.complete();
  }
  private write(what: string): Promise<void> {
    this.log.push(`writing ${what}`);
    return new Promise((resolve) => this.waiting.push({ what, resolve }));
  }
}

class Venue implements ExecutionClient {
  readonly venue = 'BINANCE';
  readonly calls: TradingCommand[] = [];
  private sink?: ExecutionReportSink;
  constructor(private readonly log: string[]) {}
  connect(sink: ExecutionReportSink): void {
    this.sink = sink;
  }
  submitOrder(c: SubmitOrder): void {
    this.call(c);
  }
  modifyOrder(c: ModifyOrder): void {
    this.call(c);
  }
  cancelOrder(c: CancelOrder): void {
    this.call(c);
  }
  cancelAllOrders(c: CancelAllOrders): void {
    this.call(c);
  }
  report(e: OrderEvent): void {
    this.sink!(e);
  }
  private call(c: TradingCommand): void {
    this.log.push(`venue ${c.type}`);
    this.calls.push(c);
  }
}

function setup() {
  const log: string[] = [];
  const bus = new MessageBus();
  const cache = new Cache();
  cache.addInstrument(PERP);
  const clock = new TestClock(1_000n);
  const ids = new IdGenerator('E');
  const journal = new HandJournal(log);
  const venue = new Venue(log);
  const engine = new ExecutionEngine({ bus, cache, clock, ids, journal, clients: [venue] });
  const portfolio = new Portfolio({ bus, cache, clock, ids });
  portfolio.registerAccount({
    accountId: ACCOUNT,
    accountType: AccountType.MARGIN,
    baseCurrency: PERP.settlementCurrency,
    balances: [Money.of('100000', PERP.settlementCurrency)],
  });
  portfolio.start();
  engine.start();
  const published: string[] = [];
  for (const t of [Topic.ORDERS_PLACED, Topic.ORDERS_UPDATED, Topic.ORDERS_FILLS]) {
    bus.subscribe(t, 'watch', (m) => published.push(`${t} ${m.type}`));
  }
  return { log, bus, cache, engine, journal, venue, portfolio, published };
}

let n = 0;
function submit(): SubmitOrder {
  n++;
  return {
    type: 'SubmitOrder',
    commandId: `cmd-${n}`,
    traderId: TraderId('QUBIT'),
    accountId: ACCOUNT,
    botId: BotId('bot-1'),
    strategyId: StrategyId('s'),
    instrumentId: PERP.id,
    clientOrderId: `O-${n}` as SubmitOrder['clientOrderId'],
    side: OrderSide.BUY,
    orderType: OrderType.LIMIT,
    quantity: Quantity.from('0.010'),
    price: Price.from('42000.00'),
    timeInForce: TimeInForce.GTC,
    postOnly: false,
    reduceOnly: false,
    reason: 'entry',
    tsInit: 1_000n,
  };
}

function owner(cmd: SubmitOrder) {
  return {
    traderId: cmd.traderId,
    accountId: cmd.accountId,
    botId: cmd.botId,
    strategyId: cmd.strategyId,
    instrumentId: cmd.instrumentId,
    clientOrderId: cmd.clientOrderId,
    tsEvent: 2_000n,
    tsInit: 2_000n,
  };
}

function accepted(cmd: SubmitOrder, eventId = `acc-${cmd.clientOrderId}`): OrderEvent {
  return {
    ...owner(cmd),
    eventId,
    type: 'OrderAccepted',
    venueOrderId: VenueOrderId(`V-${cmd.clientOrderId}`),
  };
}

function filled(cmd: SubmitOrder, tradeId: string, eventId = `fill-${tradeId}`): OrderFilled {
  return {
    ...owner(cmd),
    eventId,
    type: 'OrderFilled',
    venueOrderId: VenueOrderId(`V-${cmd.clientOrderId}`),
    tradeId: TradeId(tradeId),
    side: cmd.side,
    orderType: cmd.orderType,
    lastQty: Quantity.from('0.010'),
    lastPx: Price.from('42000.00'),
    fee: Money.of('0.21', PERP.settlementCurrency),
    liquiditySide: LiquiditySide.MAKER,
  };
}

async function submitted(t: ReturnType<typeof setup>, cmd: SubmitOrder): Promise<void> {
  t.bus.publish(Topic.TRADES_APPROVED, portfolioKey(ACCOUNT), cmd);
  await t.journal.completeAll();
}

describe('write-ahead execution with a journal whose writes complete by hand', () => {
  it('journals the SubmitOrder, and waits for the write, before the venue is called', async () => {
    const t = setup();
    const cmd = submit();
    t.bus.publish(Topic.TRADES_APPROVED, portfolioKey(ACCOUNT), cmd);
    expect(t.journal.pending).toEqual([expect.stringMatching(/^OrderInitialized /)]);
    await t.journal.complete();
    expect(t.journal.pending).toEqual([`SubmitOrder ${cmd.commandId}`]);
    expect(t.venue.calls).toEqual([]);
    await t.journal.complete();
    // Then OrderSubmitted is journaled and applied, still before the call.
    expect(t.journal.pending).toEqual([expect.stringMatching(/^OrderSubmitted /)]);
    expect(t.venue.calls).toEqual([]);
    expect(t.cache.order(cmd.clientOrderId)!.status).toBe(OrderStatus.INITIALIZED);
    await t.journal.complete();
    expect(t.venue.calls).toEqual([cmd]);
    expect(t.log.indexOf(`journaled SubmitOrder ${cmd.commandId}`)).toBeLessThan(
      t.log.indexOf('venue SubmitOrder'),
    );
    expect(t.cache.order(cmd.clientOrderId)!.status).toBe(OrderStatus.SUBMITTED);
  });

  it('journals every venue report before it changes the order or reaches the portfolio', async () => {
    const t = setup();
    const cmd = submit();
    await submitted(t, cmd);
    const order = t.cache.order(cmd.clientOrderId)!;
    t.published.length = 0;

    t.venue.report(accepted(cmd));
    expect(t.journal.pending).toEqual([`OrderAccepted acc-${cmd.clientOrderId}`]);
    expect(order.status).toBe(OrderStatus.SUBMITTED);
    expect(t.published).toEqual([]);
    await t.journal.complete();
    expect(order.status).toBe(OrderStatus.ACCEPTED);
    expect(t.published).toEqual(['orders.updated OrderAccepted']);

    t.venue.report(filled(cmd, 'T-1'));
    expect(t.journal.pending).toEqual(['OrderFilled fill-T-1']);
    expect(order.filledQty.isZero()).toBe(true);
    expect(t.portfolio.netQty(ACCOUNT, PERP.id).isZero()).toBe(true);
    await t.journal.complete();
    expect(order.status).toBe(OrderStatus.FILLED);
    expect(t.portfolio.netQty(ACCOUNT, PERP.id).toString()).toBe('0.010');
  });

  it('changes nothing for a report delivered again, whether the first is still being journaled or not', async () => {
    const t = setup();
    const cmd = submit();
    await submitted(t, cmd);
    t.published.length = 0;
    const written = t.journal.written.length;

    t.venue.report(accepted(cmd));
    t.venue.report(accepted(cmd, 'acc-again')); // redelivered while the first write is pending
    t.venue.report(filled(cmd, 'T-1'));
    t.venue.report(filled(cmd, 'T-1', 'fill-again'));
    await t.journal.completeAll();
    t.venue.report(filled(cmd, 'T-1', 'fill-third')); // and again once everything settled
    t.venue.report(accepted(cmd, 'acc-third'));
    await t.journal.completeAll();

    expect(t.journal.written.slice(written)).toEqual([
      `OrderAccepted acc-${cmd.clientOrderId}`,
      'OrderFilled fill-T-1',
    ]);
    expect(t.published).toEqual(['orders.updated OrderAccepted', 'orders.fills OrderFilled']);
    expect(t.cache.order(cmd.clientOrderId)!.filledQty.toString()).toBe('0.010');
    expect(t.portfolio.netQty(ACCOUNT, PERP.id).toString()).toBe('0.010');
  });

  it('journals and sends a command delivered twice only once', async () => {
    const t = setup();
    const cmd = submit();
    t.bus.publish(Topic.TRADES_APPROVED, portfolioKey(ACCOUNT), cmd);
    t.bus.publish(Topic.TRADES_APPROVED, portfolioKey(ACCOUNT), cmd);
    await t.journal.completeAll();
    t.bus.publish(Topic.TRADES_APPROVED, portfolioKey(ACCOUNT), cmd);
    await t.journal.completeAll();
    expect(t.venue.calls).toEqual([cmd]);
    expect(t.journal.written.filter((w) => w.startsWith('SubmitOrder'))).toEqual([
      `SubmitOrder ${cmd.commandId}`,
    ]);

    t.venue.report(accepted(cmd));
    await t.journal.completeAll();
    const cancel: CancelOrder = { ...owner(cmd), type: 'CancelOrder', commandId: 'cancel-1' };
    t.bus.publish(Topic.ORDERS_COMMANDS, portfolioKey(ACCOUNT), cancel);
    t.bus.publish(Topic.ORDERS_COMMANDS, portfolioKey(ACCOUNT), cancel);
    await t.journal.completeAll();
    expect(t.venue.calls.filter((c) => c.type === 'CancelOrder')).toHaveLength(1);
    expect(t.journal.written.filter((w) => w.startsWith('CancelOrder'))).toEqual(['CancelOrder cancel-1']);
  });

  it('takes reconciliation events through the same write-ahead path, and refuses unmarked ones', async () => {
    const t = setup();
    const cmd = submit();
    await submitted(t, cmd);
    const order = t.cache.order(cmd.clientOrderId)!;
    expect(() => t.engine.applyReconciliation('BINANCE', accepted(cmd))).toThrow(
      /event.reconciliation: OrderAccepted for O-\d+ is not marked reconciliation: true/,
    );
    expect(() => t.engine.applyReconciliation('KRAKEN', { ...accepted(cmd), reconciliation: true })).toThrow(
      /venue: no execution client for venue KRAKEN/,
    );
    expect(t.journal.pending).toEqual([]);

    t.engine.applyReconciliation('BINANCE', { ...accepted(cmd), reconciliation: true });
    expect(order.status).toBe(OrderStatus.SUBMITTED);
    await t.journal.complete();
    expect(order.status).toBe(OrderStatus.ACCEPTED);

    // An order adopted from the venue: created only once its OrderInitialized is journaled.
    const adopted = submit();
    t.engine.applyReconciliation('BINANCE', {
      ...owner(adopted),
      ...adopted,
      type: 'OrderInitialized',
      eventId: 'adopt-1',
      tsEvent: 2_000n,
      reconciliation: true,
    });
    expect(t.cache.order(adopted.clientOrderId)).toBeUndefined();
    await t.journal.complete();
    expect(t.cache.order(adopted.clientOrderId)!.status).toBe(OrderStatus.INITIALIZED);
  });
});

// Helpers for the recovery tests: a platform (TradingNode) that can be "killed" and restarted against a
// SimulatedVenue that lives on, with a journal that keeps every entry in order.
import {
  AccountId,
  AccountType,
  AggressorSide,
  BTCUSDT_BINANCE,
  BTCUSDT_PERP_BINANCE,
  BotId,
  Decimal,
  Money,
  OrderSide,
  OrderType,
  Price,
  Quantity,
  StrategyId,
  TimeInForce,
  TradeId,
  TraderId,
  instrumentFromSpec,
  type CancelAllOrders,
  type CancelOrder,
  type Instrument,
  type ModifyOrder,
  type OrderEvent,
  type SubmitOrder,
  type TradingCommand,
} from '@qubit/model';
import { Topic, portfolioKey } from '../bus/topics.js';
import { TestClock } from '../clock/test-clock.js';
import { IdGenerator } from '../ids/id-generator.js';
import { TradingNode } from '../node/trading-node.js';
import type { ExecutionClient, ExecutionReportSink } from '../ports/execution-client.js';
import type { ExecutionJournal } from '../ports/execution-journal.js';
import type { JournalEntry } from '../ports/journal-entry.js';
import type { RiskConfig } from '../risk/risk-limits.js';
import { SimulatedVenue } from '../venue/simulated-venue.js';
import { SimulatedVenueQueries } from '../venue/simulated-venue-queries.js';
import type { SimulatedVenueConfig } from '../venue/venue-config.js';

export const SPOT = instrumentFromSpec(BTCUSDT_BINANCE);
export const PERP = instrumentFromSpec(BTCUSDT_PERP_BINANCE);
export const ACCOUNT = AccountId('SIM-001');
export const TRADER = 'QUBIT';
/** 2024-01-08T00:00:00Z */
export const T0 = 1_704_672_000_000_000_000n;

/** A journal that keeps commands and events in one sequence, as the store does. */
export class RecordingJournal implements ExecutionJournal {
  readonly entries: JournalEntry[] = [];
  recordCommand(command: TradingCommand): void {
    this.entries.push(command);
  }
  recordEvent(event: OrderEvent): void {
    this.entries.push(event);
  }
}

/**
 * The platform's link to the venue. `sending` false stands for a crash between journaling an order and
 * sending it; `delivering` false for a platform that is down (or lost the connection): reports are lost.
 */
export class VenueLink implements ExecutionClient {
  readonly venue: string;
  sending = true;
  delivering = true;
  readonly sent: TradingCommand[] = [];

  constructor(private readonly sim: SimulatedVenue) {
    this.venue = sim.venue;
  }

  connect(sink: ExecutionReportSink): void {
    this.sim.connect((e) => {
      if (this.delivering) sink(e);
    });
  }
  submitOrder(command: SubmitOrder): void {
    this.send(command, () => this.sim.submitOrder(command));
  }
  modifyOrder(command: ModifyOrder): void {
    this.send(command, () => this.sim.modifyOrder(command));
  }
  cancelOrder(command: CancelOrder): void {
    this.send(command, () => this.sim.cancelOrder(command));
  }
  cancelAllOrders(command: CancelAllOrders): void {
    this.send(command, () => this.sim.cancelAllOrders(command));
  }
  private send(command: TradingCommand, go: () => void): void {
    if (!this.sending) return;
    this.sent.push(command);
    go();
  }
}

export interface World {
  readonly clock: TestClock;
  readonly venue: SimulatedVenue;
  readonly queries: SimulatedVenueQueries;
}

/** A venue with a MARGIN-style USDT account (100 000 USDT), fees by default off. */
export function world(config: Partial<SimulatedVenueConfig> = {}, balances = [usdt('100000')]): World {
  const clock = new TestClock(T0);
  const venue = new SimulatedVenue({
    venue: 'BINANCE',
    clock,
    ids: new IdGenerator('V'),
    instruments: (id) => (id === SPOT.id ? SPOT : id === PERP.id ? PERP : undefined),
    config: { feeOverride: { maker: Decimal.ZERO, taker: Decimal.ZERO }, ...config },
    accounts: { [ACCOUNT]: balances },
  });
  return { clock, venue, queries: new SimulatedVenueQueries(venue) };
}

export function usdt(amount: string): Money {
  return Money.of(amount, PERP.settlementCurrency);
}

/** A platform process: a node on the shared clock, trading through a link to the venue. */
export function platform(
  w: World,
  journal: ExecutionJournal = new RecordingJournal(),
  accountType: AccountType = AccountType.MARGIN,
  balances = [usdt('100000')],
  risk?: Omit<RiskConfig, 'traderId'>,
): { node: TradingNode; link: VenueLink; journal: ExecutionJournal } {
  const link = new VenueLink(w.venue);
  const node = new TradingNode({
    traderId: TRADER,
    clock: w.clock,
    instruments: [SPOT, PERP],
    accounts: [
      {
        accountId: ACCOUNT,
        accountType,
        baseCurrency: PERP.settlementCurrency,
        balances,
      },
    ],
    clients: [link],
    journal,
    idPrefix: 'N',
    risk,
  });
  return { node, link, journal };
}

/** Sends an approved order through the node's execution engine (risk is not what these tests are about). */
export function placeOrder(node: TradingNode, o: OrderSpec = {}): SubmitOrder {
  const cmd = orderCommand(node, o);
  node.bus.publish(Topic.TRADES_APPROVED, portfolioKey(ACCOUNT), cmd);
  return cmd;
}

export interface OrderSpec {
  readonly instrument?: Instrument;
  readonly side?: OrderSide;
  readonly type?: OrderType;
  readonly qty?: string;
  readonly price?: string;
  readonly trigger?: string;
  readonly botId?: string;
}

/** A SubmitOrder of the node's trader, with fresh ids from the node. */
export function orderCommand(node: TradingNode, o: OrderSpec = {}): SubmitOrder {
  const instrument = o.instrument ?? PERP;
  const botId = o.botId ?? 'bot-1';
  const type = o.type ?? OrderType.LIMIT;
  const cmd: SubmitOrder = {
    type: 'SubmitOrder',
    commandId: node.ids.id(),
    traderId: TraderId(TRADER),
    accountId: ACCOUNT,
    botId: BotId(botId),
    strategyId: StrategyId('test'),
    instrumentId: instrument.id,
    clientOrderId: node.orderIds.generate(botId, 'entry'),
    side: o.side ?? OrderSide.BUY,
    orderType: type,
    quantity: Quantity.from(o.qty ?? '0.010').withPrecision(instrument.sizePrecision),
    ...(o.price !== undefined ? { price: Price.from(o.price).withPrecision(instrument.pricePrecision) } : {}),
    ...(o.trigger !== undefined
      ? { triggerPrice: Price.from(o.trigger).withPrecision(instrument.pricePrecision) }
      : {}),
    timeInForce: TimeInForce.GTC,
    postOnly: false,
    reduceOnly: false,
    reason: 'entry',
    tsInit: node.clock.now(),
  };
  return cmd;
}

/** A command placed straight at the venue (by hand, or by another system), bypassing the platform. */
export function manualOrder(
  w: World,
  o: {
    clientOrderId: string;
    side?: OrderSide;
    type?: OrderType;
    qty?: string;
    price?: string;
    traderId?: string;
    botId?: string;
  },
): SubmitOrder {
  const cmd: SubmitOrder = {
    type: 'SubmitOrder',
    commandId: `manual-${o.clientOrderId}`,
    traderId: TraderId(o.traderId ?? TRADER),
    accountId: ACCOUNT,
    botId: BotId(o.botId ?? 'manual'),
    strategyId: StrategyId('manual'),
    instrumentId: PERP.id,
    clientOrderId: o.clientOrderId as SubmitOrder['clientOrderId'],
    side: o.side ?? OrderSide.BUY,
    orderType: o.type ?? OrderType.MARKET,
    quantity: Quantity.from(o.qty ?? '0.020').withPrecision(PERP.sizePrecision),
    ...(o.price !== undefined ? { price: Price.from(o.price).withPrecision(PERP.pricePrecision) } : {}),
    timeInForce: TimeInForce.GTC,
    postOnly: false,
    reduceOnly: false,
    reason: 'manual',
    tsInit: w.clock.now(),
  };
  w.venue.submitOrder(cmd);
  return cmd;
}

/** One trade print at the venue, a second after the last. */
export function print(w: World, price: string, size = '1.000', instrument: Instrument = PERP): void {
  w.clock.advanceTo(w.clock.now() + 1_000_000_000n);
  w.venue.processTrade({
    type: 'TradeTick',
    instrumentId: instrument.id,
    price: Price.from(price).withPrecision(instrument.pricePrecision),
    size: Quantity.from(size).withPrecision(instrument.sizePrecision),
    aggressorSide: AggressorSide.NO_AGGRESSOR,
    tradeId: TradeId(`P-${w.clock.now()}`),
    tsEvent: w.clock.now(),
    tsInit: w.clock.now(),
  });
}

// Shared by this package's tests: a SimulatedVenue in the test's process standing in for a venue in
// another one (`qubit venue sim` behind the remote client), and a bot that records what it was told.
// Tests only.
import type { TestClock } from '@qubit/engine';
import {
  IdGenerator,
  SimulatedVenue,
  SimulatedVenueQueries,
  type ExecutionReportSink,
  type VenueOrderStatus,
} from '@qubit/engine';
import type { OrderSide } from '@qubit/model';
import {
  AccountId,
  AccountType,
  BTCUSDT_PERP_BINANCE,
  Decimal,
  Money,
  OrderType,
  Quantity,
  StrategyId,
  BotId,
  TimeInForce,
  TraderId,
  ClientOrderId,
  instrumentFromSpec,
  type CancelAllOrders,
  type CancelOrder,
  type MarketData,
  type ModifyOrder,
  type OrderFilled,
  type SubmitOrder,
  type UnixNanos,
  type Bot,
} from '@qubit/model';
import type { TradingBot, TradingServiceOptions, TradingVenue } from './trading-service.js';

export const PERP = instrumentFromSpec(BTCUSDT_PERP_BINANCE);
export const ACCOUNT = 'SIM-001';
/** 2024-01-08T00:00:00Z */
export const T0 = 1_704_672_000_000_000_000n;

/** A venue of 100 000 USDT on MARGIN for ACCOUNT, fees off, on the test's clock. */
export function simulatedVenue(clock: TestClock, balance = '100000'): SimulatedVenue {
  return new SimulatedVenue({
    venue: PERP.venue,
    clock,
    ids: new IdGenerator('V'),
    instruments: (id) => (id === PERP.id ? PERP : undefined),
    config: { feeOverride: { maker: Decimal.ZERO, taker: Decimal.ZERO }, closedOrderMemory: 1000 },
    accounts: { [ACCOUNT]: [Money.of(balance, PERP.settlementCurrency)] },
  });
}

/**
 * A SimulatedVenue as the trading role sees a venue: it matches each datum first and then passes it on,
 * as the remote venue streams only what its matching engine has seen.
 */
export class InProcessVenue implements TradingVenue {
  readonly venue: string;
  private readonly queries: SimulatedVenueQueries;
  private listeners: ((data: MarketData) => void)[] = [];

  constructor(readonly sim: SimulatedVenue) {
    this.venue = sim.venue;
    this.queries = new SimulatedVenueQueries(sim);
  }

  connect(sink: ExecutionReportSink): void {
    this.sim.connect(sink);
  }
  submitOrder(command: SubmitOrder): void {
    this.sim.submitOrder(command);
  }
  modifyOrder(command: ModifyOrder): void {
    this.sim.modifyOrder(command);
  }
  cancelOrder(command: CancelOrder): void {
    this.sim.cancelOrder(command);
  }
  cancelAllOrders(command: CancelAllOrders): void {
    this.sim.cancelAllOrders(command);
  }
  fetchOpenOrders(accountId: AccountId) {
    return this.queries.fetchOpenOrders(accountId);
  }
  fetchOrder(accountId: AccountId, clientOrderId: ClientOrderId): Promise<VenueOrderStatus | undefined> {
    return this.queries.fetchOrder(accountId, clientOrderId);
  }
  fetchFills(accountId: AccountId, since?: UnixNanos): Promise<OrderFilled[]> {
    return this.queries.fetchFills(accountId, since);
  }
  fetchPositions(accountId: AccountId) {
    return this.queries.fetchPositions(accountId);
  }
  fetchBalances(accountId: AccountId): Promise<Money[]> {
    return this.queries.fetchBalances(accountId);
  }
  onMarketData(listener: (data: MarketData) => void): void {
    this.listeners.push(listener);
  }
  whenConnected(): Promise<void> {
    return Promise.resolve();
  }
  close(): Promise<void> {
    this.listeners = [];
    return Promise.resolve();
  }
}

/** Someone trading the account at the venue by hand: a MARKET order the platform never sent. */
export function manualMarketOrder(
  venue: SimulatedVenue,
  clock: TestClock,
  n: number,
  side: OrderSide,
  qty: string,
): void {
  venue.submitOrder({
    type: 'SubmitOrder',
    commandId: `manual-${n}`,
    traderId: TraderId('SOMEONE'),
    accountId: AccountId(ACCOUNT),
    botId: BotId('manual'),
    strategyId: StrategyId('manual'),
    instrumentId: PERP.id,
    clientOrderId: ClientOrderId(`MANUAL-${n}`),
    side,
    orderType: OrderType.MARKET,
    quantity: Quantity.from(qty).withPrecision(PERP.sizePrecision),
    timeInForce: TimeInForce.GTC,
    postOnly: false,
    reduceOnly: false,
    reason: 'manual',
    tsInit: clock.now(),
  });
}

/** A bot that trades nothing and counts its starts: what these tests watch is whether it runs. */
export function watchedBot(botId: string): TradingBot & { readonly starts: () => number } {
  let starts = 0;
  const bot: Bot<unknown> = {
    onStart: () => {
      starts += 1;
    },
    onTick: () => {},
  };
  return {
    botId,
    strategyId: 'watched',
    accountId: ACCOUNT,
    bot,
    config: {},
    subscriptions: { instruments: [PERP.id] },
    starts: () => starts,
  };
}

/** The service's options for one MARGIN account of 100 000 USDT on PERP, with the given venue and bots. */
export function serviceOptions(
  o: Pick<TradingServiceOptions, 'store' | 'venue' | 'clock' | 'bots'> & Partial<TradingServiceOptions>,
): TradingServiceOptions {
  return {
    instruments: [PERP],
    accounts: [
      {
        accountId: ACCOUNT,
        accountType: AccountType.MARGIN,
        baseCurrency: PERP.settlementCurrency,
        balances: [Money.of('100000', PERP.settlementCurrency)],
      },
    ],
    ...o,
  };
}

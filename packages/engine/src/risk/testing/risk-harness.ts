import {
  AccountId,
  AggressorSide,
  BTCUSDT_BINANCE,
  BTCUSDT_PERP_BINANCE,
  BotId,
  ClientOrderId,
  Currencies,
  ETHUSDT_BINANCE,
  InstrumentId,
  OrderSide,
  OrderType,
  Price,
  Quantity,
  StrategyId,
  TimeInForce,
  TradeId,
  TraderId,
  VN30F1M_HNX,
  VenueOrderId,
  instrumentFromSpec,
  type CancelAllOrders,
  type ModifyOrder,
  type OrderDenied,
  type SubmitOrder,
  type TradingStateChanged,
  type UnixNanos,
} from '@qubit/model';
import { MessageBus, type BusMessage } from '../../bus/message-bus.js';
import { Topic, instrumentKey } from '../../bus/topics.js';
import { Cache } from '../../cache/cache.js';
import { TestClock } from '../../clock/test-clock.js';
import { IdGenerator } from '../../ids/id-generator.js';
import { Order } from '../../orders/order.js';
import { RiskEngine } from '../risk-engine.js';
import type { RiskConfig } from '../risk-limits.js';
import { FakePortfolio } from './fake-portfolio.js';

export const BTC = 'BTCUSDT.BINANCE';
export const ETH = 'ETHUSDT.BINANCE';
export const PERP = 'BTCUSDT-PERP.BINANCE';
export const VN30 = 'VN30F1M.HNX';

/** 2024-01-02 (a Tuesday) 03:00 UTC = 10:00 in Hanoi, inside VN30F1M's morning session. */
export const T0: UnixNanos = 1_704_164_400_000_000_000n;

export interface OrderArgs {
  readonly account?: string;
  readonly bot?: string;
  readonly instrument?: string;
  readonly side?: OrderSide;
  readonly type?: OrderType;
  readonly qty?: string;
  readonly price?: string;
  readonly trigger?: string;
  readonly id?: string;
  readonly commandId?: string;
}

export interface Outcome {
  readonly approved?: SubmitOrder | ModifyOrder;
  readonly denied?: OrderDenied;
}

/**
 * A RiskEngine wired to a real MessageBus, Cache and TestClock, with a FakePortfolio holding two
 * accounts: "cash" (spot, USDT) and "margin" (perpetuals, USDT). Everything published on the topics
 * risk writes to is recorded.
 */
export class RiskHarness {
  readonly bus = new MessageBus();
  readonly cache = new Cache();
  readonly clock = new TestClock(T0);
  readonly ids = new IdGenerator('risk');
  readonly portfolio = new FakePortfolio(this.cache);
  readonly engine: RiskEngine;
  readonly approved: (SubmitOrder | ModifyOrder)[] = [];
  readonly denied: OrderDenied[] = [];
  readonly alerts: TradingStateChanged[] = [];
  readonly cancels: CancelAllOrders[] = [];
  readonly stage1Passed: BusMessage[] = [];
  readonly keys: { topic: string; key: string }[] = [];
  private seq = 0;

  constructor(config: Partial<RiskConfig> = {}) {
    for (const spec of [BTCUSDT_BINANCE, ETHUSDT_BINANCE, BTCUSDT_PERP_BINANCE, VN30F1M_HNX]) {
      this.cache.addInstrument(instrumentFromSpec(spec));
    }
    this.setLast(BTC, '40000.00');
    this.setLast(ETH, '2000.00');
    this.setLast(PERP, '40000.0');
    this.setLast(VN30, '1200.0');
    this.cache.setReferencePrice(VN30, Price.from('1200.0'));
    this.portfolio.addAccount('cash', {
      baseCurrency: Currencies.USDT,
      cash: true,
      equity: '100000',
      balances: { USDT: '100000', BTC: '0', ETH: '0' },
    });
    this.portfolio.addAccount('margin', { baseCurrency: Currencies.USDT, cash: false, equity: '100000' });
    this.portfolio.addAccount('vn', { baseCurrency: Currencies.VND, cash: false, equity: '1000000000' });
    this.engine = new RiskEngine({
      bus: this.bus,
      cache: this.cache,
      portfolio: this.portfolio,
      clock: this.clock,
      ids: this.ids,
      config: {
        traderId: TraderId('QUBIT-001'),
        accountTypes: { cash: 'CASH', margin: 'MARGIN', vn: 'MARGIN' },
        ...config,
      },
    });
    const record = (topic: string, sink: BusMessage[]) =>
      this.bus.subscribe(topic, 'test', (m, d) => {
        sink.push(m);
        this.keys.push({ topic: d.topic, key: d.key });
      });
    record(Topic.TRADES_APPROVED, this.approved as BusMessage[]);
    record(Topic.TRADES_REJECTED, this.denied as unknown as BusMessage[]);
    record(Topic.RISK_ALERTS, this.alerts as unknown as BusMessage[]);
    record(Topic.ORDERS_COMMANDS, this.cancels as unknown as BusMessage[]);
    record(Topic.TRADING_SIGNALS_PORTFOLIO, this.stage1Passed);
    this.engine.start();
  }

  setLast(instrumentId: string, price: string): void {
    this.cache.onTrade({
      type: 'TradeTick',
      instrumentId: InstrumentId(instrumentId),
      price: Price.from(price),
      size: Quantity.from('1'),
      aggressorSide: AggressorSide.BUYER,
      tradeId: TradeId(`t${this.seq++}`),
      tsEvent: this.clock.now(),
      tsInit: this.clock.now(),
    });
  }

  /** A SubmitOrder with sensible defaults: a cash-account LIMIT BUY of 0.01 BTC at 40000. */
  order(args: OrderArgs = {}): SubmitOrder {
    const type =
      args.type ??
      (args.price !== undefined || args.trigger === undefined ? OrderType.LIMIT : OrderType.STOP_MARKET);
    const instrument = args.instrument ?? BTC;
    const n = this.seq++;
    const price =
      type === OrderType.LIMIT || type === OrderType.STOP_LIMIT
        ? Price.from(args.price ?? defaultPrice(instrument))
        : undefined;
    const trigger =
      type === OrderType.STOP_MARKET || type === OrderType.STOP_LIMIT
        ? Price.from(args.trigger ?? defaultPrice(instrument))
        : undefined;
    return {
      type: 'SubmitOrder',
      commandId: args.commandId ?? `cmd-${n}`,
      traderId: TraderId('QUBIT-001'),
      accountId: AccountId(args.account ?? 'cash'),
      botId: BotId(args.bot ?? 'b1'),
      strategyId: StrategyId('s1'),
      instrumentId: InstrumentId(instrument),
      clientOrderId: ClientOrderId(args.id ?? `O-${n}`),
      side: args.side ?? OrderSide.BUY,
      orderType: type,
      quantity: Quantity.from(args.qty ?? '0.01'),
      price,
      triggerPrice: trigger,
      timeInForce: type === OrderType.MARKET ? TimeInForce.IOC : TimeInForce.GTC,
      postOnly: false,
      reduceOnly: false,
      reason: 'test',
      tsInit: this.clock.now(),
    };
  }

  /** Publishes a command on trading.signals and returns what risk decided about it. */
  send(command: SubmitOrder | ModifyOrder | BusMessage): Outcome {
    const a = this.approved.length;
    const d = this.denied.length;
    const instrumentId = (command as { instrumentId?: string }).instrumentId ?? 'X.Y';
    this.bus.publish(Topic.TRADING_SIGNALS, instrumentKey(instrumentId), command);
    return { approved: this.approved[a], denied: this.denied[d] };
  }

  submit(args: OrderArgs = {}): Outcome {
    return this.send(this.order(args));
  }

  /** Puts an order straight into the cache as working at the venue (ACCEPTED), as execution would. */
  rest(command: SubmitOrder): Order {
    const now = this.clock.now();
    const order = new Order({
      ...command,
      type: 'OrderInitialized',
      eventId: this.ids.id(),
      tsEvent: now,
      tsInit: now,
    });
    const owner = { ...ownerOf(command), eventId: this.ids.id(), tsEvent: now, tsInit: now };
    order.apply({ ...owner, type: 'OrderSubmitted' });
    order.apply({
      ...owner,
      eventId: this.ids.id(),
      type: 'OrderAccepted',
      venueOrderId: VenueOrderId(`V${this.seq++}`),
    });
    this.cache.addOrder(order);
    return order;
  }

  /** Fills an approved SubmitOrder at once into the fake portfolio at its limit price (or last price). */
  fill(command: SubmitOrder, price?: string): void {
    const px = price ? Price.from(price) : (command.price ?? this.cache.lastPrice(command.instrumentId)!);
    this.portfolio.fill(
      command.accountId,
      command.botId,
      command.instrumentId,
      command.side,
      command.quantity,
      px,
    );
  }

  advance(ns: bigint): void {
    this.clock.advanceTo(this.clock.now() + ns);
  }
}

export function ownerOf(c: SubmitOrder) {
  return {
    traderId: c.traderId,
    accountId: c.accountId,
    botId: c.botId,
    strategyId: c.strategyId,
    instrumentId: c.instrumentId,
    clientOrderId: c.clientOrderId,
  };
}

function defaultPrice(instrument: string): string {
  if (instrument === ETH) return '2000.00';
  if (instrument === PERP) return '40000.0';
  if (instrument === VN30) return '1200.0';
  return '40000.00';
}

import {
  AccountId,
  Decimal,
  ModelError,
  Price,
  localTime,
  type InstrumentId,
  barIntervalNanos,
  type Bar,
  type Bot,
  type Instrument,
  type MarketData,
  type OrderDenied,
  type OrderEvent,
  type OrderFilled,
  type PositionEvent,
  type SubmitOrder,
  type TradeTick,
  type UnixNanos,
} from '@qubit/model';
import { Topic } from '../bus/topics.js';
import type { BotHost, BotSubscriptions } from '../bots/bot-host.js';
import type { LogLine } from '../bots/bot-logger.js';
import { TestClock } from '../clock/test-clock.js';
import { EventRecorder } from '../node/event-recorder.js';
import { TradingNode } from '../node/trading-node.js';
import type { AccountRegistration } from '../portfolio/portfolio.js';
import { CountingJournal, type ExecutionJournal } from '../ports/execution-journal.js';
import type { RiskConfig } from '../risk/risk-limits.js';
import type { SimulatedVenueConfig } from '../venue/venue-config.js';
import { mergeStreams } from './merge-streams.js';

export interface BacktestBot<C = unknown> {
  readonly botId: string;
  readonly strategyId: string;
  readonly accountId: string;
  readonly bot: Bot<C>;
  readonly config: C;
  readonly subscriptions: BotSubscriptions;
}

export interface BacktestOptions {
  readonly instruments: readonly Instrument[];
  readonly accounts: readonly AccountRegistration[];
  /** Risk is on in backtests (unlike Freqtrade); an empty config still checks every instrument rule. */
  readonly risk?: Omit<RiskConfig, 'traderId'>;
  /** SimulatedVenue config per venue (fill model, slippage, fees, latency); defaults otherwise. */
  readonly venues?: Readonly<Record<string, Partial<SimulatedVenueConfig>>>;
  /** Stop bots after the last datum with reason end_of_data and fill what they send then at the last price. Default true. */
  readonly closeAtEnd?: boolean;
  /** At most this many equity-curve points (evenly spaced in data order); default 20,000. */
  readonly maxEquityPoints?: number;
  /** Keep the record of every command and event (InMemoryJournal) instead of only counting them. */
  readonly journal?: ExecutionJournal;
  readonly traderId?: string;
}

export interface EquityPoint {
  readonly ts: UnixNanos;
  /** Σ equity of the backtest's accounts in their base currency (one base currency per backtest). */
  readonly equity: Decimal;
}

export interface BacktestResult {
  readonly node: TradingNode;
  readonly start: UnixNanos;
  readonly end: UnixNanos;
  readonly processed: number;
  readonly fills: readonly OrderFilled[];
  readonly denials: readonly OrderDenied[];
  readonly orderEvents: readonly OrderEvent[];
  readonly positionEvents: readonly PositionEvent[];
  readonly submitted: readonly SubmitOrder[];
  readonly equityCurve: readonly EquityPoint[];
  readonly startingEquity: Decimal;
  readonly logs: readonly LogLine[];
  /** Why each order was placed ("entry", "take_profit", "end_of_data" …), by ClientOrderId. */
  reason(clientOrderId: string): string | undefined;
  readonly bots: readonly BotHost<unknown>[];
}

/**
 * Instruments with a daily price band (VN30F1M ±7 %) need a reference price: the previous trading day's
 * last price, as the exchange publishes it before the open. The first day has none, so its first price
 * stands in. Days are counted in the instrument's session time zone (UTC when it has no schedule).
 */
class DailyReferencePrices {
  private readonly tracked = new Map<string, { timeZone: string; day?: number; last?: Price }>();

  constructor(instruments: readonly Instrument[]) {
    for (const i of instruments) {
      if (i.priceBand) this.tracked.set(i.id, { timeZone: i.schedule?.timeZone ?? 'UTC' });
    }
  }

  /** False when no instrument has a daily band: then nothing needs to be told about the data. */
  get active(): boolean {
    return this.tracked.size > 0;
  }

  beforeDatum(node: TradingNode, d: MarketData): void {
    if (this.tracked.size === 0) return;
    const id = d.type === 'Bar' ? d.barType.instrumentId : d.instrumentId;
    const t = this.tracked.get(id);
    if (!t) return;
    const day = localTime(t.timeZone, d.tsEvent).day;
    if (day !== t.day) {
      const reference = t.last ?? firstPrice(d);
      if (reference) node.setReferencePrice(id as InstrumentId, reference);
      t.day = day;
    }
    const p = lastPrice(d);
    if (p) t.last = p;
  }
}

function firstPrice(d: MarketData): Price | undefined {
  switch (d.type) {
    case 'Bar':
      return d.open;
    case 'TradeTick':
      return d.price;
    case 'QuoteTick':
      return Price.from(d.bidPrice.add(d.askPrice).div(Decimal.from(2), d.bidPrice.precision)).withPrecision(
        d.bidPrice.precision,
      );
    default:
      return undefined;
  }
}

function lastPrice(d: MarketData): Price | undefined {
  return d.type === 'Bar' ? d.close : firstPrice(d);
}

/**
 * A backtest: the kernel driven by a TestClock over recorded data, with the SimulatedVenue as the venue.
 * The same bot, risk, execution and portfolio code runs as in paper and live trading; nothing is
 * re-implemented for research. Streams of several instruments and kinds are merged in time order.
 * Deterministic: the same data, bots, config and seed give the same result, event for event.
 */
export class BacktestEngine {
  private readonly streams: (readonly MarketData[])[] = [];
  private readonly names: string[] = [];
  private readonly bots: BacktestBot<unknown>[] = [];
  private ran = false;

  constructor(private readonly options: BacktestOptions) {
    if (options.instruments.length === 0)
      throw new ModelError('instruments', 'a backtest needs at least one instrument');
    if (options.accounts.length === 0)
      throw new ModelError('accounts', 'a backtest needs at least one account');
    const bases = new Set(options.accounts.map((a) => a.baseCurrency.code));
    if (bases.size > 1) {
      throw new ModelError(
        'accounts',
        `all accounts of a backtest share one base currency, got ${[...bases].join(', ')}`,
      );
    }
  }

  /** Adds one stream of data (one instrument and kind, in time order); `name` is used in errors. */
  addData(data: readonly MarketData[], name = `data[${this.streams.length}]`): this {
    this.streams.push(data);
    this.names.push(name);
    return this;
  }

  addBot<C>(bot: BacktestBot<C>): this {
    if (this.bots.some((b) => b.botId === bot.botId))
      throw new ModelError('bot_id', `bot ${bot.botId} added twice`);
    this.bots.push(bot as BacktestBot<unknown>);
    return this;
  }

  /** Runs once; `onProgress(done, total)` is called every 1% or so. */
  run(onProgress?: (done: number, total: number) => void): BacktestResult {
    if (this.ran) throw new ModelError('backtest', 'a BacktestEngine runs once; make a new one');
    this.ran = true;
    if (this.bots.length === 0) throw new ModelError('bots', 'a backtest needs at least one bot');
    const data = mergeStreams(this.streams, this.names);
    if (data.length === 0) throw new ModelError('data', 'no market data to replay');
    const o = this.options;
    const start = data[0]!.tsEvent;
    const clock = new TestClock(start - 1n);
    const node = new TradingNode({
      traderId: o.traderId ?? 'BACKTESTER',
      clock,
      instruments: o.instruments,
      accounts: o.accounts,
      risk: o.risk,
      simulatedVenues: o.venues,
      journal: o.journal ?? new CountingJournal(),
      idPrefix: 'BT',
    });
    const recorder = new EventRecorder(node.bus, 'backtest-recorder');
    const submitted: SubmitOrder[] = [];
    const reasons = new Map<string, string>();
    node.bus.subscribe<SubmitOrder>(Topic.TRADING_SIGNALS, 'backtest-reasons', (m) => {
      if (m.type !== 'SubmitOrder') return;
      submitted.push(m);
      reasons.set(m.clientOrderId, m.reason);
    });
    const logs: LogLine[] = [];
    const hosts = this.bots.map((b) =>
      node.addBot({ ...b, accountId: AccountId(b.accountId, 'account_id'), logSink: (l) => logs.push(l) }),
    );
    const accounts = o.accounts.map((a) => a.accountId);
    const equityNow = (): Decimal | undefined => {
      let sum = Decimal.ZERO;
      for (const a of accounts) {
        const e = node.portfolio.equity(a);
        if (e === undefined) return undefined;
        sum = sum.add(e);
      }
      return sum;
    };
    const startingEquity = equityNow() ?? Decimal.ZERO;
    node.start();
    const curve: EquityPoint[] = [{ ts: start, equity: startingEquity }];
    const every = Math.max(1, Math.ceil(data.length / (o.maxEquityPoints ?? 20_000)));
    const step = Math.max(1, Math.floor(data.length / 100));
    const references = new DailyReferencePrices(o.instruments);
    const banded = references.active;
    // The equity curve and progress are sampled at counted-down points rather than by a division per datum.
    let untilEquity = every;
    let untilProgress = step;
    const last = data.length - 1;
    for (let i = 0; i < data.length; i++) {
      const d = data[i]!;
      if (banded) references.beforeDatum(node, d);
      node.process(d);
      if (--untilEquity === 0 || i === last) {
        untilEquity = every;
        const e = equityNow();
        if (e !== undefined) curve.push({ ts: d.tsEvent, equity: e });
      }
      if (--untilProgress === 0) {
        untilProgress = step;
        onProgress?.(i + 1, data.length);
      }
    }
    let end = data[data.length - 1]!.tsEvent;
    if (o.closeAtEnd ?? true) {
      for (const h of hosts) h.stop('end_of_data');
      end = this.settleAtLastPrice(node, data, end);
      const e = equityNow();
      if (e !== undefined) curve.push({ ts: end, equity: e });
    }
    onProgress?.(data.length, data.length);
    recorder.close();
    return {
      node,
      start,
      end,
      processed: data.length,
      fills: recorder.fills,
      denials: recorder.denials,
      orderEvents: recorder.orderEvents,
      positionEvents: recorder.positionEvents,
      submitted,
      equityCurve: curve,
      startingEquity,
      logs,
      reason: (id) => reasons.get(id),
      bots: hosts,
    };
  }

  /**
   * Orders sent on stopping (closing positions) meet the market one more time at its last price: a
   * zero-range bar one interval after the last bar, or a trade at the last trade's price. Instruments
   * driven by quotes or books fill at once and need nothing.
   */
  private settleAtLastPrice(node: TradingNode, data: readonly MarketData[], end: UnixNanos): UnixNanos {
    const open = node.cache.ordersOpen();
    if (open.length === 0) return end;
    const lastBar = new Map<string, Bar>();
    const lastTrade = new Map<string, TradeTick>();
    // Only the instruments of open orders matter; the scan from the end stops once each of them has
    // shown both its last bar and its last trade (a stream of bars alone is still read to its start).
    const wanted = new Set<string>(open.map((o) => o.instrumentId));
    let missing = wanted.size * 2;
    for (let i = data.length - 1; i >= 0 && missing > 0; i--) {
      const d = data[i]!;
      if (d.type === 'Bar') {
        const id = d.barType.instrumentId;
        if (wanted.has(id) && !lastBar.has(id)) {
          lastBar.set(id, d);
          missing--;
        }
      } else if (d.type === 'TradeTick' && wanted.has(d.instrumentId) && !lastTrade.has(d.instrumentId)) {
        lastTrade.set(d.instrumentId, d);
        missing--;
      }
    }
    let t = end;
    for (const order of open) {
      const id = order.instrumentId;
      const bar = lastBar.get(id);
      const trade = lastTrade.get(id);
      if (bar && !trade) {
        const at = bar.tsEvent + (barIntervalNanos(bar.barType) ?? 1n);
        if (at > t) t = at;
        node.process({ ...bar, open: bar.close, high: bar.close, low: bar.close, tsEvent: at, tsInit: at });
        lastBar.delete(id);
      } else if (trade) {
        const at = trade.tsEvent + 1n > t ? trade.tsEvent + 1n : t;
        t = at;
        node.process({
          ...trade,
          tradeId: `${trade.tradeId}-close` as TradeTick['tradeId'],
          tsEvent: at,
          tsInit: at,
        });
        lastTrade.delete(id);
      }
    }
    return t;
  }
}

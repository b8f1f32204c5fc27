import {
  AccountType,
  Decimal,
  InstrumentKind,
  Money,
  ModelError,
  SHIPPED_INSTRUMENT_SPECS,
  currency,
  instrumentFromSpec,
  parseBarType,
  type Bar,
  type Instrument,
  type InstrumentSpec,
  type OrderDenied,
  type OrderEvent,
  type OrderFilled,
  type PositionEvent,
  type PositionView,
  type SubmitOrder,
} from '@qubit/model';
import type { TradingNode } from '@qubit/engine';
import {
  BacktestEngine,
  riskConfigFromJson,
  type InvalidIntent,
  type LogLine,
  type RiskConfig,
  type SimulatedVenueConfig,
} from '@qubit/engine';
import { parseBotConfig, type BotDefinition } from '../define-bot.js';
import { barsFromRows, type BarRow } from './bar-rows.js';

export interface RunBotOptions {
  /** Closed bars in time order, as Bars or as rows ({ time, open, high, low, close, volume }). */
  readonly bars: readonly (Bar | BarRow)[];
  /** Raw config, validated by the bot's schema (defaults filled in). */
  readonly config?: unknown;
  /** The instrument traded: a shipped id ("BTCUSDT.BINANCE"), a spec, or an Instrument. Default: the bot's first subscribed instrument. */
  readonly instrument?: string | InstrumentSpec | Instrument;
  /** Starting balances by currency, e.g. { USDT: '100000' }. Default: 1,000,000 of the settlement currency. */
  readonly balances?: Readonly<Record<string, string>>;
  /** Risk config in its JSON form (snake_case, as in qubit.config.yaml) without trader_id. Risk is on either way. */
  readonly risk?: Record<string, unknown>;
  readonly venue?: Partial<SimulatedVenueConfig>;
  /** Stop the bot after the last bar with reason end_of_data and fill its closing orders at the last close. Default true. */
  readonly closeAtEnd?: boolean;
  readonly botId?: string;
  readonly accountId?: string;
}

export interface BotRunResult {
  readonly node: TradingNode;
  readonly instrument: Instrument;
  /** Every order the bot asked for, as the SubmitOrder it became. */
  readonly intents: readonly SubmitOrder[];
  readonly invalidIntents: readonly InvalidIntent[];
  readonly fills: readonly OrderFilled[];
  readonly denials: readonly OrderDenied[];
  readonly orderEvents: readonly OrderEvent[];
  readonly positionEvents: readonly PositionEvent[];
  readonly position: PositionView;
  readonly pnl: {
    readonly realized: Money;
    readonly unrealized: Money;
    readonly fees: Money;
    readonly total: Money;
  };
  readonly equity: Money;
  readonly logs: readonly LogLine[];
  /** Exceptions the bot's hooks threw (contained and counted). */
  readonly errors: number;
}

/**
 * Runs a bot over bars through the real kernel (risk, execution, simulated venue, portfolio) in a few lines:
 *
 *   const r = runBot(smaCross, { bars, config: { fast: 5, slow: 20 } });
 *   expect(r.fills).toHaveLength(4);
 *
 * Deterministic: the same bars, config and options give the same result.
 */
export function runBot(definition: BotDefinition, options: RunBotOptions): BotRunResult {
  const config = parseBotConfig(definition, options.config);
  const subs = definition.subscriptions(config);
  const instrument = resolveInstrument(options.instrument ?? subs.instruments[0]);
  const barTypeText = subs.barTypes?.find((b) => b.startsWith(`${instrument.id}-`));
  if (!barTypeText)
    throw new ModelError('subscriptions', `${definition.name} subscribes to no bars of ${instrument.id}`);
  const barType = parseBarType(barTypeText);
  const rows = options.bars.filter((b): b is BarRow => !('type' in b));
  const bars: Bar[] =
    rows.length === options.bars.length ? barsFromRows(rows, barType, instrument) : (options.bars as Bar[]);
  if (bars.length === 0) throw new ModelError('bars', 'at least one bar is needed');
  for (let i = 1; i < bars.length; i++) {
    if (bars[i]!.tsEvent <= bars[i - 1]!.tsEvent) {
      throw new ModelError(`bars[${i}].time`, 'bars must be in strictly increasing time order');
    }
  }
  const accountId = options.accountId ?? 'SIM-001';
  const balances = options.balances ?? { [instrument.settlementCurrency.code]: '1000000' };
  const risk: Omit<RiskConfig, 'traderId'> = options.risk
    ? riskConfigFromJson({ ...options.risk, trader_id: 'TESTER' }, 'risk')
    : {};
  const botId = options.botId ?? `${definition.name}-1`;
  const backtest = new BacktestEngine({
    traderId: 'TESTER',
    instruments: [instrument],
    accounts: [
      {
        accountId,
        accountType: instrument.kind === InstrumentKind.SPOT ? AccountType.CASH : AccountType.MARGIN,
        baseCurrency: instrument.settlementCurrency,
        balances: Object.entries(balances).map(([code, amount]) =>
          Money.of(
            amount,
            code === instrument.settlementCurrency.code ? instrument.settlementCurrency : currency(code, 8),
          ),
        ),
      },
    ],
    risk,
    venues: { [instrument.venue]: options.venue ?? {} },
    closeAtEnd: options.closeAtEnd ?? true,
  });
  backtest.addData(bars, 'bars');
  backtest.addBot({
    botId,
    strategyId: definition.name,
    accountId,
    bot: definition.create(config),
    config,
    subscriptions: subs,
  });
  const r = backtest.run();
  const node = r.node;
  const host = r.bots[0]!;
  const position = node.portfolio.positionView(accountId, botId, instrument.id);
  const realized = position.realizedPnl;
  const unrealized = position.unrealizedPnl;
  const fees = position.fees;
  const equity = node.portfolio.equity(accountId);
  return {
    node,
    instrument,
    intents: r.submitted,
    invalidIntents: host.invalidIntents,
    fills: r.fills,
    denials: r.denials,
    orderEvents: r.orderEvents,
    positionEvents: r.positionEvents,
    position,
    pnl: { realized, unrealized, fees, total: realized.add(unrealized).sub(fees) },
    equity: Money.of(equity ?? Decimal.ZERO, instrument.settlementCurrency),
    logs: r.logs,
    errors: host.errors,
  };
}

function resolveInstrument(i: string | InstrumentSpec | Instrument | undefined): Instrument {
  if (i === undefined)
    throw new ModelError('instrument', 'the bot subscribes to no instrument and none was given');
  if (typeof i === 'string') {
    const spec = SHIPPED_INSTRUMENT_SPECS.find((s) => s.id === i);
    if (!spec) throw new ModelError('instrument', `${i} is not a shipped instrument; pass its spec`);
    return instrumentFromSpec(spec);
  }
  if ('tickSize' in i) return i;
  return instrumentFromSpec(i);
}

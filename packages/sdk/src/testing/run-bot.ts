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
  /**
   * Several instruments for a multi-asset bot (they must settle in one currency). `bars` are then Bar
   * objects of any of them, split by instrument and merged in time order by the backtest.
   */
  readonly instruments?: readonly (string | InstrumentSpec | Instrument)[];
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
  /** The bot's position in the first instrument. */
  readonly position: PositionView;
  /** Its position in every instrument of the run, in the order of `instruments`. */
  readonly positions: readonly PositionView[];
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
  const instruments = (options.instruments ?? [options.instrument ?? subs.instruments[0]]).map(
    resolveInstrument,
  );
  const instrument = instruments[0]!;
  const streams = barStreams(definition, subs, instruments, options.bars);
  const settlement = instrument.settlementCurrency;
  for (const i of instruments) {
    if (i.settlementCurrency.code !== settlement.code) {
      throw new ModelError(
        'instruments',
        `all instruments must settle in ${settlement.code}; ${i.id} settles in ${i.settlementCurrency.code}`,
      );
    }
  }
  const spot = instruments.filter((i) => i.kind === InstrumentKind.SPOT).length;
  if (spot !== 0 && spot !== instruments.length) {
    throw new ModelError(
      'instruments',
      'spot and derivative instruments need separate accounts; run them separately',
    );
  }
  const accountId = options.accountId ?? 'SIM-001';
  const balances = options.balances ?? { [settlement.code]: '1000000' };
  const risk: Omit<RiskConfig, 'traderId'> = options.risk
    ? riskConfigFromJson({ ...options.risk, trader_id: 'TESTER' }, 'risk')
    : {};
  const botId = options.botId ?? `${definition.name}-1`;
  const backtest = new BacktestEngine({
    traderId: 'TESTER',
    instruments,
    accounts: [
      {
        accountId,
        accountType: spot > 0 ? AccountType.CASH : AccountType.MARGIN,
        baseCurrency: settlement,
        balances: Object.entries(balances).map(([code, amount]) =>
          Money.of(amount, code === settlement.code ? settlement : currency(code, 8)),
        ),
      },
    ],
    risk,
    venues: Object.fromEntries(instruments.map((i) => [i.venue, options.venue ?? {}])),
    closeAtEnd: options.closeAtEnd ?? true,
  });
  for (const [id, bars] of streams) backtest.addData(bars, `bars of ${id}`);
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
  const positions = instruments.map((i) => node.portfolio.positionView(accountId, botId, i.id));
  const zero = Money.zero(settlement);
  const sum = (pick: (p: PositionView) => Money) => positions.reduce((acc, p) => acc.add(pick(p)), zero);
  const realized = sum((p) => p.realizedPnl);
  const unrealized = sum((p) => p.unrealizedPnl);
  const fees = sum((p) => p.fees);
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
    position: positions[0]!,
    positions,
    pnl: { realized, unrealized, fees, total: realized.add(unrealized).sub(fees) },
    equity: Money.of(equity ?? Decimal.ZERO, settlement),
    logs: r.logs,
    errors: host.errors,
  };
}

/**
 * One bar stream per instrument. Rows ({ time, open, … }) are for a single instrument (the first) and
 * become bars of its subscribed series; Bar objects may mix instruments and are split by instrument.
 * Each stream must be in strictly increasing time order (an error names the bar).
 */
function barStreams(
  definition: BotDefinition,
  subs: ReturnType<BotDefinition['subscriptions']>,
  instruments: readonly Instrument[],
  input: readonly (Bar | BarRow)[],
): Map<string, Bar[]> {
  if (input.length === 0) throw new ModelError('bars', 'at least one bar is needed');
  const rows = input.filter((b): b is BarRow => !('type' in b));
  const streams = new Map<string, Bar[]>();
  if (rows.length === input.length) {
    const instrument = instruments[0]!;
    const barTypeText = subs.barTypes?.find((b) => b.startsWith(`${instrument.id}-`));
    if (!barTypeText)
      throw new ModelError('subscriptions', `${definition.name} subscribes to no bars of ${instrument.id}`);
    streams.set(instrument.id, barsFromRows(rows, parseBarType(barTypeText), instrument));
  } else if (rows.length > 0) {
    throw new ModelError('bars', 'give either rows or Bar objects, not both');
  } else {
    const known = new Set(instruments.map((i) => i.id as string));
    (input as Bar[]).forEach((bar, i) => {
      const id = bar.barType.instrumentId;
      if (!known.has(id))
        throw new ModelError(
          `bars[${i}]`,
          `${id} is not one of the run's instruments (${[...known].join(', ')})`,
        );
      let s = streams.get(id);
      if (!s) streams.set(id, (s = []));
      s.push(bar);
    });
  }
  for (const [id, bars] of streams) {
    for (let i = 1; i < bars.length; i++) {
      if (bars[i]!.tsEvent <= bars[i - 1]!.tsEvent) {
        throw new ModelError(`bars[${i}].time`, `bars of ${id} must be in strictly increasing time order`);
      }
    }
  }
  return streams;
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

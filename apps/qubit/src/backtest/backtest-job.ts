import { shippedInstrument } from '../commands/account-flags.js';
import { statSync } from 'node:fs';
import { basename } from 'node:path';
import {
  loadInstrumentGuessSync,
  loadMarketDataDirSync,
  loadMarketDataFileSync,
  type LoadedData,
} from '@qubit/adapter-data-files';
import { BacktestEngine, BarPath, type BacktestResult, type SimulatedVenueConfig } from '@qubit/engine';
import type { ModelError } from '@qubit/model';
import {
  AccountType,
  Decimal,
  InstrumentKind,
  Money,
  barIntervalNanos,
  barTypeToString,
  parseBarType,
  isoToNanos,
  type Instrument,
  type MarketData,
  type UnixNanos,
} from '@qubit/model';
import { buildReport, type BacktestReport, type ReportInput } from '@qubit/reports';
import { parseBotConfig, type BotDefinition } from '@qubit/sdk';
import { UsageError } from '../commands/bot-scaffold.js';
import { isStoreData, prepareStoreData } from './store-data.js';

/** Everything a backtest run needs besides the bot's config: picklable, so sweep workers get it too. */
export interface BacktestJob {
  readonly bot: string;
  readonly data: string;
  readonly instrument?: string;
  /** With `--data store:…`: the bar type or timeframe to read ("1m", "5-MINUTE"), or "trades". */
  readonly timeframe?: string;
  readonly from?: string;
  readonly to?: string;
  readonly overrides: Record<string, unknown>;
  readonly balance: string;
  readonly cwd: string;
  /** Fill model of the simulated venue: bar path, slippage in ticks, fee rates replacing the instrument's. */
  readonly fills?: { barPath?: string; slippageTicks?: number; makerFee?: string; takerFee?: string };
}

export interface PreparedData {
  readonly instrument: Instrument;
  readonly data: readonly MarketData[];
  readonly kind: LoadedData['kind'];
  /** "5-MINUTE" for bar data. */
  readonly timeframe?: string;
  readonly files: readonly string[];
}

export interface BacktestOutcome {
  readonly config: Record<string, unknown>;
  readonly result: BacktestResult;
  readonly report: BacktestReport;
  readonly input: ReportInput;
}

function timeframeOf(loaded: LoadedData): string | undefined {
  if (loaded.kind !== 'bars') return undefined;
  return `${loaded.barType.step}-${loaded.barType.aggregation}`;
}

/**
 * The backtest's data, from the store when `--data store:…` (read once, asynchronously), else from the
 * file or directory. `env` gives the store's default location (QUBIT_DATA_DIR, QUBIT_DATABASE_URL).
 */
export async function loadBacktestData(
  job: BacktestJob,
  definition: BotDefinition,
  env: Readonly<Record<string, string | undefined>>,
): Promise<PreparedData> {
  if (!isStoreData(job.data)) {
    if (job.timeframe !== undefined) {
      throw new UsageError('--timeframe: only with --data store: (the bar type of a file is read from it)');
    }
    return prepareData(job, definition);
  }
  const from = job.from ? parseTime(job.from, '--from') : undefined;
  const to = job.to ? parseTime(job.to, '--to') : undefined;
  if (from !== undefined && to !== undefined && from > to) {
    throw new UsageError(`--from: ${job.from} is after --to ${job.to}`);
  }
  return prepareStoreData(
    job,
    { ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) },
    env,
  );
}

/**
 * Picks the instrument (--instrument, else the bot's configured one when it is shipped, else a guess from
 * the data's decimals) and loads the data for it. A file that does not fit is a one-line error naming it.
 */
export function prepareData(job: BacktestJob, definition: BotDefinition): PreparedData {
  if (isStoreData(job.data)) throw new UsageError('--data: the store is read with loadBacktestData');
  let stat;
  try {
    stat = statSync(job.data);
  } catch {
    throw new UsageError(`--data: ${job.data} does not exist`);
  }
  const defaults = parseBotConfig(
    definition,
    withInstrument(definition, job.overrides, job.instrument),
  ) as Record<string, unknown>;
  const configured = typeof defaults.instrument === 'string' ? defaults.instrument : undefined;
  const id = job.instrument ?? configured;
  let instrument = id ? shippedInstrument(id) : undefined;
  if (!instrument) {
    if (stat.isDirectory())
      throw new UsageError(
        `--instrument: ${id ?? '(none)'} is not a shipped instrument; name one, or pass a single file to guess from`,
      );
    instrument = loadInstrumentGuessSync(job.data, id ? { id } : {}).instrument;
  }
  const options = { instrument, sort: false };
  const loaded: LoadedData = stat.isDirectory()
    ? loadMarketDataDirSync(job.data, options)
    : loadMarketDataFileSync(job.data, options);
  let data: readonly MarketData[] =
    loaded.kind === 'book' ? (loaded.data as readonly MarketData[]) : (loaded.data as readonly MarketData[]);
  const from = job.from ? parseTime(job.from, '--from') : undefined;
  const to = job.to ? parseTime(job.to, '--to') : undefined;
  if (from !== undefined || to !== undefined) {
    data = data.filter(
      (d) => (from === undefined || d.tsEvent >= from) && (to === undefined || d.tsEvent <= to),
    );
  }
  if (data.length === 0)
    throw new UsageError(`--data: no rows of ${basename(job.data)} fall between --from and --to`);
  return { instrument, data, kind: loaded.kind, timeframe: timeframeOf(loaded), files: [job.data] };
}

export function parseTime(text: string, flag: string): UnixNanos {
  try {
    return isoToNanos(text, flag);
  } catch (err) {
    throw new UsageError(`${flag}: ${(err as ModelError).reason ?? (err as Error).message}`);
  }
}

interface SchemaNode {
  def?: { type?: string; innerType?: SchemaNode; in?: SchemaNode; schema?: SchemaNode };
}

/** The base type of a config key's schema ("string", "number", …) under defaults, optionals and pipes. */
function baseType(node: unknown): string | undefined {
  let n = node as SchemaNode | undefined;
  for (let i = 0; i < 10 && n?.def; i++) {
    const t = n.def.type;
    if (t === 'default' || t === 'optional' || t === 'nullable' || t === 'prefault' || t === 'catch')
      n = n.def.innerType;
    else if (t === 'pipe') n = n.def.in;
    else return t;
  }
  return undefined;
}

/** `--set quantity=1` means the string "1" for a string key and the number 1 for a number key. */
function coerceToSchema(
  shape: Record<string, unknown> | undefined,
  raw: Record<string, unknown>,
): Record<string, unknown> {
  if (!shape) return raw;
  const out = { ...raw };
  for (const [k, v] of Object.entries(out)) {
    const t = baseType(shape[k]);
    if (t === 'string' && (typeof v === 'number' || typeof v === 'boolean')) out[k] = String(v);
    else if (t === 'number' && typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v)))
      out[k] = Number(v);
  }
  return out;
}

/** The overrides with `instrument` set when the bot's schema has such a key and --instrument was given. */
function withInstrument(
  definition: BotDefinition,
  overrides: Record<string, unknown>,
  instrument?: string,
): Record<string, unknown> {
  const shape =
    (definition.configSchema as { shape?: Record<string, unknown> }).shape ?? unwrapShape(definition);
  const out = coerceToSchema(shape, overrides);
  if (instrument && shape && 'instrument' in shape) out.instrument = instrument;
  return out;
}

function unwrapShape(definition: BotDefinition): Record<string, unknown> | undefined {
  // A refined object schema (z.object(...).refine(...)) keeps its shape on the inner type.
  const def = (
    definition.configSchema as {
      def?: { in?: { shape?: Record<string, unknown> }; schema?: { shape?: Record<string, unknown> } };
    }
  ).def;
  return def?.in?.shape ?? def?.schema?.shape;
}

/** The config the run uses: overrides, --instrument, and the data's timeframe unless the user set one. */
export function resolveConfig(
  definition: BotDefinition,
  job: BacktestJob,
  prepared: PreparedData,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const raw = withInstrument(
    definition,
    { ...job.overrides, ...extra },
    job.instrument ?? prepared.instrument.id,
  );
  const shape =
    (definition.configSchema as { shape?: Record<string, unknown> }).shape ?? unwrapShape(definition);
  if (prepared.timeframe && shape && 'timeframe' in shape && !('timeframe' in raw))
    raw.timeframe = prepared.timeframe;
  if (shape && 'instrument' in shape && !('instrument' in raw)) raw.instrument = prepared.instrument.id;
  return parseBotConfig(definition, raw) as Record<string, unknown>;
}

/** Runs one backtest and builds its report. `window` restricts the data to [from, to). */
export function runBacktest(
  definition: BotDefinition,
  job: BacktestJob,
  prepared: PreparedData,
  extra: Record<string, unknown> = {},
  window?: { from: number; to: number },
  onProgress?: (done: number, total: number) => void,
): BacktestOutcome {
  const config = resolveConfig(definition, job, prepared, extra);
  const subs = definition.subscriptions(config);
  for (const id of [
    ...subs.instruments,
    ...(subs.barTypes ?? []).map((b) => parseBarType(b, 'subscriptions.barTypes').instrumentId),
  ]) {
    if (id !== prepared.instrument.id) {
      throw new UsageError(
        `the bot trades ${id} but the data is for ${prepared.instrument.id}; pass --instrument or --set instrument=…`,
      );
    }
  }
  const wanted = subs.barTypes?.[0];
  if (
    prepared.kind === 'bars' &&
    wanted &&
    prepared.data[0]?.type === 'Bar' &&
    barTypeToString(prepared.data[0].barType) !== wanted
  ) {
    throw new UsageError(
      `the bot wants ${wanted} bars but the data holds ${barTypeToString(prepared.data[0].barType)}; set the timeframe with --set`,
    );
  }
  const data = window ? prepared.data.slice(window.from, window.to) : prepared.data;
  const instrument = prepared.instrument;
  const ccy = instrument.settlementCurrency;
  const engine = new BacktestEngine({
    venues: { [instrument.venue]: venueConfig(job) },
    instruments: [instrument],
    accounts: [
      {
        accountId: 'BACKTEST',
        accountType: instrument.kind === InstrumentKind.SPOT ? AccountType.CASH : AccountType.MARGIN,
        baseCurrency: ccy,
        balances: [Money.of(job.balance, ccy, '--balance')],
      },
    ],
  });
  engine.addData(data, prepared.files.join(','));
  const botId = `${definition.name}-1`;
  engine.addBot({
    botId,
    strategyId: definition.name,
    accountId: 'BACKTEST',
    bot: definition.create(config),
    config,
    subscriptions: subs,
  });
  const started = Date.now();
  const result = engine.run(onProgress);
  const input: ReportInput = {
    run: {
      started_at: new Date(started).toISOString(),
      duration_ms: Date.now() - started,
      qubit_version: '0.1.0',
    },
    config: {
      bot: definition.name,
      bot_version: definition.version,
      params: config,
      instrument: instrument.id,
      data: prepared.files.map((f) => basename(f)),
      balance: job.balance,
      fill_model: {
        market_orders: 'next bar open',
        bar_path: job.fills?.barPath ?? 'OHLC',
        slippage_ticks: job.fills?.slippageTicks ?? 0,
        maker_fee: job.fills?.makerFee ?? 'instrument',
        taker_fee: job.fills?.takerFee ?? 'instrument',
      },
    },
    baseCurrency: ccy,
    startingEquity: result.startingEquity,
    start: result.start,
    end: result.end,
    fills: result.fills,
    reasons: (id) => result.reason(id),
    denials: result.denials,
    equityCurve: result.equityCurve,
    prices: [{ instrumentId: instrument.id, bars: priceBars(data) }],
    instruments: (id) =>
      id === instrument.id ? { multiplier: instrument.multiplier, settlementCurrency: ccy } : undefined,
  };
  return { config, result, report: buildReport(input), input };
}

/** The simulated venue's fill model from the job's flags; every value is checked by the venue (errors name the field). */
function venueConfig(job: BacktestJob): Partial<SimulatedVenueConfig> {
  const f = job.fills ?? {};
  const feeOverride =
    f.makerFee !== undefined || f.takerFee !== undefined
      ? {
          maker: f.makerFee === undefined ? undefined : Decimal.from(f.makerFee, '--maker-fee'),
          taker: f.takerFee === undefined ? undefined : Decimal.from(f.takerFee, '--taker-fee'),
        }
      : undefined;
  if (f.barPath !== undefined && !(Object.values(BarPath) as string[]).includes(f.barPath)) {
    throw new UsageError(`--bar-path: "${f.barPath}" is not one of ${Object.values(BarPath).join(', ')}`);
  }
  if (f.slippageTicks !== undefined && (!Number.isInteger(f.slippageTicks) || f.slippageTicks < 0)) {
    throw new UsageError(`--slippage-ticks: ${f.slippageTicks} must be a whole number of ticks ≥ 0`);
  }
  return {
    ...(f.barPath ? { barPath: f.barPath as BarPath } : {}),
    ...(f.slippageTicks !== undefined ? { slippageTicks: f.slippageTicks } : {}),
    ...(feeOverride ? { feeOverride } : {}),
  };
}

type PriceBar = ReportInput['prices'][number]['bars'][number];

function priceBars(data: readonly MarketData[]): PriceBar[] {
  const out: PriceBar[] = [];
  for (const d of data) {
    if (d.type === 'Bar') {
      const open = d.tsEvent - (barIntervalNanos(d.barType) ?? 0n);
      out.push({ ts: open, open: d.open, high: d.high, low: d.low, close: d.close });
    } else if (d.type === 'TradeTick')
      out.push({ ts: d.tsEvent, open: d.price, high: d.price, low: d.price, close: d.price });
  }
  return out;
}

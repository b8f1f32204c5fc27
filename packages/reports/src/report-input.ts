import { Decimal, ModelError, Money, OrderSide, describe } from '@qubit/model';
import type { Currency, OrderDenied, OrderFilled, UnixNanos } from '@qubit/model';

/** Facts about the run itself; the only part of a report allowed to differ between two runs of one backtest. */
export interface RunInfo {
  /** When the run began, as the CLI read it from the wall clock (ISO 8601). */
  readonly started_at: string;
  /** How long the run took on the wall clock, in milliseconds. */
  readonly duration_ms: number;
  /** The Qubit version that produced the report. */
  readonly qubit_version: string;
}

/** One point of the equity curve: the account's equity in the base currency at `ts`. */
export interface EquityPoint {
  readonly ts: UnixNanos;
  readonly equity: Decimal;
}

/** One price bar for the charts; `ts` is the bar's close time, as everywhere in the kernel. */
export interface PriceBar {
  readonly ts: UnixNanos;
  readonly open: Decimal;
  readonly high: Decimal;
  readonly low: Decimal;
  readonly close: Decimal;
}

/** The bars of one instrument, in time order. */
export interface InstrumentPrices {
  readonly instrumentId: string;
  readonly bars: readonly PriceBar[];
}

/** What the report needs to know about an instrument; an `Instrument` from the model fits. */
export interface ReportInstrument {
  /** Value of one price unit per contract: notional = price × quantity × multiplier. */
  readonly multiplier: Decimal;
  /** When given, it must be the base currency: trade PnL is reported in the base currency without conversion. */
  readonly settlementCurrency?: Currency;
}

/** Everything a backtest report is computed from. The builder reads it and never changes it. */
export interface ReportInput {
  /** Wall-clock facts of the run; the only part allowed to differ between two runs of the same backtest. */
  readonly run: RunInfo;
  /** The backtest's configuration (bots, params, data, fill model, seed), echoed into the report with sorted keys. */
  readonly config: Readonly<Record<string, unknown>>;
  /** The account's base currency: equity, PnL and fees are all in it. */
  readonly baseCurrency: Currency;
  /** Equity before the first event. */
  readonly startingEquity: Decimal;
  /** The simulated period: first and last data time. */
  readonly start: UnixNanos;
  readonly end: UnixNanos;
  /** Every fill of the run, in time order (non-decreasing `tsEvent`); fees in the base currency. */
  readonly fills: readonly OrderFilled[];
  /** Why each order was placed (entry, exit, take_profit, stop_loss, trailing_stop, end_of_data …), by client order id. */
  readonly reasons: (clientOrderId: string) => string | undefined;
  /** Orders the risk engine refused. */
  readonly denials: readonly OrderDenied[];
  /** Equity in the base currency, one point per bar close or per event, in time order. */
  readonly equityCurve: readonly EquityPoint[];
  /** Bars per instrument, for the price charts, bars held and the mark of trades still open at the end. */
  readonly prices: readonly InstrumentPrices[];
  /** Equity-curve periods per year, for annualizing; inferred from the curve's median spacing when absent. */
  readonly periodsPerYear?: number;
  /** Multiplier (and settlement currency) per instrument id; an instrument it does not know has multiplier 1. */
  readonly instruments?: (instrumentId: string) => ReportInstrument | undefined;
}

/**
 * Refuses malformed input with a ModelError naming the field (`fills[3].tsEvent`), before anything is
 * computed: a report built from a half-valid run would look right and be wrong.
 */
export function checkReportInput(input: ReportInput): void {
  if (input === null || typeof input !== 'object')
    throw new ModelError('input', 'expected a report input object');
  checkRun(input.run);
  if (input.config === null || typeof input.config !== 'object' || Array.isArray(input.config)) {
    throw new ModelError('config', `expected an object, got ${describe(input.config)}`);
  }
  if (input.baseCurrency === null || typeof input.baseCurrency?.code !== 'string') {
    throw new ModelError('baseCurrency', 'expected a Currency');
  }
  checkDecimal(input.startingEquity, 'startingEquity');
  checkNanos(input.start, 'start');
  checkNanos(input.end, 'end');
  if (input.end < input.start) throw new ModelError('end', `is before start (${input.end} < ${input.start})`);
  if (typeof input.reasons !== 'function') throw new ModelError('reasons', 'expected a function');
  if (input.instruments !== undefined && typeof input.instruments !== 'function') {
    throw new ModelError('instruments', 'expected a function');
  }
  if (input.periodsPerYear !== undefined) {
    const p = input.periodsPerYear;
    if (typeof p !== 'number' || !Number.isFinite(p) || p <= 0) {
      throw new ModelError('periodsPerYear', `must be a positive number, got ${describe(p)}`);
    }
  }
  checkFills(input.fills, input.baseCurrency);
  checkArray(input.denials, 'denials').forEach((d, i) => {
    if (d?.type !== 'OrderDenied')
      throw new ModelError(`denials[${i}].type`, `expected OrderDenied, got ${describe(d?.type)}`);
    checkNanos(d.tsEvent, `denials[${i}].tsEvent`);
  });
  let last: bigint | undefined;
  checkArray(input.equityCurve, 'equityCurve').forEach((p, i) => {
    checkNanos(p?.ts, `equityCurve[${i}].ts`);
    checkDecimal(p.equity, `equityCurve[${i}].equity`);
    if (last !== undefined && p.ts < last)
      throw new ModelError(`equityCurve[${i}].ts`, 'is earlier than the point before it');
    last = p.ts;
  });
  checkArray(input.prices, 'prices').forEach((series, i) => {
    if (typeof series?.instrumentId !== 'string') {
      throw new ModelError(
        `prices[${i}].instrumentId`,
        `expected a string, got ${describe(series?.instrumentId)}`,
      );
    }
    let prev: bigint | undefined;
    checkArray(series.bars, `prices[${i}].bars`).forEach((bar, j) => {
      const at = `prices[${i}].bars[${j}]`;
      checkNanos(bar?.ts, `${at}.ts`);
      for (const key of ['open', 'high', 'low', 'close'] as const) checkDecimal(bar[key], `${at}.${key}`);
      if (prev !== undefined && bar.ts < prev)
        throw new ModelError(`${at}.ts`, 'is earlier than the bar before it');
      prev = bar.ts;
    });
  });
}

function checkRun(run: RunInfo): void {
  if (run === null || typeof run !== 'object') throw new ModelError('run', 'expected an object');
  if (typeof run.started_at !== 'string') throw new ModelError('run.started_at', 'expected a string');
  if (typeof run.duration_ms !== 'number' || !Number.isFinite(run.duration_ms) || run.duration_ms < 0) {
    throw new ModelError(
      'run.duration_ms',
      `must be a non-negative number, got ${describe(run.duration_ms)}`,
    );
  }
  if (typeof run.qubit_version !== 'string') throw new ModelError('run.qubit_version', 'expected a string');
}

function checkFills(fills: readonly OrderFilled[], base: Currency): void {
  let last: bigint | undefined;
  checkArray(fills, 'fills').forEach((f, i) => {
    const at = `fills[${i}]`;
    if (f?.type !== 'OrderFilled')
      throw new ModelError(`${at}.type`, `expected OrderFilled, got ${describe(f?.type)}`);
    checkNanos(f.tsEvent, `${at}.tsEvent`);
    if (last !== undefined && f.tsEvent < last)
      throw new ModelError(`${at}.tsEvent`, 'is earlier than the fill before it');
    last = f.tsEvent;
    if (f.side !== OrderSide.BUY && f.side !== OrderSide.SELL) {
      throw new ModelError(`${at}.side`, `expected BUY or SELL, got ${describe(f.side)}`);
    }
    checkDecimal(f.lastQty, `${at}.lastQty`);
    if (!f.lastQty.isPositive())
      throw new ModelError(`${at}.lastQty`, `must be positive, got ${f.lastQty.toString()}`);
    checkDecimal(f.lastPx, `${at}.lastPx`);
    if (!(f.fee instanceof Money)) throw new ModelError(`${at}.fee`, 'expected Money');
    if (!f.fee.isZero() && f.fee.currency.code !== base.code) {
      throw new ModelError(
        `${at}.fee.currency`,
        `is ${f.fee.currency.code}, not the base currency ${base.code}`,
      );
    }
    if (typeof f.botId !== 'string') throw new ModelError(`${at}.botId`, 'expected a string');
    if (typeof f.instrumentId !== 'string') throw new ModelError(`${at}.instrumentId`, 'expected a string');
  });
}

function checkArray<T>(value: readonly T[], field: string): readonly T[] {
  if (!Array.isArray(value)) throw new ModelError(field, `expected an array, got ${describe(value)}`);
  return value;
}

function checkNanos(value: unknown, field: string): asserts value is bigint {
  if (typeof value !== 'bigint')
    throw new ModelError(field, `expected integer nanoseconds (bigint), got ${describe(value)}`);
}

function checkDecimal(value: unknown, field: string): void {
  if (!(value instanceof Decimal)) throw new ModelError(field, `expected a Decimal, got ${describe(value)}`);
}

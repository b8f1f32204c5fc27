import { Decimal, NANOS_PER_MILLI, nanosToIso } from '@qubit/model';
import type { UnixNanos } from '@qubit/model';
import {
  REPORT_SCHEMA_ID,
  type BacktestReport,
  type DenialRecord,
  type ReportSummary,
  type TradeRecord,
} from './backtest-report.js';
import {
  analyzeDrawdown,
  cagr,
  equitySeries,
  inferPeriodsPerYear,
  periodReturns,
  sharpeRatio,
  sortinoRatio,
} from './equity-stats.js';
import { canonicalJson, decimalString, formatDuration, quotient, ratio } from './formatting.js';
import { checkReportInput, type ReportInput } from './report-input.js';
import { computeRoundTrips, type RoundTrip } from './round-trips.js';

/**
 * Computes the report of one backtest. Pure: the same input gives a report that prints byte for byte the
 * same JSON. Malformed input throws a ModelError naming the field, before anything is computed.
 */
export function buildReport(input: ReportInput): BacktestReport {
  checkReportInput(input);
  const trips = computeRoundTrips(input);
  const money = (d: Decimal): string => decimalString(d, input.baseCurrency.precision);
  const trades = trips.map((t) => tradeRecord(t, input, money));
  return {
    schema: REPORT_SCHEMA_ID,
    run: {
      started_at: input.run.started_at,
      duration_ms: input.run.duration_ms,
      qubit_version: input.run.qubit_version,
    },
    config: canonicalJson(input.config, 'config') as Record<string, unknown>,
    period: {
      start: nanosToIso(input.start),
      end: nanosToIso(input.end),
      duration_ms: nanosToMs(input.end - input.start),
      duration: formatDuration(nanosToMs(input.end - input.start)),
    },
    base_currency: input.baseCurrency.code,
    summary: summarize(input, trips, money),
    trades,
    denials: input.denials.map((d): DenialRecord => ({
      time: nanosToIso(d.tsEvent),
      bot_id: d.botId,
      instrument_id: d.instrumentId,
      client_order_id: d.clientOrderId,
      stage: d.stage,
      reason_code: d.reasonCode,
      reason: d.reason,
    })),
  };
}

/** The report as JSON: two-space indentation and a final newline, keys in the report's declared order. */
export function reportToJson(report: BacktestReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

function summarize(
  input: ReportInput,
  trips: readonly RoundTrip[],
  money: (d: Decimal) => string,
): ReportSummary {
  const series = equitySeries(input.equityCurve, input.start, input.startingEquity);
  const ending = series[series.length - 1]!.equity;
  const returns = periodReturns(series);
  const inferred = input.periodsPerYear === undefined;
  const periodsPerYear = input.periodsPerYear ?? inferPeriodsPerYear(series);
  const drawdown = analyzeDrawdown(series, input.end);

  const closed = trips.filter((t) => t.status === 'closed');
  const winners = closed.filter((t) => t.pnl.isPositive());
  const losers = closed.filter((t) => t.pnl.isNegative());
  const grossProfit = sum(winners.map((t) => t.pnl));
  const grossLoss = sum(losers.map((t) => t.pnl)).abs();

  const byReason: Record<string, number> = {};
  for (const code of input.denials.map((d) => d.reasonCode as string).sort())
    byReason[code] = (byReason[code] ?? 0) + 1;

  return {
    starting_equity: money(input.startingEquity),
    ending_equity: money(ending),
    net_pnl: money(sum(trips.map((t) => t.pnl))),
    fees_paid: money(sum(input.fills.map((f) => f.fee.amount))),
    total_return: ratio(
      input.startingEquity.isPositive()
        ? quotient(ending.sub(input.startingEquity), input.startingEquity)
        : null,
    ),
    cagr: ratio(cagr(input.startingEquity, ending, input.start, input.end)),
    sharpe: ratio(sharpeRatio(returns, periodsPerYear)),
    sortino: ratio(sortinoRatio(returns, periodsPerYear)),
    periods_per_year: ratio(periodsPerYear),
    periods_per_year_inferred: inferred,
    max_drawdown: ratio(drawdown.maxDrawdown) ?? 0,
    max_drawdown_duration_ms: nanosToMs(drawdown.maxDurationNs),
    max_drawdown_duration: formatDuration(nanosToMs(drawdown.maxDurationNs)),
    win_rate: closed.length === 0 ? null : ratio(winners.length / closed.length),
    profit_factor: grossLoss.isZero() ? null : ratio(quotient(grossProfit, grossLoss)),
    exposure_time: ratio(exposureTime(trips, input.start, input.end)),
    trade_count: closed.length,
    open_trade_count: trips.length - closed.length,
    winning_trades: winners.length,
    losing_trades: losers.length,
    denial_count: input.denials.length,
    denials_by_reason: byReason,
  };
}

function tradeRecord(t: RoundTrip, input: ReportInput, money: (d: Decimal) => string): TradeRecord {
  const until = t.exitNs ?? input.end;
  const durationMs = nanosToMs(until > t.entryNs ? until - t.entryNs : 0n);
  const price = (d: Decimal | undefined): string | null =>
    d === undefined ? null : decimalString(d, t.priceScale);
  return {
    id: t.id,
    bot_id: t.botId,
    instrument_id: t.instrumentId,
    side: t.side,
    status: t.status,
    quantity: decimalString(t.quantity, t.quantityScale),
    entry_time: nanosToIso(t.entryNs),
    exit_time: t.exitNs === undefined ? null : nanosToIso(t.exitNs),
    entry_price: decimalString(t.entryPrice, t.priceScale),
    exit_price: price(t.exitPrice),
    mark_price: price(t.markPrice),
    fees: money(t.fees),
    pnl: money(t.pnl),
    return: ratio(quotient(t.pnl, t.entryNotional)),
    entry_reason: t.entryReason ?? null,
    exit_reason: t.exitReason ?? null,
    duration_ms: durationMs,
    duration: formatDuration(durationMs),
    bars_held: barsHeld(input, t.instrumentId, t.entryNs, until),
  };
}

/**
 * Bars of the instrument that closed while the trade was open: entry < bar close ≤ exit (or the end of
 * the run). A fill happens at a bar's open, which is the previous bar's close, hence the strict bound.
 * Null when the input has no bars for the instrument.
 */
function barsHeld(input: ReportInput, instrumentId: string, from: UnixNanos, to: UnixNanos): number | null {
  const series = input.prices.find((p) => p.instrumentId === instrumentId);
  if (series === undefined) return null;
  const upTo = (ts: UnixNanos): number => {
    let lo = 0;
    let hi = series.bars.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (series.bars[mid]!.ts <= ts) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return Math.max(0, upTo(to) - upTo(from));
}

/**
 * Fraction of [start, end] during which at least one trade (any bot, any instrument) was open: the union
 * of the trades' [entry, exit] intervals, open trades running to the end. Null for an empty period.
 */
export function exposureTime(trips: readonly RoundTrip[], start: UnixNanos, end: UnixNanos): number | null {
  if (end <= start) return null;
  const intervals = trips
    .map((t): [bigint, bigint] => [
      t.entryNs < start ? start : t.entryNs,
      t.exitNs === undefined || t.exitNs > end ? end : t.exitNs,
    ])
    .filter(([a, b]) => b > a)
    .sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  let covered = 0n;
  let curStart: bigint | undefined;
  let curEnd = 0n;
  for (const [a, b] of intervals) {
    if (curStart === undefined || a > curEnd) {
      if (curStart !== undefined) covered += curEnd - curStart;
      curStart = a;
      curEnd = b;
    } else if (b > curEnd) {
      curEnd = b;
    }
  }
  if (curStart !== undefined) covered += curEnd - curStart;
  return quotient(Decimal.from(covered), Decimal.from(end - start));
}

function sum(values: readonly Decimal[]): Decimal {
  return values.reduce((a, v) => a.add(v), Decimal.ZERO);
}

function nanosToMs(ns: bigint): number {
  return Number(ns / NANOS_PER_MILLI);
}

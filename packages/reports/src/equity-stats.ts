import { Decimal, NANOS_PER_DAY, Rounding } from '@qubit/model';
import type { UnixNanos } from '@qubit/model';
import { QUOTIENT_SCALE, quotient } from './formatting.js';
import type { EquityPoint } from './report-input.js';

/** A year of 365.25 days, the unit CAGR and the inferred periods per year are measured in. */
export const NANOS_PER_YEAR = (NANOS_PER_DAY * 36525n) / 100n;

/**
 * The series every statistic reads: the equity curve, preceded by (start, starting equity) when the curve
 * is empty or begins after `start`, so that a loss on the very first bar still counts as a drawdown.
 */
export function equitySeries(
  curve: readonly EquityPoint[],
  start: UnixNanos,
  startingEquity: Decimal,
): EquityPoint[] {
  const first = curve[0];
  if (first !== undefined && first.ts <= start) return [...curve];
  return [{ ts: start, equity: startingEquity }, ...curve];
}

/**
 * Simple returns of consecutive points, `e[i] / e[i-1] − 1`, exact to 18 decimals. A period that starts
 * at zero or negative equity has no return and is left out.
 */
export function periodReturns(series: readonly EquityPoint[]): Decimal[] {
  const out: Decimal[] = [];
  for (let i = 1; i < series.length; i++) {
    const prev = series[i - 1]!.equity;
    if (!prev.isPositive()) continue;
    out.push(series[i]!.equity.div(prev, QUOTIENT_SCALE, Rounding.HALF_EVEN).sub(Decimal.ONE));
  }
  return out;
}

/**
 * Annualized Sharpe ratio with a risk-free rate of 0: `mean(r) / stdev(r) × √periodsPerYear`, with the
 * sample standard deviation (n − 1). Null with fewer than 2 returns, no periods per year, or zero deviation.
 * Mean and variance are computed exactly (`(nΣr² − (Σr)²) / (n(n − 1))`), so constant returns give exactly
 * zero deviation rather than float noise and an absurd ratio.
 */
export function sharpeRatio(returns: readonly Decimal[], periodsPerYear: number | null): number | null {
  const n = returns.length;
  if (n < 2 || periodsPerYear === null) return null;
  const sum = returns.reduce((a, r) => a.add(r), Decimal.ZERO);
  const sumSq = returns.reduce((a, r) => a.add(r.mul(r)), Decimal.ZERO);
  const numerator = sumSq.mulInt(n).sub(sum.mul(sum));
  // Squares of 18-decimal returns have 36 decimals; keep them all so tiny variances keep their digits.
  const variance = numerator
    .div(Decimal.from(n * (n - 1)), 2 * QUOTIENT_SCALE, Rounding.HALF_EVEN)
    .toNumber();
  if (variance <= 0) return null;
  const mean = quotient(sum, Decimal.from(n))!;
  return (mean / Math.sqrt(variance)) * Math.sqrt(periodsPerYear);
}

/**
 * Annualized Sortino ratio with a target (and risk-free rate) of 0: `mean(r) / dd × √periodsPerYear`, where
 * the downside deviation `dd = √(Σ min(r, 0)² / n)` runs over all n returns. Null with no returns, no periods
 * per year, or no negative return (dd = 0).
 */
export function sortinoRatio(returns: readonly Decimal[], periodsPerYear: number | null): number | null {
  const n = returns.length;
  if (n < 1 || periodsPerYear === null) return null;
  const sum = returns.reduce((a, r) => a.add(r), Decimal.ZERO);
  const downSq = returns.reduce((a, r) => (r.isNegative() ? a.add(r.mul(r)) : a), Decimal.ZERO);
  if (downSq.isZero()) return null;
  const nd = Decimal.from(n);
  const downside = Math.sqrt(downSq.div(nd, 2 * QUOTIENT_SCALE, Rounding.HALF_EVEN).toNumber());
  return (quotient(sum, nd)! / downside) * Math.sqrt(periodsPerYear);
}

/**
 * Periods per year from the median spacing of the series' timestamps (gaps of zero are ignored):
 * `365.25 days / median gap`. Daily bars give 365.25, hourly bars 8766. Null when no two points differ in time.
 */
export function inferPeriodsPerYear(series: readonly EquityPoint[]): number | null {
  const gaps: bigint[] = [];
  for (let i = 1; i < series.length; i++) {
    const gap = series[i]!.ts - series[i - 1]!.ts;
    if (gap > 0n) gaps.push(gap);
  }
  if (gaps.length === 0) return null;
  gaps.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const mid = gaps.length >> 1;
  const median =
    gaps.length % 2 === 1 ? Number(gaps[mid]!) : (Number(gaps[mid - 1]!) + Number(gaps[mid]!)) / 2;
  return Number(NANOS_PER_YEAR) / median;
}

/**
 * Compound annual growth rate: `(ending / starting)^(1 / years) − 1`, years = (end − start) / 365.25 days.
 * Null when the period is empty, starting equity is not positive or ending equity is negative.
 */
export function cagr(starting: Decimal, ending: Decimal, start: UnixNanos, end: UnixNanos): number | null {
  if (end <= start || !starting.isPositive() || ending.isNegative()) return null;
  const years = Number(end - start) / Number(NANOS_PER_YEAR);
  return Math.pow(quotient(ending, starting)!, 1 / years) - 1;
}

export interface DrawdownAnalysis {
  /** Largest `(peak − equity) / peak` over the series, as a fraction (0.25 is 25 %); 0 when it never fell. */
  readonly maxDrawdown: number;
  /**
   * Longest time spent below a previous peak: from the peak's time to the first point back at or above
   * it, or to the end of the run when it never recovers. 0 when it never fell.
   */
  readonly maxDurationNs: bigint;
  /** The drawdown fraction at every point of the series, for the chart. */
  readonly points: readonly { readonly ts: UnixNanos; readonly drawdown: number }[];
}

/** Drawdowns against the running peak of the series; peaks that are not positive have no drawdown. */
export function analyzeDrawdown(series: readonly EquityPoint[], end: UnixNanos): DrawdownAnalysis {
  let peak: EquityPoint | undefined;
  let underwater = false;
  let maxDrawdown = Decimal.ZERO;
  let maxDurationNs = 0n;
  const points: { ts: UnixNanos; drawdown: number }[] = [];
  for (const p of series) {
    if (peak === undefined || p.equity.gte(peak.equity)) {
      if (peak !== undefined && underwater) maxDurationNs = bigMax(maxDurationNs, p.ts - peak.ts);
      peak = p;
      underwater = false;
      points.push({ ts: p.ts, drawdown: 0 });
      continue;
    }
    underwater = true;
    if (!peak.equity.isPositive()) {
      points.push({ ts: p.ts, drawdown: 0 });
      continue;
    }
    const dd = peak.equity.sub(p.equity).div(peak.equity, QUOTIENT_SCALE, Rounding.HALF_EVEN);
    maxDrawdown = maxDrawdown.max(dd);
    points.push({ ts: p.ts, drawdown: dd.toNumber() });
  }
  if (peak !== undefined && underwater) {
    const last = series[series.length - 1]!.ts;
    maxDurationNs = bigMax(maxDurationNs, (end > last ? end : last) - peak.ts);
  }
  return { maxDrawdown: maxDrawdown.toNumber(), maxDurationNs, points };
}

function bigMax(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

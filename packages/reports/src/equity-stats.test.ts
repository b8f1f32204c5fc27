import { Decimal, NANOS_PER_HOUR } from '@qubit/model';
import { describe, expect, it } from 'vitest';
import {
  analyzeDrawdown,
  cagr,
  equitySeries,
  inferPeriodsPerYear,
  NANOS_PER_YEAR,
  periodReturns,
  sharpeRatio,
  sortinoRatio,
} from './equity-stats.js';
import { ratio } from './formatting.js';
import { curve, day, T0 } from './test-fixtures.js';

const DAY_MS = 86_400_000;

describe('drawdown', () => {
  it('finds the deepest fall and the longest time under water, unrecovered until the end of the run', () => {
    const points = curve([
      [day(0), '100'],
      [day(1), '120'], // peak
      [day(2), '90'], // 30 / 120 = 25 %
      [day(3), '110'],
      [day(5), '125'], // recovered after 4 days; new peak
      [day(6), '100'], // 25 / 125 = 20 %
      [day(8), '110'], // never recovers: under water from day 5 to the end (day 10)
    ]);
    const dd = analyzeDrawdown(points, day(10));
    expect(dd.maxDrawdown).toBe(0.25);
    expect(dd.maxDurationNs).toBe(day(10) - day(5));
    expect(dd.points.map((p) => ratio(p.drawdown))).toEqual([0, 0, 0.25, 0.0833333, 0, 0.2, 0.12]);
  });

  it('counts a return to exactly the old peak as a recovery', () => {
    const dd = analyzeDrawdown(
      curve([
        [day(0), '100'],
        [day(1), '90'],
        [day(3), '100'],
        [day(4), '101'],
      ]),
      day(10),
    );
    expect(dd.maxDrawdown).toBe(0.1);
    expect(Number(dd.maxDurationNs) / 1e6).toBe(3 * DAY_MS);
  });

  it('is zero, with zero duration, for a curve that never falls', () => {
    const dd = analyzeDrawdown(
      curve([
        [day(0), '100'],
        [day(1), '100'],
        [day(2), '105'],
      ]),
      day(5),
    );
    expect(dd).toMatchObject({ maxDrawdown: 0, maxDurationNs: 0n });
  });

  it('starts from the starting equity when the curve begins after the start', () => {
    const series = equitySeries(curve([[day(1), '80']]), day(0), Decimal.parse('100'));
    expect(series.map((p) => p.equity.toString())).toEqual(['100', '80']);
    expect(analyzeDrawdown(series, day(2)).maxDrawdown).toBe(0.2);
    expect(equitySeries(curve([[day(0), '100']]), day(0), Decimal.parse('100'))).toHaveLength(1);
  });
});

describe('Sharpe and Sortino', () => {
  // Returns +10 %, −5 %, +2 %, +3 %: mean 0.025; sample variance 0.0113 / 3; downside deviation √(0.0025 / 4) = 0.025.
  const known = curve([
    [day(0), '100'],
    [day(1), '110'],
    [day(2), '104.5'],
    [day(3), '106.59'],
    [day(4), '109.7877'],
  ]);

  it('computes exact period returns from the curve', () => {
    expect(periodReturns(known).map((r) => r.normalize().toString())).toEqual([
      '0.1',
      '-0.05',
      '0.02',
      '0.03',
    ]);
  });

  it('annualizes the Sharpe ratio with the sample deviation and √periods', () => {
    // 0.025 / √(0.0113 / 3) × √252 = 6.46638…
    expect(ratio(sharpeRatio(periodReturns(known), 252))).toBe(6.46639);
  });

  it('annualizes the Sortino ratio with the downside deviation over all periods', () => {
    // 0.025 / 0.025 × √252 = 15.8745…
    expect(ratio(sortinoRatio(periodReturns(known), 252))).toBe(15.8745);
  });

  it('has no Sharpe for constant returns (exactly zero deviation) and no Sortino without a loss', () => {
    const steady = periodReturns(
      curve([
        [day(0), '100'],
        [day(1), '110'],
        [day(2), '121'],
        [day(3), '133.1'],
      ]),
    );
    expect(sharpeRatio(steady, 365)).toBeNull();
    expect(sortinoRatio(steady, 365)).toBeNull();
    expect(sharpeRatio(periodReturns(known).slice(0, 1), 252)).toBeNull();
    expect(sharpeRatio(periodReturns(known), null)).toBeNull();
  });

  it('infers periods per year from the median spacing of the curve', () => {
    const hourly = curve(
      Array.from({ length: 6 }, (_, i): [bigint, string] => [T0 + BigInt(i) * NANOS_PER_HOUR, '1']),
    );
    expect(inferPeriodsPerYear(hourly)).toBe(8766);
    expect(inferPeriodsPerYear(known)).toBe(365.25);
    expect(inferPeriodsPerYear(curve([[day(0), '1']]))).toBeNull();
  });
});

describe('CAGR', () => {
  it('compounds the total growth over years of 365.25 days', () => {
    // Doubling in exactly two years is √2 − 1 a year.
    expect(
      ratio(cagr(Decimal.parse('100'), Decimal.parse('200'), day(0), day(0) + 2n * NANOS_PER_YEAR)),
    ).toBe(ratio(Math.SQRT2 - 1));
    expect(cagr(Decimal.parse('100'), Decimal.parse('200'), day(0), day(0))).toBeNull();
    expect(cagr(Decimal.ZERO, Decimal.parse('200'), day(0), day(1))).toBeNull();
  });
});

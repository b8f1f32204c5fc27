import { Decimal, ModelError } from '@qubit/model';
import { describe, expect, it } from 'vitest';
import { buildReport, reportToJson } from './build-report.js';
import { curve, day, fill, makeInput, sampleInput } from './test-fixtures.js';

describe('buildReport summary', () => {
  it('computes every summary figure of the sample run', () => {
    expect(buildReport(sampleInput()).summary).toEqual({
      starting_equity: '10000.00',
      ending_equity: '10027.18',
      net_pnl: '27.18', // 19.58 − 5.10 + 12.70 (the open trade at its 108.00 mark)
      fees_paid: '0.82',
      total_return: 0.002718,
      cagr: 0.104221, // 1.002718^(365.25 / 10) − 1
      // Returns 0.0022 and 5.18 / 10022: mean / sample deviation × √73.05
      sharpe: 9.75536,
      sortino: null, // no losing period
      periods_per_year: 73.05, // 365.25 days / a 5-day median spacing
      periods_per_year_inferred: true,
      max_drawdown: 0,
      max_drawdown_duration_ms: 0,
      max_drawdown_duration: '0s',
      win_rate: 0.5,
      profit_factor: 3.83922, // 19.58 / 5.10
      exposure_time: 0.8, // days 1–4 and 5–10 of 10
      trade_count: 2,
      open_trade_count: 1,
      winning_trades: 1,
      losing_trades: 1,
      denial_count: 3,
      denials_by_reason: { MAX_POSITION: 2, TRADING_HALTED: 1 },
    });
  });

  it('uses the given periods per year and reports the drawdown of a falling curve', () => {
    const report = buildReport(
      makeInput({
        periodsPerYear: 252,
        equityCurve: curve([
          [day(0), '10000.00'],
          [day(1), '9000.00'],
          [day(2), '9500.00'],
        ]),
      }),
    );
    expect(report.summary).toMatchObject({
      periods_per_year: 252,
      periods_per_year_inferred: false,
      ending_equity: '9500.00',
      total_return: -0.05,
      max_drawdown: 0.1,
      max_drawdown_duration_ms: 10 * 86_400_000, // from the day-0 peak to the end of the run, day 10
      max_drawdown_duration: '10d',
      win_rate: null,
      profit_factor: null,
      exposure_time: 0,
      net_pnl: '0.00',
    });
  });

  it('lists denials in input order with their stage, code and sentence', () => {
    expect(buildReport(sampleInput()).denials[0]).toEqual({
      time: '2024-01-03T00:00:00.000000000Z',
      bot_id: 'bot-a',
      instrument_id: 'AAA.SIM',
      client_order_id: 'D1',
      stage: 2,
      reason_code: 'MAX_POSITION',
      reason: 'position 3 above max 2',
    });
  });

  it('echoes the run and the period', () => {
    const report = buildReport(sampleInput());
    expect(report.schema).toBe('qubit.backtest-report/1');
    expect(report.run).toEqual({
      started_at: '2025-03-01T10:00:00.000Z',
      duration_ms: 1234,
      qubit_version: '0.1.0',
    });
    expect(report.period).toEqual({
      start: '2024-01-01T00:00:00.000000000Z',
      end: '2024-01-11T00:00:00.000000000Z',
      duration_ms: 864_000_000,
      duration: '10d',
    });
    expect(report.base_currency).toBe('USD');
  });
});

describe('determinism', () => {
  it('prints byte-identical JSON for the same input, whatever order the config keys were written in', () => {
    const a = reportToJson(
      buildReport({ ...sampleInput(), config: { seed: 7, data: { from: 'a.csv' }, fee: 0.001 } }),
    );
    const b = reportToJson(
      buildReport({ ...sampleInput(), config: { fee: 0.001, data: { from: 'a.csv' }, seed: 7 } }),
    );
    expect(a).toBe(b);
    expect(a.endsWith('}\n')).toBe(true);
    expect(Object.keys(JSON.parse(a).config)).toEqual(['data', 'fee', 'seed']);
  });

  it('differs between two runs only in the run block', () => {
    const first = JSON.parse(reportToJson(buildReport(sampleInput())));
    const second = JSON.parse(
      reportToJson(
        buildReport({
          ...sampleInput(),
          run: { started_at: '2025-03-02T00:00:00.000Z', duration_ms: 99, qubit_version: '0.1.0' },
        }),
      ),
    );
    expect({ ...first, run: null }).toEqual({ ...second, run: null });
    expect(first.run).not.toEqual(second.run);
  });

  it('writes Decimals and bigints of the config as strings', () => {
    const report = buildReport(
      makeInput({ config: { size: Decimal.parse('0.010'), from: 5n, skip: undefined } }),
    );
    expect(report.config).toEqual({ from: '5', size: '0.010' });
  });
});

describe('input checks', () => {
  it('refuses malformed input with an error naming the field, before computing anything', () => {
    const cases: [Parameters<typeof makeInput>[0], string][] = [
      [{ end: day(-1) }, 'end: is before start'],
      [{ periodsPerYear: 0 }, 'periodsPerYear: must be a positive number'],
      [{ startingEquity: 10000 as unknown as Decimal }, 'startingEquity: expected a Decimal'],
      [
        { equityCurve: [{ ts: 5 as unknown as bigint, equity: Decimal.ONE }] },
        'equityCurve[0].ts: expected integer nanoseconds',
      ],
      [
        {
          equityCurve: curve([
            [day(2), '1'],
            [day(1), '1'],
          ]),
        },
        'equityCurve[1].ts: is earlier than the point before it',
      ],
      [{ config: { f: () => 1 } }, 'config.f: cannot be written as JSON (a function)'],
      [{ config: { nested: [{ x: Number.NaN }] } }, 'config.nested[0].x: must be a finite number'],
      [
        {
          fills: [
            {
              ...fill({ ts: day(1), side: 'BUY', qty: '1', px: '1', coid: 'Z' }),
              type: 'OrderAccepted',
            } as never,
          ],
        },
        'fills[0].type',
      ],
    ];
    for (const [over, message] of cases) {
      expect(() => buildReport(makeInput(over)), message).toThrow(ModelError);
      expect(() => buildReport(makeInput(over))).toThrow(message);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { buildReport, reportToJson } from './build-report.js';
import { REPORT_JSON_SCHEMA, validateReport } from './report-schema.js';
import { makeInput, sampleInput } from './test-fixtures.js';

function sampleJson(): Record<string, unknown> {
  return JSON.parse(reportToJson(buildReport(sampleInput()))) as Record<string, unknown>;
}

describe('validateReport', () => {
  it('accepts the built reports, full and empty', () => {
    expect(validateReport(sampleJson())).toEqual({ valid: true });
    expect(validateReport(JSON.parse(reportToJson(buildReport(makeInput()))))).toEqual({ valid: true });
  });

  it('names a missing summary field', () => {
    const report = sampleJson();
    delete (report.summary as Record<string, unknown>).sharpe;
    expect(validateReport(report)).toEqual({ valid: false, errors: ['summary.sharpe: is required'] });
  });

  it('names a trade field of the wrong type, an unknown field and a bad enum value', () => {
    const report = sampleJson();
    const trades = report.trades as Record<string, unknown>[];
    trades[1]!.pnl = 12.5;
    trades[0]!.side = 'sideways';
    trades[2]!.colour = 'red';
    const result = validateReport(report);
    expect(result.valid).toBe(false);
    expect(!result.valid && result.errors).toEqual([
      'trades[0].side: expected one of "long", "short", got string "sideways"',
      'trades[1].pnl: expected string, got number 12.5',
      'trades[2].colour: is not a field of the report',
    ]);
  });

  it('refuses money written as a float-looking string, a time without nanoseconds and a wrong schema id', () => {
    const report = sampleJson();
    (report.summary as Record<string, unknown>).net_pnl = '2.718e1';
    (report.period as Record<string, unknown>).start = '2024-01-01T00:00:00Z';
    report.schema = 'qubit.backtest-report/2';
    const result = validateReport(report);
    expect(!result.valid && result.errors.map((e) => e.split(':')[0])).toEqual([
      'schema',
      'period.start',
      'summary.net_pnl',
    ]);
  });

  it('names a nullable field holding neither form', () => {
    const report = sampleJson();
    (report.trades as Record<string, unknown>[])[0]!.exit_time = 17;
    expect(validateReport(report)).toEqual({
      valid: false,
      errors: ['trades[0].exit_time: number 17 matches none of the allowed forms'],
    });
  });

  it('refuses what is not an object at all', () => {
    expect(validateReport([])).toEqual({ valid: false, errors: ['(root): expected object, got an array'] });
  });

  it('requires every field the report type declares', () => {
    const report = sampleJson();
    expect(Object.keys(report)).toEqual(REPORT_JSON_SCHEMA.required);
    expect(Object.keys(report.summary as object)).toEqual(REPORT_JSON_SCHEMA.properties.summary.required);
    const trade = (report.trades as object[])[0]!;
    expect(Object.keys(trade)).toEqual(REPORT_JSON_SCHEMA.properties.trades.items.required);
  });
});

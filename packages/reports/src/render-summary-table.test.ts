import { describe, expect, it } from 'vitest';
import { buildReport } from './build-report.js';
import { renderSummaryTable } from './render-summary-table.js';
import { sampleInput } from './test-fixtures.js';

describe('renderSummaryTable', () => {
  it('prints an aligned two-column table of the summary', () => {
    const lines = renderSummaryTable(buildReport(sampleInput()));
    const widths = new Set(lines.map((l) => [...l].length));
    expect(widths.size).toBe(1);
    expect(lines[0]).toMatch(/^\+-+\+-+\+$/);
    expect(lines[1]).toMatch(/^\| Metric +\| Value +\|$/);
    expect(lines.at(-1)).toBe(lines[0]);
    const row = (label: string): string | undefined => lines.find((l) => l.startsWith(`| ${label} `));
    expect(row('Net PnL')).toMatch(/\| 27\.18 USD +\|$/);
    expect(row('Total return')).toMatch(/\| 0\.27 % +\|$/);
    expect(row('Sortino')).toMatch(/\| n\/a +\|$/);
    expect(row('Win rate')).toMatch(/\| 50\.00 % +\|$/);
    expect(row('Trades')).toMatch(/\| 2 closed \(1 won, 1 lost\), 1 open +\|$/);
    expect(row('Denials')).toMatch(/\| 3 \(MAX_POSITION 2, TRADING_HALTED 1\) +\|$/);
    expect(row('Period')).toMatch(/\| 2024-01-01 00:00:00 → 2024-01-11 00:00:00 \(10d\) +\|$/);
  });
});

import type { BacktestReport } from './backtest-report.js';
import { summaryRows } from './summary-rows.js';

/**
 * The report's summary as lines of a two-column terminal table (no colours, no trailing spaces), ready
 * for the CLI to print one by one:
 *
 *   +-----------------+----------------+
 *   | Net PnL         | 19.58 USD      |
 */
export function renderSummaryTable(report: BacktestReport): string[] {
  const rows: [string, string][] = [['Metric', 'Value'], ...summaryRows(report)];
  const w0 = Math.max(...rows.map(([a]) => width(a)));
  const w1 = Math.max(...rows.map(([, b]) => width(b)));
  const rule = `+${'-'.repeat(w0 + 2)}+${'-'.repeat(w1 + 2)}+`;
  const line = ([a, b]: [string, string]): string => `| ${pad(a, w0)} | ${pad(b, w1)} |`;
  const [header, ...body] = rows;
  return [rule, line(header!), rule, ...body.map(line), rule];
}

/** Width in terminal columns: code points, so that "→" counts as one. */
function width(text: string): number {
  return [...text].length;
}

function pad(text: string, to: number): string {
  return text + ' '.repeat(to - width(text));
}

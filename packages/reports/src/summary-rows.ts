import type { BacktestReport } from './backtest-report.js';

/** A fraction as a percentage with two decimals ("12.34 %"); "n/a" when undefined. */
export function percent(value: number | null): string {
  return value === null ? 'n/a' : `${(value * 100).toFixed(2)} %`;
}

/** A ratio with two decimals; "n/a" when undefined. */
export function fixed2(value: number | null): string {
  return value === null ? 'n/a' : value.toFixed(2);
}

/** "2024-01-02 03:04:05" from the report's nanosecond ISO time: what a reader needs at a glance. */
export function shortTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}

/**
 * The summary as (label, value) rows, in reading order: what the terminal table and the HTML page both
 * show, so the two never disagree.
 */
export function summaryRows(report: BacktestReport): [string, string][] {
  const s = report.summary;
  const ccy = report.base_currency;
  const denials = Object.entries(s.denials_by_reason)
    .map(([code, n]) => `${code} ${n}`)
    .join(', ');
  return [
    [
      'Period',
      `${shortTime(report.period.start)} → ${shortTime(report.period.end)} (${report.period.duration})`,
    ],
    ['Starting equity', `${s.starting_equity} ${ccy}`],
    ['Ending equity', `${s.ending_equity} ${ccy}`],
    ['Net PnL', `${s.net_pnl} ${ccy}`],
    ['Fees paid', `${s.fees_paid} ${ccy}`],
    ['Total return', percent(s.total_return)],
    ['CAGR', percent(s.cagr)],
    ['Sharpe', fixed2(s.sharpe)],
    ['Sortino', fixed2(s.sortino)],
    ['Max drawdown', percent(s.max_drawdown)],
    ['Max drawdown duration', s.max_drawdown_duration],
    ['Win rate', percent(s.win_rate)],
    ['Profit factor', fixed2(s.profit_factor)],
    ['Exposure time', percent(s.exposure_time)],
    [
      'Trades',
      `${s.trade_count} closed (${s.winning_trades} won, ${s.losing_trades} lost), ${s.open_trade_count} open`,
    ],
    ['Denials', s.denial_count === 0 ? '0' : `${s.denial_count} (${denials})`],
    [
      'Periods per year',
      s.periods_per_year === null
        ? 'n/a'
        : `${s.periods_per_year}${s.periods_per_year_inferred ? ' (inferred)' : ''}`,
    ],
  ];
}

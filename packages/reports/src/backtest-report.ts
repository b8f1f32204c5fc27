/**
 * The report of one backtest, ready for JSON. Money, prices and quantities are exact decimal strings;
 * ratios are numbers rounded to 6 significant digits, null when undefined; times are ISO 8601 UTC with
 * nanoseconds ("2024-01-02T03:04:05.000000000Z", from `nanosToIso`). Keys are written in the order
 * declared here, so the same input always prints the same bytes. docs/reports.md describes every field.
 */
export interface BacktestReport {
  /** "qubit.backtest-report/1"; bumped when a field changes meaning or disappears. */
  readonly schema: typeof REPORT_SCHEMA_ID;
  readonly run: {
    readonly started_at: string;
    readonly duration_ms: number;
    readonly qubit_version: string;
  };
  readonly config: Record<string, unknown>;
  readonly period: {
    readonly start: string;
    readonly end: string;
    readonly duration_ms: number;
    readonly duration: string;
  };
  readonly base_currency: string;
  readonly summary: ReportSummary;
  readonly trades: readonly TradeRecord[];
  readonly denials: readonly DenialRecord[];
}

export const REPORT_SCHEMA_ID = 'qubit.backtest-report/1';

export interface ReportSummary {
  readonly starting_equity: string;
  readonly ending_equity: string;
  readonly net_pnl: string;
  readonly fees_paid: string;
  readonly total_return: number | null;
  readonly cagr: number | null;
  readonly sharpe: number | null;
  readonly sortino: number | null;
  readonly periods_per_year: number | null;
  readonly periods_per_year_inferred: boolean;
  readonly max_drawdown: number;
  readonly max_drawdown_duration_ms: number;
  readonly max_drawdown_duration: string;
  readonly win_rate: number | null;
  readonly profit_factor: number | null;
  readonly exposure_time: number | null;
  readonly trade_count: number;
  readonly open_trade_count: number;
  readonly winning_trades: number;
  readonly losing_trades: number;
  readonly denial_count: number;
  readonly denials_by_reason: Readonly<Record<string, number>>;
}

export type TradeSide = 'long' | 'short';
export type TradeStatus = 'closed' | 'open';

/** One round trip of one bot on one instrument: from leaving flat to returning to flat. */
export interface TradeRecord {
  readonly id: number;
  readonly bot_id: string;
  readonly instrument_id: string;
  readonly side: TradeSide;
  readonly status: TradeStatus;
  readonly quantity: string;
  readonly entry_time: string;
  readonly exit_time: string | null;
  readonly entry_price: string;
  readonly exit_price: string | null;
  readonly mark_price: string | null;
  readonly fees: string;
  readonly pnl: string;
  readonly return: number | null;
  readonly entry_reason: string | null;
  readonly exit_reason: string | null;
  readonly duration_ms: number;
  readonly duration: string;
  readonly bars_held: number | null;
}

export interface DenialRecord {
  readonly time: string;
  readonly bot_id: string;
  readonly instrument_id: string;
  readonly client_order_id: string;
  readonly stage: number;
  readonly reason_code: string;
  readonly reason: string;
}

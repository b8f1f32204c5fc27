import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { renderHtml, renderSummaryTable, reportToJson, type BacktestReport } from '@qubit/reports';
import { parseOverrides, parseSweep, sweepGrid } from '../backtest/config-overrides.js';
import { loadBacktestData, runBacktest, type BacktestJob } from '../backtest/backtest-job.js';
import { isStoreData } from '../backtest/store-data.js';
import { runSweep, type SweepRow } from '../backtest/sweep.js';
import { toWorkerData, type WorkerData } from '../backtest/worker-data.js';
import { resolveBot } from './bot-registry.js';
import { UsageError } from './bot-scaffold.js';
import { progressReporter } from './progress.js';

export interface BacktestFlags {
  readonly bot: string;
  /** A file or directory, or `store:` / `store:<data-dir>` / `store:postgres://…`. */
  readonly data: string;
  readonly instrument?: string;
  /** With --data store:…: the bar type or timeframe ("1m", "5-MINUTE", a full bar type) or "trades". */
  readonly timeframe?: string;
  readonly from?: string;
  readonly to?: string;
  readonly set: string[];
  readonly out?: string;
  readonly balance: string;
  readonly sweep: string[];
  readonly sort: string;
  readonly walkForward?: number;
  readonly inSample: number;
  readonly barPath?: string;
  readonly slippageTicks?: number;
  readonly makerFee?: string;
  readonly takerFee?: string;
}

type Summary = BacktestReport['summary'];
const LOWER_IS_BETTER = new Set([
  'max_drawdown',
  'max_drawdown_duration_ms',
  'denial_count',
  'losing_trades',
]);

function metric(summary: Summary | undefined, key: string): number {
  const v = summary ? (summary as unknown as Record<string, unknown>)[key] : undefined;
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v !== '' && !Number.isNaN(Number(v))) return Number(v);
  return Number.NaN;
}

function checkSortKey(key: string): void {
  const known = [
    'total_return',
    'cagr',
    'sharpe',
    'sortino',
    'max_drawdown',
    'win_rate',
    'profit_factor',
    'net_pnl',
    'trade_count',
    'exposure_time',
  ];
  if (!known.includes(key)) throw new UsageError(`--sort: "${key}" is not one of ${known.join(', ')}`);
}

function better(a: number, b: number, key: string): boolean {
  if (Number.isNaN(b)) return !Number.isNaN(a);
  if (Number.isNaN(a)) return false;
  return LOWER_IS_BETTER.has(key) ? a < b : a > b;
}

function fmt(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toPrecision(4);
  if (v === null || v === undefined) return '—';
  return String(v);
}

function table(headers: string[], rows: string[][]): string[] {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
}

/** `qubit backtest`: one run with a report, a parameter sweep, or a walk-forward. */
export async function backtestCommand(
  f: BacktestFlags,
  out: (line: string) => void,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<number> {
  checkSortKey(f.sort);
  if (!(f.inSample > 0 && f.inSample < 1))
    throw new UsageError(`--in-sample: ${f.inSample} must be between 0 and 1`);
  const job: BacktestJob = {
    bot: f.bot,
    data: isStoreData(f.data) ? f.data : resolve(f.data),
    instrument: f.instrument,
    timeframe: f.timeframe,
    from: f.from,
    to: f.to,
    overrides: parseOverrides(f.set),
    balance: f.balance,
    cwd: process.cwd(),
    fills: { barPath: f.barPath, slippageTicks: f.slippageTicks, makerFee: f.makerFee, takerFee: f.takerFee },
  };
  const definition = await resolveBot(f.bot, job.cwd);
  const sweeps = f.sweep.map(parseSweep);
  const prepared = await loadBacktestData(job, definition, env);
  // Store data is read here once and handed to sweep workers; file data each worker loads itself.
  const shared =
    isStoreData(job.data) && (f.walkForward !== undefined || sweeps.length > 0)
      ? toWorkerData(prepared)
      : undefined;
  out(
    `${definition.name} ${definition.version} on ${prepared.instrument.id}: ${prepared.data.length.toLocaleString('en-US')} ${prepared.kind} from ${f.data}`,
  );

  if (f.walkForward !== undefined) return walkForward(f, job, prepared.data.length, sweeps, out, shared);
  if (sweeps.length > 0) {
    const combos = sweepGrid(sweeps).map((params) => ({ params }));
    const rows = await runSweep(job, combos, progressReporter(`sweep ${combos.length} runs`), shared);
    printSweep(rows, f.sort, out);
    return rows.some((r) => r.error) ? 1 : 0;
  }
  const outcome = runBacktest(definition, job, prepared, {}, undefined, progressReporter('backtest'));
  for (const line of renderSummaryTable(outcome.report)) out(line);
  const dir = resolve(f.out ?? 'backtest-report');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'report.json'), reportToJson(outcome.report));
  writeFileSync(join(dir, 'report.html'), renderHtml(outcome.report, outcome.input));
  out(`wrote ${join(dir, 'report.json')} and ${join(dir, 'report.html')}`);
  return 0;
}

function printSweep(rows: readonly SweepRow[], sort: string, out: (line: string) => void): void {
  const sorted = [...rows].sort((a, b) => {
    const x = metric(a.summary, sort);
    const y = metric(b.summary, sort);
    if (better(x, y, sort)) return -1;
    if (better(y, x, sort)) return 1;
    return a.index - b.index;
  });
  const keys = Object.keys(rows[0]?.params ?? {});
  const cols = ['total_return', 'sharpe', 'max_drawdown', 'win_rate', 'trade_count', 'net_pnl'];
  out(`sorted by ${sort}${LOWER_IS_BETTER.has(sort) ? ' (lower is better)' : ''}:`);
  for (const line of table(
    [...keys, ...cols],
    sorted.map((r) => [
      ...keys.map((k) => fmt(r.params[k])),
      ...(r.error
        ? [`error: ${r.error}`, ...cols.slice(1).map(() => '')]
        : cols.map((c) => fmt((r.summary as unknown as Record<string, unknown>)[c]))),
    ]),
  ))
    out(line);
}

/**
 * Splits the data into `n` consecutive windows; in each, the first `inSample` share is in-sample and the
 * rest out-of-sample. With sweeps, the best combination in-sample (by --sort) is run out-of-sample.
 */
async function walkForward(
  f: BacktestFlags,
  job: BacktestJob,
  rows: number,
  sweeps: ReturnType<typeof parseSweep>[],
  out: (line: string) => void,
  shared: WorkerData | undefined,
): Promise<number> {
  const n = f.walkForward!;
  if (!Number.isInteger(n) || n < 1 || n > 100)
    throw new UsageError(`--walk-forward: ${n} must be a whole number of windows in 1..100`);
  const size = Math.floor(rows / n);
  if (size < 10) throw new UsageError(`--walk-forward: ${rows} rows are too few for ${n} windows`);
  const grid = sweeps.length > 0 ? sweepGrid(sweeps) : [{}];
  const windows = Array.from({ length: n }, (_, w) => {
    const from = w * size;
    const to = w === n - 1 ? rows : from + size;
    const split = from + Math.floor((to - from) * f.inSample);
    return { inSample: { from, to: split }, outSample: { from: split, to } };
  });
  const isRows = await runSweep(
    job,
    windows.flatMap((w) => grid.map((params) => ({ params, window: w.inSample }))),
    progressReporter('walk-forward in-sample'),
    shared,
  );
  const chosen = windows.map((_, w) => {
    const candidates = isRows.slice(w * grid.length, (w + 1) * grid.length);
    return candidates.reduce((best, r) =>
      better(metric(r.summary, f.sort), metric(best.summary, f.sort), f.sort) ? r : best,
    );
  });
  const oosRows = await runSweep(
    job,
    windows.map((w, i) => ({ params: chosen[i]!.params, window: w.outSample })),
    progressReporter('walk-forward out-of-sample'),
    shared,
  );
  const keys = Object.keys(grid[0] ?? {});
  out(`walk-forward: ${n} windows, ${Math.round(f.inSample * 100)} % in-sample, chosen by ${f.sort}`);
  for (const line of table(
    ['window', ...keys, `IS ${f.sort}`, 'IS return', `OOS ${f.sort}`, 'OOS return', 'OOS trades'],
    windows.map((_, i) => [
      String(i + 1),
      ...keys.map((k) => fmt(chosen[i]!.params[k])),
      fmt(metric(chosen[i]!.summary, f.sort)),
      fmt(chosen[i]!.summary?.total_return),
      oosRows[i]!.error ? `error: ${oosRows[i]!.error}` : fmt(metric(oosRows[i]!.summary, f.sort)),
      fmt(oosRows[i]!.summary?.total_return),
      fmt(oosRows[i]!.summary?.trade_count),
    ]),
  ))
    out(line);
  return oosRows.some((r) => r.error) || isRows.some((r) => r.error) ? 1 : 0;
}

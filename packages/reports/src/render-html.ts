import { NANOS_PER_MILLI, isoToNanos } from '@qubit/model';
import type { UnixNanos } from '@qubit/model';
import type { BacktestReport, TradeRecord } from './backtest-report.js';
import { analyzeDrawdown, equitySeries } from './equity-stats.js';
import type { ReportInput } from './report-input.js';
import { percent, shortTime, summaryRows } from './summary-rows.js';
import { downsample, escapeHtml, renderLineChart, type ChartMarker, type ChartPoint } from './svg-chart.js';

const STYLE = `
:root { color-scheme: light; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 24px auto; max-width: 1100px; padding: 0 16px; color: #1d232b; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 8px; } h3 { font-size: 14px; margin: 16px 0 4px; }
.meta { color: #5b6673; margin: 0; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { padding: 4px 8px; border-bottom: 1px solid #e3e7ec; text-align: left; white-space: nowrap; }
th { background: #f4f6f8; font-weight: 600; }
td.num { text-align: right; }
table.summary { width: auto; } table.summary th { background: none; font-weight: 500; color: #5b6673; }
.scroll { overflow-x: auto; }
.chart { width: 100%; height: auto; display: block; }
.grid { stroke: #e3e7ec; stroke-width: 1; }
.axis { fill: #5b6673; font-size: 11px; }
.equity-line { fill: none; stroke: #2563eb; stroke-width: 1.5; }
.drawdown-line { fill: none; stroke: #b91c1c; stroke-width: 1.2; }
.drawdown-line-area { fill: #fecaca; stroke: none; }
.price-line { fill: none; stroke: #475569; stroke-width: 1.2; }
.marker { stroke: #ffffff; stroke-width: 0.8; }
.win { fill: #15803d; } .loss { fill: #dc2626; } .even { fill: #6b7280; } .open { fill: #d97706; }
tr.win td.pnl { color: #15803d; } tr.loss td.pnl { color: #dc2626; }
pre { background: #f4f6f8; padding: 12px; overflow-x: auto; font-size: 12px; }
.empty { color: #5b6673; }
`;

/**
 * The report as one self-contained HTML page: inline CSS and inline SVG, no script, no network, no fonts
 * (a Content-Security-Policy says so to the browser). It shows the summary, the equity and drawdown curves,
 * one price chart per instrument with entries and exits marked (▲ buy, ▼ sell; green won, red lost, grey
 * even, amber still open), the trades, the denials and the configuration. Every text is escaped. Curves
 * longer than 2,000 points are reduced to each bucket's low and high.
 */
export function renderHtml(report: BacktestReport, input: ReportInput): string {
  const xMin = nsToMs(input.start);
  const xMax = nsToMs(input.end);
  const formatX = (ms: number): string => shortTime(new Date(ms).toISOString());
  const series = equitySeries(input.equityCurve, input.start, input.startingEquity);
  const drawdown = analyzeDrawdown(series, input.end);
  const ccy = report.base_currency;

  const equityChart = renderLineChart({
    className: 'equity-line',
    label: `Equity (${ccy})`,
    points: downsample(series.map((p) => ({ x: nsToMs(p.ts), y: p.equity.toNumber() }))),
    xMin,
    xMax,
    formatX,
    formatY: compact,
  });
  const drawdownChart = renderLineChart({
    className: 'drawdown-line',
    label: 'Drawdown (%)',
    area: true,
    points: downsample(drawdown.points.map((p) => ({ x: nsToMs(p.ts), y: -p.drawdown * 100 }))),
    xMin,
    xMax,
    formatX,
    formatY: (y) => `${compact(y)} %`,
  });

  const instruments: string[] = [];
  for (const id of [
    ...input.prices.map((p) => p.instrumentId),
    ...report.trades.map((t) => t.instrument_id),
  ]) {
    if (!instruments.includes(id)) instruments.push(id);
  }
  const priceCharts = instruments.map((id) => {
    const bars = input.prices.find((p) => p.instrumentId === id)?.bars ?? [];
    const points: ChartPoint[] = bars.map((b) => ({ x: nsToMs(b.ts), y: b.close.toNumber() }));
    const markers = report.trades.filter((t) => t.instrument_id === id).flatMap(tradeMarkers);
    const chart = renderLineChart({
      className: 'price-line',
      label: `${id} close`,
      points: downsample(points),
      markers,
      xMin,
      xMax,
      formatX,
      formatY: compact,
    });
    return `<h3>${escapeHtml(id)}</h3>${chart}`;
  });

  const title = `Backtest report ${shortTime(report.period.start)} → ${shortTime(report.period.end)}`;
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    `<h1>${escapeHtml(title)}</h1>`,
    `<p class="meta">Qubit ${escapeHtml(report.run.qubit_version)} · run ${escapeHtml(report.run.started_at)} · ` +
      `took ${escapeHtml(String(report.run.duration_ms))} ms · base currency ${escapeHtml(ccy)}</p>`,
    '<h2>Summary</h2>',
    `<table class="summary">${summaryRows(report)
      .map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`)
      .join('')}</table>`,
    '<h2>Equity</h2>',
    equityChart,
    '<h2>Drawdown</h2>',
    drawdownChart,
    '<h2>Prices</h2>',
    priceCharts.length === 0 ? '<p class="empty">No prices.</p>' : priceCharts.join('\n'),
    '<h2>Trades</h2>',
    tradesTable(report.trades, ccy),
    '<h2>Denials</h2>',
    denialsTable(report),
    '<h2>Configuration</h2>',
    `<pre>${escapeHtml(JSON.stringify(report.config, null, 2))}</pre>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** ▲ where the trade bought, ▼ where it sold: a long enters up and exits down, a short the other way. */
function tradeMarkers(t: TradeRecord): ChartMarker[] {
  const outcome = outcomeOf(t);
  const long = t.side === 'long';
  const out: ChartMarker[] = [
    {
      x: isoToMs(t.entry_time),
      y: Number(t.entry_price),
      direction: long ? 'up' : 'down',
      className: outcome,
      title: `#${t.id} ${t.side} entry ${t.quantity} @ ${t.entry_price} (${t.entry_reason ?? 'no reason'})`,
    },
  ];
  if (t.exit_time !== null && t.exit_price !== null) {
    out.push({
      x: isoToMs(t.exit_time),
      y: Number(t.exit_price),
      direction: long ? 'down' : 'up',
      className: outcome,
      title: `#${t.id} ${t.side} exit @ ${t.exit_price} (${t.exit_reason ?? 'no reason'}), pnl ${t.pnl}`,
    });
  }
  return out;
}

function tradesTable(trades: readonly TradeRecord[], ccy: string): string {
  if (trades.length === 0) return '<p class="empty">No trades.</p>';
  const head = [
    '#',
    'Bot',
    'Instrument',
    'Side',
    'Status',
    'Quantity',
    'Entry',
    'Entry price',
    'Exit',
    'Exit price',
    `Fees (${ccy})`,
    `PnL (${ccy})`,
    'Return',
    'Entry reason',
    'Exit reason',
    'Duration',
    'Bars',
  ];
  const rows = trades.map((t) => {
    const outcome = outcomeOf(t);
    const cells: [string, boolean][] = [
      [String(t.id), true],
      [t.bot_id, false],
      [t.instrument_id, false],
      [t.side, false],
      [t.status, false],
      [t.quantity, true],
      [shortTime(t.entry_time), false],
      [t.entry_price, true],
      [t.exit_time === null ? '' : shortTime(t.exit_time), false],
      [exitCell(t), true],
      [t.fees, true],
      [t.pnl, true],
      [percent(t.return), true],
      [t.entry_reason ?? '', false],
      [t.exit_reason ?? '', false],
      [t.duration, false],
      [t.bars_held === null ? '' : String(t.bars_held), true],
    ];
    const tds = cells
      .map(
        ([v, num], i) =>
          `<td class="${[num ? 'num' : '', i === 11 ? 'pnl' : ''].join(' ').trim()}">${escapeHtml(v)}</td>`,
      )
      .join('');
    return `<tr class="${outcome}">${tds}</tr>`;
  });
  return `<div class="scroll"><table class="trades"><thead><tr>${head
    .map((h) => `<th>${escapeHtml(h)}</th>`)
    .join('')}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

function denialsTable(report: BacktestReport): string {
  if (report.denials.length === 0) return '<p class="empty">No denials.</p>';
  const head = ['Time', 'Bot', 'Instrument', 'Client order id', 'Stage', 'Code', 'Reason'];
  const rows = report.denials.map(
    (d) =>
      `<tr>${[
        shortTime(d.time),
        d.bot_id,
        d.instrument_id,
        d.client_order_id,
        String(d.stage),
        d.reason_code,
        d.reason,
      ]
        .map((v) => `<td>${escapeHtml(v)}</td>`)
        .join('')}</tr>`,
  );
  return `<div class="scroll"><table class="denials"><thead><tr>${head
    .map((h) => `<th>${escapeHtml(h)}</th>`)
    .join('')}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

/** A closed trade's exit price; for an open one its partial exits so far and the mark it is valued at. */
function exitCell(t: TradeRecord): string {
  if (t.status === 'closed') return t.exit_price ?? '';
  const mark = t.mark_price === null ? '' : `mark ${t.mark_price}`;
  return t.exit_price === null ? mark : `${t.exit_price} partial, ${mark}`;
}

/** The colour class of a trade: won, lost, even (zero PnL) or still open. */
function outcomeOf(t: TradeRecord): 'win' | 'loss' | 'even' | 'open' {
  if (t.status === 'open') return 'open';
  if (t.pnl.startsWith('-')) return 'loss';
  return /[1-9]/.test(t.pnl) ? 'win' : 'even';
}

/** Axis labels: 5 significant digits, enough to tell grid lines apart. */
function compact(v: number): string {
  const r = Number(v.toPrecision(5));
  return (r === 0 ? 0 : r).toString();
}

function nsToMs(ns: UnixNanos): number {
  return Number(ns / NANOS_PER_MILLI);
}

function isoToMs(iso: string): number {
  return nsToMs(isoToNanos(iso));
}

// Backtest reports: round trips, performance statistics, report.json, an HTML page and a terminal table.
// Pure functions of a finished run; the CLI writes the files.
export * from './backtest-report.js';
export * from './build-report.js';
export * from './equity-stats.js';
export * from './formatting.js';
export * from './render-html.js';
export * from './render-summary-table.js';
export * from './report-input.js';
export * from './report-schema.js';
export * from './round-trips.js';
export { escapeHtml } from './svg-chart.js';

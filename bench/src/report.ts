/** One measured figure; `peer_value` and `ratio` are set when a peer was measured in the same run. */
export interface Figure {
  bench: string;
  figure: string;
  value: number;
  unit: string;
  peer?: string;
  peer_value?: number;
  ratio?: number;
  target?: string;
  ok?: boolean;
}

/** Prints figures as a readable table, or one JSON line per figure with --json. */
export function printFigures(figures: readonly Figure[], json: boolean): void {
  if (json) {
    for (const f of figures) console.log(JSON.stringify(f));
    return;
  }
  const rows = figures.map((f) => [
    f.bench,
    f.figure,
    fmt(f.value),
    f.unit,
    f.peer ?? '',
    f.peer_value === undefined ? '' : fmt(f.peer_value),
    f.ratio === undefined ? '' : `${fmt(f.ratio)}x`,
    f.target ?? '',
    f.ok === undefined ? '' : f.ok ? 'yes' : 'NO',
  ]);
  const head = ['bench', 'figure', 'value', 'unit', 'peer', 'peer value', 'ratio', 'target', 'met'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  console.log(line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}

function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Math.abs(v) >= 1000) return Math.round(v).toLocaleString('en-US');
  if (Math.abs(v) >= 10) return v.toFixed(1);
  return v.toFixed(3);
}

/** Percentile of a sorted sample (nearest-rank). */
export function percentile(sorted: Float64Array | number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

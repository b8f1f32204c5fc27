/** Escapes text for HTML element content and quoted attribute values alike. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** A point of a chart: x in milliseconds since the epoch, y in the chart's unit. */
export interface ChartPoint {
  readonly x: number;
  readonly y: number;
}

/** A marker drawn on a chart: a triangle pointing up or down, with a class for its colour and a tooltip. */
export interface ChartMarker extends ChartPoint {
  readonly direction: 'up' | 'down';
  readonly className: string;
  readonly title: string;
}

export interface LineChart {
  readonly className: string;
  readonly points: readonly ChartPoint[];
  readonly markers?: readonly ChartMarker[];
  /** Fill the area between the line and y = 0 (the drawdown chart). */
  readonly area?: boolean;
  /** The x range; the chart widens it to hold every point. */
  readonly xMin: number;
  readonly xMax: number;
  readonly formatY: (y: number) => string;
  readonly formatX: (x: number) => string;
  readonly label: string;
}

const WIDTH = 960;
const HEIGHT = 260;
const PAD = { left: 78, right: 16, top: 12, bottom: 28 };
const Y_TICKS = 4;

/** More points than pixels only weighs the page down; buckets keep their lowest and highest point. */
export const MAX_CHART_POINTS = 2000;

/**
 * Reduces a series to at most about `max` points, keeping each bucket's minimum and maximum in x order, so
 * that spikes and drawdowns stay visible where plain decimation would skip them.
 */
export function downsample(points: readonly ChartPoint[], max = MAX_CHART_POINTS): ChartPoint[] {
  if (points.length <= max) return [...points];
  const size = Math.ceil(points.length / Math.floor(max / 2));
  const out: ChartPoint[] = [];
  for (let i = 0; i < points.length; i += size) {
    let lo = points[i]!;
    let hi = lo;
    for (let j = i + 1; j < Math.min(i + size, points.length); j++) {
      const p = points[j]!;
      if (p.y < lo.y) lo = p;
      if (p.y > hi.y) hi = p;
    }
    if (lo === hi) out.push(lo);
    else if (lo.x <= hi.x) out.push(lo, hi);
    else out.push(hi, lo);
  }
  return out;
}

/** One inline SVG with a y grid, x labels at both ends, the line (as one path) and the markers. */
export function renderLineChart(chart: LineChart): string {
  const all = [...chart.points, ...(chart.markers ?? [])];
  let xMin = chart.xMin;
  let xMax = chart.xMax;
  let yMin = Infinity;
  let yMax = -Infinity;
  for (const p of all) {
    xMin = Math.min(xMin, p.x);
    xMax = Math.max(xMax, p.x);
    yMin = Math.min(yMin, p.y);
    yMax = Math.max(yMax, p.y);
  }
  if (chart.area === true) {
    yMin = Math.min(yMin, 0);
    yMax = Math.max(yMax, 0);
  }
  if (!Number.isFinite(yMin)) {
    yMin = 0;
    yMax = 1;
  }
  if (yMax === yMin) {
    const pad = Math.abs(yMax) * 0.01 || 1;
    yMin -= pad;
    yMax += pad;
  }
  if ((chart.markers ?? []).length > 0) {
    // Room for the triangles drawn above and below their price.
    const pad = (yMax - yMin) * 0.06;
    yMin -= pad;
    yMax += pad;
  }
  const step = niceStep((yMax - yMin) / Y_TICKS);
  yMin = Math.floor(yMin / step) * step;
  yMax = Math.ceil(yMax / step) * step;
  const ticks = Math.round((yMax - yMin) / step);
  if (xMax === xMin) xMax = xMin + 1;
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const sx = (x: number): string => fmt(PAD.left + ((x - xMin) / (xMax - xMin)) * plotW);
  const sy = (y: number): string => fmt(PAD.top + ((yMax - y) / (yMax - yMin)) * plotH);

  const parts: string[] = [];
  for (let i = 0; i <= ticks; i++) {
    const y = yMin + step * i;
    parts.push(
      `<line class="grid" x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${sy(y)}" y2="${sy(y)}"/>`,
      `<text class="axis" x="${PAD.left - 6}" y="${sy(y)}" text-anchor="end" dominant-baseline="middle">${escapeHtml(chart.formatY(y))}</text>`,
    );
  }
  const base = HEIGHT - PAD.bottom + 18;
  parts.push(
    `<text class="axis" x="${PAD.left}" y="${base}">${escapeHtml(chart.formatX(xMin))}</text>`,
    `<text class="axis" x="${WIDTH - PAD.right}" y="${base}" text-anchor="end">${escapeHtml(chart.formatX(xMax))}</text>`,
  );
  const line = chart.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${sx(p.x)} ${sy(p.y)}`).join(' ');
  if (line !== '') {
    if (chart.area === true) {
      const first = chart.points[0]!;
      const last = chart.points[chart.points.length - 1]!;
      const zero = sy(0);
      parts.push(
        `<path class="${chart.className}-area" d="M${sx(first.x)} ${zero} ${line.replace(/^M/, 'L')} L${sx(last.x)} ${zero} Z"/>`,
      );
    }
    parts.push(`<path class="${chart.className}" d="${line}"/>`);
  }
  for (const m of chart.markers ?? []) parts.push(marker(m, sx(m.x), sy(m.y)));
  return (
    `<svg class="chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${escapeHtml(chart.label)}" xmlns="http://www.w3.org/2000/svg">` +
    `<title>${escapeHtml(chart.label)}</title>${parts.join('')}</svg>`
  );
}

function marker(m: ChartMarker, x: string, y: string): string {
  const cx = Number(x);
  const cy = Number(y);
  const s = 6;
  // The tip touches the price: an entry bought from below points up at it, a sale from above points down.
  const pts =
    m.direction === 'up'
      ? [cx, cy, cx - s, cy + s * 1.6, cx + s, cy + s * 1.6]
      : [cx, cy, cx - s, cy - s * 1.6, cx + s, cy - s * 1.6];
  const points = `${fmt(pts[0]!)},${fmt(pts[1]!)} ${fmt(pts[2]!)},${fmt(pts[3]!)} ${fmt(pts[4]!)},${fmt(pts[5]!)}`;
  return `<polygon class="marker ${m.direction} ${m.className}" points="${points}"><title>${escapeHtml(m.title)}</title></polygon>`;
}

/** The round step (1, 2, 2.5 or 5 times a power of ten) nearest above `raw`, so grid labels read well. */
function niceStep(raw: number): number {
  const power = Math.pow(10, Math.floor(Math.log10(raw)));
  const m = raw / power;
  const nice = m <= 1 ? 1 : m <= 2 ? 2 : m <= 2.5 ? 2.5 : m <= 5 ? 5 : 10;
  return Number((nice * power).toPrecision(12));
}

function fmt(n: number): string {
  const r = Math.round(n * 10) / 10;
  return (r === 0 ? 0 : r).toString();
}

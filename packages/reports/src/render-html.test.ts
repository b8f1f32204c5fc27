import { describe, expect, it } from 'vitest';
import { buildReport } from './build-report.js';
import { renderHtml } from './render-html.js';
import { downsample } from './svg-chart.js';
import { bars, day, fill, makeInput, sampleInput } from './test-fixtures.js';

describe('renderHtml', () => {
  const input = sampleInput();
  const html = renderHtml(buildReport(input), input);

  it('is one self-contained page: no script, no external resource', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|src=|url\(|@import|@font-face/i);
    expect(html.match(/https?:\/\/[^"]*/g)).toEqual([
      'http://www.w3.org/2000/svg',
      'http://www.w3.org/2000/svg',
      'http://www.w3.org/2000/svg',
      'http://www.w3.org/2000/svg',
    ]);
  });

  it('draws the equity and drawdown curves and one price chart per instrument as SVG paths', () => {
    // Equity: 3 points from day 0 to day 10, spanning the whole plot width (x 78 → 944).
    expect(html).toMatch(/<path class="equity-line" d="M78 [\d.]+ L[\d.]+ [\d.]+ L944 [\d.]+"\/>/);
    expect(html).toMatch(/<path class="drawdown-line" d="M78 [\d.]+ L/);
    expect(html).toMatch(/<path class="drawdown-line-area" d="M78 /);
    expect(html.match(/<path class="price-line"/g)).toHaveLength(2);
    expect(html).toContain('<h3>AAA.SIM</h3>');
    expect(html).toContain('<h3>BBB.SIM</h3>');
  });

  it('marks entries and exits with triangles pointing the way the trade traded, coloured by outcome', () => {
    // Long won on AAA: ▲ entry, ▼ exit, green. Open long on AAA: ▲ entry only, amber. Short lost on BBB: ▼ entry, ▲ exit, red.
    const markers = [...html.matchAll(/<polygon class="marker (up|down) (\w+)"/g)].map(
      (m) => `${m[1]} ${m[2]}`,
    );
    expect(markers).toEqual(['up win', 'down win', 'up open', 'down loss', 'up loss']);
    expect(html).toContain('<title>#1 long entry 2 @ 100.00 (entry)</title>');
    expect(html).toContain('<title>#2 short exit @ 55.0 (stop_loss), pnl -5.10</title>');
  });

  it('shows the summary, the trades and the denials as tables', () => {
    expect(html).toContain('<tr><th>Net PnL</th><td>27.18 USD</td></tr>');
    expect(html.match(/<tr class="(win|loss|open|even)">/g)).toEqual([
      '<tr class="win">',
      '<tr class="loss">',
      '<tr class="open">',
    ]);
    expect(html).toContain('<td class="num">105.00 partial, mark 108.00</td>');
    expect(html).toContain('<td>position 3 above max 2</td>');
    expect(html).toContain('&quot;seed&quot;: 7');
  });

  it('escapes a malicious instrument id, bot id and reason everywhere', () => {
    const evil = '<script>alert("x")</script>.SIM';
    const hostile = makeInput({
      fills: [
        fill({ ts: day(1), side: 'BUY', qty: '1', px: '10', coid: 'E1', instrument: evil }),
        fill({ ts: day(2), side: 'SELL', qty: '1', px: '11', coid: 'E2', instrument: evil }),
      ],
      reasonOf: { E1: `<img src=x onerror='alert(1)'>`, E2: 'exit & run' },
      prices: [{ instrumentId: evil, bars: bars([[day(1), '10']]) }],
      config: { note: '</pre><script>alert(2)</script>' },
    });
    const page = renderHtml(buildReport(hostile), hostile);
    expect(page).not.toMatch(/<script|<img/);
    expect(page).toContain('<h3>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;.SIM</h3>');
    expect(page).toContain('&lt;img src=x onerror=&#39;alert(1)&#39;&gt;');
    expect(page).toContain('exit &amp; run');
    expect(page).toContain('&lt;/pre&gt;&lt;script&gt;alert(2)&lt;/script&gt;');
  });

  it('renders an empty run without failing', () => {
    const empty = makeInput();
    const page = renderHtml(buildReport(empty), empty);
    expect(page).toContain('No trades.');
    expect(page).toContain('No denials.');
    expect(page).toContain('No prices.');
  });

  it('is the same string for the same input', () => {
    const again = sampleInput();
    expect(renderHtml(buildReport(again), again)).toBe(html);
  });
});

describe('downsample', () => {
  it('keeps at most the budget of points and never loses the lowest or the highest', () => {
    const points = Array.from({ length: 10_000 }, (_, i) => ({
      x: i,
      y: Math.sin(i / 50) * 100 + (i === 7777 ? 500 : 0),
    }));
    const reduced = downsample(points, 2000);
    expect(reduced.length).toBeLessThanOrEqual(2000);
    expect(reduced.length).toBeGreaterThan(1000);
    expect(reduced.some((p) => p.x === 7777)).toBe(true);
    expect(Math.min(...reduced.map((p) => p.y))).toBe(Math.min(...points.map((p) => p.y)));
    expect(reduced.every((p, i) => i === 0 || p.x > reduced[i - 1]!.x)).toBe(true);
    expect(downsample(points.slice(0, 5), 2000)).toEqual(points.slice(0, 5));
  });
});

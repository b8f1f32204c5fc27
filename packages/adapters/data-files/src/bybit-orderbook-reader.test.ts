import { afterAll, describe, expect, it } from 'vitest';
import { book, deltas, levels } from './book-test-support.js';
import { loadMarketDataFileSync } from './load-market-data-file.js';
import { dataFileError, FixtureDir, lines, testInstrument } from './test-support.js';

const dir = new FixtureDir();
afterAll(() => dir.cleanup());
const inst = testInstrument('XRPUSDT-LINEAR.BYBIT', '0.0001', '1');
const msg = (type: string, ts: number, cts: number, u: number, b: string[][], a: string[][]): string =>
  JSON.stringify({
    topic: 'orderbook.500.XRPUSDT',
    type,
    ts,
    data: { s: 'XRPUSDT', b, a, u, seq: u * 10 },
    cts,
  });

describe('Bybit order-book JSONL', () => {
  it('reads a snapshot then deltas, with size "0" deleting and cts as the event time', () => {
    const f = dir.write(
      'ob500.jsonl',
      lines(
        msg(
          'snapshot',
          1733011200691,
          1733011200589,
          20254869,
          [
            ['1.9530', '2409'],
            ['1.9531', '6203'],
          ],
          [['1.9535', '100']],
        ),
        msg('delta', 1733011200693, 1733011200691, 20254870, [['1.9531', '0']], [['1.9536', '50']]),
      ),
    );
    const r = book(loadMarketDataFileSync(f, { instrument: inst }));
    expect(r.format).toBe('bybit-orderbook-jsonl');
    const [snap, delta] = r.data;
    if (snap?.type !== 'OrderBookSnapshot') throw new Error('expected a snapshot');
    expect(levels(snap.bids)).toEqual(['1.9531x6203', '1.9530x2409']);
    expect([snap.tsEvent, snap.tsInit, snap.sequence]).toEqual([
      1_733_011_200_589_000_000n,
      1_733_011_200_691_000_000n,
      20254869,
    ]);
    expect(deltas(delta!)).toEqual(['DELETE BUY 1.9531x0', 'UPDATE SELL 1.9536x50']);
  });

  it('names the line of a message that is not JSON or not a book message', () => {
    const good = msg('snapshot', 1, 1, 1, [], []);
    const f = dir.write('broken.jsonl', lines(good, '{"topic":"orderbook.500.XRPUSDT",'));
    expect(dataFileError(() => loadMarketDataFileSync(f, { instrument: inst })).message).toBe(
      `${f}:2: is not valid JSON`,
    );
    const g = dir.write(
      'odd.jsonl',
      lines(good, JSON.stringify({ topic: 'orderbook.500.XRPUSDT', type: 'reset', ts: 2, data: {} })),
    );
    expect(dataFileError(() => loadMarketDataFileSync(g, { instrument: inst })).message).toBe(
      `${g}:2: type "reset" is not snapshot or delta`,
    );
  });

  it('names the line and side of a price off the grid', () => {
    const f = dir.write('offgrid.jsonl', lines(msg('snapshot', 1, 1, 1, [['1.95301', '1']], [])));
    expect(dataFileError(() => loadMarketDataFileSync(f, { instrument: inst })).message).toContain(
      `${f}:1: data.b: 1.95301 is not on the tick grid`,
    );
  });
});

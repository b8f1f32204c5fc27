import { readFileSync } from 'node:fs';
import { InstrumentId, type UnixNanos } from '@qubit/model';
import { sharedDataFile, sharedDataSkipReason } from '@qubit/test-data';
import { describe, expect, it } from 'vitest';
import { BinanceBookSync } from './binance-book-sync.js';
import { parseBinanceDepthSnapshot, parseBinanceDepthUpdate, type BinanceDepthDiff } from './parse.js';
import { readRecording } from './recording.js';

const SESSIONS = 'exchange_messages/recorded_sessions';
const skip = sharedDataSkipReason(SESSIONS);
if (skip) console.warn(`Binance book sync tests ${skip}`);

type Step =
  | { kind: 'snapshot'; at: UnixNanos; snapshot: ReturnType<typeof parseBinanceDepthSnapshot> }
  | { kind: 'diff'; at: UnixNanos; diff: BinanceDepthDiff };

/** Snapshots and diffs of one recorded session, per symbol, in the order they arrived. */
function session(venue: 'BINANCE' | 'BINANCE_FUTURES'): Map<string, Step[]> {
  const read = (name: string) => {
    const path = sharedDataFile(`${SESSIONS}/cryptofeed_${venue}.${name}.txt`);
    if (!path) throw new Error(`${name} is missing`);
    return readRecording(readFileSync(path, 'utf8'));
  };
  const bySymbol = new Map<string, Step[]>();
  const push = (symbol: string, step: Step) => {
    const steps = bySymbol.get(symbol) ?? [];
    steps.push(step);
    bySymbol.set(symbol, steps);
  };
  for (const m of read('http.0.0').messages) {
    const symbol = /symbol=([A-Z0-9]+)/.exec(m.url ?? '')?.[1];
    if (!symbol) throw new Error(`no symbol in ${m.url}`);
    const ctx = { instrumentId: InstrumentId(`${symbol}.BINANCE`), tsInit: m.receivedAt };
    push(symbol, { kind: 'snapshot', at: m.receivedAt, snapshot: parseBinanceDepthSnapshot(m.payload, ctx) });
  }
  for (const m of read('ws.1.0').messages) {
    const data = (m.payload as { data?: { e?: string; s?: string } }).data;
    if (data?.e !== 'depthUpdate' || !data.s) continue;
    const ctx = { instrumentId: InstrumentId(`${data.s}.BINANCE`), tsInit: m.receivedAt };
    push(data.s, { kind: 'diff', at: m.receivedAt, diff: parseBinanceDepthUpdate(m.payload, ctx) });
  }
  for (const steps of bySymbol.values()) steps.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  return bySymbol;
}

/** Replays steps, checking the book after each; returns the sync and the diffs it applied. */
function replay(
  steps: readonly Step[],
  sync = new BinanceBookSync(),
): { sync: BinanceBookSync; applied: BinanceDepthDiff[] } {
  const applied: BinanceDepthDiff[] = [];
  for (const step of steps) {
    const results =
      step.kind === 'snapshot' ? sync.applySnapshot(step.snapshot) : [sync.applyDiff(step.diff)];
    for (const r of results)
      if (r.kind === 'applied')
        applied.push(step.kind === 'diff' ? step.diff : ({ deltas: r.deltas } as BinanceDepthDiff));
    if (!sync.needsSnapshot) expect(sync.inconsistency()).toBeUndefined();
  }
  return { sync, applied };
}

const levelsOf = (sync: BinanceBookSync) => {
  const book = sync.book();
  if (!book) throw new Error('no book');
  const text = (ls: typeof book.bids) => ls.map((l) => `${l.price.toString()}@${l.size.toString()}`);
  return { bids: text(book.bids), asks: text(book.asks), sequence: book.sequence };
};

describe.skipIf(skip !== undefined).each(['BINANCE', 'BINANCE_FUTURES'] as const)(
  '%s recorded snapshot + diff session',
  (venue) => {
    const symbols = skip === undefined ? session(venue) : new Map<string, Step[]>();

    it('replays every symbol into a consistent book with no gap', () => {
      expect(symbols.size).toBe(4);
      let applied = 0;
      for (const [symbol, steps] of symbols) {
        const { sync } = replay(steps);
        expect(sync.gaps, symbol).toBe(0);
        expect(sync.needsSnapshot, symbol).toBe(false);
        const book = sync.book()!;
        expect(book.bids.length, symbol).toBeGreaterThan(0);
        expect(book.asks.length, symbol).toBeGreaterThan(0);
        expect(book.bids[0]!.price.lt(book.asks[0]!.price), symbol).toBe(true);
        expect(
          book.bids.every((l) => l.size.isPositive()) && book.asks.every((l) => l.size.isPositive()),
        ).toBe(true);
        applied += sync.applied;
      }
      expect(applied).toBeGreaterThan(10);
    });

    it('drops the diffs that the snapshot already holds', () => {
      const dropped = [...symbols.values()].reduce((n, steps) => n + replay(steps).sync.dropped, 0);
      expect(dropped).toBeGreaterThan(0);
    });

    it('detects a skipped diff as a gap, counts it, and resyncs from a fresh snapshot to the same book', () => {
      const [symbol, steps] = [...symbols].sort((a, b) => b[1].length - a[1].length)[0]!;
      const reference = replay(steps);
      const victim = reference.applied[Math.floor(reference.applied.length / 2)]!;
      const at = steps.findIndex((s) => s.kind === 'diff' && s.diff === victim);
      expect(at, symbol).toBeGreaterThan(0);

      // The book as a snapshot taken right after the skipped diff would show it.
      const upToVictim = replay(steps.slice(0, at + 1)).sync.book()!;
      const sync = new BinanceBookSync();
      replay(steps.slice(0, at), sync);
      const next = steps.slice(at + 1).find((s) => s.kind === 'diff');
      if (next?.kind !== 'diff') throw new Error('no diff after the victim');
      const result = sync.applyDiff(next.diff);
      expect(result.kind).toBe('gap');
      expect(sync.gaps).toBe(1);
      expect(sync.needsSnapshot).toBe(true);
      expect(sync.book()).toBeUndefined();

      const afterNext = steps.slice(steps.indexOf(next) + 1);
      const resumed = sync.applySnapshot(upToVictim);
      expect(resumed.map((r) => r.kind)).toEqual(['applied']);
      replay(afterNext, sync);
      expect(sync.gaps).toBe(1);
      expect(levelsOf(sync)).toEqual(levelsOf(reference.sync));
    });
  },
);

describe('BinanceBookSync rules', () => {
  const id = InstrumentId('X.BINANCE');
  const snap = (seq: number) => ({
    type: 'OrderBookSnapshot' as const,
    instrumentId: id,
    bids: [],
    asks: [],
    sequence: seq,
    tsEvent: 0n,
    tsInit: 0n,
  });
  const diff = (U: number, u: number, pu?: number): BinanceDepthDiff => ({
    symbol: 'X',
    firstUpdateId: U,
    finalUpdateId: u,
    ...(pu !== undefined ? { previousFinalUpdateId: pu } : {}),
    deltas: { type: 'OrderBookDeltas', instrumentId: id, deltas: [], sequence: u, tsEvent: 0n, tsInit: 0n },
  });

  it('buffers diffs until the snapshot and replays them in order', () => {
    const s = new BinanceBookSync();
    expect(s.applyDiff(diff(95, 99)).kind).toBe('buffered');
    expect(s.applyDiff(diff(100, 102)).kind).toBe('buffered');
    expect(s.applySnapshot(snap(100)).map((r) => r.kind)).toEqual(['dropped', 'applied']);
    expect(s.sequence).toBe(102);
  });

  it('calls a first spot diff that starts after lastUpdateId+1 a gap', () => {
    const s = new BinanceBookSync();
    s.applySnapshot(snap(100));
    const r = s.applyDiff(diff(103, 105));
    expect(r).toMatchObject({ kind: 'gap', expected: 101, got: 103 });
    expect(s.gaps).toBe(1);
  });

  it('chains futures diffs by pu and calls a broken chain a gap', () => {
    const s = new BinanceBookSync();
    s.applySnapshot(snap(100));
    expect(s.applyDiff(diff(90, 100, 89)).kind).toBe('applied');
    expect(s.applyDiff(diff(101, 110, 100)).kind).toBe('applied');
    expect(s.applyDiff(diff(120, 130, 115)).kind).toBe('gap');
  });
});

import type { OrderBookDeltas, OrderBookSnapshot } from '@qubit/model';
import { BookLevels } from './book-levels.js';
import type { BinanceDepthDiff } from './parse.js';

/** What became of one diff handed to the sync. */
export type BookSyncResult =
  | { readonly kind: 'buffered' }
  | { readonly kind: 'dropped'; readonly reason: string }
  | { readonly kind: 'applied'; readonly deltas: OrderBookDeltas }
  | { readonly kind: 'gap'; readonly expected: number; readonly got: number; readonly detail: string };

/**
 * Keeps a Binance book in step from a REST snapshot plus the diff-depth stream, by Binance's rules:
 * buffer diffs until a snapshot arrives; drop diffs the snapshot already contains (spot: u ≤ lastUpdateId,
 * futures: u < lastUpdateId); the first diff applied must straddle the snapshot (spot: U ≤ lastUpdateId+1 ≤ u,
 * futures: U ≤ lastUpdateId ≤ u, or pu = lastUpdateId); afterwards each diff must follow the last (spot: U = previous u + 1,
 * futures: pu = previous u). Anything else is a gap: counted, the book is discarded and the caller must
 * fetch a fresh snapshot (`needsSnapshot`); diffs are buffered meanwhile so none is lost.
 */
export class BinanceBookSync {
  private readonly levels = new BookLevels();
  private buffer: BinanceDepthDiff[] = [];
  private lastUpdateId: number | undefined;
  /** True once a diff has been applied on top of the current snapshot. */
  private chained = false;
  private lastEvent: OrderBookDeltas | undefined;
  private snapshotAt: OrderBookSnapshot | undefined;
  gaps = 0;
  dropped = 0;
  applied = 0;

  /** How many buffered diffs are kept while waiting for a snapshot; older ones are discarded first. */
  constructor(private readonly maxBuffer = 10_000) {}

  /** True until a snapshot has been applied, and again after a gap. */
  get needsSnapshot(): boolean {
    return this.lastUpdateId === undefined;
  }

  /** The update id the book is at (undefined while waiting for a snapshot). */
  get sequence(): number | undefined {
    return this.lastUpdateId;
  }

  /** Applies a REST snapshot and then the diffs buffered while it was fetched; returns what each became. */
  applySnapshot(snapshot: OrderBookSnapshot): BookSyncResult[] {
    this.levels.reset(snapshot);
    this.lastUpdateId = snapshot.sequence;
    this.snapshotAt = snapshot;
    this.lastEvent = undefined;
    this.chained = false;
    const pending = this.buffer;
    this.buffer = [];
    const results: BookSyncResult[] = [];
    for (const d of pending) {
      const r = this.applyDiff(d);
      results.push(r);
      if (r.kind === 'gap') break;
    }
    return results;
  }

  applyDiff(diff: BinanceDepthDiff): BookSyncResult {
    const last = this.lastUpdateId;
    if (last === undefined) {
      this.buffer.push(diff);
      if (this.buffer.length > this.maxBuffer) this.buffer.shift();
      return { kind: 'buffered' };
    }
    const futures = diff.previousFinalUpdateId !== undefined;
    const { firstUpdateId: U, finalUpdateId: u } = diff;
    if (futures ? u < last : u <= last) {
      this.dropped++;
      return { kind: 'dropped', reason: `u ${u} is already in the book at ${last}` };
    }
    let follows: boolean;
    let expected: number;
    if (!this.chained) {
      expected = futures ? last : last + 1;
      // A futures diff whose pu is the snapshot's id follows it exactly, as ccxt also accepts.
      follows = (U <= expected && u >= expected) || (futures && diff.previousFinalUpdateId === last);
    } else if (futures) {
      expected = last;
      follows = diff.previousFinalUpdateId === last;
    } else {
      expected = last + 1;
      follows = U === expected;
    }
    if (!follows) {
      const got = futures && this.chained ? (diff.previousFinalUpdateId ?? U) : U;
      const detail = this.chained
        ? `diff ${U}..${u} does not follow update ${last}`
        : `first diff ${U}..${u} does not straddle snapshot ${last}`;
      this.gaps++;
      this.lastUpdateId = undefined;
      this.chained = false;
      this.levels.clear();
      // The diff itself is newer than the book: keep it for the next snapshot.
      this.buffer = [diff];
      return { kind: 'gap', expected, got, detail };
    }
    for (const d of diff.deltas.deltas) this.levels.apply(d);
    this.lastUpdateId = u;
    this.chained = true;
    this.applied++;
    this.lastEvent = diff.deltas;
    return { kind: 'applied', deltas: diff.deltas };
  }

  /** The book as it stands, best levels first; undefined while waiting for a snapshot. */
  book(): OrderBookSnapshot | undefined {
    const at = this.lastEvent ?? this.snapshotAt;
    if (this.lastUpdateId === undefined || !at) return undefined;
    return this.levels.snapshot(at.instrumentId, this.lastUpdateId, at.tsEvent, at.tsInit);
  }

  /** Undefined when the book is consistent (no zero levels, best bid below best ask). */
  inconsistency(): string | undefined {
    return this.levels.inconsistency();
  }
}

import {
  BookAction,
  ModelError,
  OrderSide,
  type OrderBookDeltas,
  type OrderBookSnapshot,
} from '@qubit/model';
import { priceUnits, sizeUnits } from './units.js';

/** One price level in units of the instrument's precision. Mutable: our own fills consume its size. */
export interface Level {
  px: bigint;
  size: bigint;
}

/**
 * One side of an L2 book: levels sorted best first (bids high→low, asks low→high). Sizes the
 * venue's own fills took stay consumed until book data restates the level.
 */
export class BookSide {
  readonly levels: Level[] = [];

  constructor(readonly isBid: boolean) {}

  best(): Level | undefined {
    return this.levels[0];
  }

  /** True when `a` is a better price than `b` on this side. */
  better(a: bigint, b: bigint): boolean {
    return this.isBid ? a > b : a < b;
  }

  /** True when a level at `px` is within an order's limit (a bid at or above a sell limit, an ask at or below a buy limit). */
  within(px: bigint, limit: bigint): boolean {
    return this.isBid ? px >= limit : px <= limit;
  }

  /** Sets the size at `px`; a size of zero deletes the level. */
  set(px: bigint, size: bigint): void {
    const levels = this.levels;
    let lo = 0;
    let hi = levels.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.better(levels[mid]!.px, px)) lo = mid + 1;
      else hi = mid;
    }
    const at = levels[lo];
    if (at !== undefined && at.px === px) {
      if (size > 0n) at.size = size;
      else levels.splice(lo, 1);
    } else if (size > 0n) {
      levels.splice(lo, 0, { px, size });
    }
  }

  /** Makes the side a single level, reusing its object (a quote tick replaces the top of book). */
  setSingle(px: bigint, size: bigint): void {
    const first = this.levels[0];
    if (size <= 0n) {
      this.levels.length = 0;
    } else if (first) {
      first.px = px;
      first.size = size;
      // Setting an array's length is a runtime call even when it does not change: quotes come often.
      if (this.levels.length !== 1) this.levels.length = 1;
    } else {
      this.levels.push({ px, size });
    }
  }

  clear(): void {
    this.levels.length = 0;
  }

  /** Takes `size` from the best level, removing it when empty. */
  consumeBest(size: bigint): void {
    const top = this.levels[0];
    if (!top) return;
    top.size -= size;
    if (top.size <= 0n) this.levels.shift();
  }

  /** Total size of the levels within `limit` (all levels when there is no limit). */
  volumeWithin(limit: bigint | undefined): bigint {
    let sum = 0n;
    for (const l of this.levels) {
      if (limit !== undefined && !this.within(l.px, limit)) break;
      sum += l.size;
    }
    return sum;
  }
}

/** An L2 (market-by-price) book built from snapshots and deltas, in instrument units. */
export class L2Book {
  readonly bids = new BookSide(true);
  readonly asks = new BookSide(false);

  constructor(
    readonly priceScale: number,
    readonly sizeScale: number,
  ) {}

  clear(): void {
    this.bids.clear();
    this.asks.clear();
  }

  side(side: OrderSide): BookSide {
    return side === OrderSide.BUY ? this.bids : this.asks;
  }

  /** Replaces the whole book. Every level is read before anything changes, so bad data leaves the book as it was. */
  applySnapshot(s: OrderBookSnapshot): void {
    const bids = this.readLevels(s.bids, 'snapshot.bids');
    const asks = this.readLevels(s.asks, 'snapshot.asks');
    this.clear();
    for (let i = 0; i < bids.length; i += 2) this.bids.set(bids[i]!, bids[i + 1]!);
    for (let i = 0; i < asks.length; i += 2) this.asks.set(asks[i]!, asks[i + 1]!);
  }

  /**
   * Applies a batch of deltas atomically: all are read (and checked) first. ADD and UPDATE set a
   * level's size, DELETE or a zero size remove it, CLEAR empties the whole book (as Nautilus does).
   * `clearFirst` drops whatever the book held before (levels built from quotes) once the deltas are read.
   */
  applyDeltas(d: OrderBookDeltas, clearFirst = false): void {
    const n = d.deltas.length;
    const px = new Array<bigint>(n);
    const size = new Array<bigint>(n);
    for (let i = 0; i < n; i++) {
      const x = d.deltas[i]!;
      if (!Object.hasOwn(BookAction, x.action)) {
        throw new ModelError(
          `deltas[${i}].action`,
          `"${String(x.action)}" is not one of ${Object.keys(BookAction).join(', ')}`,
        );
      }
      if (x.action === BookAction.CLEAR) {
        px[i] = 0n;
        size[i] = 0n;
        continue;
      }
      if (x.side !== OrderSide.BUY && x.side !== OrderSide.SELL) {
        throw new ModelError(`deltas[${i}].side`, `"${String(x.side)}" is not BUY or SELL`);
      }
      px[i] = priceUnits(x.price, this.priceScale, `deltas[${i}].price`);
      size[i] = x.action === BookAction.DELETE ? 0n : sizeUnits(x.size, this.sizeScale);
    }
    if (clearFirst) this.clear();
    for (let i = 0; i < n; i++) {
      const x = d.deltas[i]!;
      if (x.action === BookAction.CLEAR) this.clear();
      else this.side(x.side).set(px[i]!, size[i]!);
    }
  }

  private readLevels(levels: OrderBookSnapshot['bids'], field: string): bigint[] {
    const out: bigint[] = [];
    levels.forEach((l, i) => {
      out.push(
        priceUnits(l.price, this.priceScale, `${field}[${i}].price`),
        sizeUnits(l.size, this.sizeScale),
      );
    });
    return out;
  }
}

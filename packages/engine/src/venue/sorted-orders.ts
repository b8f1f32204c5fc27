import type { RestingList, SimOrder } from './sim-order.js';

/** Orders resting at one price (or trigger), oldest first. */
interface PriceLevel {
  readonly key: bigint;
  readonly orders: SimOrder[];
}

/**
 * Resting orders of one kind (buy limits, sell stops, …) in matching priority: by price (or
 * trigger), then by time. Like a real matching engine it keeps a FIFO queue per price and a sorted
 * array of the (few) distinct prices, so adding an order is O(1) at a known price and a match only
 * looks at the front. Matching loops `detach` orders lazily and `compact` once at the end, so a loop
 * never shifts the arrays under its own cursor.
 */
export class SortedOrders implements RestingList {
  private readonly levels: PriceLevel[] = [];
  private readonly byKey = new Map<bigint, PriceLevel>();
  private readonly cursor = new OrderCursor(this.levels, this);
  private dirty = false;
  private count = 0;

  /**
   * @param byTrigger sort by trigger price (stops) rather than limit price
   * @param descending highest price first (buy limits, sell stops)
   */
  constructor(
    readonly byTrigger: boolean,
    readonly descending: boolean,
  ) {}

  keyOf(o: SimOrder): bigint {
    return this.byTrigger ? o.trgU : o.pxU;
  }

  /** Number of orders resting here (detached ones included until `compact`). */
  get length(): number {
    return this.count;
  }

  insert(o: SimOrder): void {
    const key = this.keyOf(o);
    let level = this.byKey.get(key);
    if (!level) {
      level = { key, orders: [] };
      this.byKey.set(key, level);
      const levels = this.levels;
      let lo = 0;
      let hi = levels.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (this.before(levels[mid]!.key, key)) lo = mid + 1;
        else hi = mid;
      }
      levels.splice(lo, 0, level);
    }
    const orders = level.orders;
    const last = orders[orders.length - 1];
    if (last === undefined || last.seq < o.seq) {
      orders.push(o);
    } else {
      // A modify that kept its time priority goes back to its place in the queue.
      let at = orders.length;
      while (at > 0 && orders[at - 1]!.seq > o.seq) at--;
      orders.splice(at, 0, o);
    }
    o.where = this;
    this.count++;
  }

  /** Takes `o` out at once (outside a matching loop). */
  remove(o: SimOrder): void {
    if (o.where !== this) return;
    o.where = null;
    const level = this.byKey.get(this.keyOf(o));
    if (!level) return;
    const i = level.orders.indexOf(o);
    if (i < 0) return;
    level.orders.splice(i, 1);
    this.count--;
    if (level.orders.length === 0) this.dropLevel(level);
  }

  /** The order with the highest priority (outside a matching loop). */
  first(): SimOrder | undefined {
    return this.levels[0]?.orders[0];
  }

  /** Marks `o` as gone during a matching loop; `compact` drops it. */
  detach(o: SimOrder): void {
    if (o.where === this) {
      o.where = null;
      this.dirty = true;
    }
  }

  /** True when `o` still rests here (false for orders detached during the current loop). */
  holds(o: SimOrder): boolean {
    return o.where === this;
  }

  /** Starts a scan in priority order; the cursor is reused, so one scan per list at a time. */
  scan(): OrderCursor {
    this.cursor.reset();
    return this.cursor;
  }

  compact(): void {
    if (!this.dirty) return;
    this.dirty = false;
    const levels = this.levels;
    let w = 0;
    for (let r = 0; r < levels.length; r++) {
      const level = levels[r]!;
      const orders = level.orders;
      let k = 0;
      for (let j = 0; j < orders.length; j++) {
        const o = orders[j]!;
        if (o.where === this) orders[k++] = o;
      }
      this.count -= orders.length - k;
      orders.length = k;
      if (k > 0) levels[w++] = level;
      else this.byKey.delete(level.key);
    }
    levels.length = w;
  }

  /** True when `a` comes before `b` in this list's price order. */
  private before(a: bigint, b: bigint): boolean {
    return this.descending ? a > b : a < b;
  }

  private dropLevel(level: PriceLevel): void {
    this.byKey.delete(level.key);
    const levels = this.levels;
    let lo = 0;
    let hi = levels.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.before(levels[mid]!.key, level.key)) lo = mid + 1;
      else hi = mid;
    }
    if (levels[lo] === level) levels.splice(lo, 1);
  }
}

/** Walks a SortedOrders in priority order, skipping orders detached during the walk. */
export class OrderCursor {
  private li = 0;
  private oi = 0;

  constructor(
    private readonly levels: readonly PriceLevel[],
    private readonly list: SortedOrders,
  ) {}

  reset(): void {
    this.li = 0;
    this.oi = 0;
  }

  /** The next live order without moving past it. */
  peek(): SimOrder | undefined {
    const levels = this.levels;
    while (this.li < levels.length) {
      const orders = levels[this.li]!.orders;
      while (this.oi < orders.length) {
        const o = orders[this.oi]!;
        if (this.list.holds(o)) return o;
        this.oi++;
      }
      this.li++;
      this.oi = 0;
    }
    return undefined;
  }

  advance(): void {
    this.oi++;
  }
}

import type { RestingList, SimOrder } from './sim-order.js';

/**
 * Resting orders of one kind (buy limits, sell stops, …) kept in matching priority: by price (or
 * trigger), then by time. The front is always the first order the market reaches, so a match scans
 * only a prefix. Matching loops `detach` orders lazily and `compact` once at the end, so a loop
 * never shifts the array under its own cursor.
 */
export class SortedOrders implements RestingList {
  readonly items: SimOrder[] = [];
  private dirty = false;

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

  /** True when `a` has priority over `b`. */
  precedes(a: SimOrder, b: SimOrder): boolean {
    const ka = this.keyOf(a);
    const kb = this.keyOf(b);
    if (ka !== kb) return this.descending ? ka > kb : ka < kb;
    return a.seq < b.seq;
  }

  insert(o: SimOrder): void {
    const items = this.items;
    let lo = 0;
    let hi = items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.precedes(items[mid]!, o)) lo = mid + 1;
      else hi = mid;
    }
    items.splice(lo, 0, o);
    o.where = this;
  }

  /** Takes `o` out at once (outside a matching loop). */
  remove(o: SimOrder): void {
    if (o.where !== this) return;
    const items = this.items;
    let lo = 0;
    let hi = items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.precedes(items[mid]!, o)) lo = mid + 1;
      else hi = mid;
    }
    const at = items[lo] === o ? lo : items.indexOf(o);
    if (at >= 0) items.splice(at, 1);
    o.where = null;
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

  compact(): void {
    if (!this.dirty) return;
    const items = this.items;
    let w = 0;
    for (let r = 0; r < items.length; r++) {
      const o = items[r]!;
      if (o.where === this) items[w++] = o;
    }
    items.length = w;
    this.dirty = false;
  }

  get length(): number {
    return this.items.length;
  }
}

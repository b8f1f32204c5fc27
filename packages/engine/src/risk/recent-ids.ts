import { BoundedMap } from '../execution/bounded-map.js';

/**
 * The last `capacity` ids seen, to drop redelivered messages (the bus delivers at least once) with
 * bounded memory: the oldest id is forgotten when a new one arrives at capacity. Backed by the
 * engine's BoundedMap, whose table allocates nothing per id and never rehashes in steady state:
 * risk asks here for every command of both stages and for every order event.
 */
export class RecentIds {
  private readonly ids: BoundedMap<string, true>;

  constructor(readonly capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) {
      throw new RangeError(`RecentIds capacity must be a positive integer, got ${capacity}`);
    }
    this.ids = new BoundedMap(capacity);
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  /** Remembers `id`; returns false when it was already remembered. */
  add(id: string): boolean {
    return this.ids.setIfAbsent(id, true);
  }

  /** How many ids are remembered now (at most `capacity`). */
  get size(): number {
    return this.ids.size;
  }
}

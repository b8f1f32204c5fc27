/**
 * A map that forgets its oldest entries beyond `capacity`. Redelivery protection only needs the recent
 * past (a broker redelivers within minutes), and an unbounded set would grow for as long as the process lives.
 */
export class BoundedMap<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`BoundedMap capacity must be a positive integer, got ${capacity}`);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  has(key: K): boolean {
    return this.entries.has(key);
  }

  get(key: K): V | undefined {
    return this.entries.get(key);
  }

  set(key: K, value: V): void {
    // Re-setting a key refreshes it, so it is forgotten last.
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }

  delete(key: K): boolean {
    return this.entries.delete(key);
  }

  /** Removes and returns the value of `key`. */
  take(key: K): V | undefined {
    const v = this.entries.get(key);
    if (v !== undefined) this.entries.delete(key);
    return v;
  }
}

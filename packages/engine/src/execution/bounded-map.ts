interface Slot<V> {
  value: V;
  readonly slot: number;
}

/**
 * A map that forgets its oldest entries beyond `capacity` (first in, first out). Redelivery protection
 * only needs the recent past (a broker redelivers within minutes), and an unbounded map would grow for
 * as long as the process lives. The insertion order is kept in a ring of keys rather than by asking the
 * Map for its first key, which gets slow once many entries have been deleted.
 */
export class BoundedMap<K, V> {
  private readonly entries = new Map<K, Slot<V>>();
  private readonly ring: K[] = [];
  private next = 0;

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
    return this.entries.get(key)?.value;
  }

  /** Sets a value; a key already present keeps its place in line. */
  set(key: K, value: V): void {
    const present = this.entries.get(key);
    if (present) {
      present.value = value;
      return;
    }
    const slot = this.next;
    this.next = (slot + 1) % this.capacity;
    if (slot < this.ring.length) {
      const oldest = this.ring[slot]!;
      // The oldest key may have been deleted and set again since: then it lives in another slot.
      if (this.entries.get(oldest)?.slot === slot) this.entries.delete(oldest);
      this.ring[slot] = key;
    } else {
      this.ring.push(key);
    }
    this.entries.set(key, { value, slot });
  }

  delete(key: K): boolean {
    return this.entries.delete(key);
  }

  /** Removes and returns the value of `key`. */
  take(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    this.entries.delete(key);
    return entry.value;
  }
}

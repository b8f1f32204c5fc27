/**
 * A map from string keys that forgets its oldest entries beyond `capacity` (first in, first out).
 * Redelivery protection only needs the recent past (a broker redelivers within minutes), and an
 * unbounded map would grow for as long as the process lives.
 *
 * It is its own hash table rather than a Map: the engine keeps several of these windows of 100 000
 * ids and touches them for every command, order and event. A Map that has one entry deleted for each
 * one added fills up with deleted entries and rehashes its whole table every few ten thousand
 * inserts, each time allocating it anew; here the table is one Int32Array outside the JavaScript heap
 * (open addressing, linear probing, at most half full; each cell holds a slot and the key's hash side
 * by side, so a probe reads one cache line), an eviction frees its cell at once (backward-shift
 * deletion) and nothing is allocated per entry.
 *
 * Insertion order is a ring of slots: slot `s` holds a key, its value and its hash; the table maps a
 * key to its slot. A key deleted (or deleted and set again elsewhere) leaves its old slot behind,
 * which is simply skipped when the ring comes round to it.
 */
export class BoundedMap<K extends string, V> {
  /**
   * Cell c is table[2c] (ring slot + 1, or 0 when empty) and table[2c + 1] (the hash of its key, so
   * that probing compares numbers, not strings).
   */
  private table: Int32Array;
  private mask: number;
  private readonly keys: K[] = [];
  private readonly values: (V | undefined)[] = [];
  private readonly keyHashes: number[] = [];
  private next = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`BoundedMap capacity must be a positive integer, got ${capacity}`);
    }
    // Small at first, doubled as entries arrive: many engines (tests) never hold more than a few.
    this.table = new Int32Array(2 * INITIAL_CELLS);
    this.mask = INITIAL_CELLS - 1;
  }

  get size(): number {
    return this.count;
  }

  has(key: K): boolean {
    return this.find(key, hashOf(key)) >= 0;
  }

  get(key: K): V | undefined {
    const cell = this.find(key, hashOf(key));
    return cell < 0 ? undefined : this.values[this.table[2 * cell]! - 1];
  }

  /** Sets a value; a key already present keeps its place in line. */
  set(key: K, value: V): void {
    const h = hashOf(key);
    const cell = this.find(key, h);
    if (cell >= 0) this.values[this.table[2 * cell]! - 1] = value;
    else this.insert(key, h, value);
  }

  /** Sets `key` unless it is present; true when it was absent (one lookup for "seen before?"). */
  setIfAbsent(key: K, value: V): boolean {
    const h = hashOf(key);
    if (this.find(key, h) >= 0) return false;
    this.insert(key, h, value);
    return true;
  }

  delete(key: K): boolean {
    const cell = this.find(key, hashOf(key));
    if (cell < 0) return false;
    this.values[this.table[2 * cell]! - 1] = undefined; // the key stays in the ring until its slot comes round
    this.remove(cell);
    return true;
  }

  /** Removes and returns the value of `key`. */
  take(key: K): V | undefined {
    if (this.count === 0) return undefined; // the usual case for early denials: nothing to hash
    const cell = this.find(key, hashOf(key));
    if (cell < 0) return undefined;
    const slot = this.table[2 * cell]! - 1;
    const value = this.values[slot];
    this.values[slot] = undefined;
    this.remove(cell);
    return value;
  }

  /** The cell holding `key`, or a negative number when it is absent. */
  private find(key: K, h: number): number {
    const table = this.table;
    const mask = this.mask;
    for (let c = h & mask; ; c = (c + 1) & mask) {
      const slot = table[2 * c]!;
      if (slot === 0) return -1;
      if (table[2 * c + 1] === h && this.keys[slot - 1] === key) return c;
    }
  }

  /** The empty cell where a key of hash `h` goes (the key is known to be absent). */
  private freeCell(h: number): number {
    const table = this.table;
    const mask = this.mask;
    let c = h & mask;
    while (table[2 * c] !== 0) c = (c + 1) & mask;
    return c;
  }

  private insert(key: K, h: number, value: V): void {
    const slot = this.next;
    this.next = slot + 1 === this.capacity ? 0 : slot + 1;
    if (slot < this.keys.length) {
      // The slot's previous key is evicted, unless it was deleted or set again since (then it lives elsewhere).
      const old = this.find(this.keys[slot]!, this.keyHashes[slot]!);
      if (old >= 0 && this.table[2 * old] === slot + 1) this.remove(old);
      this.keys[slot] = key;
      this.values[slot] = value;
      this.keyHashes[slot] = h;
    } else {
      this.keys.push(key);
      this.values.push(value);
      this.keyHashes.push(h);
    }
    if ((this.count + 1) * 2 > this.mask + 1) this.grow();
    const cell = this.freeCell(h);
    this.table[2 * cell] = slot + 1;
    this.table[2 * cell + 1] = h;
    this.count++;
  }

  /** Empties `cell` and moves later entries of its probe run back, so that every lookup still finds them. */
  private remove(cell: number): void {
    const table = this.table;
    const mask = this.mask;
    let gap = cell;
    for (let c = (cell + 1) & mask; table[2 * c] !== 0; c = (c + 1) & mask) {
      const home = table[2 * c + 1]! & mask;
      // The entry at c may fill the gap unless its home lies cyclically in (gap, c].
      const stays = gap <= c ? home > gap && home <= c : home > gap || home <= c;
      if (!stays) {
        table[2 * gap] = table[2 * c]!;
        table[2 * gap + 1] = table[2 * c + 1]!;
        gap = c;
      }
    }
    table[2 * gap] = 0;
    this.count--;
  }

  private grow(): void {
    const old = this.table;
    const cells = old.length; // twice the old cell count: the new one
    this.table = new Int32Array(2 * cells);
    this.mask = cells - 1;
    for (let c = 0; c < cells / 2; c++) {
      const slot = old[2 * c]!;
      if (slot === 0) continue;
      const h = old[2 * c + 1]!;
      const cell = this.freeCell(h);
      this.table[2 * cell] = slot;
      this.table[2 * cell + 1] = h;
    }
  }
}

const INITIAL_CELLS = 16;

/**
 * FNV-1a over the UTF-16 code units, then a final mix (MurmurHash3's) so that ids differing only in
 * their last characters spread over the low bits the table indexes by. A signed 32-bit integer, as an
 * Int32Array stores it.
 */
export function hashOf(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

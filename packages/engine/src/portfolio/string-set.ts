import { hashOf } from '../execution/bounded-map.js';

/**
 * A grow-only set of strings: open addressing with the hashes kept in an Int32Array beside the keys.
 * Stored hashes have their lowest bit set, so that 0 marks an empty cell and a lookup of an absent key
 * (the usual case) reads only the hash array; a key string is read only on a hash match. The portfolio
 * adds a trade id per fill and asks about it per fill; a Set of that size costs a cache miss per key
 * it compares, and growing it copies every entry, which showed as a tenth of a fill's time.
 */
export class StringSet {
  private keys: (string | undefined)[];
  private hashes: Int32Array;
  private mask: number;
  private count = 0;

  constructor() {
    this.keys = new Array<string | undefined>(INITIAL_CELLS).fill(undefined);
    this.hashes = new Int32Array(INITIAL_CELLS);
    this.mask = INITIAL_CELLS - 1;
  }

  get size(): number {
    return this.count;
  }

  has(key: string): boolean {
    return this.find(key, hashOf(key) | 1) >= 0;
  }

  /** Adds `key`; false when it was already there. */
  add(key: string): boolean {
    const h = hashOf(key) | 1;
    const c = this.find(key, h);
    if (c >= 0) return false;
    const free = -1 - c;
    this.keys[free] = key;
    this.hashes[free] = h;
    // At most half full, so probe runs stay short.
    if (++this.count * 2 > this.keys.length) this.grow();
    return true;
  }

  /** The cell of `key`, or −1 − the empty cell where it would go. */
  private find(key: string, h: number): number {
    const hashes = this.hashes;
    const mask = this.mask;
    for (let c = h & mask; ; c = (c + 1) & mask) {
      const stored = hashes[c]!;
      if (stored === 0) return -1 - c;
      if (stored === h && this.keys[c] === key) return c;
    }
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldHashes = this.hashes;
    const size = oldKeys.length * 2;
    this.keys = new Array<string | undefined>(size).fill(undefined);
    this.hashes = new Int32Array(size);
    this.mask = size - 1;
    for (let i = 0; i < oldKeys.length; i++) {
      const h = oldHashes[i]!;
      if (h === 0) continue;
      let c = h & this.mask;
      while (this.hashes[c] !== 0) c = (c + 1) & this.mask;
      this.keys[c] = oldKeys[i];
      this.hashes[c] = h;
    }
  }
}

const INITIAL_CELLS = 16;

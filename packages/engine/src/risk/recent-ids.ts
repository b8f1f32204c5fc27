/**
 * Recently seen ids, to drop redelivered messages (the bus delivers at least once) with bounded
 * memory. Two generations of at most `capacity` ids each: when the current one fills up it becomes
 * the previous one and the old previous one is dropped whole. So the last `capacity` ids are always
 * remembered (up to twice as many may be) and no id is ever deleted one by one, which keeps the hot
 * path to a Set lookup and insert.
 */
export class RecentIds {
  private current = new Set<string>();
  private previous = new Set<string>();

  constructor(readonly capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) {
      throw new RangeError(`RecentIds capacity must be a positive integer, got ${capacity}`);
    }
  }

  has(id: string): boolean {
    return this.current.has(id) || this.previous.has(id);
  }

  /** Remembers `id`; returns false when it was already remembered. */
  add(id: string): boolean {
    if (this.current.has(id) || this.previous.has(id)) return false;
    if (this.current.size >= this.capacity) {
      this.previous = this.current;
      this.current = new Set<string>();
    }
    this.current.add(id);
    return true;
  }

  /** How many ids are remembered now: between `capacity` and twice that once warmed up. */
  get size(): number {
    return this.current.size + this.previous.size;
  }
}

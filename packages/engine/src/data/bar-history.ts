import type { Bar } from '@qubit/model';

/** The last `capacity` bars of one series in a ring buffer; reading returns them oldest first. */
export class BarHistory {
  private readonly buffer: (Bar | undefined)[];
  private next = 0;
  private size = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity <= 0)
      throw new RangeError(`bar history capacity must be a positive integer, got ${capacity}`);
    this.buffer = new Array<Bar | undefined>(capacity);
  }

  push(bar: Bar): void {
    this.buffer[this.next] = bar;
    this.next = (this.next + 1) % this.capacity;
    if (this.size < this.capacity) this.size++;
  }

  get length(): number {
    return this.size;
  }

  last(): Bar | undefined {
    return this.size === 0 ? undefined : this.buffer[(this.next - 1 + this.capacity) % this.capacity];
  }

  /** The last `count` bars (all when omitted), oldest first. */
  tail(count = this.size): Bar[] {
    const n = Math.min(Math.max(0, count), this.size);
    const out = new Array<Bar>(n);
    const start = (this.next - n + this.capacity) % this.capacity;
    for (let i = 0; i < n; i++) out[i] = this.buffer[(start + i) % this.capacity]!;
    return out;
  }
}

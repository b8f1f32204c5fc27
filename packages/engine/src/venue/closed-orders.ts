import type { RejectedOrder, SimOrder } from './sim-order.js';

/** A closed order as the venue remembers it: the order itself, or the record of a rejection. */
export type ClosedOrder = SimOrder | RejectedOrder;

/**
 * The last `capacity` orders the venue closed, oldest forgotten first. Closing an order is on every
 * order's path and a look-up happens only when reconciliation asks for one, so closing stores one slot
 * of a ring and a look-up scans it (newest first: a client order id used again finds its latest order).
 */
export class ClosedOrders {
  private readonly ring: ClosedOrder[] = [];
  private next = 0;

  constructor(readonly capacity: number) {}

  add(order: ClosedOrder): void {
    if (this.capacity === 0) return;
    if (this.ring.length < this.capacity) this.ring.push(order);
    else this.ring[this.next] = order;
    this.next = this.next + 1 === this.capacity ? 0 : this.next + 1;
  }

  find(clientOrderId: string): ClosedOrder | undefined {
    const ring = this.ring;
    const n = ring.length;
    for (let i = 1; i <= n; i++) {
      const o = ring[(this.next - i + n) % n]!;
      if (o.cmd.clientOrderId === clientOrderId) return o;
    }
    return undefined;
  }

  /** The orders remembered, oldest first. */
  oldestFirst(): ClosedOrder[] {
    const ring = this.ring;
    return ring.length < this.capacity ? [...ring] : [...ring.slice(this.next), ...ring.slice(0, this.next)];
  }
}

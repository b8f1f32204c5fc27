import { Topic } from './topics.js';

/** Anything on the bus is an object with a `type`; the wire codec gives it an envelope at process boundaries. */
export interface BusMessage {
  readonly type: string;
}

export interface Delivery {
  readonly topic: string;
  readonly key: string;
}

export type Handler<T extends BusMessage = BusMessage> = (message: T, delivery: Delivery) => void;

/** What lands on `dead.letter` when a handler throws. */
export interface DeadLetter extends BusMessage {
  readonly type: 'DeadLetter';
  readonly topic: string;
  readonly key: string;
  readonly group: string;
  readonly messageType: string;
  readonly error: string;
  readonly message: BusMessage;
}

interface Group {
  readonly name: string;
  readonly handlers: Handler[];
}

interface Pending {
  readonly topic: string;
  readonly key: string;
  readonly message: BusMessage;
}

/** The bus contract shared by the in-memory bus and the Kafka bus. */
export interface Bus {
  publish(topic: string, key: string, message: BusMessage): void;
  subscribe<T extends BusMessage = BusMessage>(topic: string, group: string, handler: Handler<T>): () => void;
}

/**
 * The in-memory bus. Dispatch is synchronous and breadth-first: a message published from inside a
 * handler is queued and delivered after the current one has reached every group, so delivery order is
 * the publish order — deterministic, and per-key order holds. Each consumer group receives every
 * message once; inside a group, the key picks the consumer, as Kafka partitions would.
 * A handler that throws sends the message to `dead.letter` and the bus goes on.
 */
export class MessageBus implements Bus {
  private readonly topics = new Map<string, Group[]>();
  private readonly queue: Pending[] = [];
  private head = 0;
  private draining = false;
  private delivered = 0;

  publish(topic: string, key: string, message: BusMessage): void {
    this.queue.push({ topic, key, message });
    if (!this.draining) this.drain();
  }

  subscribe<T extends BusMessage = BusMessage>(
    topic: string,
    group: string,
    handler: Handler<T>,
  ): () => void {
    let groups = this.topics.get(topic);
    if (!groups) this.topics.set(topic, (groups = []));
    let g = groups.find((x) => x.name === group);
    if (!g) groups.push((g = { name: group, handlers: [] }));
    const h = handler as Handler;
    g.handlers.push(h);
    return () => {
      const i = g.handlers.indexOf(h);
      if (i >= 0) g.handlers.splice(i, 1);
    };
  }

  /** Messages delivered so far (one per group reached). */
  get deliveredCount(): number {
    return this.delivered;
  }

  private drain(): void {
    this.draining = true;
    try {
      while (this.head < this.queue.length) {
        const p = this.queue[this.head++]!;
        this.dispatch(p);
      }
    } finally {
      this.queue.length = 0;
      this.head = 0;
      this.draining = false;
    }
  }

  private dispatch(p: Pending): void {
    const groups = this.topics.get(p.topic);
    if (!groups) return;
    const delivery: Delivery = { topic: p.topic, key: p.key };
    for (const g of groups) {
      const n = g.handlers.length;
      if (n === 0) continue;
      const handler = n === 1 ? g.handlers[0]! : g.handlers[hashKey(p.key) % n]!;
      this.delivered++;
      try {
        handler(p.message, delivery);
      } catch (err) {
        if (p.topic === Topic.DEAD_LETTER) continue; // never loop on a failing dead-letter handler
        const dead: DeadLetter = {
          type: 'DeadLetter',
          topic: p.topic,
          key: p.key,
          group: g.name,
          messageType: p.message.type,
          error: err instanceof Error ? err.message : String(err),
          message: p.message,
        };
        this.queue.push({ topic: Topic.DEAD_LETTER, key: p.topic, message: dead });
      }
    }
  }
}

/** FNV-1a: stable across runs and processes, so a key always lands on the same consumer. */
export function hashKey(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

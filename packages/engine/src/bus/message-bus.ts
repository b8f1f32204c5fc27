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

/** A topic's consumer groups and the Delivery of each key published on it so far. */
interface TopicEntry {
  readonly groups: Group[];
  /** One frozen Delivery per key, shared by every message with that address. */
  readonly deliveries: Map<string, Delivery>;
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
  private readonly topics = new Map<string, TopicEntry>();
  // The queue is kept as three parallel arrays reused from one drain to the next, so that publishing
  // allocates nothing once they have grown to the deepest cascade seen.
  private readonly queuedTopics: string[] = [];
  private readonly queuedKeys: string[] = [];
  private readonly queuedMessages: (BusMessage | undefined)[] = [];
  private head = 0;
  private tail = 0;
  private draining = false;
  private delivered = 0;

  publish(topic: string, key: string, message: BusMessage): void {
    const i = this.tail++;
    this.queuedTopics[i] = topic;
    this.queuedKeys[i] = key;
    this.queuedMessages[i] = message;
    if (!this.draining) this.drain();
  }

  subscribe<T extends BusMessage = BusMessage>(
    topic: string,
    group: string,
    handler: Handler<T>,
  ): () => void {
    let entry = this.topics.get(topic);
    if (!entry) this.topics.set(topic, (entry = { groups: [], deliveries: new Map() }));
    const groups = entry.groups;
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
      while (this.head < this.tail) {
        const i = this.head++;
        const message = this.queuedMessages[i]!;
        // Dropped at once: a delivered message must not stay reachable from the queue.
        this.queuedMessages[i] = undefined;
        this.dispatch(this.queuedTopics[i]!, this.queuedKeys[i]!, message);
      }
    } finally {
      for (let i = this.head; i < this.tail; i++) this.queuedMessages[i] = undefined;
      this.head = 0;
      this.tail = 0;
      this.draining = false;
    }
  }

  private dispatch(topic: string, key: string, message: BusMessage): void {
    const entry = this.topics.get(topic);
    if (!entry) return;
    let delivery = entry.deliveries.get(key);
    if (delivery === undefined) {
      delivery = Object.freeze({ topic, key });
      // Keys are accounts, instruments and bots: few. A flood of one-off keys is not remembered.
      if (entry.deliveries.size < MAX_DELIVERIES_PER_TOPIC) entry.deliveries.set(key, delivery);
    }
    for (const g of entry.groups) {
      const n = g.handlers.length;
      if (n === 0) continue;
      const handler = n === 1 ? g.handlers[0]! : g.handlers[hashKey(key) % n]!;
      this.delivered++;
      try {
        handler(message, delivery);
      } catch (err) {
        if (topic === Topic.DEAD_LETTER) continue; // never loop on a failing dead-letter handler
        const dead: DeadLetter = {
          type: 'DeadLetter',
          topic,
          key,
          group: g.name,
          messageType: message.type,
          error: err instanceof Error ? err.message : String(err),
          message,
        };
        this.publish(Topic.DEAD_LETTER, topic, dead);
      }
    }
  }
}

const MAX_DELIVERIES_PER_TOPIC = 4096;

/** FNV-1a: stable across runs and processes, so a key always lands on the same consumer. */
export function hashKey(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

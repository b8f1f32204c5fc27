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
  /** The Delivery used last: a stream of one instrument's data repeats its key message after message. */
  recent: Delivery | undefined;
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
  /** The entry dispatched to last, by topic name (entries are never removed): market data repeats its topic. */
  private recentTopic = '';
  private recentEntry: TopicEntry | undefined;
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
    if (this.draining) {
      const i = this.tail++;
      this.queuedTopics[i] = topic;
      this.queuedKeys[i] = key;
      this.queuedMessages[i] = message;
      return;
    }
    // Nothing is queued outside a drain, so a message published from outside any handler goes first
    // anyway: it is dispatched at once instead of passing through the queue (one per datum of a replay).
    this.draining = true;
    try {
      this.dispatch(topic, key, message);
      this.drain();
    } finally {
      this.clearQueue();
    }
  }

  subscribe<T extends BusMessage = BusMessage>(
    topic: string,
    group: string,
    handler: Handler<T>,
  ): () => void {
    let entry = this.topics.get(topic);
    if (!entry) this.topics.set(topic, (entry = { groups: [], deliveries: new Map(), recent: undefined }));
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

  /** Delivers what the message being dispatched caused, in publish order. */
  private drain(): void {
    while (this.head < this.tail) {
      const i = this.head++;
      const message = this.queuedMessages[i]!;
      // Dropped at once: a delivered message must not stay reachable from the queue.
      this.queuedMessages[i] = undefined;
      this.dispatch(this.queuedTopics[i]!, this.queuedKeys[i]!, message);
    }
  }

  /** Ends a drain, also one cut short by an error: whatever is left undelivered is dropped. */
  private clearQueue(): void {
    for (let i = this.head; i < this.tail; i++) this.queuedMessages[i] = undefined;
    this.head = 0;
    this.tail = 0;
    this.draining = false;
  }

  private dispatch(topic: string, key: string, message: BusMessage): void {
    let entry = this.recentEntry;
    if (topic !== this.recentTopic || entry === undefined) {
      entry = this.topics.get(topic);
      if (!entry) return;
      this.recentTopic = topic;
      this.recentEntry = entry;
    }
    let delivery = entry.recent;
    if (delivery === undefined || delivery.key !== key) {
      delivery = entry.deliveries.get(key);
      if (delivery === undefined) {
        delivery = Object.freeze({ topic, key });
        // Keys are accounts, instruments and bots: few. A flood of one-off keys is not remembered.
        if (entry.deliveries.size < MAX_DELIVERIES_PER_TOPIC) entry.deliveries.set(key, delivery);
      }
      entry.recent = delivery;
    }
    const groups = entry.groups;
    // Indexed rather than for…of: no iterator per message (a group subscribed meanwhile is still reached).
    for (let k = 0; k < groups.length; k++) {
      const g = groups[k]!;
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

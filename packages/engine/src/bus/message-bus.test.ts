import { describe, expect, it } from 'vitest';
import { MessageBus, hashKey, type BusMessage, type DeadLetter, type Delivery } from './message-bus.js';
import { Topic } from './topics.js';

interface Note extends BusMessage {
  readonly type: 'Note';
  readonly n: number;
}

const note = (n: number): Note => ({ type: 'Note', n });

describe('MessageBus', () => {
  it('delivers each message once to every consumer group with its topic and key', () => {
    const bus = new MessageBus();
    const a: [number, Delivery][] = [];
    const b: [number, Delivery][] = [];
    bus.subscribe<Note>('t', 'group-a', (m, d) => a.push([m.n, d]));
    bus.subscribe<Note>('t', 'group-b', (m, d) => b.push([m.n, d]));
    bus.publish('t', 'k1', note(1));
    bus.publish('t', 'k2', note(2));
    expect(a).toEqual([
      [1, { topic: 't', key: 'k1' }],
      [2, { topic: 't', key: 'k2' }],
    ]);
    expect(b).toEqual(a);
    expect(bus.deliveredCount).toBe(4);
  });

  it('does not deliver a message to subscribers of other topics', () => {
    const bus = new MessageBus();
    const seen: number[] = [];
    bus.subscribe<Note>('other', 'g', (m) => seen.push(m.n));
    bus.publish('t', 'k', note(1));
    expect(seen).toEqual([]);
    expect(bus.deliveredCount).toBe(0);
  });

  it('inside a group gives each message to exactly one consumer, picked by the key', () => {
    const bus = new MessageBus();
    const byConsumer: string[][] = [[], [], []];
    for (let c = 0; c < 3; c++) bus.subscribe('t', 'g', (_m, d) => byConsumer[c]!.push(d.key));
    const keys = Array.from({ length: 60 }, (_, i) => `key-${i % 20}`);
    for (const k of keys) bus.publish('t', k, note(0));
    expect(byConsumer.flat()).toHaveLength(keys.length);
    // The same key always lands on the same consumer: hashKey(key) % consumers.
    for (let c = 0; c < 3; c++) {
      for (const k of byConsumer[c]!) expect(hashKey(k) % 3).toBe(c);
    }
    // With 20 distinct keys the load is spread over more than one consumer.
    expect(byConsumer.filter((x) => x.length > 0).length).toBeGreaterThan(1);
  });

  it('keeps per-key order inside a group with several consumers', () => {
    const bus = new MessageBus();
    const seen = new Map<string, number[]>();
    for (let c = 0; c < 4; c++) {
      bus.subscribe<Note>('t', 'g', (m, d) => {
        const list = seen.get(d.key) ?? [];
        list.push(m.n);
        seen.set(d.key, list);
      });
    }
    for (let i = 0; i < 30; i++) bus.publish('t', `k${i % 3}`, note(i));
    expect(seen.get('k0')).toEqual([0, 3, 6, 9, 12, 15, 18, 21, 24, 27]);
    expect(seen.get('k1')).toEqual([1, 4, 7, 10, 13, 16, 19, 22, 25, 28]);
    expect(seen.get('k2')).toEqual([2, 5, 8, 11, 14, 17, 20, 23, 26, 29]);
  });

  it('delivers a message published inside a handler only after the current one reached every group', () => {
    const bus = new MessageBus();
    const log: string[] = [];
    bus.subscribe<Note>('t', 'first', (m) => {
      log.push(`first:${m.n}`);
      if (m.n === 1) {
        bus.publish('t', 'k', note(2));
        bus.publish('u', 'k', note(3));
      }
    });
    bus.subscribe<Note>('t', 'second', (m) => log.push(`second:${m.n}`));
    bus.subscribe<Note>('u', 'third', (m) => log.push(`third:${m.n}`));
    bus.publish('t', 'k', note(1));
    expect(log).toEqual(['first:1', 'second:1', 'first:2', 'second:2', 'third:3']);
  });

  it('delivers in publish order across nested publishes (breadth-first)', () => {
    const bus = new MessageBus();
    const order: number[] = [];
    // 1 publishes 2 and 3; 2 publishes 4; 3 publishes 5: breadth-first gives 1,2,3,4,5.
    const children: Record<number, number[]> = { 1: [2, 3], 2: [4], 3: [5] };
    bus.subscribe<Note>('t', 'g', (m) => {
      order.push(m.n);
      for (const c of children[m.n] ?? []) bus.publish('t', 'k', note(c));
    });
    bus.publish('t', 'k', note(1));
    expect(order).toEqual([1, 2, 3, 4, 5]);
    // The queue is empty again: a later publish is delivered at once.
    bus.publish('t', 'k', note(9));
    expect(order.at(-1)).toBe(9);
  });

  it('sends a DeadLetter naming topic, key, group, message type and error when a handler throws, and the other groups still get the message', () => {
    const bus = new MessageBus();
    const dead: DeadLetter[] = [];
    const after: number[] = [];
    bus.subscribe<DeadLetter>(Topic.DEAD_LETTER, 'audit', (m) => dead.push(m));
    bus.subscribe<Note>('t', 'broken', () => {
      throw new Error('cannot handle this');
    });
    bus.subscribe<Note>('t', 'healthy', (m) => after.push(m.n));
    const message = note(7);
    bus.publish('t', 'BINANCE:BTCUSDT', message);
    expect(after).toEqual([7]);
    expect(dead).toHaveLength(1);
    expect(dead[0]).toEqual({
      type: 'DeadLetter',
      topic: 't',
      key: 'BINANCE:BTCUSDT',
      group: 'broken',
      messageType: 'Note',
      error: 'cannot handle this',
      message,
    });
    // The bus goes on: the next message is delivered (and dead-lettered) the same way.
    bus.publish('t', 'k', note(8));
    expect(after).toEqual([7, 8]);
    expect(dead).toHaveLength(2);
  });

  it('keys a dead letter by the topic it came from and delivers it after the failing message reached every group', () => {
    const bus = new MessageBus();
    const log: string[] = [];
    bus.subscribe(Topic.DEAD_LETTER, 'audit', (m, d) => log.push(`dead:${d.key}:${(m as DeadLetter).error}`));
    bus.subscribe('orders', 'a', () => {
      throw 'plain string';
    });
    bus.subscribe<Note>('orders', 'b', (m) => log.push(`b:${m.n}`));
    bus.publish('orders', 'acc-1', note(1));
    expect(log).toEqual(['b:1', 'dead:orders:plain string']);
  });

  it('does not loop when a dead-letter handler throws', () => {
    const bus = new MessageBus();
    let deadCalls = 0;
    bus.subscribe(Topic.DEAD_LETTER, 'broken-audit', () => {
      deadCalls++;
      throw new Error('the audit log is down');
    });
    bus.subscribe('t', 'g', () => {
      throw new Error('boom');
    });
    bus.publish('t', 'k', note(1));
    expect(deadCalls).toBe(1);
    // Still usable afterwards.
    bus.publish('t', 'k', note(2));
    expect(deadCalls).toBe(2);
  });

  it('stops delivering to an unsubscribed handler and hands its keys to the remaining consumers', () => {
    const bus = new MessageBus();
    const a: number[] = [];
    const b: number[] = [];
    const offA = bus.subscribe<Note>('t', 'g', (m) => a.push(m.n));
    bus.subscribe<Note>('t', 'g', (m) => b.push(m.n));
    offA();
    for (let i = 0; i < 5; i++) bus.publish('t', `k${i}`, note(i));
    expect(a).toEqual([]);
    expect(b).toEqual([0, 1, 2, 3, 4]);
    offA(); // a second call changes nothing
    bus.publish('t', 'k', note(5));
    expect(b).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('skips a group whose last consumer unsubscribed', () => {
    const bus = new MessageBus();
    const seen: number[] = [];
    const off = bus.subscribe<Note>('t', 'g', (m) => seen.push(m.n));
    bus.publish('t', 'k', note(1));
    off();
    bus.publish('t', 'k', note(2));
    expect(seen).toEqual([1]);
    expect(bus.deliveredCount).toBe(1);
  });
});

describe('hashKey', () => {
  it('is 32-bit FNV-1a, stable across calls', () => {
    // Reference values of FNV-1a 32 (offset basis 0x811c9dc5, prime 0x01000193).
    expect(hashKey('')).toBe(0x811c9dc5);
    expect(hashKey('a')).toBe(0xe40c292c);
    expect(hashKey('foobar')).toBe(0xbf9cf968);
    expect(hashKey('BINANCE:BTCUSDT')).toBe(hashKey('BINANCE:BTCUSDT'));
  });

  it('gives an unsigned 32-bit integer and tells close keys apart', () => {
    for (const k of ['k0', 'k1', 'SIM-001', 'HNX:VN30F1M', 'x'.repeat(1000)]) {
      const h = hashKey(k);
      expect(Number.isInteger(h)).toBe(true);
      expect(h).toBeGreaterThanOrEqual(0);
      expect(h).toBeLessThan(2 ** 32);
    }
    expect(hashKey('k0')).not.toBe(hashKey('k1'));
  });
});

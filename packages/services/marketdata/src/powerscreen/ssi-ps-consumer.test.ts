import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { equals, toBinary } from '@bufbuild/protobuf';
import { MessageBus, TestClock, Topic, type BusMessage } from '@qubit/engine';
import { isoToNanos } from '@qubit/model';
import { openStore, type SsiPsSnapshotRow, type Store } from '@qubit/store-postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SsiPsSnapshotSchema } from '../gen/markets/v1/ssi_ps_pb.js';
import { madeUpFpt, madeUpFptSeries, madeUpHpg } from './made-up-snapshots.js';
import { SsiPsConsumer, type SsiPsProblem } from './ssi-ps-consumer.js';
import { SsiPsProducer } from './ssi-ps-producer.js';
import type { SsiPsSnapshotBytes } from './ssi-ps-snapshot-bytes.js';
import { ssiPsSnapshotFromJson } from './ssi-ps-snapshot-json.js';

// All snapshots here are MADE UP (see made-up-snapshots.ts): no SSI sample exists in ../shared/data.
const NOW = isoToNanos('2026-11-20T03:15:05Z');
const SECOND = 1_000_000_000n;

function setup(options: Partial<ConstructorParameters<typeof SsiPsConsumer>[0]> = {}) {
  const bus = new MessageBus();
  const clock = new TestClock(NOW);
  const problems: SsiPsProblem[] = [];
  const dead: BusMessage[] = [];
  bus.subscribe(Topic.DEAD_LETTER, 'test', (m) => dead.push(m));
  const consumer = new SsiPsConsumer({ bus, onProblem: (p) => problems.push(p), ...options });
  consumer.start();
  return { bus, clock, producer: new SsiPsProducer({ bus, clock }), consumer, problems, dead };
}

describe('SsiPsProducer and SsiPsConsumer over the in-memory bus', () => {
  it('publishes protobuf bytes keyed by code and keeps them queryable by code and time range', () => {
    const { bus, producer, consumer } = setup();
    const keys: string[] = [];
    bus.subscribe<SsiPsSnapshotBytes>(Topic.SSI_PS, 'keys', (m, d) =>
      keys.push(`${d.key}:${m.payload.length}`),
    );
    const series = madeUpFptSeries(5);
    for (const json of series) producer.publishJson(json);
    producer.publishJson(madeUpHpg());

    expect(keys.slice(0, 1)[0]).toMatch(/^FPT:\d+$/);
    expect(keys.at(-1)).toMatch(/^HPG:/);
    expect(consumer.codes()).toEqual(['FPT', 'HPG']);
    expect(consumer.stats()).toMatchObject({ received: 6, accepted: 6, malformed: 0 });

    const t0 = isoToNanos('2026-11-20T03:15:03.250Z');
    const window = consumer.range('FPT', { from: t0 + SECOND, to: t0 + 3n * SECOND });
    expect(window.map((s) => s.seq)).toEqual([4813n, 4814n, 4815n]);
    expect(window[0]!.tsInitNs).toBe(NOW);
    const expected = ssiPsSnapshotFromJson(series[4], 'snapshot', { tsInit: NOW });
    expect(equals(SsiPsSnapshotSchema, consumer.latest('FPT')!, expected)).toBe(true);
    expect(consumer.range('VNM')).toEqual([]);
  });

  it('counts and reports a malformed payload without throwing at the bus, then goes on', () => {
    const { bus, producer, consumer, problems, dead } = setup();
    const garbage: SsiPsSnapshotBytes = {
      type: 'SsiPsSnapshotBytes',
      code: 'FPT',
      payload: Uint8Array.from([0xff, 0xff, 0xff]),
      tsEvent: NOW,
      tsInit: NOW,
    };
    bus.publish(Topic.SSI_PS, 'FPT', garbage);
    // Decodes as protobuf but breaks HOSE rules: an ask off the tick grid.
    const offGrid = ssiPsSnapshotFromJson(madeUpFpt(), 'snapshot', { tsInit: NOW });
    offGrid.asks[0]!.price = '98150';
    const offGridMessage: SsiPsSnapshotBytes = {
      ...garbage,
      payload: toBinary(SsiPsSnapshotSchema, offGrid),
      tsEvent: offGrid.tsEventNs,
    };
    bus.publish(Topic.SSI_PS, 'FPT', offGridMessage);
    bus.publish(Topic.SSI_PS, 'FPT', { type: 'SomethingElse' });
    producer.publishJson(madeUpHpg());

    expect(dead).toEqual([]);
    expect(consumer.stats()).toMatchObject({ received: 4, accepted: 1, malformed: 3 });
    expect(problems.map((p) => p.kind)).toEqual(['malformed', 'malformed', 'malformed']);
    expect(problems[0]!.error).toContain('payload: is not a markets.v1.SsiPsSnapshot');
    expect(problems[1]!.error).toBe('payload.asks[0].price: 98150 is not a multiple of the HOSE tick 100');
    expect(problems[2]!.error).toContain('expected SsiPsSnapshotBytes on ssi_ps, got "SomethingElse"');
    expect(consumer.codes()).toEqual(['HPG']);
  });

  it('refuses a snapshot published under another code than its own', () => {
    const { bus, consumer, problems } = setup();
    const s = ssiPsSnapshotFromJson(madeUpFpt(), 'snapshot', { tsInit: NOW });
    const msg: SsiPsSnapshotBytes = {
      type: 'SsiPsSnapshotBytes',
      code: 'FPT',
      payload: toBinary(SsiPsSnapshotSchema, s),
      tsEvent: s.tsEventNs,
      tsInit: NOW,
    };
    bus.publish(Topic.SSI_PS, 'VNM', msg);
    expect(consumer.stats().malformed).toBe(1);
    expect(problems[0]!.error).toBe('code: the key "VNM", header "FPT" and snapshot "FPT" differ');
  });

  it('keeps a redelivered snapshot once, puts a late one in time order and holds at most maxPerCode', () => {
    const { bus, producer, consumer } = setup({ maxPerCode: 3 });
    const sent = madeUpFptSeries(4).map((json) => ssiPsSnapshotFromJson(json, 'snapshot', { tsInit: NOW }));
    const messages = sent.map((s) => producer.publish(s));
    bus.publish(Topic.SSI_PS, 'FPT', messages[3]!);
    expect(consumer.stats()).toMatchObject({ accepted: 4, duplicates: 1 });
    expect(consumer.range('FPT').map((s) => s.seq)).toEqual([4813n, 4814n, 4815n]);

    const { producer: p2, consumer: c2 } = setup();
    p2.publish(sent[2]!);
    p2.publish(sent[0]!);
    p2.publish(sent[1]!);
    expect(c2.range('FPT').map((s) => s.seq)).toEqual([4812n, 4813n, 4814n]);
  });

  it('holds at most maxCodes codes and reports a snapshot of one more as refused', () => {
    const { producer, consumer, problems } = setup({ maxCodes: 1 });
    producer.publishJson(madeUpFpt());
    producer.publishJson(madeUpHpg());
    expect(consumer.codes()).toEqual(['FPT']);
    expect(consumer.stats()).toMatchObject({ accepted: 1, refusedCodes: 1 });
    expect(problems).toEqual([
      { kind: 'refused', key: 'HPG', error: 'more than 1 codes in memory; not held there' },
    ]);
  });

  it('publishes a JSON-lines file only when every line is good, naming the bad line', () => {
    const { producer, consumer } = setup();
    const lines = madeUpFptSeries(3).map((j) => JSON.stringify(j));
    const bad = [lines[0], JSON.stringify(madeUpHpg({ last_price: '27425' })), lines[2]].join('\n');
    expect(() => producer.publishJsonLines(bad, 'ps.ndjson')).toThrow(
      'ps.ndjson:2.last_price: 27425 is not a multiple of the HOSE tick 50',
    );
    expect(() => producer.publishJsonLines(`${lines[0]}\n{oops`, 'ps.ndjson')).toThrow(
      'ps.ndjson:2: is not JSON',
    );
    expect(producer.published).toBe(0);
    expect(consumer.stats().received).toBe(0);
    expect(producer.publishJsonLines(`${lines.join('\n')}\n\n`, 'ps.ndjson')).toBe(3);
    expect(consumer.range('FPT')).toHaveLength(3);
  });

  it('refuses bad options and a reversed range by name', () => {
    const bus = new MessageBus();
    expect(() => new SsiPsConsumer({ bus, maxPerCode: 0 })).toThrow(
      'maxPerCode: must be a positive integer, got 0',
    );
    expect(() => new SsiPsConsumer({ bus, batchSize: 10, maxPending: 5 })).toThrow(
      'maxPending: (5) must be at least batchSize (10)',
    );
    const { consumer } = setup();
    expect(() => consumer.range('FPT', { from: 2n, to: 1n })).toThrow('range: from (2) is after to (1)');
  });
});

describe('SsiPsConsumer with the store (PGlite)', () => {
  let dir: string;
  let store: Store;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'qubit-ssips-'));
    store = await openStore({ dataDir: join(dir, 'db') });
  });

  afterAll(async () => {
    await store?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('writes each snapshot once in batches and serves history decoded from the stored bytes', async () => {
    const { bus, producer, consumer } = setup({ store: store.ssiPs, batchSize: 2 });
    const sent = madeUpFptSeries(5).map((json) => producer.publishJson(json));
    bus.publish(Topic.SSI_PS, 'FPT', producer.publish(sent[1]!));
    await consumer.stop();
    expect(consumer.stats()).toMatchObject({ accepted: 5, stored: 5, pending: 0, storeFailures: 0 });

    const rows = await store.ssiPs.range('FPT');
    expect(rows.map((r) => r.seq)).toEqual([4812n, 4813n, 4814n, 4815n, 4816n]);
    expect(rows[0]!.snapshot).toMatchObject({ code: 'FPT', board: 'MAIN', last_price: '98100', seq: '4812' });

    const t0 = isoToNanos('2026-11-20T03:15:03.250Z');
    const history = await consumer.history('FPT', { from: t0 + SECOND, to: t0 + 2n * SECOND });
    expect(history.map((s) => s.seq)).toEqual([4813n, 4814n]);
    expect(equals(SsiPsSnapshotSchema, history[0]!, sent[1]!)).toBe(true);
  });

  it('still stores the snapshots of a code it holds no memory for', async () => {
    const { producer, consumer } = setup({ store: store.ssiPs, maxCodes: 1 });
    producer.publishJson(madeUpFpt({ seq: '1' }));
    producer.publishJson(madeUpHpg({ seq: '1' }));
    await consumer.stop();
    expect(consumer.range('HPG')).toEqual([]);
    expect(consumer.stats()).toMatchObject({ accepted: 1, refusedCodes: 1, stored: 2 });
    expect((await consumer.history('HPG')).map((s) => s.seq)).toEqual([1n]);
  });

  it('keeps the rows of a failed write, reports it, and stores them on the next flush', async () => {
    let failNext = true;
    const flaky = {
      insert: (rows: readonly SsiPsSnapshotRow[]) => {
        if (failNext) {
          failNext = false;
          return Promise.reject(new Error('connection reset'));
        }
        return store.ssiPs.insert(rows);
      },
      range: store.ssiPs.range.bind(store.ssiPs),
    };
    const { producer, consumer, problems } = setup({ store: flaky, batchSize: 10 });
    producer.publishJson(madeUpHpg());
    await expect(consumer.flush()).rejects.toThrow('connection reset');
    expect(consumer.stats()).toMatchObject({ pending: 1, storeFailures: 1, stored: 0 });
    expect(problems).toEqual([{ kind: 'store', key: 'HPG', error: 'connection reset' }]);
    await consumer.flush();
    expect(consumer.stats()).toMatchObject({ pending: 0, stored: 1 });
    expect((await store.ssiPs.range('HPG')).map((r) => r.seq)).toContain(9127n);
  });
});

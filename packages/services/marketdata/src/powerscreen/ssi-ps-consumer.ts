import { fromBinary } from '@bufbuild/protobuf';
import { Topic, type Bus, type BusMessage, type Delivery } from '@qubit/engine';
import { ModelError, type UnixNanos } from '@qubit/model';
import type { SsiPsRange, SsiPsSnapshotRow } from '@qubit/store-postgres';
import { SsiPsSnapshotSchema, type SsiPsSnapshot } from '../gen/markets/v1/ssi_ps_pb.js';
import type { SsiPsSnapshotBytes } from './ssi-ps-snapshot-bytes.js';
import { checkSsiPsSnapshot } from './ssi-ps-snapshot-check.js';
import { ssiPsSnapshotToJson } from './ssi-ps-snapshot-json.js';

/** Where snapshots are kept for good: the store's SsiPsRepository fits. */
export interface SsiPsSnapshotStore {
  /** Stores the rows not already stored; returns how many were new. */
  insert(rows: readonly SsiPsSnapshotRow[]): Promise<number>;
  range(code: string, range?: SsiPsRange, options?: { limit?: number }): Promise<SsiPsSnapshotRow[]>;
}

/** Something the consumer could not take; reported, never thrown at the bus. */
export interface SsiPsProblem {
  /** malformed: not a well-formed snapshot; refused: a code past maxCodes (not held in memory); store: a write failed. */
  readonly kind: 'malformed' | 'refused' | 'store';
  /** The bus key, or the codes of the batch (store). */
  readonly key: string;
  readonly error: string;
}

export interface SsiPsConsumerOptions {
  readonly bus: Bus;
  /** The consumer group (default `ssi-ps-consumer`). */
  readonly group?: string;
  /** Snapshots kept in memory per code, newest kept (default 10,000). */
  readonly maxPerCode?: number;
  /** Codes kept in memory (default 2,000; HOSE lists about 400 shares and ETFs, plus warrants). */
  readonly maxCodes?: number;
  readonly store?: SsiPsSnapshotStore;
  /** Rows per store write; a full batch starts a write (default 500). */
  readonly batchSize?: number;
  /** Rows waiting for the store at most; past it the oldest are dropped and counted (default 100,000). */
  readonly maxPending?: number;
  readonly onProblem?: (problem: SsiPsProblem) => void;
}

export interface SsiPsConsumerStats {
  /** Messages that reached this consumer. */
  readonly received: number;
  /** Snapshots decoded, checked and kept. */
  readonly accepted: number;
  /** Snapshots already held (same code, time and seq): redeliveries. */
  readonly duplicates: number;
  /** Messages that were not a well-formed snapshot. */
  readonly malformed: number;
  /** Snapshots of codes past maxCodes: not held in memory (still stored when there is a store). */
  readonly refusedCodes: number;
  /** Rows newly written to the store, and rows waiting for it. */
  readonly stored: number;
  readonly pending: number;
  /** Store writes that failed (their rows are retried by the next flush) and rows dropped past maxPending. */
  readonly storeFailures: number;
  readonly dropped: number;
  readonly lastError: string | undefined;
}

interface Held {
  readonly snapshot: SsiPsSnapshot;
  readonly ts: UnixNanos;
  readonly seq: bigint;
}

/**
 * Consumes `ssi_ps`: decodes each `markets.v1.SsiPsSnapshot`, checks it, and keeps it queryable by code
 * and time range — the latest `maxPerCode` per code in memory, and every one in the store when given
 * (batched; `flush()` writes what waits). A malformed message is counted and reported through
 * `onProblem`, never thrown at the bus: one bad tick must not send the stream to the dead-letter topic.
 * Redeliveries (same code, exchange time and seq) are kept once.
 */
export class SsiPsConsumer {
  private readonly byCode = new Map<string, Held[]>();
  private readonly maxPerCode: number;
  private readonly maxCodes: number;
  private readonly batchSize: number;
  private readonly maxPending: number;
  private pendingRows: SsiPsSnapshotRow[] = [];
  private writing: Promise<void> = Promise.resolve();
  private unsubscribe: (() => void) | undefined;
  private autoFlushing = false;
  private counts = {
    received: 0,
    accepted: 0,
    duplicates: 0,
    malformed: 0,
    refusedCodes: 0,
    stored: 0,
    storeFailures: 0,
    dropped: 0,
  };
  private lastError: string | undefined;

  constructor(private readonly options: SsiPsConsumerOptions) {
    this.maxPerCode = positiveInt(options.maxPerCode ?? 10_000, 'maxPerCode');
    this.maxCodes = positiveInt(options.maxCodes ?? 2_000, 'maxCodes');
    this.batchSize = positiveInt(options.batchSize ?? 500, 'batchSize');
    this.maxPending = positiveInt(options.maxPending ?? 100_000, 'maxPending');
    if (this.maxPending < this.batchSize) {
      throw new ModelError(
        'maxPending',
        `(${this.maxPending}) must be at least batchSize (${this.batchSize})`,
      );
    }
  }

  /** Subscribes to `ssi_ps`; calling it again changes nothing. */
  start(): void {
    this.unsubscribe ??= this.options.bus.subscribe(
      Topic.SSI_PS,
      this.options.group ?? 'ssi-ps-consumer',
      (message: BusMessage, delivery: Delivery) => this.onMessage(message, delivery),
    );
  }

  /** Unsubscribes and writes what waits for the store. */
  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    await this.flush();
  }

  stats(): SsiPsConsumerStats {
    return { ...this.counts, pending: this.pendingRows.length, lastError: this.lastError };
  }

  /** The codes held in memory, sorted. */
  codes(): string[] {
    return [...this.byCode.keys()].sort();
  }

  latest(code: string): SsiPsSnapshot | undefined {
    return this.byCode.get(code)?.at(-1)?.snapshot;
  }

  /** The snapshots of `code` held in memory whose exchange time lies within [from, to], oldest first. */
  range(code: string, range: SsiPsRange = {}): SsiPsSnapshot[] {
    const { from, to } = checkRange(range);
    const held = this.byCode.get(code);
    if (held === undefined) return [];
    const out: SsiPsSnapshot[] = [];
    for (let i = from === undefined ? 0 : lowerBound(held, from, -1n); i < held.length; i++) {
      const h = held[i]!;
      if (to !== undefined && h.ts > to) break;
      out.push(h.snapshot);
    }
    return out;
  }

  /**
   * The snapshots of `code` within [from, to] from the store (all of history, not only what memory
   * holds), decoded from the stored bytes so times keep their nanoseconds; at most `limit` (1000).
   */
  async history(
    code: string,
    range: SsiPsRange = {},
    options: { limit?: number } = {},
  ): Promise<SsiPsSnapshot[]> {
    const store = this.options.store;
    if (store === undefined) throw new ModelError('store', 'this consumer was given no store; use range()');
    const rows = await store.range(code, range, options);
    return rows.map((r, i) => {
      try {
        return fromBinary(SsiPsSnapshotSchema, r.payload);
      } catch (err) {
        throw new ModelError(
          `history[${i}].payload`,
          `stored bytes of ${r.code} seq ${r.seq} do not decode: ${(err as Error).message}`,
        );
      }
    });
  }

  /** Writes the rows waiting for the store; a failed write keeps them for the next flush and rejects. */
  flush(): Promise<void> {
    const run = this.writing.then(() => this.writePending());
    // The chain continues past a failure; the caller of this flush still sees it.
    this.writing = run.catch(() => undefined);
    return run;
  }

  private onMessage(message: BusMessage, delivery: Delivery): void {
    this.counts.received++;
    let snapshot: SsiPsSnapshot;
    let payload: Uint8Array;
    try {
      ({ snapshot, payload } = decode(message, delivery.key));
    } catch (err) {
      this.counts.malformed++;
      this.report({ kind: 'malformed', key: delivery.key, error: (err as Error).message });
      return;
    }
    const held = this.hold(snapshot);
    if (held === 'duplicate') return;
    if (held === 'kept') this.counts.accepted++;
    if (this.options.store === undefined) return;
    this.pendingRows.push({
      code: snapshot.code,
      tsEvent: snapshot.tsEventNs,
      seq: snapshot.seq,
      snapshot: ssiPsSnapshotToJson(snapshot),
      payload,
    });
    if (this.pendingRows.length > this.maxPending) {
      const over = this.pendingRows.length - this.maxPending;
      this.pendingRows.splice(0, over);
      this.counts.dropped += over;
    }
    // A full batch starts a write, one at a time: while the store is down, every message must not queue
    // another failing write. A failure is counted and reported, and the rows wait for the next flush.
    if (this.pendingRows.length >= this.batchSize && !this.autoFlushing) {
      this.autoFlushing = true;
      this.flush()
        .catch(() => undefined)
        .finally(() => {
          this.autoFlushing = false;
        });
    }
  }

  /**
   * Keeps the snapshot in time order. A code past maxCodes is not held in memory, but its snapshots still
   * go to the store: the bound is on memory, not on what is recorded.
   */
  private hold(snapshot: SsiPsSnapshot): 'kept' | 'duplicate' | 'refused' {
    let held = this.byCode.get(snapshot.code);
    if (held === undefined) {
      if (this.byCode.size >= this.maxCodes) {
        this.counts.refusedCodes++;
        this.report({
          kind: 'refused',
          key: snapshot.code,
          error: `more than ${this.maxCodes} codes in memory; not held there`,
        });
        return 'refused';
      }
      this.byCode.set(snapshot.code, (held = []));
    }
    const h: Held = { snapshot, ts: snapshot.tsEventNs, seq: snapshot.seq };
    const last = held.at(-1);
    if (last === undefined || compare(last, h) < 0) {
      held.push(h);
    } else {
      // Late or redelivered: find its place; an equal key is the same snapshot again.
      const i = lowerBound(held, h.ts, h.seq);
      const at = held[i];
      if (at !== undefined && compare(at, h) === 0) {
        this.counts.duplicates++;
        return 'duplicate';
      }
      held.splice(i, 0, h);
    }
    if (held.length > this.maxPerCode) held.shift();
    return 'kept';
  }

  private async writePending(): Promise<void> {
    const store = this.options.store;
    if (store === undefined) return;
    while (this.pendingRows.length > 0) {
      const batch = this.pendingRows.slice(0, this.batchSize);
      try {
        this.counts.stored += await store.insert(batch);
      } catch (err) {
        this.counts.storeFailures++;
        const codes = [...new Set(batch.map((r) => r.code))].join(',');
        this.report({ kind: 'store', key: codes, error: (err as Error).message });
        throw err;
      }
      // Rows pushed meanwhile went to the end; the batch is still at the front unless maxPending dropped some.
      const kept = this.pendingRows.indexOf(batch.at(-1)!);
      this.pendingRows.splice(0, kept + 1);
    }
  }

  private report(problem: SsiPsProblem): void {
    this.lastError = `${problem.kind} ${problem.key}: ${problem.error}`;
    try {
      this.options.onProblem?.(problem);
    } catch {
      // A failing listener must not turn a counted problem into a thrown one.
    }
  }
}

function decode(message: BusMessage, key: string): { snapshot: SsiPsSnapshot; payload: Uint8Array } {
  if (message.type !== 'SsiPsSnapshotBytes') {
    throw new ModelError('type', `expected SsiPsSnapshotBytes on ${Topic.SSI_PS}, got "${message.type}"`);
  }
  const m = message as Partial<SsiPsSnapshotBytes>;
  if (!(m.payload instanceof Uint8Array) || m.payload.length === 0) {
    throw new ModelError('payload', 'expected the non-empty protobuf bytes of a markets.v1.SsiPsSnapshot');
  }
  let snapshot: SsiPsSnapshot;
  try {
    snapshot = fromBinary(SsiPsSnapshotSchema, m.payload);
  } catch (err) {
    throw new ModelError('payload', `is not a markets.v1.SsiPsSnapshot: ${(err as Error).message}`);
  }
  checkSsiPsSnapshot(snapshot, 'payload');
  if (snapshot.code !== key || m.code !== key) {
    throw new ModelError(
      'code',
      `the key "${key}", header "${String(m.code)}" and snapshot "${snapshot.code}" differ`,
    );
  }
  if (m.tsEvent !== snapshot.tsEventNs) {
    throw new ModelError(
      'tsEvent',
      `the header's ${String(m.tsEvent)} is not the snapshot's ${snapshot.tsEventNs}`,
    );
  }
  return { snapshot, payload: m.payload };
}

function compare(a: { ts: bigint; seq: bigint }, b: { ts: bigint; seq: bigint }): number {
  if (a.ts !== b.ts) return a.ts < b.ts ? -1 : 1;
  return a.seq === b.seq ? 0 : a.seq < b.seq ? -1 : 1;
}

/** The first index whose (ts, seq) is not below (ts, seq). */
function lowerBound(held: readonly Held[], ts: bigint, seq: bigint): number {
  let lo = 0;
  let hi = held.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compare(held[mid]!, { ts, seq }) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function checkRange(range: SsiPsRange): { from?: bigint; to?: bigint } {
  if (typeof range !== 'object' || range === null) throw new ModelError('range', 'expected { from?, to? }');
  for (const k of ['from', 'to'] as const) {
    const v = range[k];
    if (v !== undefined && typeof v !== 'bigint')
      throw new ModelError(`range.${k}`, 'expected integer nanoseconds (bigint)');
  }
  if (range.from !== undefined && range.to !== undefined && range.from > range.to) {
    throw new ModelError('range', `from (${range.from}) is after to (${range.to})`);
  }
  return range;
}

function positiveInt(n: number, field: string): number {
  if (!Number.isSafeInteger(n) || n < 1) throw new ModelError(field, `must be a positive integer, got ${n}`);
  return n;
}

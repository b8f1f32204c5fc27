import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { acquirePgliteLock, type PgliteLock } from './pglite-lock.js';
import { SerialQueue } from './serial-queue.js';
import type { SqlClient } from './sql-client.js';
import { StoreError } from './store-error.js';

const INT8_OID = 20;

/**
 * Opens (creating when absent) an embedded PGlite database in `dataDir`. PGlite is one connection, so
 * every statement and transaction waits its turn in one queue: a concurrent caller never lands inside
 * someone else's BEGIN … COMMIT.
 */
export async function openPglite(dataDir: string): Promise<SqlClient> {
  if (typeof dataDir !== 'string' || dataDir.trim().length === 0) {
    throw new StoreError('dataDir', 'must be the path of a directory for the embedded database');
  }
  // The lock sits beside the directory and is taken before anything is created in it.
  try {
    await mkdir(dirname(resolve(dataDir)), { recursive: true });
  } catch (err) {
    throw new StoreError('dataDir', `cannot create ${dataDir}: ${(err as Error).message}`, { cause: err });
  }
  const lock = await acquirePgliteLock(dataDir);
  try {
    await mkdir(dataDir, { recursive: true });
  } catch (err) {
    await lock.release();
    throw new StoreError('dataDir', `cannot create ${dataDir}: ${(err as Error).message}`, { cause: err });
  }
  let db: PGlite;
  try {
    // BIGINT as text, as pg returns it: callers convert explicitly and never meet a bigint from one
    // engine and a string from the other.
    db = await PGlite.create({ dataDir, parsers: { [INT8_OID]: (text: string) => text } });
  } catch (err) {
    await lock.release();
    throw new StoreError(
      'dataDir',
      `cannot open a PGlite database in ${dataDir}: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
  return new PgliteClient(db, lock);
}

class PgliteClient implements SqlClient {
  readonly engine = 'pglite' as const;
  private readonly queue = new SerialQueue();
  private closed = false;

  constructor(
    private readonly db: PGlite,
    private readonly lock: PgliteLock,
  ) {}

  async query<R extends object = Record<string, unknown>>(
    text: string,
    params?: readonly unknown[],
  ): Promise<R[]> {
    this.checkOpen();
    return this.queue.run(async () => (await this.db.query<R>(text, params as unknown[] | undefined)).rows);
  }

  async exec(sql: string): Promise<void> {
    this.checkOpen();
    return this.queue.run(async () => {
      await this.db.exec(sql);
    });
  }

  async transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T> {
    this.checkOpen();
    return this.queue.run(() => this.db.transaction((tx) => fn(new PgliteTransaction(tx))));
  }

  async dumpDataDir(): Promise<Uint8Array> {
    this.checkOpen();
    return this.queue.run(async () => {
      // The checkpoint leaves the files a clean image; the queue keeps every other statement out meanwhile.
      await this.db.exec('CHECKPOINT');
      const blob = await this.db.dumpDataDir('gzip');
      return new Uint8Array(await blob.arrayBuffer());
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.queue.run(() => this.db.close());
    } finally {
      await this.lock.release();
    }
  }

  private checkOpen(): void {
    if (this.closed) throw new StoreError('store', 'the PGlite database is closed');
  }
}

class PgliteTransaction implements SqlClient {
  readonly engine = 'pglite' as const;

  constructor(private readonly tx: Transaction) {}

  async query<R extends object = Record<string, unknown>>(
    text: string,
    params?: readonly unknown[],
  ): Promise<R[]> {
    return (await this.tx.query<R>(text, params as unknown[] | undefined)).rows;
  }

  async exec(sql: string): Promise<void> {
    await this.tx.exec(sql);
  }

  transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T> {
    return fn(this);
  }

  close(): Promise<void> {
    return Promise.reject(new StoreError('transaction', 'cannot close a transaction; close the client'));
  }
}

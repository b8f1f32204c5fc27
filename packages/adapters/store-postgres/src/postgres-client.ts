import pg from 'pg';
import type { SqlClient } from './sql-client.js';
import { StoreError } from './store-error.js';

export interface PostgresOptions {
  /** Most connections the pool opens (10 when absent). */
  readonly max?: number;
}

// int8 and numeric as text: pg's defaults, pinned here so that a global setTypeParser elsewhere in the
// process cannot turn money into floats behind the store's back.
const TEXT_OIDS = new Set([20, 1700]);
const keepText = (text: string): string => text;
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    TEXT_OIDS.has(oid) ? keepText : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/**
 * Opens a pool on a PostgreSQL server and checks that it answers. Statements are unnamed (no server-side
 * prepared statements) and transactions hold their connection from BEGIN to COMMIT only, so a PgBouncer
 * in transaction pooling mode may sit in between.
 */
export async function openPostgres(url: string, options: PostgresOptions = {}): Promise<SqlClient> {
  if (typeof url !== 'string' || !/^postgres(ql)?:\/\//.test(url)) {
    throw new StoreError('url', 'must be a postgres:// or postgresql:// connection URL');
  }
  const max = options.max ?? 10;
  if (!Number.isSafeInteger(max) || max < 1) {
    throw new StoreError('max', `must be a positive integer, got ${String(max)}`);
  }
  const pool = new pg.Pool({ connectionString: url, max, types });
  // An idle connection the server dropped is discarded by the pool itself; without a listener the
  // 'error' event would end the process.
  pool.on('error', () => undefined);
  try {
    await pool.query('select 1');
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw new StoreError('url', `cannot connect to ${redact(url)}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  return new PostgresClient(pool);
}

/** The URL without its password, for error messages. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(an unparseable URL)';
  }
}

class PostgresClient implements SqlClient {
  readonly engine = 'postgres' as const;
  private closed = false;

  constructor(private readonly pool: pg.Pool) {}

  async query<R extends object = Record<string, unknown>>(
    text: string,
    params?: readonly unknown[],
  ): Promise<R[]> {
    this.checkOpen();
    const result = await this.pool.query(text, params as unknown[] | undefined);
    return result.rows as R[];
  }

  async exec(sql: string): Promise<void> {
    this.checkOpen();
    // No parameters: the simple query protocol, which accepts several statements.
    await this.pool.query(sql);
  }

  async transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T> {
    this.checkOpen();
    const conn = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await conn.query('BEGIN');
      const result = await fn(new PostgresTransaction(conn));
      await conn.query('COMMIT');
      return result;
    } catch (err) {
      try {
        await conn.query('ROLLBACK');
      } catch (rollbackError) {
        // A connection that cannot even roll back is not handed to anyone else.
        broken = rollbackError as Error;
      }
      throw err;
    } finally {
      conn.release(broken);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  private checkOpen(): void {
    if (this.closed) throw new StoreError('store', 'the PostgreSQL pool is closed');
  }
}

class PostgresTransaction implements SqlClient {
  readonly engine = 'postgres' as const;

  constructor(private readonly conn: pg.PoolClient) {}

  async query<R extends object = Record<string, unknown>>(
    text: string,
    params?: readonly unknown[],
  ): Promise<R[]> {
    const result = await this.conn.query(text, params as unknown[] | undefined);
    return result.rows as R[];
  }

  async exec(sql: string): Promise<void> {
    await this.conn.query(sql);
  }

  transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T> {
    return fn(this);
  }

  close(): Promise<void> {
    return Promise.reject(new StoreError('transaction', 'cannot close a transaction; close the client'));
  }
}

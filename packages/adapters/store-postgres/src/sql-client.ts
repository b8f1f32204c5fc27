/** Which database runs underneath: embedded PGlite or a PostgreSQL server (directly or through PgBouncer). */
export type SqlEngine = 'pglite' | 'postgres';

/**
 * The one way the store talks SQL, the same on both engines. NUMERIC and BIGINT columns come back as
 * strings (parse them with the model's Decimal or BigInt where they are read), timestamptz as Date, jsonb
 * parsed, bytea as Uint8Array (a Buffer on Postgres). Pass JSON as text with a `::jsonb` cast: drivers
 * turn JavaScript arrays into SQL arrays, not JSON.
 *
 * Nothing here keeps session state, so the Postgres client works through PgBouncer in transaction
 * pooling mode: settings only with SET LOCAL, locks only with pg_advisory_xact_lock, no LISTEN, no named
 * prepared statements.
 */
export interface SqlClient {
  readonly engine: SqlEngine;
  query<R extends object = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<R[]>;
  /** Several statements, no parameters (migrations). */
  exec(sql: string): Promise<void>;
  /**
   * BEGIN … COMMIT on one connection; ROLLBACK and rethrow on error. Nested calls join the outer one.
   * Inside `fn` use `tx` only: on PGlite the outer client waits for this transaction to end.
   */
  transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T>;
  /**
   * Embedded engine only: a gzipped tarball of the data directory taken between two statements, after a
   * checkpoint — the consistent copy of a database that allows no second connection to dump from.
   */
  dumpDataDir?(): Promise<Uint8Array>;
  close(): Promise<void>;
}

import type { SqlClient } from '../sql-client.js';
import { StoreError } from '../store-error.js';
import type { Migration } from './migration.js';
import { MIGRATIONS } from './migrations.js';
import { SchemaTooNewError } from './schema-too-new-error.js';

/**
 * The key of the transaction-scoped advisory lock migrations run under ("QUBIT" in ASCII), so that
 * two processes starting together apply each migration once. Transaction-scoped, unlike a session lock,
 * it holds through PgBouncer in transaction pooling mode.
 */
export const MIGRATION_LOCK_KEY = 0x5155424954n;

const CREATE_SCHEMA_MIGRATIONS = `
CREATE TABLE IF NOT EXISTS schema_migrations(
  version integer PRIMARY KEY,
  name text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
)`;

export interface MigrationResult {
  /** Versions this call applied, ascending (empty when the schema was already current). */
  readonly applied: readonly number[];
  /** The schema version after the call. */
  readonly version: number;
}

/**
 * Brings the schema up to the newest migration known: each pending one in its own transaction, under
 * the migration lock, recorded in schema_migrations. A database migrated beyond what this code knows is
 * refused with SchemaTooNewError before anything is changed.
 */
export async function migrate(
  client: SqlClient,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<MigrationResult> {
  checkMigrations(migrations);
  const known = migrations.at(-1)?.version ?? 0;
  await client.transaction(async (tx) => {
    await lock(tx);
    await tx.exec(CREATE_SCHEMA_MIGRATIONS);
    // Throwing here rolls the table's creation back too: a refused database is left as it was.
    const current = await highestVersion(tx);
    if (current > known) throw new SchemaTooNewError(current, known);
  });
  const applied: number[] = [];
  for (const m of migrations) {
    const done = await client.transaction(async (tx) => {
      await lock(tx);
      // Another process may have applied it (or a newer Qubit gone further) while this one waited.
      const current = await highestVersion(tx);
      if (current > known) throw new SchemaTooNewError(current, known);
      const rows = await tx.query('SELECT 1 FROM schema_migrations WHERE version = $1', [m.version]);
      if (rows.length > 0) return false;
      try {
        await tx.exec(m.sql);
      } catch (err) {
        throw new StoreError(`migration ${m.version}`, `"${m.name}" failed: ${(err as Error).message}`, {
          cause: err,
        });
      }
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      return true;
    });
    if (done) applied.push(m.version);
  }
  return { applied, version: await schemaVersion(client) };
}

/** The highest migration applied to the database; 0 for a database Qubit never migrated. */
export async function schemaVersion(client: SqlClient): Promise<number> {
  const exists = await client.query<{ t: string | null }>(
    `SELECT to_regclass('schema_migrations')::text AS t`,
  );
  if (!exists[0]?.t) return 0;
  return highestVersion(client);
}

async function highestVersion(client: SqlClient): Promise<number> {
  const rows = await client.query<{ v: number }>(
    'SELECT coalesce(max(version), 0) AS v FROM schema_migrations',
  );
  return Number(rows[0]?.v ?? 0);
}

async function lock(tx: SqlClient): Promise<void> {
  await tx.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`);
}

function checkMigrations(migrations: readonly Migration[]): void {
  let previous = 0;
  for (const [i, m] of migrations.entries()) {
    if (!Number.isSafeInteger(m.version) || m.version <= previous) {
      throw new StoreError(
        `migrations[${i}].version`,
        `must be an integer above ${previous} (versions ascend), got ${String(m.version)}`,
      );
    }
    if (typeof m.name !== 'string' || m.name.trim().length === 0) {
      throw new StoreError(`migrations[${i}].name`, 'must be a non-empty string');
    }
    if (typeof m.sql !== 'string' || m.sql.trim().length === 0) {
      throw new StoreError(`migrations[${i}].sql`, 'must be non-empty SQL');
    }
    previous = m.version;
  }
}

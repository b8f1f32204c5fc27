import { PGlite } from '@electric-sql/pglite';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { checkPgliteTarball, readBackupKind } from './backup-kind.js';
import type { BackupEngine } from './backup-file-name.js';
import { redact } from '../postgres-client.js';
import { runPgTool } from './pg-client-tool.js';
import { locationEngine, type StoreLocation } from './store-location.js';
import { StoreError } from '../store-error.js';

export interface RestoreOptions extends StoreLocation {
  /** A file written by backupStore. */
  readonly file: string;
  /** Directory of pg_restore (default /usr/bin). */
  readonly pgBinDir?: string;
}

export interface RestoreResult {
  readonly file: string;
  readonly engine: BackupEngine;
}

/**
 * Restores a backup into an EMPTY store: a PostgreSQL database with no tables outside the system schemas,
 * or a PGlite data dir that is absent or empty. Anything else is refused before a byte is written, so a
 * restore can never merge into, or overwrite, live data. The file's kind must match the target
 * (a pg_dump file into PostgreSQL, a PGlite dump into a data dir).
 *
 * PostgreSQL: `pg_restore --no-owner --single-transaction --exit-on-error`, so a failed restore leaves the
 * database as empty as it was. PGlite: the tarball is loaded into the directory; on failure what was
 * written is removed again. The platform must not use the target while it is being restored.
 */
export async function restoreStore(o: RestoreOptions): Promise<RestoreResult> {
  const engine = locationEngine(o, 'restore');
  if (typeof o.file !== 'string' || o.file.trim() === '')
    throw new StoreError('restore', 'file must be a file name');
  const kind = await readBackupKind(o.file);
  if (kind !== engine) {
    const into = engine === 'postgres' ? 'a PostgreSQL database (url)' : 'a PGlite data dir';
    const needs = kind === 'postgres' ? 'a PostgreSQL url' : 'a PGlite data dir';
    throw new StoreError(
      'restore',
      `${o.file} is a ${kind} backup and cannot be restored into ${into}; give ${needs}`,
    );
  }
  if (engine === 'postgres') {
    await checkDatabaseEmpty(o.url!);
    await runPgTool({
      tool: 'pg_restore',
      url: o.url!,
      args: ['--no-owner', '--single-transaction', '--exit-on-error', o.file],
      binDir: o.pgBinDir,
    });
  } else {
    await restorePglite(o.dataDir!, o.file);
  }
  return { file: o.file, engine };
}

/** Relations a restore would collide with: anything outside the system schemas that no extension owns. */
const USER_RELATIONS = `
  select n.nspname as schema, c.relname as name
  from pg_class c join pg_namespace n on n.oid = c.relnamespace
  where c.relkind in ('r', 'p', 'v', 'm', 'S', 'f')
    and n.nspname not in ('pg_catalog', 'information_schema')
    and n.nspname not like 'pg\\_toast%' and n.nspname not like 'pg\\_temp%'
    and not exists (
      select 1 from pg_depend d
      where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')
  order by 1, 2
  limit 6`;

async function checkDatabaseEmpty(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
  } catch (err) {
    throw new StoreError('restore', `cannot connect to ${redact(url)}: ${(err as Error).message}`);
  }
  try {
    const { rows } = await client.query<{ schema: string; name: string }>(USER_RELATIONS);
    if (rows.length > 0) {
      const names = rows.slice(0, 5).map((r) => `${r.schema}.${r.name}`);
      const more = rows.length > 5 ? ', …' : '';
      throw new StoreError(
        'restore',
        `the database at ${redact(url)} is not empty (it has ${names.join(', ')}${more}); restore only into an empty database`,
      );
    }
  } finally {
    await client.end();
  }
}

async function restorePglite(dataDir: string, file: string): Promise<void> {
  let entries: string[] | undefined;
  try {
    entries = await readdir(dataDir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT')
      throw new StoreError('restore', `cannot read ${dataDir}: ${(err as Error).message}`);
  }
  if (entries && entries.length > 0) {
    const shown = entries.slice(0, 5).join(', ') + (entries.length > 5 ? ', …' : '');
    throw new StoreError(
      'restore',
      `${dataDir} is not empty (it holds ${shown}); restore only into an absent or empty directory`,
    );
  }
  const gz = await readFile(file);
  checkPgliteTarball(gz, file);
  const created = entries === undefined;
  await mkdir(dataDir, { recursive: true });
  try {
    const db = await PGlite.create({ dataDir, loadDataDir: new Blob([gz]) });
    try {
      // Opening is lazy about some failures; a query proves the restored cluster really starts.
      await db.query('select 1');
    } finally {
      await db.close();
    }
  } catch (err) {
    if (created) await rm(dataDir, { recursive: true, force: true });
    else
      for (const name of await readdir(dataDir))
        await rm(join(dataDir, name), { recursive: true, force: true });
    throw new StoreError('restore', `PGlite could not load ${file}: ${(err as Error).message}`);
  }
}

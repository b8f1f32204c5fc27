import { PGlite } from '@electric-sql/pglite';
import { open, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { BackupEngine } from './backup-file-name.js';
import { pathExists } from './path-exists.js';
import { runPgTool } from './pg-client-tool.js';
import { locationEngine, type StoreLocation } from './store-location.js';
import { acquirePgliteLock } from '../pglite-lock.js';
import type { SqlClient } from '../sql-client.js';
import { StoreError } from '../store-error.js';

export interface BackupOptions extends StoreLocation {
  /** Where the backup goes; it must not exist yet, and its directory must. */
  readonly file: string;
  /** Directory of pg_dump (default /usr/bin). */
  readonly pgBinDir?: string;
  /**
   * The store's open client, when the store is open in this process. PGlite allows one handle, so a
   * running platform's embedded store is dumped through it (between two statements) rather than by
   * opening the directory a second time. Ignored for PostgreSQL, whose pg_dump takes its own snapshot.
   */
  readonly live?: SqlClient;
}

export interface BackupResult {
  readonly file: string;
  readonly bytes: number;
  readonly engine: BackupEngine;
}

/**
 * Takes a consistent backup of a store into `file`: PostgreSQL through `pg_dump --format=custom` (an MVCC
 * snapshot, so the platform may keep running), PGlite through `dumpDataDir('gzip')`: through `live` (the
 * open store's client) while the platform runs, else by opening the data dir, which then must not be open
 * anywhere else. Never a copy of the files under a running database.
 *
 * The backup is written to `file + '.partial'`, synced and renamed, so a crash or a failed dump never
 * leaves a truncated file under the final name; on failure the partial file is removed.
 */
export async function backupStore(o: BackupOptions): Promise<BackupResult> {
  const engine = locationEngine(o, 'backup');
  if (typeof o.file !== 'string' || o.file.trim() === '')
    throw new StoreError('backup', 'file must be a file name');
  if (await pathExists(o.file)) {
    throw new StoreError('backup', `${o.file} already exists; a backup never overwrites another`);
  }
  if (!(await pathExists(dirname(o.file)))) {
    throw new StoreError('backup', `directory ${dirname(o.file)} of ${o.file} does not exist`);
  }
  if (engine === 'pglite' && o.live !== undefined && (o.live.engine !== 'pglite' || !o.live.dumpDataDir)) {
    throw new StoreError('backup', 'live must be the open PGlite client of the store being backed up');
  }
  if (engine === 'pglite' && !(await pathExists(join(o.dataDir!, 'PG_VERSION')))) {
    throw new StoreError('backup', `${o.dataDir} holds no PGlite store (no PG_VERSION in it)`);
  }
  const partial = `${o.file}.partial`;
  // A partial file can only be the remains of an earlier crashed backup to the same name.
  await rm(partial, { force: true });
  try {
    if (engine === 'postgres') {
      await runPgTool({
        tool: 'pg_dump',
        url: o.url!,
        args: ['--format=custom', `--file=${partial}`],
        binDir: o.pgBinDir,
      });
      await syncFile(partial);
    } else if (o.live?.dumpDataDir) {
      await writeSynced(partial, await o.live.dumpDataDir());
    } else {
      await dumpPglite(o.dataDir!, partial);
    }
    await rename(partial, o.file);
    await syncDir(dirname(o.file));
  } catch (err) {
    await rm(partial, { force: true });
    throw err;
  }
  const { size } = await stat(o.file);
  return { file: o.file, bytes: size, engine };
}

async function dumpPglite(dataDir: string, target: string): Promise<void> {
  // Refused while the platform has the store open: its live handle is the only safe way in then.
  const lock = await acquirePgliteLock(dataDir);
  let db: PGlite;
  try {
    db = await PGlite.create({ dataDir });
  } catch (err) {
    await lock.release();
    throw err;
  }
  try {
    const blob = await db.dumpDataDir('gzip');
    await writeSynced(target, new Uint8Array(await blob.arrayBuffer()));
  } finally {
    await db.close();
    await lock.release();
  }
}

async function writeSynced(file: string, bytes: Uint8Array): Promise<void> {
  const fh = await open(file, 'wx');
  try {
    await fh.writeFile(bytes);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

async function syncFile(file: string): Promise<void> {
  const fh = await open(file, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Makes the rename itself durable; some file systems refuse to sync a directory, which is harmless. */
async function syncDir(dir: string): Promise<void> {
  try {
    await syncFile(dir);
  } catch {
    // Directory sync is a best effort: the data itself is already synced.
  }
}

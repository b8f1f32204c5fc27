import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { backupFileName, backupStore, restoreStore } from '@qubit/store-postgres';
import { defaultBackupDir, storeLocation, type StoreFlags } from './store-flags.js';

export interface BackupFlags extends StoreFlags {
  /** Backup file (--out); `<data-dir>/backups/qubit-<engine>-<UTC time>.<dump|tar.gz>` when absent. */
  readonly out?: string;
}

export type RestoreFlags = StoreFlags;

/** `qubit backup`: a consistent backup of the store into one file. Returns the exit code. */
export async function backupCommand(flags: BackupFlags, print: (line: string) => void): Promise<number> {
  const location = storeLocation(flags);
  try {
    let file: string;
    if (flags.out !== undefined) file = resolve(flags.out);
    else {
      const dir = defaultBackupDir(flags);
      await mkdir(dir, { recursive: true });
      file = join(dir, backupFileName('url' in location ? 'postgres' : 'pglite', new Date()));
    }
    const r = await backupStore({ ...location, file });
    print(`wrote ${r.file} (${r.bytes.toLocaleString('en-US')} bytes, ${r.engine} backup)`);
    return 0;
  } catch (err) {
    print(`qubit backup: ${oneLine(err)}`);
    return 1;
  }
}

/** `qubit restore <file>`: the backup into an empty store (refused otherwise). Returns the exit code. */
export async function restoreCommand(
  file: string,
  flags: RestoreFlags,
  print: (line: string) => void,
): Promise<number> {
  const location = storeLocation(flags);
  try {
    const r = await restoreStore({ ...location, file: resolve(file) });
    const into = 'url' in location ? databaseName(location.url) : location.dataDir;
    print(`restored ${r.file} (${r.engine} backup) into ${into}`);
    return 0;
  } catch (err) {
    print(`qubit restore: ${oneLine(err)}`);
    return 1;
  }
}

/** host/database of a URL, never its password. */
function databaseName(url: string): string {
  try {
    const u = new URL(url);
    return `${u.host}${u.pathname}`;
  } catch {
    return 'the database';
  }
}

/** pg_dump's stderr may run to several lines; the CLI reports one. */
function oneLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

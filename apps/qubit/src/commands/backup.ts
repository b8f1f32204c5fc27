import { resolve } from 'node:path';
import { backupFileName, backupStore, restoreStore } from '@qubit/store-postgres';

export interface BackupFlags {
  /** PostgreSQL URL (--database-url, QUBIT_DATABASE_URL); wins over dataDir when given. */
  readonly url?: string;
  /** PGlite data dir (--data-dir, QUBIT_DATA_DIR). */
  readonly dataDir: string;
  /** Backup file (--out); `qubit-<engine>-<UTC time>.<dump|tar.gz>` in the working directory when absent. */
  readonly out?: string;
}

export interface RestoreFlags {
  readonly url?: string;
  readonly dataDir: string;
}

/** `qubit backup`: a consistent backup of the store into one file. Returns the exit code. */
export async function backupCommand(flags: BackupFlags, print: (line: string) => void): Promise<number> {
  const location = flags.url ? { url: flags.url } : { dataDir: resolve(flags.dataDir) };
  try {
    const file = resolve(flags.out ?? backupFileName(flags.url ? 'postgres' : 'pglite', new Date()));
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
  const location = flags.url ? { url: flags.url } : { dataDir: resolve(flags.dataDir) };
  try {
    const r = await restoreStore({ ...location, file: resolve(file) });
    const into = location.url ? databaseName(location.url) : location.dataDir;
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

import { join, resolve } from 'node:path';

/** The flags every command that opens the store takes: --data-dir and --database-url. */
export interface StoreFlags {
  /** The platform's data directory (--data-dir, QUBIT_DATA_DIR, ./data by default). */
  readonly dataDir: string;
  /** PostgreSQL instead of the embedded store (--database-url, QUBIT_DATABASE_URL). */
  readonly databaseUrl?: string;
}

/**
 * Where the store lives for these flags: the PostgreSQL URL when given, else the embedded PGlite database
 * in `<data-dir>/pglite`. A directory of its own, because the data directory also holds backups and other
 * files, and a PGlite dump takes its whole directory.
 */
export function storeLocation(f: StoreFlags): { url: string } | { dataDir: string } {
  if (f.databaseUrl !== undefined && f.databaseUrl.trim() !== '') return { url: f.databaseUrl };
  return { dataDir: join(resolve(f.dataDir), 'pglite') };
}

/** Where backups go by default: `<data-dir>/backups`. */
export function defaultBackupDir(f: StoreFlags): string {
  return join(resolve(f.dataDir), 'backups');
}

import type { BackupEngine } from './backup-file-name.js';
import { StoreError } from '../store-error.js';

/** Where a store lives: a PostgreSQL URL, or a PGlite data directory (the URL wins when both are given). */
export interface StoreLocation {
  readonly url?: string;
  readonly dataDir?: string;
}

/** Which engine a location names; refuses a location that names neither. */
export function locationEngine(o: StoreLocation, what: string): BackupEngine {
  if (o.url !== undefined && typeof o.url !== 'string') {
    throw new StoreError(`${what}`, `url must be a string, got ${typeof o.url}`);
  }
  if (o.dataDir !== undefined && typeof o.dataDir !== 'string') {
    throw new StoreError(`${what}`, `dataDir must be a string, got ${typeof o.dataDir}`);
  }
  if (o.url && o.url.trim() !== '') return 'postgres';
  if (o.dataDir && o.dataDir.trim() !== '') return 'pglite';
  throw new StoreError(`${what}`, `give a PostgreSQL url or a PGlite dataDir`);
}

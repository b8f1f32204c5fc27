import { StoreError } from '../store-error.js';

/** What kind of store a backup came from, and so which tool reads it back. */
export type BackupEngine = 'pglite' | 'postgres';

const EXTENSION: Record<BackupEngine, string> = { postgres: 'dump', pglite: 'tar.gz' };
const NAME_RE = /^qubit-(pglite|postgres)-(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z\.(dump|tar\.gz)$/;

/** `qubit-<engine>-<YYYYMMDDTHHMMSSZ>.<dump|tar.gz>`: sorts by time and says what it holds. */
export function backupFileName(engine: BackupEngine, takenAt: Date): string {
  if (!(takenAt instanceof Date) || Number.isNaN(takenAt.getTime())) {
    throw new StoreError('takenAt', `expected a valid Date, got ${String(takenAt)}`);
  }
  if (engine !== 'pglite' && engine !== 'postgres') {
    throw new StoreError('engine', `expected "pglite" or "postgres", got ${String(engine)}`);
  }
  const stamp = takenAt
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
  return `qubit-${engine}-${stamp}.${EXTENSION[engine]}`;
}

/**
 * Reads a name written by backupFileName; undefined for anything else (a `.partial` left by a crash, a
 * file someone put beside the backups), which retention must then never touch.
 */
export function parseBackupFileName(name: string): { engine: BackupEngine; takenAt: Date } | undefined {
  const m = NAME_RE.exec(name);
  if (!m) return undefined;
  const engine = m[1] as BackupEngine;
  if (m[8] !== EXTENSION[engine]) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(2, 8).map(Number) as [number, number, number, number, number, number];
  const takenAt = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  // Date.UTC rolls 2024-02-30 or 12:00:61 over into the next period; such a name was not written by us.
  if (backupFileName(engine, takenAt) !== name) return undefined;
  return { engine, takenAt };
}

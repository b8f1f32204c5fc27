import { open } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import type { BackupEngine } from './backup-file-name.js';
import { StoreError } from '../store-error.js';

const PGDMP = Buffer.from('PGDMP', 'latin1');

/**
 * What a backup file holds, judged by its first bytes: pg_dump's custom format starts with "PGDMP";
 * a PGlite data dir dump is a gzip stream (1f 8b). Anything else is not one of ours.
 */
export async function readBackupKind(file: string): Promise<BackupEngine> {
  let head: Buffer;
  try {
    const fh = await open(file, 'r');
    try {
      head = Buffer.alloc(5);
      const { bytesRead } = await fh.read(head, 0, 5, 0);
      head = head.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  } catch (err) {
    throw new StoreError('file', `cannot read backup ${file}: ${(err as Error).message}`);
  }
  if (head.length === 5 && head.equals(PGDMP)) return 'postgres';
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'pglite';
  throw new StoreError(
    'file',
    `${file} is not a Qubit backup (neither a pg_dump custom-format file nor a gzip PGlite data dir)`,
  );
}

/**
 * Checks that a gzip file is a tarball of a Postgres data directory (it holds PG_VERSION) before PGlite
 * is asked to load it, so a stray .tar.gz is refused with a plain message rather than a WASM abort.
 */
export function checkPgliteTarball(gz: Uint8Array, file: string): void {
  let tar: Buffer;
  try {
    tar = gunzipSync(gz);
  } catch (err) {
    throw new StoreError('file', `${file} is not a readable gzip file: ${(err as Error).message}`);
  }
  for (let off = 0; off + 512 <= tar.length;) {
    const header = tar.subarray(off, off + 512);
    const name = cString(header.subarray(0, 100));
    if (name === '') break;
    if (cString(header.subarray(257, 262)) !== 'ustar') break;
    if (name.replace(/^\.?\//, '') === 'PG_VERSION') return;
    const size = parseInt(cString(header.subarray(124, 136)).trim() || '0', 8);
    if (!Number.isFinite(size)) break;
    off += 512 + Math.ceil(size / 512) * 512;
  }
  throw new StoreError(
    'file',
    `${file} is a gzip file but not a PGlite data dir dump (no PG_VERSION in its tarball)`,
  );
}

function cString(b: Buffer): string {
  const end = b.indexOf(0);
  return b.subarray(0, end < 0 ? b.length : end).toString('utf8');
}

import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The real market data lives in `../shared/data` beside the repository (its licenses forbid copying it in).
 * `QUBIT_SHARED_DATA` overrides the location. Returns undefined when the folder is absent.
 */
export function sharedDataDir(): string | undefined {
  const fromEnv = process.env.QUBIT_SHARED_DATA;
  if (fromEnv) return existsSync(fromEnv) ? resolve(fromEnv) : undefined;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const candidate = join(dir, '..', 'shared', 'data');
    if (existsSync(join(candidate, 'SOURCES.md'))) return resolve(candidate);
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return undefined;
}

/** The path of a file under the shared data folder, or undefined when the folder or the file is absent. */
export function sharedDataFile(relative: string): string | undefined {
  const dir = sharedDataDir();
  if (!dir) return undefined;
  const p = join(dir, relative);
  return existsSync(p) ? p : undefined;
}

/** Why a test over shared data is skipped; printed so a skip is never silent. */
export function sharedDataSkipReason(relative?: string): string | undefined {
  const dir = sharedDataDir();
  if (!dir) return 'skipped: ../shared/data is absent (set QUBIT_SHARED_DATA to its location)';
  if (relative && !existsSync(join(dir, relative))) return `skipped: ${relative} is absent from ${dir}`;
  return undefined;
}

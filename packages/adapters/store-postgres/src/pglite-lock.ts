import { open, readFile, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
// The lock is about this OS process: its pid, and whether another pid is alive.
import { kill, pid as ownPid } from 'node:process';
import { StoreError } from './store-error.js';

/** Held while a process has an embedded store open; `release` gives it up. */
export interface PgliteLock {
  readonly path: string;
  release(): Promise<void>;
}

/**
 * PGlite is PostgreSQL in one process with no lock of its own on its directory: a second process
 * opening it (a CLI command while `qubit trade` runs) would have two postgres instances writing the
 * same files, which corrupts them. So the embedded store takes `<dataDir>.lock` (beside the directory,
 * not in it, so that a dump of the directory never carries it): created exclusively, holding the
 * owner's pid and host. A lock whose process is gone (killed with SIGKILL) is taken over.
 */
export async function acquirePgliteLock(dataDir: string): Promise<PgliteLock> {
  const path = `${dataDir.replace(/[\\/]+$/, '')}.lock`;
  const me = `${ownPid} ${hostname()}`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fh = await open(path, 'wx');
      try {
        await fh.writeFile(`${me}\n`);
        await fh.sync();
      } finally {
        await fh.close();
      }
      let released = false;
      return {
        path,
        release: async () => {
          if (released) return;
          released = true;
          // Only our own lock is removed: a takeover after we were presumed dead is not ours to undo.
          if ((await readOwner(path)) === me) await unlink(path).catch(() => undefined);
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new StoreError('dataDir', `cannot create the lock ${path}: ${(err as Error).message}`, {
          cause: err,
        });
      }
    }
    const owner = await readOwner(path);
    if (owner === undefined) continue; // removed meanwhile: try again
    const [pidText, host] = owner.split(' ');
    const pid = Number(pidText);
    if (host === hostname() && Number.isInteger(pid) && pid > 0 && alive(pid)) {
      throw new StoreError(
        'dataDir',
        `${dataDir} is open in process ${pid}${pid === ownPid ? ' (this one)' : ''}: the embedded store ` +
          'allows one process at a time; stop it first, or use PostgreSQL (--database-url) to share a store',
      );
    }
    if (host !== undefined && host !== hostname()) {
      throw new StoreError(
        'dataDir',
        `${dataDir} is locked by process ${pidText ?? '?'} on host ${host} (${path}); if that host is gone, remove the file`,
      );
    }
    // The owner is dead: its lock is stale. Remove it and race for a fresh one.
    await unlink(path).catch(() => undefined);
  }
  throw new StoreError('dataDir', `cannot take the lock ${path}: another process keeps taking it`);
}

async function readOwner(path: string): Promise<string | undefined> {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

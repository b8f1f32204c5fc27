import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backupStore } from './backup/backup-store.js';
import { openPglite } from './pglite-client.js';

let work: string;
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'qubit-lock-'));
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

describe('the embedded store is one process at a time', () => {
  it('refuses a second opener while the first holds it, and lets it in once closed', async () => {
    const dir = join(work, 'pglite');
    const first = await openPglite(dir);
    expect(readFileSync(`${dir}.lock`, 'utf8')).toBe(`${process.pid} ${hostname()}\n`);
    await expect(openPglite(dir)).rejects.toThrow(
      `${dir} is open in process ${process.pid} (this one): the embedded store allows one process at a time`,
    );
    // Nor may a backup open it behind the platform's back.
    await expect(backupStore({ dataDir: dir, file: join(work, 'b.tar.gz') })).rejects.toThrow(
      'is open in process',
    );
    expect(existsSync(join(work, 'b.tar.gz'))).toBe(false);
    await first.close();
    expect(existsSync(`${dir}.lock`)).toBe(false);
    const second = await openPglite(dir);
    await second.close();
  });

  it('refuses a store whose lock belongs to another live process', async () => {
    const dir = join(work, 'pglite');
    writeFileSync(`${dir}.lock`, `${process.ppid} ${hostname()}\n`);
    await expect(openPglite(dir)).rejects.toThrow(`is open in process ${process.ppid}:`);
    expect(existsSync(dir)).toBe(false);
  });

  it('takes over the lock of a process that died without releasing it (SIGKILL)', async () => {
    const dir = join(work, 'pglite');
    const gone = spawnSync(process.execPath, ['-e', '']).pid!;
    writeFileSync(`${dir}.lock`, `${gone} ${hostname()}\n`);
    const db = await openPglite(dir);
    expect(readFileSync(`${dir}.lock`, 'utf8')).toBe(`${process.pid} ${hostname()}\n`);
    await db.close();
  });
});

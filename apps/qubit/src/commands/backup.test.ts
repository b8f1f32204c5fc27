import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '@qubit/store-postgres';
import { testDatabaseUrl } from '@qubit/test-data';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupCommand, restoreCommand } from './backup.js';

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'qubit-cli-backup-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function auditRows(location: { url?: string; dataDir?: string }): Promise<unknown[]> {
  const store = await openStore(location);
  try {
    return await store.sql.query('select actor, action, target from audit_log order by seq');
  } finally {
    await store.close();
  }
}

async function seed(location: { url?: string; dataDir?: string }): Promise<void> {
  const store = await openStore(location);
  try {
    await store.sql.query(`insert into audit_log (actor, action, target) values ('ops', 'backup-test', $1)`, [
      'store',
    ]);
  } finally {
    await store.close();
  }
}

describe('qubit backup / restore on a PGlite data dir', () => {
  it('backs up to --out, restores into an empty dir, and refuses to restore over a store', async () => {
    const dataDir = join(work, 'data');
    await seed({ dataDir: join(dataDir, 'pglite') });
    const lines: string[] = [];
    const out = join(work, 'manual.tar.gz');
    expect(await backupCommand({ dataDir, out }, (l) => lines.push(l))).toBe(0);
    expect(lines).toEqual([
      expect.stringMatching(new RegExp(`^wrote ${out} \\([\\d,]+ bytes, pglite backup\\)$`)),
    ]);

    const restored = join(work, 'restored');
    lines.length = 0;
    expect(await restoreCommand(out, { dataDir: restored }, (l) => lines.push(l))).toBe(0);
    expect(lines).toEqual([`restored ${out} (pglite backup) into ${join(restored, 'pglite')}`]);
    expect(await auditRows({ dataDir: join(restored, 'pglite') })).toEqual(
      await auditRows({ dataDir: join(dataDir, 'pglite') }),
    );

    lines.length = 0;
    expect(await restoreCommand(out, { dataDir: restored }, (l) => lines.push(l))).toBe(1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^qubit restore: restore: .* is not empty/);
  });

  it('names the backup by engine and time in <data-dir>/backups when --out is absent', async () => {
    const dataDir = join(work, 'data');
    const lines: string[] = [];
    expect(await backupCommand({ dataDir }, (l) => lines.push(l))).toBe(0);
    expect(readdirSync(join(dataDir, 'backups'))).toEqual([
      expect.stringMatching(/^qubit-pglite-\d{8}T\d{6}Z\.tar\.gz$/),
    ]);
  });

  it('fails with one line when there is no store to back up or no file to restore', async () => {
    const lines: string[] = [];
    const empty = join(work, 'nothing-here');
    expect(await backupCommand({ dataDir: empty, out: join(work, 'x.tar.gz') }, (l) => lines.push(l))).toBe(
      1,
    );
    expect(lines).toEqual([
      `qubit backup: backup: ${join(empty, 'pglite')} holds no PGlite store (no PG_VERSION in it)`,
    ]);
    expect(existsSync(join(work, 'x.tar.gz'))).toBe(false);

    lines.length = 0;
    const missing = join(work, 'missing.tar.gz');
    expect(await restoreCommand(missing, { dataDir: join(work, 'r2') }, (l) => lines.push(l))).toBe(1);
    expect(lines).toEqual([
      expect.stringMatching(new RegExp(`^qubit restore: file: cannot read backup ${missing}: ENOENT`)),
    ]);
    expect(existsSync(join(work, 'r2'))).toBe(false);
  });
});

const pgUrl = testDatabaseUrl();

describe.skipIf(pgUrl.skipReason !== undefined)('qubit backup / restore on PostgreSQL', () => {
  const tag = `${process.pid}_${Date.now().toString(36)}`;
  const dbs = [`qubit_cli_src_${tag}`, `qubit_cli_dst_${tag}`];
  const urlOf = (db: string): string => {
    const u = new URL(pgUrl.value!);
    u.pathname = `/${db}`;
    return u.toString();
  };
  async function admin(sql: string): Promise<void> {
    const c = new pg.Client({ connectionString: pgUrl.value });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  }
  beforeAll(async () => {
    for (const db of dbs) await admin(`create database ${db}`);
  });
  afterAll(async () => {
    for (const db of dbs) await admin(`drop database if exists ${db} with (force)`);
  });

  it('backs up with --database-url and restores into an empty database', async () => {
    const [src, dst] = dbs.map(urlOf) as [string, string];
    await seed({ url: src });
    const out = join(work, 'pg.dump');
    const lines: string[] = [];
    expect(await backupCommand({ databaseUrl: src, dataDir: './data', out }, (l) => lines.push(l))).toBe(0);
    expect(lines[0]).toMatch(/, postgres backup\)$/);
    expect(await restoreCommand(out, { databaseUrl: dst, dataDir: './data' }, (l) => lines.push(l))).toBe(0);
    expect(lines[1]).toBe(`restored ${out} (postgres backup) into ${new URL(dst).host}/${dbs[1]}`);
    expect(await auditRows({ url: dst })).toEqual(await auditRows({ url: src }));
  });
});

import { testDatabaseUrl } from '@qubit/test-data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPglite } from './pglite-client.js';
import { openPostgres } from './postgres-client.js';
import type { SqlClient } from './sql-client.js';
import { engineCases, type TestLocation } from './test-support.js';

const open = (l: TestLocation): Promise<SqlClient> =>
  l.url !== undefined ? openPostgres(l.url, { max: 4 }) : openPglite(l.dataDir as string);

for (const engine of engineCases('sqlclient', testDatabaseUrl())) {
  describe.skipIf(engine.skipReason !== undefined)(`SqlClient on ${engine.engine}`, () => {
    let sql: SqlClient;

    beforeAll(async () => {
      sql = await open(await engine.fresh());
      await sql.exec('CREATE TABLE t(n numeric, b bigint, label text); CREATE TABLE u(v int primary key)');
    });

    afterAll(async () => {
      await sql?.close();
      await engine.dispose();
    });

    it('says which engine it is', () => {
      expect(sql.engine).toBe(engine.engine);
    });

    it('returns NUMERIC and BIGINT as exact text', async () => {
      await sql.query('INSERT INTO t VALUES ($1, $2, $3)', ['0.000000012345678901', '9007199254740993', 'x']);
      const rows = await sql.query<{ n: unknown; b: unknown }>('SELECT n, b FROM t WHERE label = $1', ['x']);
      expect(rows).toEqual([{ n: '0.000000012345678901', b: '9007199254740993' }]);
    });

    it('commits a transaction and hands back its result', async () => {
      const result = await sql.transaction(async (tx) => {
        await tx.query('INSERT INTO u VALUES (1)');
        return (await tx.query<{ c: string }>('SELECT count(*) AS c FROM u'))[0]?.c;
      });
      expect(result).toBe('1');
      expect(await sql.query('SELECT v FROM u WHERE v = 1')).toEqual([{ v: 1 }]);
    });

    it('rolls a failed transaction back and rethrows its error', async () => {
      await expect(
        sql.transaction(async (tx) => {
          await tx.query('INSERT INTO u VALUES (2)');
          throw new Error('changed my mind');
        }),
      ).rejects.toThrow('changed my mind');
      expect(await sql.query('SELECT v FROM u WHERE v = 2')).toEqual([]);
    });

    it('joins a nested transaction to the outer one, which rolls both back', async () => {
      await expect(
        sql.transaction(async (tx) => {
          await tx.transaction(async (inner) => {
            await inner.query('INSERT INTO u VALUES (3)');
          });
          await tx.query('INSERT INTO u VALUES (3)'); // duplicate key: the outer fails
        }),
      ).rejects.toThrow();
      expect(await sql.query('SELECT v FROM u WHERE v = 3')).toEqual([]);
    });

    it('never runs a concurrent statement inside someone else’s transaction', async () => {
      const failing = sql.transaction(async (tx) => {
        await tx.query('INSERT INTO u VALUES (10)');
        await new Promise((r) => setTimeout(r, 50));
        await tx.query('INSERT INTO u VALUES (10)'); // fails: everything of this transaction is undone
      });
      // Issued while the transaction is open: it must not be rolled back with it.
      const outside = sql.query('INSERT INTO u VALUES (11)');
      await expect(failing).rejects.toThrow();
      await outside;
      expect(await sql.query('SELECT v FROM u WHERE v IN (10, 11) ORDER BY v')).toEqual([{ v: 11 }]);
    });

    it('runs several statements with exec', async () => {
      await sql.exec('INSERT INTO u VALUES (20); INSERT INTO u VALUES (21);');
      expect(await sql.query('SELECT count(*) AS c FROM u WHERE v >= 20')).toEqual([{ c: '2' }]);
    });
  });
}

describe('opening a SqlClient', () => {
  it('refuses a URL that is not postgres://', async () => {
    await expect(openPostgres('mysql://x@y/z')).rejects.toThrow(
      'url: must be a postgres:// or postgresql:// connection URL',
    );
  });

  it('refuses a pool size below one', async () => {
    await expect(openPostgres('postgres://u@127.0.0.1:1/x', { max: 0 })).rejects.toThrow(
      'max: must be a positive integer, got 0',
    );
  });

  it('names the server it cannot reach, without the password', async () => {
    const err = await openPostgres('postgres://u:hunter2@127.0.0.1:1/x').catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(
      /^url: cannot connect to postgres:\/\/u:\*\*\*@127\.0\.0\.1:1\/x: /,
    );
    expect((err as Error).message).not.toContain('hunter2');
  });

  it('refuses an empty PGlite directory path', async () => {
    await expect(openPglite('  ')).rejects.toThrow('dataDir: must be the path of a directory');
  });

  it('refuses statements once closed', async () => {
    const engine = engineCases('sqlclosed', { value: undefined, skipReason: 'n/a' })[0]!;
    const sql = await openPglite((await engine.fresh()).dataDir as string);
    await sql.close();
    await sql.close(); // twice is fine
    await expect(sql.query('SELECT 1')).rejects.toThrow('store: the PGlite database is closed');
    await engine.dispose();
  });
});

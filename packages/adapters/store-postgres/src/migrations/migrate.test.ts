import { testDatabaseUrl } from '@qubit/test-data';
import { afterAll, describe, expect, it } from 'vitest';
import { openPglite } from '../pglite-client.js';
import { openPostgres } from '../postgres-client.js';
import type { SqlClient } from '../sql-client.js';
import { openStore } from '../store.js';
import { engineCases, type TestLocation } from '../test-support.js';
import { migrate, schemaVersion } from './migrate.js';
import { MIGRATIONS } from './migrations.js';
import { SchemaTooNewError } from './schema-too-new-error.js';

const open = (l: TestLocation): Promise<SqlClient> =>
  l.url !== undefined ? openPostgres(l.url) : openPglite(l.dataDir as string);

const KNOWN = MIGRATIONS.at(-1)!.version;

/** Seed 000 §2.2 and §4.2, column by column: name → [data_type, is_nullable, default (normalised)]. */
const SEED_COLUMNS: Record<string, Record<string, [string, 'YES' | 'NO', string | null]>> = {
  desired_bots: {
    bot_id: ['uuid', 'NO', null],
    account_id: ['text', 'NO', null],
    name: ['text', 'NO', null],
    image: ['text', 'NO', null],
    enabled: ['boolean', 'NO', 'false'],
    config: ['jsonb', 'NO', null],
    config_rev: ['integer', 'NO', '1'],
    created_at: ['timestamp with time zone', 'NO', 'now()'],
    updated_at: ['timestamp with time zone', 'NO', 'now()'],
  },
  bot_status: {
    bot_id: ['uuid', 'NO', null],
    phase: ['text', 'NO', null],
    reason: ['text', 'YES', null],
    image_running: ['text', 'YES', null],
    last_heartbeat: ['timestamp with time zone', 'YES', null],
    p95_tick_ms: ['double precision', 'YES', null],
    intents_per_s: ['double precision', 'YES', null],
    updated_at: ['timestamp with time zone', 'NO', 'now()'],
  },
  ticks: {
    ts: ['timestamp with time zone', 'NO', null],
    symbol: ['text', 'NO', null],
    price: ['numeric', 'NO', null],
    volume: ['numeric', 'NO', null],
  },
  orders: {
    id: ['uuid', 'NO', 'gen_random_uuid()'],
    bot_id: ['uuid', 'NO', null],
    symbol: ['text', 'NO', null],
    side: ['text', 'NO', null],
    qty: ['numeric', 'NO', null],
    price: ['numeric', 'YES', null],
    status: ['text', 'NO', "'new'::text"],
    provider_order_id: ['text', 'YES', null],
    created_at: ['timestamp with time zone', 'NO', 'now()'],
    updated_at: ['timestamp with time zone', 'NO', 'now()'],
  },
  executions: {
    id: ['uuid', 'NO', 'gen_random_uuid()'],
    order_id: ['uuid', 'NO', null],
    fill_qty: ['numeric', 'NO', null],
    fill_price: ['numeric', 'NO', null],
    fee: ['numeric', 'NO', '0'],
    filled_at: ['timestamp with time zone', 'NO', 'now()'],
  },
};

for (const engine of engineCases('migrate', testDatabaseUrl())) {
  describe.skipIf(engine.skipReason !== undefined)(`migrations on ${engine.engine}`, () => {
    afterAll(() => engine.dispose());

    it('applies every migration once and records it', async () => {
      const sql = await open(await engine.fresh());
      try {
        expect(await schemaVersion(sql)).toBe(0);
        const first = await migrate(sql);
        expect(first).toEqual({ applied: MIGRATIONS.map((m) => m.version), version: KNOWN });
        const rows = await sql.query<{ version: number; name: string }>(
          'SELECT version, name FROM schema_migrations ORDER BY version',
        );
        expect(rows).toEqual(MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
      } finally {
        await sql.close();
      }
    });

    it('is idempotent: a second run applies nothing and changes nothing', async () => {
      const sql = await open(await engine.fresh());
      try {
        await migrate(sql);
        const before = await sql.query('SELECT version, applied_at FROM schema_migrations ORDER BY version');
        expect(await migrate(sql)).toEqual({ applied: [], version: KNOWN });
        expect(await sql.query('SELECT version, applied_at FROM schema_migrations ORDER BY version')).toEqual(
          before,
        );
      } finally {
        await sql.close();
      }
    });

    it('applies each migration once when two starts race', async () => {
      const location = await engine.fresh();
      // PGlite is one process's database: the race is two callers on one client. PostgreSQL: two pools.
      const a = await open(location);
      const b = engine.engine === 'postgres' ? await open(location) : a;
      try {
        const results = await Promise.all([migrate(a), migrate(b)]);
        expect(results.flatMap((r) => r.applied).sort()).toEqual(MIGRATIONS.map((m) => m.version));
        expect(results.map((r) => r.version)).toEqual([KNOWN, KNOWN]);
        const rows = await a.query<{ n: string }>('SELECT count(*) AS n FROM schema_migrations');
        expect(rows).toEqual([{ n: String(MIGRATIONS.length) }]);
      } finally {
        await a.close();
        if (b !== a) await b.close();
      }
    });

    it('refuses a schema newer than it knows, and changes nothing', async () => {
      const location = await engine.fresh();
      const sql = await open(location);
      await sql.exec(`CREATE TABLE schema_migrations(version integer PRIMARY KEY, name text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now());
        INSERT INTO schema_migrations (version, name) VALUES (7, 'from the future')`);
      const tablesBefore = await tables(sql);
      await sql.close();

      const err = await openStore(location).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SchemaTooNewError);
      expect((err as Error).message).toBe(
        `database schema is at version 7, this Qubit knows up to ${KNOWN}: upgrade Qubit`,
      );
      const after = await open(location);
      try {
        expect(await tables(after)).toEqual(tablesBefore);
        expect(await after.query('SELECT version, name FROM schema_migrations')).toEqual([
          { version: 7, name: 'from the future' },
        ]);
      } finally {
        await after.close();
      }
    });

    it('gives the seed 000 tables exactly the seed’s columns', async () => {
      const sql = await open(await engine.fresh());
      try {
        await migrate(sql);
        for (const [table, columns] of Object.entries(SEED_COLUMNS)) {
          const rows = await sql.query<{
            column_name: string;
            data_type: string;
            is_nullable: 'YES' | 'NO';
            column_default: string | null;
          }>(
            `SELECT column_name, data_type, is_nullable, column_default FROM information_schema.columns
              WHERE table_schema = current_schema() AND table_name = $1`,
            [table],
          );
          const found = new Map(rows.map((r) => [r.column_name, r]));
          for (const [column, [type, nullable, def]] of Object.entries(columns)) {
            const r = found.get(column);
            expect(r, `${table}.${column}`).toBeDefined();
            expect(
              [r?.data_type, r?.is_nullable, r?.column_default?.toLowerCase() ?? null],
              `${table}.${column}`,
            ).toEqual([type, nullable, def]);
          }
        }
        // And the seed's keys and checks still hold.
        const pk = await sql.query<{ table_name: string; column_name: string }>(
          `SELECT tc.table_name, kcu.column_name FROM information_schema.table_constraints tc
             JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = tc.constraint_name
            WHERE tc.constraint_type = 'PRIMARY KEY' AND tc.table_schema = current_schema()
              AND tc.table_name IN ('desired_bots', 'bot_status', 'orders', 'executions')
            ORDER BY tc.table_name`,
        );
        expect(pk).toEqual([
          { table_name: 'bot_status', column_name: 'bot_id' },
          { table_name: 'desired_bots', column_name: 'bot_id' },
          { table_name: 'executions', column_name: 'id' },
          { table_name: 'orders', column_name: 'id' },
        ]);
        await expect(
          sql.query(`INSERT INTO orders (bot_id, symbol, side, qty, client_order_id)
                     VALUES (gen_random_uuid(), 'X', 'hold', 1, 'c1')`),
        ).rejects.toThrow(/check constraint/);
      } finally {
        await sql.close();
      }
    });

    it('rolls back a failing migration and names it', async () => {
      const sql = await open(await engine.fresh());
      try {
        const broken = [
          { version: 1, name: 'one', sql: 'CREATE TABLE one(a int)' },
          { version: 2, name: 'two', sql: 'CREATE TABLE two(a int); SELECT no_such_function()' },
        ];
        await expect(migrate(sql, broken)).rejects.toThrow(/^migration 2: "two" failed: .*no_such_function/);
        expect(await schemaVersion(sql)).toBe(1);
        expect(await sql.query(`SELECT to_regclass('two')::text AS t`)).toEqual([{ t: null }]);
      } finally {
        await sql.close();
      }
    });
  });
}

describe('the migration list', () => {
  it('refuses versions that do not ascend before touching the database', async () => {
    const untouched = { engine: 'pglite' } as unknown as SqlClient;
    await expect(
      migrate(untouched, [
        { version: 2, name: 'b', sql: 'SELECT 1' },
        { version: 1, name: 'a', sql: 'SELECT 1' },
      ]),
    ).rejects.toThrow('migrations[1].version: must be an integer above 2 (versions ascend), got 1');
  });

  it('refuses an empty name or SQL', async () => {
    const untouched = { engine: 'pglite' } as unknown as SqlClient;
    await expect(migrate(untouched, [{ version: 1, name: ' ', sql: 'SELECT 1' }])).rejects.toThrow(
      'migrations[0].name: must be a non-empty string',
    );
    await expect(migrate(untouched, [{ version: 1, name: 'a', sql: '' }])).rejects.toThrow(
      'migrations[0].sql: must be non-empty SQL',
    );
  });
});

async function tables(sql: SqlClient): Promise<string[]> {
  const rows = await sql.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name`,
  );
  return rows.map((r) => r.table_name);
}

import { testDatabaseUrl } from '@qubit/test-data';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATIONS } from './migrations/migrations.js';
import { openStore } from './store.js';
import { engineCases } from './test-support.js';

for (const engine of engineCases('store', testDatabaseUrl())) {
  describe.skipIf(engine.skipReason !== undefined)(`openStore on ${engine.engine}`, () => {
    afterAll(() => engine.dispose());

    it('opens the engine it is given, migrated to the newest schema', async () => {
      const store = await openStore(await engine.fresh());
      try {
        expect(store.sql.engine).toBe(engine.engine);
        expect(await store.schemaVersion()).toBe(MIGRATIONS.at(-1)?.version);
      } finally {
        await store.close();
      }
    });

    it('writes the bots’ pending state on close, and refuses work after it', async () => {
      const location = await engine.fresh();
      const store = await openStore(location);
      const state = await store.kvState('sma-1');
      state.set('written-on-close', 42);
      await store.close();
      await store.close(); // twice is fine
      await expect(store.kvState('sma-1')).rejects.toThrow('store: is closed');
      const again = await openStore(location);
      try {
        expect((await again.kvState('sma-1')).get('written-on-close')).toBe(42);
      } finally {
        await again.close();
      }
    });
  });
}

describe('openStore options', () => {
  it('needs a URL or a data directory', async () => {
    await expect(openStore({})).rejects.toThrow(
      'options: give url (PostgreSQL) or dataDir (embedded PGlite)',
    );
  });

  it('refuses a bad secret key before opening anything', async () => {
    await expect(openStore({ dataDir: '/nonexistent/never-created', secretKey: 'short' })).rejects.toThrow(
      'secretKey: expected a 32-byte key written as 64 hex digits or as base64',
    );
  });

  it('refuses a URL that is not PostgreSQL', async () => {
    await expect(openStore({ url: 'http://example.com' })).rejects.toThrow(
      'url: must be a postgres:// or postgresql:// connection URL',
    );
  });
});

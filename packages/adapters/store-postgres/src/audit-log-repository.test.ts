import { testDatabaseUrl } from '@qubit/test-data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from './store.js';
import { engineCases } from './test-support.js';

for (const engine of engineCases('audit', testDatabaseUrl())) {
  describe.skipIf(engine.skipReason !== undefined)(`AuditLogRepository on ${engine.engine}`, () => {
    let store: Store;

    beforeAll(async () => {
      store = await openStore(await engine.fresh());
    });

    afterAll(async () => {
      await store?.close();
      await engine.dispose();
    });

    it('appends entries and lists them newest first, filtered and paged', async () => {
      const a = await store.audit.append({
        actor: 'alice',
        action: 'bot.start',
        target: 'sma-1',
        ip: '10.0.0.1',
      });
      const b = await store.audit.append({
        actor: 'bob',
        action: 'bot.stop',
        target: 'sma-1',
        details: { mode: 'graceful', timeout_ms: 5000 },
      });
      const c = await store.audit.append({ actor: 'alice', action: 'reconciliation.accept', target: '7' });
      expect(b).toBeGreaterThan(a);
      const all = await store.audit.list();
      expect(all.map((e) => e.seq)).toEqual([c, b, a]);
      expect(all[1]).toMatchObject({ actor: 'bob', details: { mode: 'graceful', timeout_ms: 5000 } });
      expect(all[2]).toMatchObject({ ip: '10.0.0.1', details: {} });
      expect(all[2]?.at).toBeInstanceOf(Date);
      expect((await store.audit.list({ actor: 'alice' })).map((e) => e.seq)).toEqual([c, a]);
      expect((await store.audit.list({ target: 'sma-1', limit: 1 })).map((e) => e.seq)).toEqual([b]);
      expect((await store.audit.list({ beforeSeq: b })).map((e) => e.seq)).toEqual([a]);
    });

    it('refuses an entry without actor or action, and details that are not an object', async () => {
      const before = await store.audit.list();
      await expect(store.audit.append({ actor: '', action: 'x' })).rejects.toThrow(
        'actor: must be a non-empty string',
      );
      await expect(store.audit.append({ actor: 'a', action: 'x', details: [] as never })).rejects.toThrow(
        'details: must be a JSON object',
      );
      expect(await store.audit.list()).toEqual(before);
    });
  });
}

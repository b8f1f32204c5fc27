import { testDatabaseUrl } from '@qubit/test-data';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from './store.js';
import { StoreKeyValueState } from './store-key-value-state.js';
import { engineCases } from './test-support.js';

for (const engine of engineCases('kvstate', testDatabaseUrl())) {
  describe.skipIf(engine.skipReason !== undefined)(`StoreKeyValueState on ${engine.engine}`, () => {
    afterAll(() => engine.dispose());

    it('survives a reopen: what a bot set is what it reads after a restart', async () => {
      const location = await engine.fresh();
      const first = await openStore(location);
      const state = await first.kvState('sma-1');
      state.set('entry', { px: '100.25', n: 3, big: 12345678901234567890n });
      state.set('armed', true);
      state.set('gone', 'soon');
      state.delete('gone');
      // Reads come from memory at once, before anything is written.
      expect(state.get('armed')).toBe(true);
      await first.close(); // flushes

      const second = await openStore(location);
      try {
        const again = await second.kvState('sma-1');
        expect(again.keys().sort()).toEqual(['armed', 'entry']);
        expect(again.get('entry')).toEqual({ px: '100.25', n: 3, big: '12345678901234567890' });
        expect(again.get('gone')).toBeUndefined();
        // Another bot sees none of it.
        expect((await second.kvState('other-bot')).keys()).toEqual([]);
      } finally {
        await second.close();
      }
    });

    it('writes in order: the last of many writes to a key wins', async () => {
      const store = await openStore(await engine.fresh());
      try {
        const state = await store.kvState('sma-2');
        for (let i = 0; i < 50; i++) state.set('counter', i);
        state.set('other', 'x');
        await state.flush();
        state.delete('other');
        state.set('counter', 'last');
        await state.flush();
        const rows = await store.sql.query(
          'SELECT key, value FROM kv_state WHERE bot_ref = $1 ORDER BY key',
          ['sma-2'],
        );
        expect(rows).toEqual([{ key: 'counter', value: 'last' }]);
      } finally {
        await store.close();
      }
    });

    it('hands out copies, never the stored object', async () => {
      const store = await openStore(await engine.fresh());
      try {
        const state = await store.kvState('sma-3');
        const value = { list: [1, 2] };
        state.set('v', value);
        value.list.push(3);
        const read = state.get<{ list: number[] }>('v');
        read?.list.push(4);
        expect(state.get('v')).toEqual({ list: [1, 2] });
      } finally {
        await store.close();
      }
    });

    it('refuses keys and values it cannot keep, changing nothing', async () => {
      const store = await openStore(await engine.fresh());
      try {
        const state = await store.kvState('sma-4');
        expect(() => state.set('', 1)).toThrow('state.key: must be a string of 1-256 characters');
        expect(() => state.set('f', () => 1)).toThrow('state.f: value is not JSON (undefined or a function)');
        const cyclic: Record<string, unknown> = {};
        cyclic.self = cyclic;
        expect(() => state.set('c', cyclic)).toThrow(/^state\.c: value is not JSON: /);
        expect(state.keys()).toEqual([]);
        await expect(StoreKeyValueState.load(store.sql, 'not a bot id')).rejects.toThrow(
          'botRef: "not a bot id" is not a valid BotId',
        );
      } finally {
        await store.close();
      }
    });

    it('reports a failed write from flush and writes it when the database is back', async () => {
      const store = await openStore(await engine.fresh());
      try {
        const errors: Error[] = [];
        const state = await StoreKeyValueState.load(store.sql, 'sma-5', { onError: (e) => errors.push(e) });
        await store.sql.exec('ALTER TABLE kv_state RENAME TO kv_state_away');
        state.set('k', 1);
        await expect(state.flush()).rejects.toThrow(/kv_state/);
        expect(errors.length).toBeGreaterThan(0);
        await store.sql.exec('ALTER TABLE kv_state_away RENAME TO kv_state');
        await state.flush();
        expect(await store.sql.query('SELECT value FROM kv_state WHERE bot_ref = $1', ['sma-5'])).toEqual([
          { value: 1 },
        ]);
      } finally {
        await store.close();
      }
    });
  });
}

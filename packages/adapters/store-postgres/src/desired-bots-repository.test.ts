import { testDatabaseUrl } from '@qubit/test-data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { botUuid } from './bot-uuid.js';
import { DesiredBotsRepository } from './desired-bots-repository.js';
import { openStore, type Store } from './store.js';
import { engineCases } from './test-support.js';

for (const engine of engineCases('desired_bots', testDatabaseUrl())) {
  describe.skipIf(engine.skipReason !== undefined)(`DesiredBotsRepository on ${engine.engine}`, () => {
    let store: Store;
    let desired: DesiredBotsRepository;

    beforeAll(async () => {
      store = await openStore(await engine.fresh());
      desired = new DesiredBotsRepository(store.sql);
    });

    afterAll(async () => {
      await store?.close();
      await engine.dispose();
    });

    const input = {
      botId: 'sma-1',
      accountId: 'SIM-001',
      name: 'SMA cross',
      image: 'sma-cross',
      config: { fast: 10, slow: 30 },
    };

    it('bumps config_rev only when the config or the image changes, and says so', async () => {
      const created = await desired.upsert(input);
      expect(created).toMatchObject({ created: true, revised: false });
      expect(created.desired).toMatchObject({ botUuid: botUuid('sma-1'), enabled: false, configRev: 1 });
      // Key order is not a change: jsonb compares values.
      const same = await desired.upsert({ ...input, config: { slow: 30, fast: 10 } });
      expect(same).toMatchObject({ created: false, revised: false, desired: { configRev: 1 } });
      const reconfigured = await desired.upsert({ ...input, config: { fast: 12, slow: 30 } });
      expect(reconfigured).toMatchObject({ revised: true, desired: { configRev: 2 } });
      const reimaged = await desired.upsert({
        ...input,
        config: { fast: 12, slow: 30 },
        image: 'sma-cross@2',
      });
      expect(reimaged).toMatchObject({ revised: true, desired: { configRev: 3, image: 'sma-cross@2' } });
      expect((await desired.get('sma-1'))?.config).toEqual({ fast: 12, slow: 30 });
    });

    it('enables and disables without touching the revision, and keeps enabled across updates', async () => {
      const before = await desired.get('sma-1');
      const on = await desired.setEnabled('sma-1', true);
      expect(on).toMatchObject({ enabled: true, configRev: before?.configRev });
      const updated = await desired.upsert({
        ...input,
        name: 'renamed',
        config: { fast: 12, slow: 30 },
        image: 'sma-cross@2',
      });
      expect(updated.desired).toMatchObject({ enabled: true, name: 'renamed', configRev: before?.configRev });
      await desired.upsert({ ...input, botId: 'grid-1', image: 'grid', config: {} });
      expect((await desired.list()).map((d) => d.botId)).toEqual(['grid-1', 'sma-1']);
      expect((await desired.list({ enabled: true })).map((d) => d.botId)).toEqual(['sma-1']);
      expect((await desired.list({ enabled: false })).map((d) => d.botId)).toEqual(['grid-1']);
    });

    it('deletes a bot’s desired state once', async () => {
      expect(await desired.delete('grid-1')).toBe(true);
      expect(await desired.delete('grid-1')).toBe(false);
      expect(await desired.get('grid-1')).toBeUndefined();
    });

    it('refuses bad input naming the field, and writes nothing', async () => {
      const d = { botId: 'bad-9', accountId: 'A', name: 'n', image: 'i' };
      await expect(desired.upsert({ ...d, config: [] as never })).rejects.toThrow(
        'config: must be a JSON object',
      );
      await expect(desired.upsert({ ...d, config: {}, configRev: 0 })).rejects.toThrow(
        'configRev: must be a positive integer, got 0',
      );
      await expect(desired.upsert({ ...d, config: {}, enabled: 'yes' as never })).rejects.toThrow(
        'enabled: must be a boolean',
      );
      await expect(desired.upsert({ ...d, botId: 'bad id', config: {} })).rejects.toThrow(
        'botId: "bad id" is not a valid BotId',
      );
      await expect(desired.upsert({ ...d, image: '', config: {} })).rejects.toThrow(
        'image: must be a non-empty',
      );
      await expect(desired.setEnabled('bad-9', true)).rejects.toThrow(
        'botId: no desired state for bot bad-9',
      );
      await expect(desired.list({ enabled: 'x' as never })).rejects.toThrow(
        'filter.enabled: must be a boolean',
      );
      expect(await desired.get('bad-9')).toBeUndefined();
    });
  });
}

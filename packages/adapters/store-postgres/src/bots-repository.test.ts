import { testDatabaseUrl } from '@qubit/test-data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { botUuid } from './bot-uuid.js';
import { openStore, type Store } from './store.js';
import { engineCases } from './test-support.js';

for (const engine of engineCases('bots', testDatabaseUrl())) {
  describe.skipIf(engine.skipReason !== undefined)(`BotsRepository on ${engine.engine}`, () => {
    let store: Store;

    beforeAll(async () => {
      store = await openStore(await engine.fresh());
    });

    afterAll(async () => {
      await store?.close();
      await engine.dispose();
    });

    it('registers a bot as seed 002 does, and updates it', async () => {
      const bot = await store.bots.register({
        botId: 'shortseller_001',
        botName: 'Multi-Asset EMA Bot',
        botType: 'shortseller',
        strategyName: 'EMA 240/600',
      });
      expect(bot).toMatchObject({
        botId: 'shortseller_001',
        botUuid: botUuid('shortseller_001'),
        botType: 'shortseller',
      });
      await store.bots.register({ botId: 'shortseller_001', botName: 'Renamed', botType: 'shortseller' });
      expect(await store.bots.get('shortseller_001')).toMatchObject({
        botName: 'Renamed',
        strategyName: undefined,
      });
      expect((await store.bots.list()).map((b) => b.botId)).toEqual(['shortseller_001']);
    });

    it('refuses a bad id or a missing name, writing nothing', async () => {
      await expect(store.bots.register({ botId: 'bad id', botName: 'x', botType: 'y' })).rejects.toThrow(
        'botId: "bad id" is not a valid BotId',
      );
      await expect(store.bots.register({ botId: 'sma-9', botName: '', botType: 'y' })).rejects.toThrow(
        'botName',
      );
      expect(await store.bots.get('sma-9')).toBeUndefined();
    });
  });
}

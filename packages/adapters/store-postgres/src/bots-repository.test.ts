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

    it('keeps desired state keyed by the bot’s UUID and counts config revisions', async () => {
      const input = {
        botId: 'sma-1',
        accountId: 'SIM-001',
        name: 'SMA cross',
        image: 'qubit/sma:1',
        config: { fast: 10, slow: 30 },
      };
      const first = await store.bots.setDesired(input);
      expect(first).toMatchObject({ botUuid: botUuid('sma-1'), enabled: false, configRev: 1 });
      const same = await store.bots.setDesired({ ...input, config: { slow: 30, fast: 10 } });
      expect(same.configRev).toBe(1);
      const changed = await store.bots.setDesired({ ...input, config: { fast: 12, slow: 30 } });
      expect(changed.configRev).toBe(2);
      expect((await store.bots.setEnabled('sma-1', true)).enabled).toBe(true);
      // Enabled stays as it is when an update does not say.
      expect(
        (await store.bots.setDesired({ ...input, config: { fast: 12, slow: 30 }, image: 'qubit/sma:2' }))
          .enabled,
      ).toBe(true);
      expect(await store.bots.getDesired('sma-1')).toMatchObject({ configRev: 3, image: 'qubit/sma:2' });
      expect((await store.bots.listDesired({ enabled: true })).map((d) => d.botId)).toEqual(['sma-1']);
      // A revision given explicitly is kept as given.
      expect((await store.bots.setDesired({ ...input, configRev: 7 })).configRev).toBe(7);
      expect(await store.bots.removeDesired('sma-1')).toBe(true);
      expect(await store.bots.removeDesired('sma-1')).toBe(false);
    });

    it('replaces a bot’s status with each report, forced_stop included', async () => {
      const beat = new Date('2024-01-01T00:00:01.000Z');
      await store.bots.setStatus({
        botId: 'sma-1',
        phase: 'running',
        lastHeartbeat: beat,
        p95TickMs: 1.5,
        intentsPerS: 0.25,
      });
      expect(await store.bots.getStatus('sma-1')).toMatchObject({
        phase: 'running',
        lastHeartbeat: beat,
        p95TickMs: 1.5,
        intentsPerS: 0.25,
      });
      await store.bots.setStatus({ botId: 'sma-1', phase: 'forced_stop', reason: 'timeout after 5000 ms' });
      const s = await store.bots.getStatus('sma-1');
      expect(s).toMatchObject({
        phase: 'forced_stop',
        reason: 'timeout after 5000 ms',
        botUuid: botUuid('sma-1'),
      });
      expect(s?.lastHeartbeat).toBeUndefined();
      expect((await store.bots.listStatus()).map((x) => x.botId)).toEqual(['sma-1']);
    });

    it('refuses a bad phase, id, config or revision, writing nothing', async () => {
      await expect(store.bots.setStatus({ botId: 'sma-9', phase: 'dancing' as never })).rejects.toThrow(
        'phase: must be one of starting, running, stopping, stopped, error, forced_stop, got dancing',
      );
      await expect(store.bots.register({ botId: 'bad id', botName: 'x', botType: 'y' })).rejects.toThrow(
        'botId: "bad id" is not a valid BotId',
      );
      const d = { botId: 'sma-9', accountId: 'A', name: 'n', image: 'i' };
      await expect(store.bots.setDesired({ ...d, config: [] as never })).rejects.toThrow(
        'config: must be a JSON object',
      );
      await expect(store.bots.setDesired({ ...d, config: {}, configRev: 0 })).rejects.toThrow(
        'configRev: must be a positive integer, got 0',
      );
      expect(await store.bots.getStatus('sma-9')).toBeUndefined();
      expect(await store.bots.getDesired('sma-9')).toBeUndefined();
      await expect(store.bots.setEnabled('sma-9', true)).rejects.toThrow(
        'botId: no desired state for bot sma-9',
      );
    });
  });
}

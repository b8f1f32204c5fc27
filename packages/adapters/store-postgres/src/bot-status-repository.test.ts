import { testDatabaseUrl } from '@qubit/test-data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { botUuid } from './bot-uuid.js';
import { BotStatusRepository } from './bot-status-repository.js';
import { openStore, type Store } from './store.js';
import { engineCases } from './test-support.js';

for (const engine of engineCases('bot_status', testDatabaseUrl())) {
  describe.skipIf(engine.skipReason !== undefined)(`BotStatusRepository on ${engine.engine}`, () => {
    let store: Store;
    let status: BotStatusRepository;

    beforeAll(async () => {
      store = await openStore(await engine.fresh());
      status = new BotStatusRepository(store.sql);
    });

    afterAll(async () => {
      await store?.close();
      await engine.dispose();
    });

    it('replaces a bot’s status whole on each phase report', async () => {
      const beat = new Date('2024-01-01T00:00:01.000Z');
      await status.upsert({
        botId: 'sma-1',
        phase: 'running',
        imageRunning: 'sma-cross',
        lastHeartbeat: beat,
        p95TickMs: 1.5,
        intentsPerS: 0.25,
        strategy: 'sma-cross',
        version: '1.0.0',
        cfgHash: 'a1b2c3d4',
        configRev: 3,
      });
      expect(await status.get('sma-1')).toMatchObject({
        botUuid: botUuid('sma-1'),
        phase: 'running',
        imageRunning: 'sma-cross',
        lastHeartbeat: beat,
        p95TickMs: 1.5,
        intentsPerS: 0.25,
        strategy: 'sma-cross',
        version: '1.0.0',
        cfgHash: 'a1b2c3d4',
        configRev: 3,
      });
      await status.upsert({
        botId: 'sma-1',
        phase: 'forced_stop',
        reason: 'still running 5000 ms after STOP',
      });
      const s = await status.get('sma-1');
      expect(s).toMatchObject({ phase: 'forced_stop', reason: 'still running 5000 ms after STOP' });
      expect(s?.lastHeartbeat).toBeUndefined();
      expect(s?.configRev).toBeUndefined();
    });

    it('records a heartbeat without touching the phase, keeping figures it is not given', async () => {
      await status.upsert({ botId: 'grid-1', phase: 'running', p95TickMs: 2, intentsPerS: 1 });
      const at = new Date('2024-01-01T00:00:05.000Z');
      const s = await status.heartbeat({ botId: 'grid-1', at, p95TickMs: 3 });
      expect(s).toMatchObject({ phase: 'running', lastHeartbeat: at, p95TickMs: 3, intentsPerS: 1 });
      await expect(status.heartbeat({ botId: 'nobody', at })).rejects.toThrow(
        'botId: no status for bot nobody to add a heartbeat to',
      );
    });

    it('lists every status by BotId, or those in some phases', async () => {
      expect((await status.list()).map((s) => s.botId)).toEqual(['grid-1', 'sma-1']);
      expect((await status.list({ phases: ['running', 'starting'] })).map((s) => s.botId)).toEqual([
        'grid-1',
      ]);
      expect(await status.list({ phases: [] })).toEqual([]);
    });

    it('refuses a bad phase, figure, date or id, writing nothing', async () => {
      await expect(status.upsert({ botId: 'bad-9', phase: 'dancing' as never })).rejects.toThrow(
        'phase: must be one of starting, running, stopping, stopped, error, forced_stop, got dancing',
      );
      await expect(status.upsert({ botId: 'bad-9', phase: 'running', p95TickMs: -1 })).rejects.toThrow(
        'p95TickMs: must be a finite non-negative number, got -1',
      );
      await expect(
        status.upsert({ botId: 'bad-9', phase: 'running', intentsPerS: Number.NaN }),
      ).rejects.toThrow('intentsPerS: must be a finite non-negative number, got NaN');
      await expect(
        status.upsert({ botId: 'bad-9', phase: 'running', lastHeartbeat: new Date('nope') }),
      ).rejects.toThrow('lastHeartbeat: must be a valid Date');
      await expect(status.upsert({ botId: 'bad id', phase: 'running' })).rejects.toThrow(
        'botId: "bad id" is not a valid BotId',
      );
      await expect(status.heartbeat({ botId: 'grid-1', at: 'now' as never })).rejects.toThrow(
        'at: must be a valid Date',
      );
      await expect(status.list({ phases: ['dancing' as never] })).rejects.toThrow(
        'filter.phases: dancing is not one of',
      );
      expect(await status.get('bad-9')).toBeUndefined();
    });
  });
}

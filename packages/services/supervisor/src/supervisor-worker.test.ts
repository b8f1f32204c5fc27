// The supervisor over the real worker runtime and the real store (PGlite): the path `qubit up` takes.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BTCUSDT_BINANCE } from '@qubit/model';
import { BotStatusRepository, DesiredBotsRepository, openStore, type Store } from '@qubit/store-postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Relative until the store's index exports the two repositories (the lead adds them).
import { WorkerBotRuntime } from './runtime/worker-bot-runtime.js';
import { btcTrade } from './testing/market-data.js';
import { TEST_BOTS_MODULE } from './testing/test-bots.js';
import { Supervisor, type BotOutput } from './supervisor.js';

async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('Supervisor with worker bots on the store', () => {
  let dir: string;
  let store: Store;
  let desired: DesiredBotsRepository;
  let status: BotStatusRepository;
  let supervisor: Supervisor;
  const outputs: BotOutput[] = [];
  let ts = 1_700_000_000_000_000_000n;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'qubit-supervisor-'));
    store = await openStore({ dataDir: join(dir, 'db') });
    desired = new DesiredBotsRepository(store.sql);
    status = new BotStatusRepository(store.sql);
    supervisor = new Supervisor({
      desired,
      status,
      runtime: new WorkerBotRuntime({
        clock: { now: () => ts },
        heartbeatIntervalMs: 200,
        missedHeartbeats: 5,
      }),
      resolve: (d) => ({ module: TEST_BOTS_MODULE, strategy: d.image, instruments: [BTCUSDT_BINANCE] }),
      traderId: 'TRADER-001',
      sink: (o) => outputs.push(o),
      states: (botId) => store.kvState(botId),
      pollIntervalMs: 50,
      restart: { initialDelayMs: 60_000 },
    });
  });

  afterAll(async () => {
    await supervisor?.close();
    await store?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const phaseOf = async (botId: string): Promise<string | undefined> => (await status.get(botId))?.phase;

  it('runs desired bots; a stuck one ends in error while the other keeps trading; rollout and shutdown', async () => {
    await desired.upsert({
      botId: 'echo-1',
      accountId: 'SIM-001',
      name: 'echo',
      image: 'echo',
      enabled: true,
      config: {},
    });
    await desired.upsert({
      botId: 'loop-1',
      accountId: 'SIM-001',
      name: 'loop',
      image: 'looping',
      enabled: true,
      config: {},
    });
    supervisor.start();
    await until(
      'both running',
      async () => (await phaseOf('echo-1')) === 'running' && (await phaseOf('loop-1')) === 'running',
    );
    expect(await status.get('echo-1')).toMatchObject({
      strategy: 'echo',
      version: '1.0.0',
      configRev: 1,
      imageRunning: 'echo',
    });

    ts += 1n;
    supervisor.market(btcTrade('42000.10', ts));
    await until('the stuck bot in error', async () => (await phaseOf('loop-1')) === 'error');
    expect((await status.get('loop-1'))?.reason).toBe(
      'no heartbeat for 1000 ms (5 intervals): stuck, terminated',
    );

    ts += 1n;
    supervisor.market(btcTrade('42000.20', ts));
    await until('two intents from echo', () => outputs.filter((o) => o.botId === 'echo-1').length === 2);
    expect(outputs[0]).toMatchObject({ kind: 'intents', botId: 'echo-1', hook: 'onTick', configRev: 1 });
    await until(
      'a heartbeat with figures',
      async () => (await status.get('echo-1'))?.p95TickMs !== undefined,
    );
    expect(await phaseOf('echo-1')).toBe('running');

    // Rollout: a new config bumps config_rev; the bot is stopped gracefully and started on the new one.
    const { desired: next } = await desired.upsert({
      botId: 'echo-1',
      accountId: 'SIM-001',
      name: 'echo',
      image: 'echo',
      config: { quantity: '0.02000' },
    });
    expect(next.configRev).toBe(2);
    await until('revision 2 running', async () => {
      const s = await status.get('echo-1');
      return s?.phase === 'running' && s.configRev === 2;
    });
    // onStop's exit from the first run came through before the new run started.
    expect(outputs.some((o) => o.kind === 'intents' && o.hook === 'onStop' && o.configRev === 1)).toBe(true);

    await supervisor.close();
    expect(await status.get('echo-1')).toMatchObject({ phase: 'stopped', reason: 'shutdown' });
    // The ticks it counted in durable state survived its runs.
    expect((await store.kvState('echo-1')).get('ticks')).toBe(2);
  });
});

import { BTCUSDT_BINANCE } from '@qubit/model';
import type { BotStatus, DesiredBot } from '@qubit/store-postgres';
import { describe, expect, it } from 'vitest';
import { FakeBotRuntime } from './testing/fake-bot-runtime.js';
import { FakeTimers } from './testing/fake-timers.js';
import { btcTrade } from './testing/market-data.js';
import { Supervisor, type BotOutput } from './supervisor.js';

/** desired_bots in memory, with the repository's revision rule. */
class DesiredBots {
  private readonly rows = new Map<string, DesiredBot>();
  async list(): Promise<DesiredBot[]> {
    return [...this.rows.values()];
  }
  put(botId: string, change: { enabled?: boolean; config?: Record<string, unknown>; image?: string }): void {
    const old = this.rows.get(botId);
    const config = change.config ?? (old?.config as Record<string, unknown> | undefined) ?? {};
    const image = change.image ?? old?.image ?? 'echo';
    const revised = old && (JSON.stringify(old.config) !== JSON.stringify(config) || old.image !== image);
    const at = new Date(0);
    this.rows.set(botId, {
      botId,
      botUuid: `uuid-${botId}`,
      accountId: 'SIM-001',
      name: botId,
      image,
      enabled: change.enabled ?? old?.enabled ?? false,
      config,
      configRev: old ? old.configRev + (revised ? 1 : 0) : 1,
      createdAt: at,
      updatedAt: at,
    });
  }
  delete(botId: string): void {
    this.rows.delete(botId);
  }
}

/** bot_status in memory: every write, in order. */
class Statuses {
  readonly writes: BotStatus[] = [];
  readonly beats: { botId: string; p95TickMs?: number; intentsPerS?: number }[] = [];
  async upsert(s: BotStatus): Promise<void> {
    this.writes.push(s);
  }
  async heartbeat(b: { botId: string; p95TickMs?: number; intentsPerS?: number }): Promise<void> {
    this.beats.push(b);
  }
  phases(botId: string): string[] {
    return this.writes.filter((w) => w.botId === botId).map((w) => w.phase);
  }
  last(botId: string): BotStatus | undefined {
    return this.writes.filter((w) => w.botId === botId).at(-1);
  }
}

function setup(overrides: { restart?: { initialDelayMs: number; factor: number; maxDelayMs: number } } = {}) {
  const desired = new DesiredBots();
  const status = new Statuses();
  const runtime = new FakeBotRuntime();
  const timers = new FakeTimers();
  const outputs: BotOutput[] = [];
  const supervisor = new Supervisor({
    desired,
    status,
    runtime,
    timers,
    traderId: 'TRADER-001',
    resolve: (d) => ({ module: `@qubit/bot-${d.image}`, instruments: [BTCUSDT_BINANCE] }),
    sink: (o) => outputs.push(o),
    stopDeadlineMs: 5_000,
    restart: overrides.restart ?? { initialDelayMs: 1_000, factor: 2, maxDelayMs: 8_000 },
  });
  return { desired, status, runtime, timers, outputs, supervisor };
}

describe('Supervisor', () => {
  it('starts enabled bots only, and records their phases, heartbeats and intents', async () => {
    const { desired, status, runtime, outputs, supervisor } = setup();
    desired.put('echo-1', { enabled: true, config: { quantity: '0.01' } });
    desired.put('idle-1', { enabled: false });
    await supervisor.reconcile();
    expect(runtime.runs.map((r) => r.botId)).toEqual(['echo-1']);
    const run = runtime.last('echo-1');
    expect(run.spec).toMatchObject({
      module: '@qubit/bot-echo',
      traderId: 'TRADER-001',
      accountId: 'SIM-001',
      config: { quantity: '0.01' },
      configRev: 1,
    });
    run.run();
    run.listener.heartbeat?.({
      ts: 0n,
      ticks: 3,
      totalTicks: 3,
      p95TickMs: 0.5,
      intentsPerS: 2,
      errors: 0,
      health: { ok: true },
    });
    run.listener.intents?.('onTick', [{ instrumentId: 'BTCUSDT.BINANCE', side: 'BUY', quantity: '0.01' }]);
    await supervisor.idle();
    expect(status.phases('echo-1')).toEqual(['starting', 'running']);
    expect(status.last('echo-1')).toMatchObject({
      phase: 'running',
      imageRunning: 'echo',
      strategy: 'fake',
      version: '1.0.0',
      cfgHash: 'cfg-1',
      configRev: 1,
    });
    expect(status.beats).toEqual([{ botId: 'echo-1', at: expect.any(Date), p95TickMs: 0.5, intentsPerS: 2 }]);
    expect(outputs).toEqual([
      {
        kind: 'intents',
        botId: 'echo-1',
        accountId: 'SIM-001',
        configRev: 1,
        hook: 'onTick',
        intents: [{ instrumentId: 'BTCUSDT.BINANCE', side: 'BUY', quantity: '0.01' }],
      },
    ]);
    // Market data goes to the bots that follow its instrument.
    supervisor.market(btcTrade('42000.00', 1n));
    expect(run.received).toHaveLength(1);
    // Reconciling again changes nothing.
    await supervisor.reconcile();
    expect(runtime.count('echo-1')).toBe(1);
  });

  it('rolls a bot out on a config_rev bump: graceful stop, then a start with the new config', async () => {
    const { desired, status, runtime, supervisor } = setup();
    desired.put('echo-1', { enabled: true, config: { quantity: '0.01' } });
    await supervisor.reconcile();
    const first = runtime.last('echo-1');
    first.run();
    desired.put('echo-1', { config: { quantity: '0.02' } });
    await supervisor.reconcile();
    expect(first.stops).toEqual([{ mode: 'graceful', deadlineMs: 5_000, reason: 'rollout' }]);
    // The new revision does not start while the old one is still stopping.
    expect(runtime.count('echo-1')).toBe(1);
    first.stopped();
    await supervisor.idle();
    const second = runtime.last('echo-1');
    expect(second.spec).toMatchObject({ configRev: 2, config: { quantity: '0.02' } });
    second.run();
    await supervisor.idle();
    expect(status.phases('echo-1')).toEqual([
      'starting',
      'running',
      'stopping',
      'stopped',
      'starting',
      'running',
    ]);
    expect(status.last('echo-1')).toMatchObject({ configRev: 2, cfgHash: 'cfg-2' });
  });

  it('restarts a crashed bot with exponential backoff up to the cap', async () => {
    const { desired, status, runtime, timers, supervisor } = setup();
    desired.put('echo-1', { enabled: true });
    await supervisor.reconcile();
    const delays: number[] = [];
    for (let crash = 0; crash < 5; crash++) {
      const run = runtime.last('echo-1');
      run.run();
      run.crash(`boom ${crash}`);
      const restartAt = supervisor.list()[0]!.restartAt!;
      delays.push(restartAt - timers.nowMs());
      // Not a moment early.
      timers.advance(restartAt - timers.nowMs() - 1);
      await supervisor.reconcile();
      expect(runtime.count('echo-1')).toBe(crash + 1);
      timers.advance(1);
      await supervisor.reconcile();
      expect(runtime.count('echo-1')).toBe(crash + 2);
    }
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 8_000]);
    await supervisor.idle();
    expect(status.writes.filter((w) => w.phase === 'error').map((w) => w.reason)).toEqual([
      'boom 0',
      'boom 1',
      'boom 2',
      'boom 3',
      'boom 4',
    ]);
  });

  it('starts a new revision of a crashed bot at once, without waiting out the backoff', async () => {
    const { desired, runtime, supervisor } = setup();
    desired.put('echo-1', { enabled: true, config: { quantity: '0.01' } });
    await supervisor.reconcile();
    runtime.last('echo-1').crash('bad config');
    desired.put('echo-1', { config: { quantity: '0.02' } });
    await supervisor.reconcile();
    expect(runtime.count('echo-1')).toBe(2);
    expect(runtime.last('echo-1').spec.configRev).toBe(2);
    expect(supervisor.list()[0]).toMatchObject({ failures: 0, configRev: 2 });
  });

  it('stops disabled and deleted bots gracefully, and forgets them once stopped', async () => {
    const { desired, status, runtime, supervisor } = setup();
    desired.put('a-1', { enabled: true });
    desired.put('b-1', { enabled: true });
    await supervisor.reconcile();
    runtime.last('a-1').run();
    runtime.last('b-1').run();
    desired.put('a-1', { enabled: false });
    desired.delete('b-1');
    await supervisor.reconcile();
    expect(runtime.last('a-1').stops).toEqual([{ mode: 'graceful', deadlineMs: 5_000, reason: 'user' }]);
    expect(runtime.last('b-1').stops).toEqual([{ mode: 'graceful', deadlineMs: 5_000, reason: 'user' }]);
    runtime.last('a-1').stopped();
    runtime.last('b-1').stopped();
    await supervisor.idle();
    expect(supervisor.list()).toEqual([]);
    expect(status.last('a-1')).toMatchObject({ phase: 'stopped', reason: 'user' });
    // A crashed bot waiting to restart is simply not restarted once disabled.
    desired.put('a-1', { enabled: true });
    await supervisor.reconcile();
    runtime.last('a-1').crash('boom');
    desired.put('a-1', { enabled: false });
    await supervisor.reconcile();
    await supervisor.idle();
    expect(status.last('a-1')).toMatchObject({
      phase: 'stopped',
      reason: 'disabled while waiting to restart',
    });
    expect(supervisor.list()).toEqual([]);
  });

  it('records a bot it cannot resolve as error and retries it with backoff', async () => {
    const { desired, status, runtime } = setup();
    const failing = new Supervisor({
      desired,
      status,
      runtime,
      traderId: 'TRADER-001',
      timers: new FakeTimers(),
      resolve: (d) => {
        throw new Error(`unknown strategy ${d.image}`);
      },
      sink: () => undefined,
    });
    desired.put('ghost-1', { enabled: true, image: 'ghost' });
    await failing.reconcile();
    await failing.idle();
    expect(runtime.runs).toEqual([]);
    expect(status.last('ghost-1')).toMatchObject({
      phase: 'error',
      reason: 'cannot start: unknown strategy ghost',
    });
    expect(failing.list()[0]).toMatchObject({ failures: 1 });
  });

  it('reports a sink or store that throws, and keeps the bot running', async () => {
    const { desired, runtime } = setup();
    const errors: string[] = [];
    const supervisor = new Supervisor({
      desired,
      status: {
        upsert: async () => {
          throw new Error('database is down');
        },
        heartbeat: async () => undefined,
      },
      runtime,
      traderId: 'TRADER-001',
      timers: new FakeTimers(),
      resolve: () => ({ module: 'm', instruments: [BTCUSDT_BINANCE] }),
      sink: () => {
        throw new Error('trading role is gone');
      },
      onError: (e) => errors.push(e.message),
    });
    desired.put('echo-1', { enabled: true });
    await supervisor.reconcile();
    const run = runtime.last('echo-1');
    run.run();
    run.listener.intents?.('onTick', [{ instrumentId: 'BTCUSDT.BINANCE', side: 'BUY', quantity: '1' }]);
    await supervisor.idle();
    // The sink fails at once, the two status writes (starting, running) later.
    expect([...errors].sort()).toEqual(['database is down', 'database is down', 'trading role is gone']);
    expect(supervisor.list()[0]).toMatchObject({ phase: 'running', failures: 0 });
  });

  it('stops every bot gracefully on close', async () => {
    const { desired, runtime, supervisor } = setup();
    desired.put('a-1', { enabled: true });
    await supervisor.reconcile();
    runtime.last('a-1').run();
    const closing = supervisor.close();
    await new Promise((r) => setImmediate(r));
    expect(runtime.last('a-1').stops).toEqual([{ mode: 'graceful', deadlineMs: 5_000, reason: 'shutdown' }]);
    runtime.last('a-1').stopped();
    await closing;
    expect(() => supervisor.start()).toThrow('supervisor: is closed');
  });

  it('refuses options it cannot work with, naming them', () => {
    const { desired, status, runtime } = setup();
    const base = {
      desired,
      status,
      runtime,
      traderId: 'T-1',
      resolve: () => ({ module: 'm', instruments: [] }),
      sink: () => undefined,
    };
    expect(() => new Supervisor({ ...base, traderId: '' })).toThrow('traderId: must be a non-empty string');
    expect(() => new Supervisor({ ...base, restart: { maxDelayMs: -1 } })).toThrow(
      'restart.maxDelayMs: must be a positive number, got -1',
    );
    expect(() => new Supervisor({ ...base, sink: undefined as never })).toThrow('sink: must be a function');
  });
});

import {
  AccountId,
  BTCUSDT_BINANCE,
  BotId,
  ClientOrderId,
  InstrumentId,
  Price,
  Quantity,
  StrategyId,
  TraderId,
  type OrderInitialized,
  type OrderIntent,
} from '@qubit/model';
import { afterEach, describe, expect, it } from 'vitest';
import { btcMinuteBar, btcTrade } from '../testing/market-data.js';
import { TEST_BOTS_MODULE } from '../testing/test-bots.js';
import type {
  BotExit,
  BotHandle,
  BotHeartbeatReport,
  BotLogRecord,
  BotPhase,
  BotSpec,
} from './bot-runtime.js';
import { WorkerBotRuntime } from './worker-bot-runtime.js';

const T0 = 1_700_000_000_000_000_000n;

/** Everything a bot reported, for assertions. */
class Recorder {
  readonly phases: [BotPhase, string | undefined][] = [];
  readonly intents: { hook: string; intents: readonly OrderIntent[] }[] = [];
  readonly logs: BotLogRecord[] = [];
  readonly beats: BotHeartbeatReport[] = [];
  state: Readonly<Record<string, unknown>> = {};
  exit: BotExit | undefined;
  readonly listener = {
    phase: (p: BotPhase, r?: string) => this.phases.push([p, r]),
    intents: (hook: string, intents: readonly OrderIntent[]) => this.intents.push({ hook, intents }),
    log: (l: BotLogRecord) => this.logs.push(l),
    heartbeat: (b: BotHeartbeatReport) => this.beats.push(b),
    state: (s: Readonly<Record<string, unknown>>) => (this.state = s),
    exit: (e: BotExit) => (this.exit = e),
  };
}

function spec(botId: string, strategy: string, extra: Partial<BotSpec> = {}): BotSpec {
  return {
    botId,
    accountId: 'SIM-001',
    traderId: 'TRADER-001',
    module: TEST_BOTS_MODULE,
    strategy,
    config: {},
    configRev: 1,
    instruments: [BTCUSDT_BINANCE],
    ...extra,
  };
}

async function until(what: string, ok: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

let ts = T0;
const clock = { now: () => ts };
const runtime = new WorkerBotRuntime({
  clock,
  heartbeatIntervalMs: 200,
  missedHeartbeats: 5,
  maxOldGenerationSizeMb: 48,
});
// Slow beats, so that running out of memory (under a second) is what ends the memory hog.
const patientRuntime = new WorkerBotRuntime({
  clock,
  heartbeatIntervalMs: 2_000,
  maxOldGenerationSizeMb: 48,
});
const handles: BotHandle[] = [];
function start(s: BotSpec, r: Recorder, on = runtime): BotHandle {
  const h = on.start(s, r.listener);
  handles.push(h);
  return h;
}

afterEach(async () => {
  await Promise.all(handles.splice(0).map((h) => h.stop('immediate', 0)));
});

describe('WorkerBotRuntime', () => {
  it('runs a bot in a worker: snapshots in, intents, state and heartbeats out, then a graceful stop with onStop intents', async () => {
    const r = new Recorder();
    const h = start(spec('echo-1', 'echo', { state: { ticks: 5 } }), r);
    await until('running', () => h.phase === 'running');
    ts = T0 + 1n;
    h.market(btcTrade('42000.10', ts));
    h.market(btcTrade('42000.20', ts + 1n));
    await until('two intents', () => r.intents.length === 2);
    expect(r.intents[0]).toEqual({
      hook: 'onTick',
      intents: [{ instrumentId: 'BTCUSDT.BINANCE', side: 'BUY', quantity: '0.01000', reason: 'entry' }],
    });
    // The state it started with, plus its two ticks.
    await until('state', () => r.state.ticks === 7);
    await until('a heartbeat with ticks', () => r.beats.some((b) => b.totalTicks === 2));
    expect(r.beats.at(-1)?.p95TickMs).toBeGreaterThanOrEqual(0);
    expect(r.logs[0]).toMatchObject({ level: 'info', message: 'started', fields: { ticks: 5 } });

    // Its own order events travel as envelopes; its mirror then shows the order open.
    const initialized: OrderInitialized = {
      type: 'OrderInitialized',
      traderId: TraderId('TRADER-001'),
      accountId: AccountId('SIM-001'),
      botId: BotId('echo-1'),
      strategyId: StrategyId('echo'),
      instrumentId: InstrumentId('BTCUSDT.BINANCE'),
      clientOrderId: ClientOrderId('echo-1-EN-1-0'),
      eventId: 'e-1',
      tsEvent: ts,
      tsInit: ts,
      side: 'BUY',
      orderType: 'LIMIT',
      quantity: Quantity.from('0.01000'),
      price: Price.from('41000.00'),
      timeInForce: 'GTC',
      postOnly: false,
      reduceOnly: false,
      reason: 'entry',
    };
    h.event(initialized);
    await until('the event logged', () => r.logs.some((l) => l.message === 'event'));
    expect(r.logs.find((l) => l.message === 'event')?.fields).toEqual({ type: 'OrderInitialized', open: 1 });
    expect(() => h.event({ ...initialized, botId: BotId('other') })).toThrow(
      'event.botId: other is not bot echo-1',
    );

    const exit = await h.stop('graceful', 5_000, 'user');
    expect(exit).toEqual({ phase: 'stopped', reason: 'user' });
    expect(r.intents.at(-1)).toMatchObject({ hook: 'onStop', intents: [{ side: 'SELL', reason: 'exit' }] });
    expect(r.phases.map(([p]) => p)).toEqual(['starting', 'running', 'stopping', 'stopped']);
    expect(r.exit).toEqual(exit);
  });

  it('runs the bundled sma-cross bot by package name: closed bars in, an entry on the cross up', async () => {
    const r = new Recorder();
    const h = start(
      {
        ...spec('sma-1', 'sma-cross'),
        module: '@qubit/bot-sma-cross',
        config: { instrument: 'BTCUSDT.BINANCE', timeframe: '1-MINUTE', fast: 2, slow: 3, quantity: '0.01' },
      },
      r,
    );
    await until('running', () => h.phase === 'running');
    // Falling, then rising: the fast SMA crosses above the slow one on the last bar.
    const closes = ['100.00', '99.00', '98.00', '97.00', '96.00', '99.00', '103.00'];
    closes.forEach((c, i) => h.market(btcMinuteBar(c, i)));
    await until('an entry', () => r.intents.length > 0);
    expect(r.intents).toEqual([
      {
        hook: 'onTick',
        intents: [{ instrumentId: 'BTCUSDT.BINANCE', side: 'BUY', quantity: '0.01', reason: 'entry' }],
      },
    ]);
    await until('a heartbeat after the bars', () => r.beats.some((b) => b.totalTicks === closes.length));
    expect(await h.stop('graceful', 5_000)).toEqual({ phase: 'stopped', reason: 'user' });
  });

  it('logs and counts a bot that throws in onTick, and keeps it running', async () => {
    const r = new Recorder();
    const h = start(spec('throw-1', 'throwing'), r);
    await until('running', () => h.phase === 'running');
    h.market(btcTrade('42000.10', T0 + 1n));
    h.market(btcTrade('42000.10', T0 + 2n));
    await until('two errors in a heartbeat', () => r.beats.some((b) => b.errors === 2));
    expect(r.logs.filter((l) => l.level === 'error').map((l) => l.message)).toEqual([
      'onTick threw: bad tick',
      'onTick threw: bad tick',
    ]);
    expect(h.phase).toBe('running');
  });

  it('ends in error with the reason when onStart throws', async () => {
    const r = new Recorder();
    const h = start(spec('fail-1', 'failing-start'), r);
    expect(await h.exited).toEqual({ phase: 'error', reason: 'onStart threw: no keys configured' });
    expect(r.phases.map(([p]) => p)).toEqual(['starting', 'error']);
  });

  it('ends in error when the config does not fit the schema, naming the key', async () => {
    const h = start(spec('bad-cfg', 'echo', { config: { quantiti: '1' } }), new Recorder());
    const exit = await h.exited;
    expect(exit.phase).toBe('error');
    expect(exit.reason).toContain('config.quantiti: unknown key');
  });

  it('terminates a bot stuck in a loop (missed heartbeats) and one that exhausts its memory, while another keeps running', async () => {
    const healthy = new Recorder();
    const ok = start(spec('echo-2', 'echo'), healthy);
    const loop = start(spec('loop-1', 'looping'), new Recorder());
    const hog = start(spec('hog-1', 'memory-hog'), new Recorder(), patientRuntime);
    await until('all running', () => [ok, loop, hog].every((h) => h.phase === 'running'));
    loop.market(btcTrade('42000.10', T0 + 1n));
    hog.market(btcTrade('42000.10', T0 + 1n));
    const [loopExit, hogExit] = await Promise.all([loop.exited, hog.exited]);
    expect(loopExit).toEqual({
      phase: 'error',
      reason: 'no heartbeat for 1000 ms (5 intervals): stuck, terminated',
    });
    expect(hogExit.phase).toBe('error');
    expect(hogExit.reason).toMatch(/^out of memory \(heap limit 48 MB\)/);
    ok.market(btcTrade('42000.30', T0 + 3n));
    await until('the healthy bot still trades', () => healthy.intents.length === 1);
    expect(ok.phase).toBe('running');
  });

  it('forces a stop when onStop overruns the deadline', async () => {
    const h = start(spec('slow-1', 'slow-stop'), new Recorder());
    await until('running', () => h.phase === 'running');
    expect(await h.stop('graceful', 200, 'shutdown')).toEqual({
      phase: 'forced_stop',
      reason: 'still running 200 ms after STOP (shutdown)',
    });
  });

  it('refuses a bad spec before starting a thread', () => {
    expect(() => runtime.start(spec('x-1', 'echo', { configRev: 0 }), {})).toThrow(
      'spec.configRev: must be a positive integer, got 0',
    );
    expect(() => runtime.start(spec('x-1', 'echo', { module: '' }), {})).toThrow(
      'spec.module: must be a non-empty string',
    );
  });
});

import { Worker } from 'node:worker_threads';
import {
  encodeEnvelope,
  instrumentFromSpec,
  ModelError,
  type AccountState,
  type BotEvent,
  type InstrumentSpec,
  type MarketData,
  type OrderIntent,
  type StopReason,
  type UnixNanos,
  type WireMessageLike,
} from '@qubit/model';
import type {
  BotExit,
  BotHandle,
  BotPhase,
  BotRuntime,
  BotRuntimeListener,
  BotSpec,
  StopMode,
} from './bot-runtime.js';
import { SYSTEM_TIMERS, type Timers } from './timers.js';
import {
  BOT_WORKER_PROTOCOL,
  isWorkerMessage,
  type HostMessage,
  type WorkerInit,
  type WorkerMessage,
} from './worker-protocol.js';

export interface WorkerBotRuntimeOptions {
  /** The host's time, sent with every message: what the bot's ctx.now() answers. */
  readonly clock: { now(): UnixNanos };
  readonly timers?: Timers;
  /** How often the worker beats (1000 ms when absent). */
  readonly heartbeatIntervalMs?: number;
  /** Beats missed in a row before the bot is declared stuck and terminated (3 when absent). */
  readonly missedHeartbeats?: number;
  /** How long loading, config checks and onStart may take (30 000 ms when absent). */
  readonly startTimeoutMs?: number;
  /** V8 old-generation heap of each bot's thread, in MB (256 when absent). */
  readonly maxOldGenerationSizeMb?: number;
  /** Closed bars kept per series for ctx.bars() (1000 when absent). */
  readonly barCapacity?: number;
  /** The worker's entry; the bootstrap that loads bot-worker.ts when absent. */
  readonly entry?: URL;
}

const DEFAULT_ENTRY = new URL('./bot-worker-bootstrap.mjs', import.meta.url);

function positiveInt(value: number | undefined, fallback: number, field: string): number {
  const v = value ?? fallback;
  if (!Number.isSafeInteger(v) || v < 1) {
    throw new ModelError(field, `must be a positive integer, got ${String(value)}`);
  }
  return v;
}

/**
 * The `worker` driver: each bot in its own worker_threads Worker with a heap limit, speaking the
 * protocol of worker-protocol.ts. A bot that throws in onTick is logged and counted inside the thread;
 * one that throws in onStart, stops beating (an endless loop) or runs out of memory ends in phase
 * `error` with the reason, and only its own thread is lost.
 */
export class WorkerBotRuntime implements BotRuntime {
  readonly kind = 'worker';
  private readonly timers: Timers;
  private readonly heartbeatIntervalMs: number;
  private readonly missedHeartbeats: number;
  private readonly startTimeoutMs: number;
  private readonly maxOldGenerationSizeMb: number;
  private readonly barCapacity: number;

  constructor(private readonly options: WorkerBotRuntimeOptions) {
    if (typeof options?.clock?.now !== 'function') throw new ModelError('clock', 'must have now()');
    this.timers = options.timers ?? SYSTEM_TIMERS;
    this.heartbeatIntervalMs = positiveInt(options.heartbeatIntervalMs, 1000, 'heartbeatIntervalMs');
    this.missedHeartbeats = positiveInt(options.missedHeartbeats, 3, 'missedHeartbeats');
    this.startTimeoutMs = positiveInt(options.startTimeoutMs, 30_000, 'startTimeoutMs');
    this.maxOldGenerationSizeMb = positiveInt(options.maxOldGenerationSizeMb, 256, 'maxOldGenerationSizeMb');
    this.barCapacity = positiveInt(options.barCapacity, 1000, 'barCapacity');
  }

  start(spec: BotSpec, listener: BotRuntimeListener): BotHandle {
    checkSpec(spec);
    return new WorkerBotHandle(spec, listener, {
      clock: this.options.clock,
      timers: this.timers,
      heartbeatIntervalMs: this.heartbeatIntervalMs,
      missedHeartbeats: this.missedHeartbeats,
      startTimeoutMs: this.startTimeoutMs,
      maxOldGenerationSizeMb: this.maxOldGenerationSizeMb,
      barCapacity: this.barCapacity,
      entry: this.options.entry ?? DEFAULT_ENTRY,
    });
  }
}

function checkSpec(spec: BotSpec): void {
  if (typeof spec !== 'object' || spec === null) throw new ModelError('spec', 'must be an object');
  for (const f of ['botId', 'accountId', 'traderId', 'module'] as const) {
    if (typeof spec[f] !== 'string' || spec[f].length === 0) {
      throw new ModelError(`spec.${f}`, 'must be a non-empty string');
    }
  }
  if (!Number.isSafeInteger(spec.configRev) || spec.configRev < 1) {
    throw new ModelError('spec.configRev', `must be a positive integer, got ${String(spec.configRev)}`);
  }
  if (!Array.isArray(spec.instruments)) throw new ModelError('spec.instruments', 'must be an array');
  // Checked here so a bad spec is refused before a thread exists.
  spec.instruments.forEach((s, i) => instrumentFromSpec(s, `spec.instruments[${i}]`));
}

interface HandleSettings {
  readonly clock: { now(): UnixNanos };
  readonly timers: Timers;
  readonly heartbeatIntervalMs: number;
  readonly missedHeartbeats: number;
  readonly startTimeoutMs: number;
  readonly maxOldGenerationSizeMb: number;
  readonly barCapacity: number;
  readonly entry: URL;
}

class WorkerBotHandle implements BotHandle {
  readonly exited: Promise<BotExit>;
  private current: BotPhase = 'starting';
  private readonly worker: Worker;
  private resolveExit!: (exit: BotExit) => void;
  private done: BotExit | undefined;
  private watchdog: unknown;
  private deadline: unknown;
  private stopReason: StopReason | undefined;
  private seq = 0;

  constructor(
    private readonly spec: BotSpec,
    private readonly listener: BotRuntimeListener,
    private readonly s: HandleSettings,
  ) {
    this.exited = new Promise((resolve) => (this.resolveExit = resolve));
    const init: WorkerInit = {
      protocol: BOT_WORKER_PROTOCOL,
      botId: spec.botId,
      accountId: spec.accountId,
      traderId: spec.traderId,
      module: spec.module,
      ...(spec.strategy === undefined ? {} : { strategy: spec.strategy }),
      config: spec.config ?? {},
      instruments: spec.instruments,
      state: spec.state ?? {},
      ts: s.clock.now().toString(),
      heartbeatIntervalMs: s.heartbeatIntervalMs,
      barCapacity: s.barCapacity,
    };
    this.notify(() => listener.phase?.('starting'));
    this.worker = new Worker(s.entry, {
      workerData: init,
      resourceLimits: { maxOldGenerationSizeMb: s.maxOldGenerationSizeMb },
      name: `bot:${spec.botId}`,
      // The bot's console output stays the host's; its logs proper come as messages.
      stdout: false,
      stderr: false,
    });
    this.arm(s.startTimeoutMs, `did not start within ${s.startTimeoutMs} ms`);
    this.worker.on('message', (m: unknown) => this.onMessage(m));
    this.worker.on('error', (err: Error & { code?: string }) => {
      const reason =
        err?.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? `out of memory (heap limit ${s.maxOldGenerationSizeMb} MB): ${err.message}`
          : `worker error: ${err?.message ?? String(err)}`;
      this.finish({ phase: 'error', reason });
    });
    this.worker.on('exit', (code) => {
      this.finish({ phase: 'error', reason: `worker exited with code ${code}` });
    });
  }

  get botId(): string {
    return this.spec.botId;
  }

  get phase(): BotPhase {
    return this.current;
  }

  market(data: MarketData, options: { readonly wake?: boolean } = {}): void {
    const key = data.type === 'Bar' ? data.barType.instrumentId : data.instrumentId;
    this.send((ts) => ({
      kind: 'market',
      ts,
      wake: options.wake !== false,
      envelope: this.envelope(data, key),
    }));
  }

  event(event: BotEvent): void {
    if (event?.botId !== this.spec.botId) {
      throw new ModelError('event.botId', `${String(event?.botId)} is not bot ${this.spec.botId}`);
    }
    this.send((ts) => ({ kind: 'event', ts, envelope: this.envelope(event, event.accountId) }));
  }

  account(state: AccountState): void {
    if (state?.accountId !== this.spec.accountId) {
      throw new ModelError('account.accountId', `${String(state?.accountId)} is not ${this.spec.accountId}`);
    }
    this.send((ts) => ({ kind: 'account', ts, envelope: this.envelope(state, state.accountId) }));
  }

  instrument(spec: InstrumentSpec): void {
    instrumentFromSpec(spec, 'spec');
    this.send((ts) => ({ kind: 'instrument', ts, spec }));
  }

  stop(mode: StopMode, deadlineMs: number, reason: StopReason = 'user'): Promise<BotExit> {
    if (mode !== 'graceful' && mode !== 'immediate') {
      throw new ModelError('mode', `must be graceful or immediate, got ${String(mode)}`);
    }
    if (!Number.isSafeInteger(deadlineMs) || deadlineMs < 0) {
      throw new ModelError('deadlineMs', `must be a non-negative integer, got ${String(deadlineMs)}`);
    }
    if (this.done || this.stopReason !== undefined) return this.exited;
    this.stopReason = reason;
    if (mode === 'immediate') {
      this.finish({ phase: 'stopped', reason: `terminated at once (${reason})` });
      return this.exited;
    }
    this.setPhase('stopping', reason);
    this.s.timers.clearTimeout(this.watchdog);
    this.deadline = this.s.timers.setTimeout(
      () =>
        this.finish({
          phase: 'forced_stop',
          reason: `still running ${deadlineMs} ms after STOP (${reason})`,
        }),
      deadlineMs,
    );
    this.worker.postMessage({
      kind: 'stop',
      ts: this.s.clock.now().toString(),
      reason,
    } satisfies HostMessage);
    return this.exited;
  }

  private envelope(message: WireMessageLike, key: string): ReturnType<typeof encodeEnvelope> {
    return encodeEnvelope(message, { id: `${this.spec.botId}-${++this.seq}`, key });
  }

  /** Posts to a live bot; after STOP nothing more is sent, so onStop is the last thing it sees. */
  private send(make: (ts: string) => HostMessage): void {
    if (this.done || this.stopReason !== undefined) return;
    this.worker.postMessage(make(this.s.clock.now().toString()));
  }

  private onMessage(raw: unknown): void {
    if (this.done) return;
    if (!isWorkerMessage(raw)) {
      this.finish({ phase: 'error', reason: `protocol error: unexpected message ${describe(raw)}` });
      return;
    }
    const m: WorkerMessage = raw;
    const l = this.listener;
    switch (m.kind) {
      case 'started':
        this.notify(() =>
          l.started?.({
            strategy: m.strategy,
            version: m.version,
            cfgHash: m.cfgHash,
            instruments: m.instruments,
            barTypes: m.barTypes,
          }),
        );
        this.setPhase('running');
        this.rearmHeartbeat();
        return;
      case 'fatal':
        this.finish({ phase: 'error', reason: m.reason });
        return;
      case 'heartbeat': {
        if (this.stopReason === undefined) this.rearmHeartbeat();
        const seconds = m.intervalMs / 1000;
        this.notify(() =>
          l.heartbeat?.({
            ts: this.s.clock.now(),
            ticks: m.ticks,
            totalTicks: m.totalTicks,
            ...(m.p95TickMs === undefined ? {} : { p95TickMs: m.p95TickMs }),
            intentsPerS: seconds > 0 ? m.intents / seconds : 0,
            errors: m.errors,
            health: m.health,
          }),
        );
        return;
      }
      case 'intents':
        this.notify(() => l.intents?.(m.hook, m.intents as readonly OrderIntent[]));
        return;
      case 'order_request':
        this.notify(() => l.orderRequest?.(m.request));
        return;
      case 'log':
        this.notify(() =>
          l.log?.({
            ts: BigInt(m.ts),
            level: m.level,
            message: m.message,
            ...(m.fields ? { fields: m.fields } : {}),
          }),
        );
        return;
      case 'state':
        this.notify(() => l.state?.(m.state));
        return;
      case 'stopped':
        this.finish({ phase: 'stopped', reason: this.stopReason ?? 'user' });
        return;
    }
  }

  private rearmHeartbeat(): void {
    const ms = this.s.heartbeatIntervalMs * this.s.missedHeartbeats;
    this.arm(ms, `no heartbeat for ${ms} ms (${this.s.missedHeartbeats} intervals): stuck, terminated`);
  }

  private arm(ms: number, reason: string): void {
    this.s.timers.clearTimeout(this.watchdog);
    this.watchdog = this.s.timers.setTimeout(() => this.finish({ phase: 'error', reason }), ms);
  }

  private setPhase(phase: BotPhase, reason?: string): void {
    if (this.current === phase) return;
    this.current = phase;
    this.notify(() => this.listener.phase?.(phase, reason));
  }

  private finish(exit: BotExit): void {
    if (this.done) return;
    this.done = exit;
    this.s.timers.clearTimeout(this.watchdog);
    this.s.timers.clearTimeout(this.deadline);
    void this.worker.terminate().catch(() => undefined);
    this.setPhase(exit.phase, exit.reason);
    this.notify(() => this.listener.exit?.(exit));
    this.resolveExit(exit);
  }

  /**
   * A listener that throws must not leave the handle half-way through a transition (a phase set, the
   * exit never resolved). Listeners report their own failures (the Supervisor guards each callback).
   */
  private notify(fn: () => void): void {
    try {
      fn();
    } catch {
      // Deliberately dropped: see above; there is nobody else to tell.
    }
  }
}

function describe(v: unknown): string {
  if (v === null || typeof v !== 'object') return String(v);
  const kind = (v as { kind?: unknown }).kind;
  return kind === undefined ? 'without a kind' : `of kind ${String(kind)}`;
}

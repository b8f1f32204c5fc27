import { InMemoryKeyValueState } from '@qubit/engine';
import {
  ModelError,
  parseBarType,
  type AccountState,
  type BotEvent,
  type InstrumentSpec,
  type KeyValueState,
  type MarketData,
  type OrderIntent,
} from '@qubit/model';
import type { BotStatus, DesiredBot } from '@qubit/store-postgres';
import type {
  BotExit,
  BotHandle,
  BotLogRecord,
  BotOrderRequest,
  BotPhase,
  BotRuntime,
  BotStarted,
} from './runtime/bot-runtime.js';
import { SYSTEM_TIMERS, type Timers } from './runtime/timers.js';

/** What the supervisor reads desired state from (DesiredBotsRepository). */
export interface DesiredStateSource {
  list(): Promise<readonly DesiredBot[]>;
}

/** Where the supervisor writes what it observes (BotStatusRepository). */
export interface StatusSink {
  upsert(status: BotStatus): Promise<unknown>;
  heartbeat(beat: {
    readonly botId: string;
    readonly at: Date;
    readonly p95TickMs?: number;
    readonly intentsPerS?: number;
  }): Promise<unknown>;
}

/** What to run for a desired bot: the module the worker imports and the instruments it may see. */
export interface ResolvedBot {
  readonly module: string;
  /** The definition's name when the module exports several. */
  readonly strategy?: string;
  readonly instruments: readonly InstrumentSpec[];
}

/** What the bots asked for, for the trading role. */
export type BotOutput =
  | {
      readonly kind: 'intents';
      readonly botId: string;
      readonly accountId: string;
      readonly configRev: number;
      readonly hook: string;
      readonly intents: readonly OrderIntent[];
    }
  | {
      readonly kind: 'order_request';
      readonly botId: string;
      readonly accountId: string;
      readonly request: BotOrderRequest;
    };

/** A bot's durable state: StoreKeyValueState in production (flushed after a run), memory by default. */
export type DurableState = KeyValueState & { flush?(): Promise<void> };

export interface RestartPolicy {
  /** Delay before the first restart after a crash (1000 ms when absent). */
  readonly initialDelayMs?: number;
  /** Each further crash multiplies the delay by this (2 when absent)… */
  readonly factor?: number;
  /** …up to this cap (60 000 ms when absent). */
  readonly maxDelayMs?: number;
  /** A run that lasted this long forgets earlier crashes (60 000 ms when absent). */
  readonly stableAfterMs?: number;
}

export interface SupervisorOptions {
  readonly desired: DesiredStateSource;
  readonly status: StatusSink;
  readonly runtime: BotRuntime;
  /** Maps a desired bot's `image` (a bundled strategy name, a path) to what the runtime runs. */
  readonly resolve: (desired: DesiredBot) => ResolvedBot | Promise<ResolvedBot>;
  readonly traderId: string;
  /** Receives every intent and order request of every bot, in order per bot. */
  readonly sink: (output: BotOutput) => void;
  /** A bot's durable state by BotId (e.g. `store.kvState`); kept in memory when absent. */
  readonly states?: (botId: string) => Promise<DurableState>;
  readonly timers?: Timers;
  /** How long a graceful stop may take before the bot is terminated (5000 ms when absent). */
  readonly stopDeadlineMs?: number;
  /** How often desired state is read again when nobody nudges (1000 ms when absent). */
  readonly pollIntervalMs?: number;
  readonly restart?: RestartPolicy;
  /** Bot log lines, with the bot they came from. */
  readonly log?: (botId: string, record: BotLogRecord) => void;
  /** A store write or desired-state read failed; the supervisor goes on and retries on the next pass. */
  readonly onError?: (error: Error) => void;
}

/** What the supervisor knows of one bot, for status pages and tests. */
export interface SupervisedBot {
  readonly botId: string;
  readonly phase: BotPhase;
  readonly configRev: number;
  readonly image: string;
  /** Crashes since the bot last ran stably. */
  readonly failures: number;
  /** When a crashed bot will be started again (ms since the epoch). */
  readonly restartAt?: number;
}

interface Managed {
  readonly botId: string;
  /** The desired state of the run in progress (or of the next one). */
  desired: DesiredBot;
  handle: BotHandle | undefined;
  phase: BotPhase;
  info: BotStarted | undefined;
  /** Market data routing: instruments whose data the bot is sent. */
  follows: ReadonlySet<string>;
  failures: number;
  restartTimer: unknown;
  restartAt: number | undefined;
  runningSince: number | undefined;
  launching: boolean;
  /** Set while a stop the supervisor asked for is under way; `next` is what starts after it (a rollout). */
  stopping: boolean;
  next: DesiredBot | undefined;
  state: DurableState | undefined;
  writes: Promise<void>;
}

function positive(value: number | undefined, fallback: number, field: string, allowZero = false): number {
  const v = value ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (!allowZero && v === 0)) {
    throw new ModelError(
      field,
      `must be a ${allowZero ? 'non-negative' : 'positive'} number, got ${String(value)}`,
    );
  }
  return v;
}

/**
 * The reconciler of seed 000 §2: makes the running bots match `desired_bots`, and is the only thing that
 * starts or stops one. It starts enabled bots, stops disabled and deleted ones gracefully, rolls a bot
 * out again when its `config_rev` (or image) changes (graceful stop, then start with the new config),
 * restarts a crashed bot with exponential backoff up to a cap, and writes `bot_status` on every phase
 * change and heartbeat. Writes are kept in order per bot; a failing store never stops the bots.
 */
export class Supervisor {
  private readonly bots = new Map<string, Managed>();
  private readonly timers: Timers;
  private readonly stopDeadlineMs: number;
  private readonly pollIntervalMs: number;
  private readonly initialDelayMs: number;
  private readonly factor: number;
  private readonly maxDelayMs: number;
  private readonly stableAfterMs: number;
  private pass: Promise<void> | undefined;
  private again = false;
  private pollTimer: unknown;
  private polling = false;
  private closed = false;

  constructor(private readonly o: SupervisorOptions) {
    for (const f of ['desired', 'status', 'runtime'] as const) {
      if (typeof o?.[f] !== 'object' || o[f] === null) throw new ModelError(f, 'is required');
    }
    if (typeof o.resolve !== 'function') throw new ModelError('resolve', 'must be a function');
    if (typeof o.sink !== 'function') throw new ModelError('sink', 'must be a function');
    if (typeof o.traderId !== 'string' || o.traderId.length === 0) {
      throw new ModelError('traderId', 'must be a non-empty string');
    }
    this.timers = o.timers ?? SYSTEM_TIMERS;
    this.stopDeadlineMs = positive(o.stopDeadlineMs, 5_000, 'stopDeadlineMs', true);
    this.pollIntervalMs = positive(o.pollIntervalMs, 1_000, 'pollIntervalMs');
    this.initialDelayMs = positive(o.restart?.initialDelayMs, 1_000, 'restart.initialDelayMs');
    this.factor = positive(o.restart?.factor, 2, 'restart.factor');
    if (this.factor < 1) throw new ModelError('restart.factor', `must be at least 1, got ${this.factor}`);
    this.maxDelayMs = positive(o.restart?.maxDelayMs, 60_000, 'restart.maxDelayMs');
    this.stableAfterMs = positive(o.restart?.stableAfterMs, 60_000, 'restart.stableAfterMs');
  }

  /** Reconciles now and then every pollIntervalMs until close(). */
  start(): void {
    if (this.closed) throw new ModelError('supervisor', 'is closed');
    if (this.polling) return;
    this.polling = true;
    const tick = (): void => {
      if (!this.polling) return;
      void this.reconcile().finally(() => {
        if (this.polling) this.pollTimer = this.timers.setTimeout(tick, this.pollIntervalMs);
      });
    };
    tick();
  }

  /**
   * One reconciliation, after whatever pass is running (calls while one runs are folded into one more
   * pass): the gateway calls this after changing desired state so nobody waits for the next poll.
   */
  reconcile(): Promise<void> {
    if (this.pass) {
      this.again = true;
      return this.pass;
    }
    const run = async (): Promise<void> => {
      do {
        this.again = false;
        await this.reconcileOnce();
      } while (this.again && !this.closed);
    };
    this.pass = run().finally(() => (this.pass = undefined));
    return this.pass;
  }

  /** Stops polling and every bot gracefully (reason `shutdown`); resolves when all have exited and their status is written. */
  async close(): Promise<void> {
    this.polling = false;
    this.closed = true;
    this.timers.clearTimeout(this.pollTimer);
    await this.pass?.catch(() => undefined);
    const exits: Promise<unknown>[] = [];
    for (const m of this.bots.values()) {
      this.timers.clearTimeout(m.restartTimer);
      m.next = undefined;
      if (m.handle) {
        m.stopping = true;
        exits.push(m.handle.stop('graceful', this.stopDeadlineMs, 'shutdown'));
      }
    }
    await Promise.all(exits);
    await this.idle();
  }

  /** Resolves when every status write queued so far is done. */
  async idle(): Promise<void> {
    await Promise.all([...this.bots.values()].map((m) => m.writes));
    await Promise.all([...this.retired]);
  }

  /** What the supervisor is doing with each bot. */
  list(): SupervisedBot[] {
    return [...this.bots.values()]
      .map((m) => ({
        botId: m.botId,
        phase: m.phase,
        configRev: m.desired.configRev,
        image: m.desired.image,
        failures: m.failures,
        ...(m.restartAt === undefined ? {} : { restartAt: m.restartAt }),
      }))
      .sort((a, b) => a.botId.localeCompare(b.botId));
  }

  /** Sends market data to every running bot that follows its instrument. */
  market(data: MarketData, options?: { readonly wake?: boolean }): void {
    const id = data.type === 'Bar' ? data.barType.instrumentId : data.instrumentId;
    for (const m of this.bots.values()) if (m.handle && m.follows.has(id)) m.handle.market(data, options);
  }

  /** Sends an order or position event to the bot it belongs to. */
  event(event: BotEvent): void {
    const m = this.bots.get(event.botId);
    if (m?.handle) m.handle.event(event);
  }

  /** Sends an account's state to its bots (for ctx.equity()). */
  account(state: AccountState): void {
    for (const m of this.bots.values()) {
      if (m.handle && m.desired.accountId === state.accountId) m.handle.account(state);
    }
  }

  private readonly retired = new Set<Promise<void>>();

  private async reconcileOnce(): Promise<void> {
    if (this.closed) return;
    let desired: readonly DesiredBot[];
    try {
      desired = await this.o.desired.list();
    } catch (err) {
      this.o.onError?.(asError(err));
      return;
    }
    if (this.closed) return;
    const wanted = new Map(desired.filter((d) => d.enabled).map((d) => [d.botId, d]));
    for (const m of [...this.bots.values()]) if (!wanted.has(m.botId)) this.retire(m);
    const launches: Promise<void>[] = [];
    for (const d of wanted.values()) {
      const m = this.bots.get(d.botId);
      if (!m) {
        const fresh = managed(d);
        this.bots.set(d.botId, fresh);
        launches.push(this.launch(fresh));
        continue;
      }
      if (m.launching) continue;
      if (m.stopping) {
        // A rollout under way starts the newest revision once the old run has stopped.
        if (m.next) m.next = d;
        continue;
      }
      const changed = m.desired.configRev !== d.configRev || m.desired.image !== d.image;
      if (m.handle) {
        if (changed) this.rollout(m, d);
        else m.desired = d;
        continue;
      }
      // Waiting to restart after a crash: a new revision may be the fix, so it starts at once.
      if (changed) {
        m.failures = 0;
        m.desired = d;
        launches.push(this.launch(m));
      } else if (m.restartAt !== undefined && this.timers.nowMs() >= m.restartAt) {
        m.desired = d;
        launches.push(this.launch(m));
      }
    }
    await Promise.all(launches);
  }

  /** Stops a bot that is no longer wanted; its entry goes once it has exited. */
  private retire(m: Managed): void {
    m.next = undefined;
    if (m.handle) {
      if (!m.stopping) {
        m.stopping = true;
        void m.handle.stop('graceful', this.stopDeadlineMs, 'user');
      }
      return;
    }
    if (m.launching) return;
    // Crashed and waiting to restart: it simply is not restarted.
    this.timers.clearTimeout(m.restartTimer);
    this.bots.delete(m.botId);
    this.write(m, { botId: m.botId, phase: 'stopped', reason: 'disabled while waiting to restart' });
    this.retired.add(m.writes);
    void m.writes.finally(() => this.retired.delete(m.writes));
  }

  private rollout(m: Managed, d: DesiredBot): void {
    m.next = d;
    m.stopping = true;
    void m.handle!.stop('graceful', this.stopDeadlineMs, 'rollout');
  }

  private launch(m: Managed): Promise<void> {
    m.launching = true;
    this.timers.clearTimeout(m.restartTimer);
    m.restartTimer = undefined;
    m.restartAt = undefined;
    return this.startRun(m).finally(() => {
      m.launching = false;
    });
  }

  private async startRun(m: Managed): Promise<void> {
    const d = m.desired;
    let resolved: ResolvedBot;
    try {
      resolved = await this.o.resolve(d);
      m.state ??= this.o.states ? await this.o.states(m.botId) : new InMemoryKeyValueState();
    } catch (err) {
      this.crashed(m, { phase: 'error', reason: `cannot start: ${asError(err).message}` });
      this.setPhase(m, 'error', `cannot start: ${asError(err).message}`);
      return;
    }
    if (this.closed) return;
    const state = m.state;
    const snapshot = Object.fromEntries(state.keys().map((k) => [k, state.get(k)]));
    const l = {
      started: (info: BotStarted) => {
        m.info = info;
        m.follows = new Set([
          ...info.instruments,
          ...info.barTypes.map((b) => parseBarType(b, 'barTypes').instrumentId),
        ]);
      },
      phase: (phase: BotPhase, reason?: string) => {
        if (phase === 'running') m.runningSince = this.timers.nowMs();
        this.setPhase(m, phase, reason);
      },
      heartbeat: (b: { p95TickMs?: number; intentsPerS: number }) =>
        this.queue(m, () =>
          this.o.status.heartbeat({
            botId: m.botId,
            at: new Date(this.timers.nowMs()),
            ...(b.p95TickMs === undefined ? {} : { p95TickMs: b.p95TickMs }),
            intentsPerS: b.intentsPerS,
          }),
        ),
      intents: (hook: string, intents: readonly OrderIntent[]) =>
        this.guard(() =>
          this.o.sink({
            kind: 'intents',
            botId: m.botId,
            accountId: d.accountId,
            configRev: d.configRev,
            hook,
            intents,
          }),
        ),
      orderRequest: (request: BotOrderRequest) =>
        this.guard(() =>
          this.o.sink({ kind: 'order_request', botId: m.botId, accountId: d.accountId, request }),
        ),
      log: (record: BotLogRecord) => this.guard(() => this.o.log?.(m.botId, record)),
      state: (next: Readonly<Record<string, unknown>>) => this.guard(() => syncState(state, next)),
      exit: (exit: BotExit) => this.exited(m, exit),
    };
    try {
      m.handle = this.o.runtime.start(
        {
          botId: m.botId,
          accountId: d.accountId,
          traderId: this.o.traderId,
          module: resolved.module,
          ...(resolved.strategy === undefined ? {} : { strategy: resolved.strategy }),
          config: d.config,
          configRev: d.configRev,
          instruments: resolved.instruments,
          state: snapshot,
        },
        l,
      );
    } catch (err) {
      this.setPhase(m, 'error', `cannot start: ${asError(err).message}`);
      this.crashed(m, { phase: 'error', reason: asError(err).message });
    }
  }

  private exited(m: Managed, exit: BotExit): void {
    m.handle = undefined;
    m.info = undefined;
    m.follows = new Set();
    if (m.state?.flush) {
      const flush = m.state.flush.bind(m.state);
      this.queue(m, flush);
    }
    if (m.stopping) {
      m.stopping = false;
      const next = m.next;
      m.next = undefined;
      if (next && !this.closed) {
        m.desired = next;
        m.failures = 0;
        // A pass may have skipped this bot while it launched (disabled meanwhile): look again after.
        void this.launch(m).then(() => this.reconcile());
      } else if (!this.closed) {
        this.bots.delete(m.botId);
        this.retired.add(m.writes);
        const w = m.writes;
        void w.finally(() => this.retired.delete(w));
      }
      return;
    }
    // Nobody asked it to stop: a crash (or a bot that ended by itself), restarted after a delay.
    this.crashed(m, exit);
  }

  private crashed(m: Managed, _exit: BotExit): void {
    if (this.closed) return;
    const ranFor = m.runningSince === undefined ? 0 : this.timers.nowMs() - m.runningSince;
    if (ranFor >= this.stableAfterMs) m.failures = 0;
    m.runningSince = undefined;
    m.failures++;
    const delay = Math.min(this.maxDelayMs, this.initialDelayMs * this.factor ** (m.failures - 1));
    m.restartAt = this.timers.nowMs() + delay;
    m.restartTimer = this.timers.setTimeout(() => void this.reconcile(), delay);
  }

  private setPhase(m: Managed, phase: BotPhase, reason?: string): void {
    m.phase = phase;
    const d = m.desired;
    const info = m.info;
    const status: BotStatus = {
      botId: m.botId,
      phase,
      ...(reason === undefined ? {} : { reason }),
      imageRunning: d.image,
      configRev: d.configRev,
      ...(info ? { strategy: info.strategy, version: info.version, cfgHash: info.cfgHash } : {}),
    };
    this.write(m, status);
  }

  /** A sink, logger or state store that throws is reported; the bot and the other bots go on. */
  private guard(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.o.onError?.(asError(err));
    }
  }

  private write(m: Managed, status: BotStatus): void {
    this.queue(m, () => this.o.status.upsert(status));
  }

  /** Runs store writes of one bot one after another, so a heartbeat never lands before its phase. */
  private queue(m: Managed, fn: () => Promise<unknown>): void {
    m.writes = m.writes.then(fn).then(
      () => undefined,
      (err: unknown) => this.o.onError?.(asError(err)),
    );
  }
}

function managed(d: DesiredBot): Managed {
  return {
    botId: d.botId,
    desired: d,
    handle: undefined,
    phase: 'starting',
    info: undefined,
    follows: new Set(),
    failures: 0,
    restartTimer: undefined,
    restartAt: undefined,
    runningSince: undefined,
    launching: false,
    stopping: false,
    next: undefined,
    state: undefined,
    writes: Promise.resolve(),
  };
}

/** Makes a durable state hold exactly `next` (the worker sends the whole map after each change). */
function syncState(state: KeyValueState, next: Readonly<Record<string, unknown>>): void {
  for (const k of state.keys()) if (!(k in next)) state.delete(k);
  // Only what changed: a durable state writes every key it is given.
  for (const [k, v] of Object.entries(next)) {
    if (JSON.stringify(state.get(k)) !== JSON.stringify(v)) state.set(k, v);
  }
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

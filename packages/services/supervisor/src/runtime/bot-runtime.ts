import type {
  AccountState,
  BotEvent,
  InstrumentSpec,
  MarketData,
  OrderIntent,
  StopReason,
  UnixNanos,
} from '@qubit/model';

/** The phases of seed 000's bot_status. */
export type BotPhase = 'starting' | 'running' | 'stopping' | 'stopped' | 'error' | 'forced_stop';

/** What a runtime needs to run one bot. */
export interface BotSpec {
  readonly botId: string;
  readonly accountId: string;
  readonly traderId: string;
  /**
   * Where the bot definition is, as the worker imports it: a package name (`@qubit/bot-sma-cross`) or a
   * file URL. The supervisor gets it from the app's resolver, so the runtime never knows apps or bots.
   */
  readonly module: string;
  /** The definition's `name` when the module exports several; the first definition otherwise. */
  readonly strategy?: string;
  /** The raw config; the worker checks it against the definition's schema (unknown keys are errors). */
  readonly config: unknown;
  readonly configRev: number;
  /** Instruments the bot may see (at least those it subscribes to). */
  readonly instruments: readonly InstrumentSpec[];
  /** The bot's durable key/value state as last flushed. */
  readonly state?: Readonly<Record<string, unknown>>;
}

/** How to stop: graceful runs onStop and flushes state, immediate terminates the thread at once. */
export type StopMode = 'graceful' | 'immediate';

/** What a stopped bot's run ended as. */
export interface BotExit {
  readonly phase: 'stopped' | 'error' | 'forced_stop';
  readonly reason?: string;
}

/** One heartbeat's figures, over the interval since the previous heartbeat. */
export interface BotHeartbeatReport {
  readonly ts: UnixNanos;
  /** onTick calls in the interval and in the whole run. */
  readonly ticks: number;
  readonly totalTicks: number;
  /** 95th percentile of onTick wall time over the last ticks (undefined before the first tick). */
  readonly p95TickMs?: number;
  /** Intents the bot returned in the interval, per second of the interval. */
  readonly intentsPerS: number;
  /** Hooks that threw, over the whole run. */
  readonly errors: number;
  readonly health: { readonly ok: boolean; readonly [key: string]: unknown };
}

/** What a bot asked for besides new orders: its own orders' cancels and modifications. */
export type BotOrderRequest =
  | { readonly kind: 'cancel'; readonly clientOrderId: string }
  | {
      readonly kind: 'modify';
      readonly clientOrderId: string;
      readonly quantity?: string;
      readonly price?: string;
      readonly triggerPrice?: string;
    }
  | { readonly kind: 'cancel_all'; readonly instrumentId?: string };

export interface BotLogRecord {
  readonly ts: UnixNanos;
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  readonly fields?: Readonly<Record<string, unknown>>;
}

/** What the bot turned out to be once loaded: reported just before phase `running`. */
export interface BotStarted {
  readonly strategy: string;
  readonly version: string;
  /** configHash of the config after defaults (sdk), for bot_status.cfg_hash. */
  readonly cfgHash: string;
  /** Instruments whose ticks wake it, and bar series whose closed bars do. */
  readonly instruments: readonly string[];
  readonly barTypes: readonly string[];
}

/** Everything a running bot reports, in the order it happened. */
export interface BotRuntimeListener {
  started?(info: BotStarted): void;
  phase?(phase: BotPhase, reason?: string): void;
  heartbeat?(report: BotHeartbeatReport): void;
  /** Intents returned by a hook, numbers as exact decimal strings. */
  intents?(hook: string, intents: readonly OrderIntent[]): void;
  orderRequest?(request: BotOrderRequest): void;
  log?(record: BotLogRecord): void;
  /** The bot's durable state after a hook changed it (the whole map, JSON values). */
  state?(state: Readonly<Record<string, unknown>>): void;
  /** Exactly once, last. */
  exit?(exit: BotExit): void;
}

/** A running bot: feed it, stop it. Every method is safe to call after it has exited (then a no-op). */
export interface BotHandle {
  readonly botId: string;
  readonly phase: BotPhase;
  /** Market data; `wake` false only fills its history (warm-up bars) without calling onTick. */
  market(data: MarketData, options?: { readonly wake?: boolean }): void;
  /** The bot's own order and position events (its mirror of positions and open orders follows them). */
  event(event: BotEvent): void;
  account(state: AccountState): void;
  instrument(spec: InstrumentSpec): void;
  /**
   * Graceful: STOP → onStop(reason) → its intents → state flushed → `stopped`; still running after
   * `deadlineMs` → terminated → `forced_stop`. Immediate: terminated → `stopped`. Resolves with the exit.
   */
  stop(mode: StopMode, deadlineMs: number, reason?: StopReason): Promise<BotExit>;
  /** Resolves when the bot has exited, however it did. */
  readonly exited: Promise<BotExit>;
}

/** A way to run bots (worker threads now; child processes and Kubernetes later). */
export interface BotRuntime {
  readonly kind: string;
  start(spec: BotSpec, listener: BotRuntimeListener): BotHandle;
}

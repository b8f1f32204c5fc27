import type { Envelope, InstrumentSpec, StopReason } from '@qubit/model';
import type { BotOrderRequest } from './bot-runtime.js';

/**
 * The messages between the supervisor (host) and a bot's worker thread; docs/bot-runtime.md is the
 * reference. Model messages (market data, order and position events, account states) travel as the
 * model's versioned envelopes (`encodeEnvelope`/`decodeEnvelope`), never as ad-hoc objects; times are
 * nanoseconds as decimal strings, as on every other wire.
 */

/** What the worker is started with (its `workerData`). */
export interface WorkerInit {
  readonly protocol: typeof BOT_WORKER_PROTOCOL;
  readonly botId: string;
  readonly accountId: string;
  readonly traderId: string;
  readonly module: string;
  readonly strategy?: string;
  readonly config: unknown;
  readonly instruments: readonly InstrumentSpec[];
  readonly state: Readonly<Record<string, unknown>>;
  /** Host time at start, ns. */
  readonly ts: string;
  readonly heartbeatIntervalMs: number;
  /** Closed bars kept per series for ctx.bars(). */
  readonly barCapacity: number;
}

export const BOT_WORKER_PROTOCOL = 1;

/** Host → worker. Each carries the host's time (`ts`), which is what ctx.now() answers. */
export type HostMessage =
  | { readonly kind: 'market'; readonly ts: string; readonly wake: boolean; readonly envelope: Envelope }
  | { readonly kind: 'event'; readonly ts: string; readonly envelope: Envelope }
  | { readonly kind: 'account'; readonly ts: string; readonly envelope: Envelope }
  | { readonly kind: 'instrument'; readonly ts: string; readonly spec: InstrumentSpec }
  | { readonly kind: 'stop'; readonly ts: string; readonly reason: StopReason };

/** An intent as it crosses: every number an exact decimal string. */
export interface WireIntent {
  readonly instrumentId: string;
  readonly side: string;
  readonly orderType?: string;
  readonly quantity: string;
  readonly price?: string;
  readonly triggerPrice?: string;
  readonly timeInForce?: string;
  /** ns as a decimal string. */
  readonly expireTime?: string;
  readonly postOnly?: boolean;
  readonly reduceOnly?: boolean;
  readonly reason?: string;
}

/** Worker → host. */
export type WorkerMessage =
  | {
      readonly kind: 'started';
      readonly strategy: string;
      readonly version: string;
      readonly cfgHash: string;
      readonly instruments: readonly string[];
      readonly barTypes: readonly string[];
    }
  /** The bot cannot run: its module, its config or its onStart failed. The worker exits after it. */
  | { readonly kind: 'fatal'; readonly stage: 'load' | 'config' | 'onStart'; readonly reason: string }
  | { readonly kind: 'intents'; readonly hook: string; readonly intents: readonly WireIntent[] }
  | { readonly kind: 'order_request'; readonly request: BotOrderRequest }
  | {
      readonly kind: 'log';
      readonly ts: string;
      readonly level: 'debug' | 'info' | 'warn' | 'error';
      readonly message: string;
      readonly fields?: Readonly<Record<string, unknown>>;
    }
  | { readonly kind: 'state'; readonly state: Readonly<Record<string, unknown>> }
  | {
      readonly kind: 'heartbeat';
      readonly ticks: number;
      readonly totalTicks: number;
      readonly p95TickMs?: number;
      readonly intents: number;
      readonly intervalMs: number;
      readonly errors: number;
      readonly health: { readonly ok: boolean; readonly [key: string]: unknown };
    }
  /** onStop ran, its intents and the final state were sent before this. */
  | { readonly kind: 'stopped' };

const WORKER_KINDS: ReadonlySet<string> = new Set([
  'started',
  'fatal',
  'intents',
  'order_request',
  'log',
  'state',
  'heartbeat',
  'stopped',
]);

/** Whether a value from a worker is one of the messages above (by its kind; fields are the worker's own code). */
export function isWorkerMessage(value: unknown): value is WorkerMessage {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { kind?: unknown }).kind === 'string' &&
    WORKER_KINDS.has((value as { kind: string }).kind)
  );
}

// The entry of a bot's worker thread: loads the bot definition, keeps the BotMirror current from what
// the host posts, runs the bot's hooks and posts back intents, order requests, logs, state and heartbeats.
// Nothing here may take the host down: the worst a bot can do is end its own thread.
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
import { InMemoryBotMetrics, InMemoryKeyValueState } from '@qubit/engine';
import {
  AccountId,
  BotId,
  Decimal,
  ModelError,
  StrategyId,
  decodeEnvelope,
  type AccountState,
  type Bot,
  type BotContext,
  type BotEvent,
  type KeyValueState,
  type MarketData,
  type OrderIntent,
} from '@qubit/model';
import { configHash, parseBotConfig, type BotDefinition } from '@qubit/sdk';
import { BotMirror } from './bot-mirror.js';
import { TickStats } from './tick-stats.js';
import type { BotOrderRequest } from './bot-runtime.js';
import type { HostMessage, WireIntent, WorkerInit, WorkerMessage } from './worker-protocol.js';

if (!parentPort) throw new Error('bot-worker.ts runs only as a worker thread started by WorkerBotRuntime');
const port = parentPort;
const init = workerData as WorkerInit;
const post = (m: WorkerMessage): void => port.postMessage(m);

let now = BigInt(init.ts);
const stats = new TickStats();
const metrics = new InMemoryBotMetrics();

/** The bot's durable state; a change marks it for sending to the host after the hook that made it. */
class SyncedState implements KeyValueState {
  dirty = false;
  constructor(private readonly inner: InMemoryKeyValueState) {}
  get<T = unknown>(key: string): T | undefined {
    return this.inner.get<T>(key);
  }
  set(key: string, value: unknown): void {
    this.inner.set(key, value);
    this.dirty = true;
  }
  delete(key: string): void {
    this.inner.delete(key);
    this.dirty = true;
  }
  keys(): string[] {
    return this.inner.keys();
  }
  flush(): void {
    if (!this.dirty) return;
    this.dirty = false;
    post({ kind: 'state', state: Object.fromEntries(this.keys().map((k) => [k, this.get(k)])) });
  }
}

function log(
  level: 'debug' | 'info' | 'warn' | 'error',
  message: string,
  fields?: Record<string, unknown>,
): void {
  const plain = fields === undefined ? undefined : asJson(fields, 'log fields');
  post({
    kind: 'log',
    ts: now.toString(),
    level,
    message: String(message),
    ...(plain ? { fields: plain } : {}),
  });
}

/**
 * What a bot hands over (log fields, health) as plain JSON: Decimals become their text, bigints decimal
 * strings, and something that cannot be cloned (a function, a cycle) is replaced by a note saying so,
 * rather than failing the post and with it the thread.
 */
function asJson(value: Record<string, unknown>, what: string): Record<string, unknown> {
  try {
    return JSON.parse(
      JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ?? '{}',
    ) as Record<string, unknown>;
  } catch (err) {
    return { unserializable: `${what} are not JSON: ${(err as Error).message}` };
  }
}

function isDefinition(v: unknown): v is BotDefinition {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as BotDefinition).create === 'function' &&
    typeof (v as BotDefinition).subscriptions === 'function' &&
    typeof (v as BotDefinition).name === 'string'
  );
}

async function loadDefinition(): Promise<BotDefinition> {
  const specifier = init.module.startsWith('/') ? pathToFileURL(init.module).href : init.module;
  const mod = (await import(specifier)) as Record<string, unknown>;
  const found = [mod.default, ...Object.values(mod)].filter(isDefinition);
  const def = init.strategy === undefined ? found[0] : found.find((d) => d.name === init.strategy);
  if (!def) {
    throw new ModelError(
      'module',
      init.strategy === undefined
        ? `${init.module} exports no bot definition (made with defineBot)`
        : `${init.module} exports no bot definition named ${init.strategy} (it has: ${found.map((d) => d.name).join(', ') || 'none'})`,
    );
  }
  return def;
}

function text(v: unknown, field: string): string | undefined {
  if (v === undefined) return undefined;
  if (v instanceof Decimal) return v.toString();
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'bigint')
    return Decimal.from(v, field).toString();
  throw new ModelError(field, `expected a decimal string, number or Decimal, got ${typeof v}`);
}

/** The intent with exact decimal strings for numbers; anything that cannot be an intent is refused here. */
function toWire(intent: OrderIntent): WireIntent {
  if (intent === null || typeof intent !== 'object') throw new ModelError('intent', 'must be an object');
  const quantity = text(intent.quantity, 'intent.quantity');
  if (quantity === undefined) throw new ModelError('intent.quantity', 'is required');
  const out: Record<string, unknown> = {
    instrumentId: String(intent.instrumentId),
    side: String(intent.side),
    quantity,
  };
  if (intent.orderType !== undefined) out.orderType = String(intent.orderType);
  const price = text(intent.price, 'intent.price');
  if (price !== undefined) out.price = price;
  const trigger = text(intent.triggerPrice, 'intent.triggerPrice');
  if (trigger !== undefined) out.triggerPrice = trigger;
  if (intent.timeInForce !== undefined) out.timeInForce = String(intent.timeInForce);
  if (intent.expireTime !== undefined) out.expireTime = String(intent.expireTime);
  if (intent.postOnly !== undefined) out.postOnly = intent.postOnly === true;
  if (intent.reduceOnly !== undefined) out.reduceOnly = intent.reduceOnly === true;
  if (intent.reason !== undefined) out.reason = String(intent.reason);
  return out as unknown as WireIntent;
}

async function main(): Promise<void> {
  let def: BotDefinition;
  try {
    def = await loadDefinition();
  } catch (err) {
    post({ kind: 'fatal', stage: 'load', reason: `cannot load ${init.module}: ${(err as Error).message}` });
    return;
  }
  let config: object;
  let bot: Bot;
  let mirror: BotMirror;
  try {
    config = parseBotConfig(def, init.config) as object;
    const subscriptions = def.subscriptions(config);
    mirror = new BotMirror(init.botId, init.instruments, subscriptions, init.barCapacity);
    bot = def.create(config);
  } catch (err) {
    post({ kind: 'fatal', stage: 'config', reason: (err as Error).message });
    return;
  }
  const state = new SyncedState(new InMemoryKeyValueState({ ...init.state }));
  const request = (r: BotOrderRequest): void => post({ kind: 'order_request', request: r });
  const ctx: BotContext = {
    botId: BotId(init.botId, 'botId'),
    accountId: AccountId(init.accountId, 'accountId'),
    strategyId: StrategyId(def.name, 'strategy'),
    config,
    now: () => now,
    instrument: (id) => mirror.instrument(id),
    bars: (barType, count) => mirror.barsOf(barType, count),
    lastPrice: (id) => mirror.lastPrice(id),
    quote: (id) => mirror.quote(id),
    position: (id) => mirror.position(id),
    positions: () => mirror.positions(),
    openOrders: (id) => mirror.openOrders(id),
    equity: () => mirror.equity(),
    cancel: (id) => {
      request({ kind: 'cancel', clientOrderId: mirror.ownOpenOrder(String(id)).clientOrderId });
    },
    modify: (id, changes) => {
      const order = mirror.ownOpenOrder(String(id));
      const q = text(changes?.quantity, 'changes.quantity');
      const p = text(changes?.price, 'changes.price');
      const t = text(changes?.triggerPrice, 'changes.triggerPrice');
      request({
        kind: 'modify',
        clientOrderId: order.clientOrderId,
        ...(q === undefined ? {} : { quantity: q }),
        ...(p === undefined ? {} : { price: p }),
        ...(t === undefined ? {} : { triggerPrice: t }),
      });
    },
    cancelAll: (id) => {
      for (const o of mirror.openOrders(id)) request({ kind: 'cancel', clientOrderId: o.clientOrderId });
    },
    state,
    log: {
      debug: (m, f) => log('debug', m, f),
      info: (m, f) => log('info', m, f),
      warn: (m, f) => log('warn', m, f),
      error: (m, f) => log('error', m, f),
    },
    metrics,
  };

  const failed = (hook: string, err: unknown): void => {
    const e = err instanceof Error ? err : new Error(String(err));
    stats.errors++;
    metrics.counter('bot_on_tick_exceptions_total', 1, { hook });
    log('error', `${hook} threw: ${e.message}`, { hook, stack: e.stack });
  };

  const emit = (hook: string, out: Iterable<OrderIntent> | void): void => {
    if (!out) return;
    const intents: WireIntent[] = [];
    for (const intent of out) {
      try {
        intents.push(toWire(intent));
      } catch (err) {
        metrics.counter('bot_invalid_intents_total');
        log('error', `invalid order intent: ${(err as Error).message}`);
      }
    }
    if (intents.length === 0) return;
    stats.intents(intents.length);
    post({ kind: 'intents', hook, intents });
  };

  /** Runs a hook, sends what it returned and the state it changed; contains whatever it throws. */
  const call = (hook: string, fn: () => Iterable<OrderIntent> | void): void => {
    try {
      emit(hook, fn());
    } catch (err) {
      failed(hook, err);
    }
    state.flush();
  };

  let lastBeat = performance.now();
  const beat = (): void => {
    const t = performance.now();
    const interval = stats.takeInterval();
    let health: { ok: boolean; [k: string]: unknown };
    try {
      const h = bot.health?.() ?? { ok: true };
      health = { ...asJson(h, 'health figures'), ok: h.ok === true };
    } catch (err) {
      health = { ok: false, error: (err as Error).message };
    }
    const p95 = stats.p95();
    post({
      kind: 'heartbeat',
      ticks: interval.ticks,
      totalTicks: stats.totalTicks,
      ...(p95 === undefined ? {} : { p95TickMs: p95 }),
      intents: interval.intents,
      intervalMs: t - lastBeat,
      errors: stats.errors,
      health,
    });
    lastBeat = t;
  };
  // Beats from the thread's own event loop: a bot stuck in a loop stops them, which is how the host sees it.
  const heartbeat = setInterval(beat, init.heartbeatIntervalMs);

  try {
    emit('onStart', bot.onStart?.(ctx));
    state.flush();
  } catch (err) {
    clearInterval(heartbeat);
    const e = err as Error;
    post({ kind: 'fatal', stage: 'onStart', reason: `onStart threw: ${e?.message ?? String(err)}` });
    return;
  }
  const subs = def.subscriptions(config);
  post({
    kind: 'started',
    strategy: def.name,
    version: def.version,
    cfgHash: configHash(config),
    instruments: [...subs.instruments],
    barTypes: [...(subs.barTypes ?? [])],
  });
  beat();

  let stopping = false;
  const decodeCtx = {
    instruments: (id: string) => {
      try {
        return mirror.instrument(id);
      } catch {
        return undefined;
      }
    },
  };
  port.on('message', (m: HostMessage) => {
    if (stopping) return;
    try {
      now = BigInt(m.ts);
      switch (m.kind) {
        case 'market': {
          const data = decodeEnvelope<MarketData>(m.envelope, decodeCtx).message;
          const snapshot = mirror.market(data);
          if (!snapshot || !m.wake) return;
          const t0 = performance.now();
          call('onTick', () => bot.onTick(snapshot, ctx));
          stats.tick(performance.now() - t0);
          return;
        }
        case 'event': {
          const event = decodeEnvelope<BotEvent>(m.envelope, decodeCtx).message;
          mirror.event(event);
          if (typeof bot.onEvent === 'function') call('onEvent', () => bot.onEvent!(event, ctx));
          return;
        }
        case 'account':
          mirror.account(decodeEnvelope<AccountState>(m.envelope, decodeCtx).message);
          return;
        case 'instrument':
          mirror.addInstrument(m.spec);
          return;
        case 'stop':
          stopping = true;
          clearInterval(heartbeat);
          call('onStop', () => bot.onStop?.(m.reason, ctx));
          post({ kind: 'stopped' });
          return;
        default:
          log('warn', `dropped a host message of unknown kind ${String((m as { kind?: unknown }).kind)}`);
      }
    } catch (err) {
      // A message the host should not have sent; the bot keeps running on what it had.
      log('warn', `dropped a ${String(m?.kind)} message: ${(err as Error).message}`);
    }
  });
}

void main();

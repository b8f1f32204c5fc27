import type { OrderEvent } from '../events/order-events.js';
import type { PositionEvent } from '../events/position-events.js';
import type { BotContext } from './bot-context.js';
import type { MarketSnapshot } from './market-snapshot.js';
import type { OrderIntent } from './order-intent.js';

/** Events a bot is told about: its own orders and positions. */
export type BotEvent = OrderEvent | PositionEvent;

/** Why a bot is being stopped. */
export type StopReason = 'user' | 'rollout' | 'kill_switch' | 'end_of_data' | 'shutdown' | 'error';

export interface BotHealth {
  readonly ok: boolean;
  readonly [key: string]: unknown;
}

/**
 * The bot contract of seed 000 in TypeScript. Every hook is synchronous and must not do I/O:
 * the same bot then runs identically in a backtest, in paper trading and live.
 */
export interface Bot<C = unknown> {
  /** May return intents, e.g. to restore resting orders after a restart before the first tick. */
  onStart?(ctx: BotContext<C>): Iterable<OrderIntent> | void;
  onTick(market: MarketSnapshot, ctx: BotContext<C>): Iterable<OrderIntent> | void;
  onEvent?(event: BotEvent, ctx: BotContext<C>): Iterable<OrderIntent> | void;
  onStop?(reason: StopReason, ctx: BotContext<C>): Iterable<OrderIntent> | void;
  health?(): BotHealth;
}

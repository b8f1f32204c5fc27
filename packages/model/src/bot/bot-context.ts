import type { Bar } from '../data/bar.js';
import type { BarType } from '../data/bar-type.js';
import type { QuoteTick } from '../data/quote-tick.js';
import type { AccountId } from '../identifiers/account-id.js';
import type { BotId } from '../identifiers/bot-id.js';
import type { ClientOrderId } from '../identifiers/client-order-id.js';
import type { StrategyId } from '../identifiers/strategy-id.js';
import type { Instrument } from '../instruments/instrument.js';
import type { Decimal } from '../numbers/decimal.js';
import type { Money } from '../numbers/money.js';
import type { Price } from '../numbers/price.js';
import type { UnixNanos } from '../time.js';
import type { OrderView, PositionView } from './views.js';

/** A durable key/value store private to one bot; it survives restarts. Values must be JSON. */
export interface KeyValueState {
  get<T = unknown>(key: string): T | undefined;
  set(key: string, value: unknown): void;
  delete(key: string): void;
  keys(): string[];
}

export interface BotLogger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface BotMetrics {
  counter(name: string, value?: number, labels?: Record<string, string>): void;
  gauge(name: string, value: number, labels?: Record<string, string>): void;
}

/** What a bot may see and do besides returning intents. It never sees adapters or engine internals. */
export interface BotContext<C = unknown> {
  readonly botId: BotId;
  readonly accountId: AccountId;
  readonly strategyId: StrategyId;
  readonly config: Readonly<C>;
  /** Current time: data time in a backtest, wall time live. */
  now(): UnixNanos;
  instrument(instrumentId: string): Instrument;
  /** The last `count` closed bars of a series, oldest first. */
  bars(barType: BarType | string, count?: number): readonly Bar[];
  lastPrice(instrumentId: string): Price | undefined;
  quote(instrumentId: string): QuoteTick | undefined;
  /** This bot's position in an instrument (flat when it has none). */
  position(instrumentId: string): PositionView;
  positions(): readonly PositionView[];
  openOrders(instrumentId?: string): readonly OrderView[];
  /** The bot's share of the account: what it may still commit, in the account's base currency. */
  equity(): Money;
  cancel(clientOrderId: ClientOrderId | string): void;
  modify(
    clientOrderId: ClientOrderId | string,
    changes: {
      quantity?: string | number | Decimal;
      price?: string | number | Decimal;
      triggerPrice?: string | number | Decimal;
    },
  ): void;
  cancelAll(instrumentId?: string): void;
  readonly state: KeyValueState;
  readonly log: BotLogger;
  readonly metrics: BotMetrics;
}

import type { PositionSide } from '../enums/position-side.js';
import type { AccountId } from '../identifiers/account-id.js';
import type { BotId } from '../identifiers/bot-id.js';
import type { InstrumentId } from '../identifiers/instrument-id.js';
import type { PositionId } from '../identifiers/position-id.js';
import type { StrategyId } from '../identifiers/strategy-id.js';
import type { TraderId } from '../identifiers/trader-id.js';
import type { Decimal } from '../numbers/decimal.js';
import type { Money } from '../numbers/money.js';
import type { Price } from '../numbers/price.js';
import type { Quantity } from '../numbers/quantity.js';
import type { UnixNanos } from '../time.js';

/** The state of one net position (per account, bot and instrument) after a fill. */
export interface PositionEventBase {
  readonly eventId: string;
  readonly traderId: TraderId;
  readonly accountId: AccountId;
  readonly botId: BotId;
  readonly strategyId: StrategyId;
  readonly instrumentId: InstrumentId;
  readonly positionId: PositionId;
  readonly side: PositionSide;
  /** Positive long, negative short. */
  readonly signedQty: Decimal;
  readonly quantity: Quantity;
  /** Average entry price of the open quantity (rounded for display; accounting keeps exact cost). */
  readonly avgPxOpen: Price;
  readonly realizedPnl: Money;
  readonly unrealizedPnl: Money;
  readonly fees: Money;
  readonly lastPx: Price;
  readonly tsEvent: UnixNanos;
  readonly tsInit: UnixNanos;
}

export interface PositionOpened extends PositionEventBase {
  readonly type: 'PositionOpened';
}

export interface PositionChanged extends PositionEventBase {
  readonly type: 'PositionChanged';
}

export interface PositionClosed extends PositionEventBase {
  readonly type: 'PositionClosed';
  /** How long it was open, in nanoseconds. */
  readonly durationNs: UnixNanos;
}

export type PositionEvent = PositionOpened | PositionChanged | PositionClosed;

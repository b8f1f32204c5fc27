import type { OrderSide } from '../enums/order-side.js';
import type { AccountId } from '../identifiers/account-id.js';
import type { BotId } from '../identifiers/bot-id.js';
import type { InstrumentId } from '../identifiers/instrument-id.js';
import type { TraderId } from '../identifiers/trader-id.js';
import type { UnixNanos } from '../time.js';

/** Cancels every working order in a scope: everything, one account, one bot, and/or one instrument. */
export interface CancelAllOrders {
  readonly type: 'CancelAllOrders';
  readonly commandId: string;
  readonly traderId: TraderId;
  readonly accountId?: AccountId;
  readonly botId?: BotId;
  readonly instrumentId?: InstrumentId;
  readonly side?: OrderSide;
  readonly reason: string;
  readonly tsInit: UnixNanos;
}

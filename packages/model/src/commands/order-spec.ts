import type { OrderSide } from '../enums/order-side.js';
import type { OrderType } from '../enums/order-type.js';
import type { TimeInForce } from '../enums/time-in-force.js';
import type { AccountId } from '../identifiers/account-id.js';
import type { BotId } from '../identifiers/bot-id.js';
import type { ClientOrderId } from '../identifiers/client-order-id.js';
import type { InstrumentId } from '../identifiers/instrument-id.js';
import type { StrategyId } from '../identifiers/strategy-id.js';
import type { TraderId } from '../identifiers/trader-id.js';
import type { Price } from '../numbers/price.js';
import type { Quantity } from '../numbers/quantity.js';
import type { UnixNanos } from '../time.js';

/** Who an order belongs to: carried by every order command and event. */
export interface OrderOwner {
  readonly traderId: TraderId;
  readonly accountId: AccountId;
  readonly botId: BotId;
  readonly strategyId: StrategyId;
  readonly instrumentId: InstrumentId;
  readonly clientOrderId: ClientOrderId;
}

/** The terms of an order as first asked for. */
export interface OrderTerms {
  readonly side: OrderSide;
  readonly orderType: OrderType;
  readonly quantity: Quantity;
  /** Limit price; required for LIMIT and STOP_LIMIT. */
  readonly price?: Price;
  /** Trigger price; required for STOP_MARKET and STOP_LIMIT. */
  readonly triggerPrice?: Price;
  readonly timeInForce: TimeInForce;
  /** Required for GTD. */
  readonly expireTime?: UnixNanos;
  readonly postOnly: boolean;
  readonly reduceOnly: boolean;
  /** Why the bot placed it ("entry", "take_profit", …); also encoded in the ClientOrderId. */
  readonly reason: string;
}

import type { TradingCommand } from '../commands/trading-command.js';
import type { MarketData } from '../data/market-data.js';
import type { AccountState } from '../events/account-state.js';
import type { OrderEvent } from '../events/order-events.js';
import type { PositionEvent } from '../events/position-events.js';
import type { TradingStateChanged } from '../events/risk-events.js';

/** Every model message that may cross a process boundary; each has a codec in the model registry. */
export type WireMessage =
  MarketData | TradingCommand | OrderEvent | PositionEvent | AccountState | TradingStateChanged;

export type WireMessageType = WireMessage['type'];

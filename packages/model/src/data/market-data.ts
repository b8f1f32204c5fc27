import type { Bar } from './bar.js';
import type { OrderBookDeltas, OrderBookSnapshot } from './order-book.js';
import type { QuoteTick } from './quote-tick.js';
import type { TradeTick } from './trade-tick.js';

/** Anything a feed produces, told apart by `type`. */
export type MarketData = TradeTick | QuoteTick | Bar | OrderBookDeltas | OrderBookSnapshot;

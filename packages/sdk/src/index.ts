// What bot authors import: the bot contract, config schemas, and the model vocabulary they need.
export type {
  Bot,
  BotContext,
  BotEvent,
  BotHealth,
  BotLogger,
  BotMetrics,
  KeyValueState,
  MarketSnapshot,
  OrderIntent,
  OrderView,
  PositionView,
  StopReason,
} from '@qubit/model';
export {
  Decimal,
  Money,
  OrderSide,
  OrderType,
  PositionSide,
  Price,
  Quantity,
  Rounding,
  TimeInForce,
  BarAggregation,
  PriceType,
  barTypeToString,
  makeBarType,
  InstrumentId,
} from '@qubit/model';
export type { Bar, BarType, Instrument, TradeTick, QuoteTick } from '@qubit/model';
export * from './define-bot.js';
export * from '@qubit/indicators';
export * from './exit-orders.js';
export * from './position-exits.js';
export * from './leftover-orders.js';
export * from './bar-subscriptions.js';
export * from './config-fields.js';
export * from './remembered-trade.js';

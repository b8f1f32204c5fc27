/** Bus topics (the Kafka names; the in-memory bus uses the same). See ARCHITECTURE.md §4. */
export const Topic = {
  INSTRUMENT_REGISTERED: 'instrument.registered',
  MARKET_RAW_DATA: 'market.raw.data',
  FEATURES_INDICATORS: 'features.indicators',
  /** Bot intents as SubmitOrder / ModifyOrder, keyed by instrument: risk stage 1. */
  TRADING_SIGNALS: 'trading.signals',
  /** Stage-1-approved commands re-keyed by portfolio: risk stage 2. */
  TRADING_SIGNALS_PORTFOLIO: 'trading.signals.portfolio',
  TRADES_APPROVED: 'trades.approved',
  TRADES_REJECTED: 'trades.rejected',
  /** Cancels bypass risk (reducing risk is always allowed) and go straight to execution, keyed by portfolio. */
  ORDERS_COMMANDS: 'orders.commands',
  ORDERS_PLACED: 'orders.placed',
  ORDERS_UPDATED: 'orders.updated',
  ORDERS_FILLS: 'orders.fills',
  PORTFOLIO_UPDATED: 'portfolio.updated',
  RISK_ALERTS: 'risk.alerts',
  BOT_COMMANDS: 'bot.commands',
  BOT_HEARTBEATS: 'bot.heartbeats',
  SSI_PS: 'ssi_ps',
  /** Messages a handler could not process, with the error; consumers go on. */
  DEAD_LETTER: 'dead.letter',
} as const;
export type Topic = (typeof Topic)[keyof typeof Topic];

/** The key of a portfolio-ordered topic: the account. */
export function portfolioKey(accountId: string): string {
  return accountId;
}

/** The key of an instrument-ordered topic: "venue:symbol" (seed 001's instrument_key). */
export function instrumentKey(instrumentId: string): string {
  if (instrumentId === lastInstrumentId) return lastInstrumentKey;
  let key = instrumentKeys.get(instrumentId);
  if (key === undefined) {
    const dot = instrumentId.lastIndexOf('.');
    key = `${instrumentId.slice(dot + 1)}:${instrumentId.slice(0, dot)}`;
    if (instrumentKeys.size < MAX_REMEMBERED_KEYS) instrumentKeys.set(instrumentId, key);
  }
  lastInstrumentId = instrumentId;
  lastInstrumentKey = key;
  return key;
}

/**
 * Every order and every tick is published under its instrument key: the few keys in use are built
 * once instead of sliced and joined per message. A pure function's memo, bounded in size.
 */
const instrumentKeys = new Map<string, string>();
const MAX_REMEMBERED_KEYS = 10_000;
let lastInstrumentId = '';
let lastInstrumentKey = '';

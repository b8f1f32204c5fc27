import type { Currency, Decimal, RiskScope } from '@qubit/model';

/**
 * What the RiskEngine (and bot contexts) may ask the Portfolio. Amounts are exact Decimals in the
 * account's base currency unless said otherwise. `undefined` means "unknown" and risk fails closed on it.
 */
export interface PortfolioQueries {
  hasAccount(accountId: string): boolean;
  baseCurrency(accountId: string): Currency | undefined;
  /** Net signed quantity (long > 0) in an instrument: of one bot's sub-ledger, or of the whole account. */
  netQty(accountId: string, instrumentId: string, botId?: string): Decimal;
  /** |net qty| × mark × multiplier of one instrument (one bot, or the account); undefined when no mark price exists. */
  exposure(accountId: string, instrumentId: string, botId?: string): Decimal | undefined;
  /** Σ exposure over all instruments of the account (or of one bot); undefined when a held instrument has no mark. */
  grossExposure(accountId: string, botId?: string): Decimal | undefined;
  /** Account equity: balances plus unrealized PnL (margin) or plus held assets at mark (cash). */
  equity(accountId: string): Decimal | undefined;
  /** Free (not locked) balance of one currency. */
  freeBalance(accountId: string, currency: string): Decimal | undefined;
  /** Realized + unrealized − fees since inception for a scope (global, one account, one bot). */
  totalPnl(scope: RiskScope): Decimal | undefined;
}

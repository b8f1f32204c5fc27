/** Whether a scope (global, account, bot) may trade: freely, only to reduce positions, or not at all. */
export const TradingState = {
  ACTIVE: 'ACTIVE',
  REDUCING: 'REDUCING',
  HALTED: 'HALTED',
} as const;
export type TradingState = (typeof TradingState)[keyof typeof TradingState];
export const TradingStateValues = Object.values(TradingState) as readonly TradingState[];

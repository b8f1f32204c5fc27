/** How an order is priced: at market, at a limit, or once a trigger price trades. */
export const OrderType = {
  MARKET: 'MARKET',
  LIMIT: 'LIMIT',
  STOP_MARKET: 'STOP_MARKET',
  STOP_LIMIT: 'STOP_LIMIT',
} as const;
export type OrderType = (typeof OrderType)[keyof typeof OrderType];
export const OrderTypeValues = Object.values(OrderType) as readonly OrderType[];

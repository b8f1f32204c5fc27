/** Which way an order trades. */
export const OrderSide = {
  BUY: 'BUY',
  SELL: 'SELL',
} as const;
export type OrderSide = (typeof OrderSide)[keyof typeof OrderSide];
export const OrderSideValues = Object.values(OrderSide) as readonly OrderSide[];

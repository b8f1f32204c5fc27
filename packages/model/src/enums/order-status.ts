/** Where an order is in its life; ExecutionEngine owns the legal transitions. */
export const OrderStatus = {
  INITIALIZED: 'INITIALIZED',
  DENIED: 'DENIED',
  SUBMITTED: 'SUBMITTED',
  ACCEPTED: 'ACCEPTED',
  REJECTED: 'REJECTED',
  TRIGGERED: 'TRIGGERED',
  PENDING_UPDATE: 'PENDING_UPDATE',
  PENDING_CANCEL: 'PENDING_CANCEL',
  PARTIALLY_FILLED: 'PARTIALLY_FILLED',
  FILLED: 'FILLED',
  CANCELED: 'CANCELED',
  EXPIRED: 'EXPIRED',
} as const;
export type OrderStatus = (typeof OrderStatus)[keyof typeof OrderStatus];
export const OrderStatusValues = Object.values(OrderStatus) as readonly OrderStatus[];

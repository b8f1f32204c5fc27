/** Why a venue refused an order or a change to one (venue-style rejections, mapped from each venue's codes). */
export const RejectReason = {
  INVALID_PRICE: 'INVALID_PRICE',
  INVALID_QUANTITY: 'INVALID_QUANTITY',
  MIN_NOTIONAL: 'MIN_NOTIONAL',
  PRICE_LIMIT: 'PRICE_LIMIT',
  MARKET_CLOSED: 'MARKET_CLOSED',
  POST_ONLY_WOULD_TAKE: 'POST_ONLY_WOULD_TAKE',
  REDUCE_ONLY_WOULD_INCREASE: 'REDUCE_ONLY_WOULD_INCREASE',
  FOK_NOT_FILLABLE: 'FOK_NOT_FILLABLE',
  NO_LIQUIDITY: 'NO_LIQUIDITY',
  INSUFFICIENT_BALANCE: 'INSUFFICIENT_BALANCE',
  DUPLICATE_ORDER: 'DUPLICATE_ORDER',
  UNKNOWN_ORDER: 'UNKNOWN_ORDER',
  ORDER_NOT_MODIFIABLE: 'ORDER_NOT_MODIFIABLE',
  UNSUPPORTED: 'UNSUPPORTED',
  OTHER: 'OTHER',
} as const;
export type RejectReason = (typeof RejectReason)[keyof typeof RejectReason];
export const RejectReasonValues = Object.values(RejectReason) as readonly RejectReason[];

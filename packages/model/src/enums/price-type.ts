/** Which price a bar is built from. */
export const PriceType = {
  LAST: 'LAST',
  BID: 'BID',
  ASK: 'ASK',
  MID: 'MID',
} as const;
export type PriceType = (typeof PriceType)[keyof typeof PriceType];
export const PriceTypeValues = Object.values(PriceType) as readonly PriceType[];

/** The direction of a net position. */
export const PositionSide = {
  FLAT: 'FLAT',
  LONG: 'LONG',
  SHORT: 'SHORT',
} as const;
export type PositionSide = (typeof PositionSide)[keyof typeof PositionSide];
export const PositionSideValues = Object.values(PositionSide) as readonly PositionSide[];

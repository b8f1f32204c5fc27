/** Which side crossed the spread in a trade. */
export const AggressorSide = {
  NO_AGGRESSOR: 'NO_AGGRESSOR',
  BUYER: 'BUYER',
  SELLER: 'SELLER',
} as const;
export type AggressorSide = (typeof AggressorSide)[keyof typeof AggressorSide];
export const AggressorSideValues = Object.values(AggressorSide) as readonly AggressorSide[];

/** How a value is brought to fewer decimal places. HALF_EVEN is the banker's rounding used for money. */
export const Rounding = {
  HALF_EVEN: 'HALF_EVEN',
  HALF_UP: 'HALF_UP',
  DOWN: 'DOWN',
  UP: 'UP',
  FLOOR: 'FLOOR',
  CEIL: 'CEIL',
} as const;
export type Rounding = (typeof Rounding)[keyof typeof Rounding];

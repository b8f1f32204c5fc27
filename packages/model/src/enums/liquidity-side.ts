/** Whether a fill added liquidity (maker) or took it (taker). */
export const LiquiditySide = {
  NO_LIQUIDITY_SIDE: 'NO_LIQUIDITY_SIDE',
  MAKER: 'MAKER',
  TAKER: 'TAKER',
} as const;
export type LiquiditySide = (typeof LiquiditySide)[keyof typeof LiquiditySide];
export const LiquiditySideValues = Object.values(LiquiditySide) as readonly LiquiditySide[];

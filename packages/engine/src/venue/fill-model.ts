/**
 * The bar fill model: a bar tells only four prices, so the venue assumes a path through them and
 * fills resting orders where that path first reaches them. The first point, the open, is a jump
 * from the previous bar (a gap); the three moves after it are continuous.
 */
export const BarPath = {
  /**
   * Adaptive (the default): the extreme nearer the open is visited first — open→high→low→close when
   * high − open < open − low, open→low→high→close when it is greater; on a tie, high first for a bar
   * that closes at or above its open. A price usually reaches the nearer extreme before the farther one,
   * and neither fixed order systematically favours longs or shorts.
   */
  OHLC: 'OHLC',
  /** Always open→high→low→close. */
  HIGH_FIRST: 'HIGH_FIRST',
  /** Always open→low→high→close. */
  LOW_FIRST: 'LOW_FIRST',
} as const;
export type BarPath = (typeof BarPath)[keyof typeof BarPath];

/** Writes the four prices a bar visits, in order, into `out` (reused by the caller to spare an allocation per bar). */
export function barPathInto(
  out: bigint[],
  mode: BarPath,
  open: bigint,
  high: bigint,
  low: bigint,
  close: bigint,
): void {
  const up = high - open;
  const down = open - low;
  const highFirst =
    mode === BarPath.HIGH_FIRST || (mode === BarPath.OHLC && (up < down || (up === down && close >= open)));
  out[0] = open;
  out[1] = highFirst ? high : low;
  out[2] = highFirst ? low : high;
  out[3] = close;
}

/**
 * A taker's price after `slipTicks` of adverse slippage: buys pay more, sells receive less, and a
 * sell never goes below one tick (a price of zero or less cannot trade).
 */
export function slippedPrice(px: bigint, isBuy: boolean, slipTicks: bigint, tick: bigint): bigint {
  if (slipTicks === 0n) return px;
  if (isBuy) return px + slipTicks * tick;
  const p = px - slipTicks * tick;
  return p < tick ? tick : p;
}

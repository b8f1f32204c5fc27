import { OrderSide, type BotContext, type Decimal, type OrderIntent, type StopReason } from '@qubit/model';

/**
 * The reduce-only market order that flattens `signedQty` (the opposite side, for |signedQty|), or none when
 * flat. Pure: it cancels nothing, for bots that choose which of their orders survive.
 */
export function closingIntent(instrumentId: string, signedQty: Decimal, reason: string): OrderIntent[] {
  if (signedQty.isZero()) return [];
  return [
    {
      instrumentId,
      side: signedQty.isPositive() ? OrderSide.SELL : OrderSide.BUY,
      quantity: signedQty.abs(),
      reduceOnly: true,
      reason,
    },
  ];
}

/**
 * Closes the bot's whole position in an instrument at market: cancels its orders there first, so a resting
 * reduce-only exit cannot fill as well, then returns the closing order (none when flat).
 */
export function closePosition(ctx: BotContext<unknown>, instrumentId: string, reason: string): OrderIntent[] {
  ctx.cancelAll(instrumentId);
  return closingIntent(instrumentId, ctx.position(instrumentId).signedQty, reason);
}

/**
 * The onStop of a bot that keeps its position across restarts: only the end of the data closes it (reason
 * end_of_data); on any other stop the position and its resting exits are left for the next instance.
 */
export function closeAtEndOfData(
  reason: StopReason,
  ctx: BotContext<unknown>,
  instrumentId: string,
): OrderIntent[] {
  return reason === 'end_of_data' ? closePosition(ctx, instrumentId, 'end_of_data') : [];
}

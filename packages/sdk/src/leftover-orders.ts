import type { BotContext } from '@qubit/model';

/**
 * For a flat bot that enters at market: cancels whatever of its orders is still working on the instrument
 * (an exit left from the last trade, an entry in flight) and says so, so the caller decides on the next
 * bar instead. An old reduce-only exit can then never meet a new position.
 */
export function cancelLeftoverOrders(ctx: BotContext<unknown>, instrumentId: string): boolean {
  if (ctx.openOrders(instrumentId).length === 0) return false;
  ctx.cancelAll(instrumentId);
  return true;
}

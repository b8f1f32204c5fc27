import type { BotContext } from '@qubit/model';

export type TradeSide = 'long' | 'short';

/**
 * The open trade as the bot stored it under `key` in ctx.state, or a fresh one from `fresh` when none is
 * stored or the stored one is of the other side: the position reversed, or it is not one the bot opened,
 * so its old levels mean nothing. Nothing is written; the caller stores the trade once it is updated.
 */
export function rememberedTrade<T extends { side: TradeSide }>(
  ctx: BotContext<unknown>,
  key: string,
  long: boolean,
  fresh: (side: TradeSide) => T,
): T {
  const side: TradeSide = long ? 'long' : 'short';
  const stored = ctx.state.get<T>(key);
  return stored && stored.side === side ? stored : fresh(side);
}

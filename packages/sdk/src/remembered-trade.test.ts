import type { BotContext, KeyValueState } from '@qubit/model';
import { describe, expect, it } from 'vitest';
import { rememberedTrade, type TradeSide } from './remembered-trade.js';

interface Trade {
  side: TradeSide;
  bars: number;
}

const withState = (stored: Record<string, unknown>): BotContext<unknown> => {
  const state: KeyValueState = {
    get: <T>(key: string) => stored[key] as T | undefined,
    set: (key, value) => {
      stored[key] = value;
    },
    delete: (key) => {
      delete stored[key];
    },
    keys: () => Object.keys(stored),
  };
  return { state } as unknown as BotContext<unknown>;
};

describe('rememberedTrade', () => {
  it('returns the stored trade when it is on the side of the position', () => {
    const stored = { trade: { side: 'long', bars: 7 } };
    expect(rememberedTrade<Trade>(withState(stored), 'trade', true, (side) => ({ side, bars: 0 }))).toBe(
      stored.trade,
    );
  });

  it('starts a fresh trade on the position side when nothing is stored', () => {
    expect(rememberedTrade<Trade>(withState({}), 'trade', false, (side) => ({ side, bars: 0 }))).toEqual({
      side: 'short',
      bars: 0,
    });
  });

  it('starts a fresh trade when the stored one is of the other side, without writing it', () => {
    const stored: Record<string, unknown> = { trade: { side: 'short', bars: 3 } };
    const trade = rememberedTrade<Trade>(withState(stored), 'trade', true, (side) => ({ side, bars: 0 }));
    expect(trade).toEqual({ side: 'long', bars: 0 });
    expect(stored.trade).toEqual({ side: 'short', bars: 3 });
  });
});

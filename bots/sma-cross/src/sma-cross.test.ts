import { OrderSide } from '@qubit/sdk';
import { runBot, type BarRow } from '@qubit/sdk/testing';
import { describe, expect, it } from 'vitest';
import { smaCross } from './sma-cross.js';

const MINUTE = 60_000;

/** Closes in, one 1-minute bar each (open = previous close so that fills at the open are easy to read). */
function bars(closes: number[]): BarRow[] {
  let prev = closes[0]!;
  return closes.map((c, i) => {
    const row = {
      time: Date.UTC(2024, 0, 1) + i * MINUTE,
      open: prev,
      high: Math.max(prev, c),
      low: Math.min(prev, c),
      close: c,
      volume: 10,
    };
    prev = c;
    return row;
  });
}

describe('sma-cross', () => {
  it('enters on a cross up and fills at the next bar open', () => {
    // fast=2, slow=3: closes 10,10,10 (equal), then 13 → fast 11.5 > slow 11 after fast ≤ slow: cross up on bar 3.
    const r = runBot(smaCross, {
      bars: bars([10, 10, 10, 13, 14, 15]),
      config: { fast: 2, slow: 3, quantity: '1' },
      closeAtEnd: false,
    });
    expect(r.intents).toHaveLength(1);
    expect(r.intents[0]!.side).toBe(OrderSide.BUY);
    expect(r.intents[0]!.reason).toBe('entry');
    expect(r.fills).toHaveLength(1);
    expect(r.fills[0]!.lastPx.toString()).toBe('13.00'); // the open of the bar after the signal bar
    expect(r.position.signedQty.toString()).toBe('1.00000');
  });

  it('exits on a cross down while long', () => {
    const r = runBot(smaCross, {
      bars: bars([10, 10, 10, 13, 14, 15, 9, 8, 7]),
      config: { fast: 2, slow: 3, quantity: '1' },
      closeAtEnd: false,
    });
    expect(r.intents.map((i) => `${i.side}:${i.reason}`)).toEqual(['BUY:entry', 'SELL:exit']);
    expect(r.fills).toHaveLength(2);
    expect(r.position.signedQty.isZero()).toBe(true);
    // bought at 13.00 (open after the up-cross), sold at 9.00 (open after the down-cross): −4 per unit, gross.
    expect(r.pnl.realized.amount.toString()).toBe('-4.00000000');
  });

  it('closes an open position at the last close with reason end_of_data', () => {
    const r = runBot(smaCross, {
      bars: bars([10, 10, 10, 13, 14, 15]),
      config: { fast: 2, slow: 3, quantity: '1' },
    });
    expect(r.intents.map((i) => i.reason)).toEqual(['entry', 'end_of_data']);
    expect(r.fills.at(-1)!.lastPx.toString()).toBe('15.00');
    expect(r.position.signedQty.isZero()).toBe(true);
    expect(r.pnl.realized.amount.toString()).toBe('2.00000000');
  });

  it('refuses a config whose fast period is not below the slow one, naming the key', () => {
    expect(() => runBot(smaCross, { bars: bars([1, 2, 3]), config: { fast: 5, slow: 3 } })).toThrow(
      /config\.fast: fast must be smaller than slow/,
    );
  });
});

import { describe, expect, it } from 'vitest';
import { BarPath, barPathInto, slippedPrice } from './fill-model.js';

function path(mode: BarPath, o: bigint, h: bigint, l: bigint, c: bigint): bigint[] {
  const out: bigint[] = [];
  barPathInto(out, mode, o, h, l, c);
  return out;
}

describe('bar path', () => {
  it('visits the extreme nearer the open first (adaptive OHLC)', () => {
    // low is 2 away, high 5 away: low first, whatever the close
    expect(path(BarPath.OHLC, 10n, 15n, 8n, 12n)).toEqual([10n, 8n, 15n, 12n]);
    expect(path(BarPath.OHLC, 10n, 15n, 8n, 9n)).toEqual([10n, 8n, 15n, 9n]);
    // high is 1 away, low 4 away: high first
    expect(path(BarPath.OHLC, 10n, 11n, 6n, 7n)).toEqual([10n, 11n, 6n, 7n]);
  });

  it('breaks a tie by the close: high first when the bar closes at or above its open (adaptive OHLC)', () => {
    expect(path(BarPath.OHLC, 10n, 13n, 7n, 12n)).toEqual([10n, 13n, 7n, 12n]);
    expect(path(BarPath.OHLC, 10n, 13n, 7n, 10n)).toEqual([10n, 13n, 7n, 10n]);
    expect(path(BarPath.OHLC, 10n, 13n, 7n, 9n)).toEqual([10n, 7n, 13n, 9n]);
  });

  it('fixes the path with HIGH_FIRST and LOW_FIRST whatever the close', () => {
    expect(path(BarPath.HIGH_FIRST, 10n, 15n, 8n, 9n)).toEqual([10n, 15n, 8n, 9n]);
    expect(path(BarPath.LOW_FIRST, 10n, 15n, 8n, 12n)).toEqual([10n, 8n, 15n, 12n]);
  });
});

describe('slippage', () => {
  it('makes buys pay more and sells receive less, by whole ticks', () => {
    expect(slippedPrice(1000n, true, 2n, 5n)).toBe(1010n);
    expect(slippedPrice(1000n, false, 2n, 5n)).toBe(990n);
    expect(slippedPrice(1000n, true, 0n, 5n)).toBe(1000n);
  });

  it('never takes a sell below one tick', () => {
    expect(slippedPrice(10n, false, 3n, 5n)).toBe(5n);
  });
});

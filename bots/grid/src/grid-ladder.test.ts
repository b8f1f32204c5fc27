import { Decimal, OrderSide } from '@qubit/sdk';
import { describe, expect, it } from 'vitest';
import { buildLadder, lineIndex, openingRange, type LadderSpec, type Rung } from './grid-ladder.js';

const d = (v: string): Decimal => Decimal.parse(v);

function spec(over: Partial<LadderSpec> = {}): LadderSpec {
  return {
    mode: 'long',
    reference: d('100.0'),
    step: d('1.0'),
    size: d('0.010'),
    levels: 3,
    maxUnits: 3,
    ...over,
  };
}

const show = (rungs: readonly Rung[]): string[] =>
  rungs.map((r) => `${r.side}@${r.price.toString()}${r.closing ? ' close' : ''}`).sort();

describe('grid ladder, long mode', () => {
  it('quotes only buys on the levels below the reference when flat', () => {
    const l = buildLadder(spec(), d('0'));
    expect(l.pivot).toBe(0);
    expect(show(l.rungs)).toEqual(['BUY@97.0', 'BUY@98.0', 'BUY@99.0']);
  });

  it('moves the pivot down one line per unit held and puts each take-profit one spacing above a bought line', () => {
    // Two units held: the buys at 99 and 98 filled, their take-profits are at 100 and 99; 97 still bids.
    const l = buildLadder(spec(), d('0.020'));
    expect(l.units).toBe(2);
    expect(l.pivot).toBe(-2);
    expect(show(l.rungs)).toEqual(['BUY@97.0', 'SELL@100.0 close', 'SELL@99.0 close']);
  });

  it('keeps one take-profit per unit when every level is filled and quotes no further buy', () => {
    const l = buildLadder(spec(), d('0.030'));
    expect(show(l.rungs)).toEqual(['SELL@100.0 close', 'SELL@98.0 close', 'SELL@99.0 close']);
  });

  it('counts a partly filled order as not yet held (truncates toward zero)', () => {
    const l = buildLadder(spec(), d('0.015'));
    expect(l.units).toBe(1);
    expect(show(l.rungs)).toEqual(['BUY@97.0', 'BUY@98.0', 'SELL@100.0 close']);
  });

  it('caps opening buys at max inventory but never the take-profits', () => {
    const l = buildLadder(spec({ levels: 5, maxUnits: 2 }), d('0.010'));
    expect(show(l.rungs)).toEqual(['BUY@98.0', 'SELL@100.0 close']);
    expect(show(buildLadder(spec({ levels: 5, maxUnits: 2 }), d('0.020')).rungs)).toEqual([
      'SELL@100.0 close',
      'SELL@99.0 close',
    ]);
  });

  it('clips opening lines with the bounds and anchors the highest take-profit one spacing above the highest buy', () => {
    const s = spec({ levels: 5, maxUnits: 5, upper: d('97.5'), lower: d('95.5') });
    expect(openingRange(s)).toEqual([-4, -3]);
    expect(show(buildLadder(s, d('0')).rungs)).toEqual(['BUY@96.0', 'BUY@97.0']);
    // The 97 buy filled: its take-profit at 98 is above the upper bound and is quoted all the same.
    expect(show(buildLadder(s, d('0.010')).rungs)).toEqual(['BUY@96.0', 'SELL@98.0 close']);
  });

  it('never quotes a line at or below zero', () => {
    const l = buildLadder(spec({ reference: d('2.0'), levels: 5, maxUnits: 5 }), d('0'));
    expect(show(l.rungs)).toEqual(['BUY@1.0']);
  });
});

describe('grid ladder, neutral mode', () => {
  const neutral = (over: Partial<LadderSpec> = {}): LadderSpec =>
    spec({ mode: 'neutral', levels: 2, maxUnits: 2, ...over });

  it('quotes buys below and sells above the reference, leaving the reference line empty', () => {
    const l = buildLadder(neutral(), d('0'));
    expect(show(l.rungs)).toEqual(['BUY@98.0', 'BUY@99.0', 'SELL@101.0', 'SELL@102.0']);
  });

  it('re-quotes a filled sell as a buy one spacing below it (short inventory)', () => {
    // The sell at 101 filled: a closing buy at 100, the sell at 102 stays, and the buys below stay.
    const l = buildLadder(neutral(), d('-0.010'));
    expect(l.pivot).toBe(1);
    expect(show(l.rungs)).toEqual(['BUY@100.0 close', 'BUY@98.0', 'BUY@99.0', 'SELL@102.0']);
  });

  it('re-quotes a filled buy as a sell one spacing above it (long inventory)', () => {
    const l = buildLadder(neutral(), d('0.010'));
    expect(show(l.rungs)).toEqual(['BUY@98.0', 'SELL@100.0 close', 'SELL@101.0', 'SELL@102.0']);
  });

  it('stops opening sells once max inventory short is reached', () => {
    const l = buildLadder(neutral(), d('-0.020'));
    expect(show(l.rungs)).toEqual(['BUY@100.0 close', 'BUY@101.0 close', 'BUY@98.0', 'BUY@99.0']);
  });

  it('anchors below the bounds when the reference is under the lower bound: every opening order is a sell', () => {
    const l = buildLadder(neutral({ lower: d('101.0') }), d('0'));
    expect(l.anchor).toBe(0);
    expect(show(l.rungs)).toEqual(['SELL@101.0', 'SELL@102.0']);
    expect(show(buildLadder(neutral({ lower: d('101.0') }), d('-0.010')).rungs)).toEqual([
      'BUY@100.0 close',
      'SELL@102.0',
    ]);
  });
});

describe('lineIndex', () => {
  it('finds the line of a price on the grid and refuses one between lines', () => {
    expect(lineIndex(spec(), d('97.0'))).toBe(-3);
    expect(lineIndex(spec(), d('102'))).toBe(2);
    expect(lineIndex(spec(), d('97.5'))).toBeUndefined();
  });

  it('sides of the rungs are BUY below the pivot and SELL above it', () => {
    const l = buildLadder(spec({ mode: 'neutral', levels: 3, maxUnits: 3 }), d('0.010'));
    for (const r of l.rungs) {
      expect(r.side === OrderSide.BUY ? r.index < l.pivot : r.index > l.pivot).toBe(true);
    }
  });
});

import {
  BarAggregation,
  InstrumentId,
  Price,
  PriceType,
  Quantity,
  makeBarType,
  type Bar,
} from '@qubit/model';
import { describe, expect, it } from 'vitest';
import { BarHistory } from './bar-history.js';

const BAR_TYPE = makeBarType(InstrumentId('BTCUSDT.BINANCE'), 1, BarAggregation.MINUTE, PriceType.LAST);

function bar(i: number): Bar {
  const p = Price.from(`${100 + i}.00`);
  return {
    type: 'Bar',
    barType: BAR_TYPE,
    open: p,
    high: p,
    low: p,
    close: p,
    volume: Quantity.from('1'),
    tsEvent: BigInt(i),
    tsInit: BigInt(i),
  };
}

const times = (bars: readonly Bar[]): bigint[] => bars.map((b) => b.tsEvent);

describe('BarHistory', () => {
  it('is empty at first', () => {
    const h = new BarHistory(3);
    expect(h.length).toBe(0);
    expect(h.capacity).toBe(3);
    expect(h.last()).toBeUndefined();
    expect(h.tail()).toEqual([]);
    expect(h.tail(5)).toEqual([]);
  });

  it('returns bars oldest first while below capacity', () => {
    const h = new BarHistory(5);
    for (let i = 1; i <= 3; i++) h.push(bar(i));
    expect(h.length).toBe(3);
    expect(times(h.tail())).toEqual([1n, 2n, 3n]);
    expect(h.last()?.tsEvent).toBe(3n);
  });

  it('keeps only the last `capacity` bars, oldest first, after wrapping around', () => {
    const h = new BarHistory(3);
    for (let i = 1; i <= 7; i++) {
      h.push(bar(i));
      expect(h.last()?.tsEvent).toBe(BigInt(i));
      expect(h.length).toBe(Math.min(i, 3));
    }
    expect(times(h.tail())).toEqual([5n, 6n, 7n]);
  });

  it('tail(count) gives the newest `count` bars, clamped to what is held', () => {
    const h = new BarHistory(4);
    for (let i = 1; i <= 6; i++) h.push(bar(i));
    expect(times(h.tail(2))).toEqual([5n, 6n]);
    expect(times(h.tail(1))).toEqual([6n]);
    expect(times(h.tail(10))).toEqual([3n, 4n, 5n, 6n]);
    expect(h.tail(0)).toEqual([]);
    expect(h.tail(-3)).toEqual([]);
  });

  it('returns a copy: changing the result does not change the history', () => {
    const h = new BarHistory(2);
    h.push(bar(1));
    const out = h.tail();
    out.pop();
    expect(h.length).toBe(1);
    expect(times(h.tail())).toEqual([1n]);
  });

  it('works with a capacity of one', () => {
    const h = new BarHistory(1);
    h.push(bar(1));
    h.push(bar(2));
    expect(times(h.tail())).toEqual([2n]);
    expect(h.last()?.tsEvent).toBe(2n);
  });

  it('refuses a capacity that is not a positive integer', () => {
    for (const c of [0, -1, 1.5, Number.NaN]) {
      expect(() => new BarHistory(c)).toThrow(/capacity must be a positive integer/);
    }
  });
});

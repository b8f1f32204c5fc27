import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal, InstrumentId, Price, Quantity } from '@qubit/model';
import { Cache } from './cache.js';

const ID = InstrumentId('BTCUSDT.BINANCE');

function quote(bid: Price, ask: Price, ts: bigint) {
  return {
    type: 'QuoteTick' as const,
    instrumentId: ID,
    bidPrice: bid,
    askPrice: ask,
    bidSize: Quantity.from('1'),
    askSize: Quantity.from('1'),
    tsEvent: ts,
    tsInit: ts,
  };
}

describe('Cache quote mid', () => {
  it('marks the mid exactly as (bid + ask) / 2 at one more decimal than the bid, half-even', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 15n }),
        fc.bigInt({ min: 0n, max: 10n ** 15n }),
        fc.integer({ min: 0, max: 17 }),
        fc.integer({ min: 0, max: 18 }),
        (b, a, bidScale, askScale) => {
          const bid = Price.fromUnits(b, bidScale);
          const ask = Price.fromUnits(a, askScale);
          const cache = new Cache();
          cache.onQuote(quote(bid, ask, 1n));
          const expected = bid.add(ask).div(Decimal.from(2), bidScale + 1);
          const mid = cache.lastPrice(ID);
          expect(mid?.units).toBe(expected.units);
          expect(mid?.scale).toBe(expected.scale);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('keeps the mark and its version when a new quote leaves the mid where it was', () => {
    const cache = new Cache();
    cache.onQuote(quote(Price.from('100.0'), Price.from('100.2'), 1n));
    const first = cache.lastPrice(ID);
    const version = cache.marksVersion;
    cache.onQuote(quote(Price.from('99.9'), Price.from('100.3'), 2n));
    expect(cache.lastPrice(ID)?.toString()).toBe('100.10');
    expect(cache.lastPrice(ID)).toBe(first);
    expect(cache.marksVersion).toBe(version);
    expect(cache.lastPriceTs(ID)).toBe(2n);
  });

  it('refuses a mid finer than a price may be, as the Decimal route does', () => {
    const cache = new Cache();
    const bid = Price.fromUnits(1n, 18);
    expect(() => cache.onQuote(quote(bid, bid, 1n))).toThrow(/more than 18 decimals/);
  });
});

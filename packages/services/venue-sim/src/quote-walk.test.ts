import { BTCUSDT_BINANCE, Price, Quantity, instrumentFromSpec } from '@qubit/model';
import { describe, expect, it } from 'vitest';
import { QuoteWalk } from './quote-walk.js';

const BTC = instrumentFromSpec(BTCUSDT_BINANCE);

function walk(seed: number, over: Partial<ConstructorParameters<typeof QuoteWalk>[0]> = {}): QuoteWalk {
  return new QuoteWalk({
    instrument: BTC,
    startPrice: Price.from('60000.00'),
    volatility: 0.001,
    size: Quantity.from('0.10000'),
    seed,
    ...over,
  });
}

describe('QuoteWalk', () => {
  it('quotes on the tick and lot grids with a spread of one to three ticks', () => {
    const w = walk(3);
    for (let i = 0; i < 500; i++) {
      const q = w.next(BigInt(i));
      expect(q.bidPrice.isMultipleOf(BTC.tickSize)).toBe(true);
      expect(q.bidPrice.scale).toBe(BTC.pricePrecision);
      const spreadTicks = q.askPrice.sub(q.bidPrice).div(BTC.tickSize, 0).toNumber();
      expect(spreadTicks).toBeGreaterThanOrEqual(1);
      expect(spreadTicks).toBeLessThanOrEqual(3);
      for (const size of [q.bidSize, q.askSize]) {
        expect(size.isMultipleOf(BTC.lotSize)).toBe(true);
        expect(size.gte(Quantity.from('0.1')) && size.lte(Quantity.from('0.3'))).toBe(true);
      }
      expect(q.tsEvent).toBe(BigInt(i));
    }
  });

  it('repeats its path for a seed and takes another for another seed', () => {
    const path = (seed: number): string[] => {
      const w = walk(seed);
      return Array.from({ length: 20 }, (_, i) => w.next(BigInt(i)).bidPrice.toString());
    };
    expect(path(5)).toEqual(path(5));
    expect(path(5)).not.toEqual(path(6));
  });

  it('moves: a step of 0.1 % volatility changes the price', () => {
    const w = walk(9);
    const prices = new Set(Array.from({ length: 50 }, (_, i) => w.next(BigInt(i)).bidPrice.toString()));
    expect(prices.size).toBeGreaterThan(40);
  });

  it('continues from a quote it is given', () => {
    const w = walk(1, { volatility: 0 });
    w.resumeFrom({ ...w.next(0n), bidPrice: Price.from('100.00'), askPrice: Price.from('100.02') });
    const next = w.next(1n);
    expect(next.bidPrice.lte(Price.from('100.01')) && next.askPrice.gte(Price.from('100.01'))).toBe(true);
  });

  it('refuses a size off the lot grid and a volatility out of range, naming them', () => {
    expect(() => walk(1, { size: Quantity.from('0.000001') })).toThrow(
      'market.quoteSize.BTCUSDT.BINANCE: must be a positive multiple of the lot size',
    );
    expect(() => walk(1, { volatility: 2 })).toThrow(
      'market.volatility: must be a fraction in [0, 0.5], got 2',
    );
  });
});

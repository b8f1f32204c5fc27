import { BTCUSDT_BINANCE, instrumentFromSpec, type QuoteTick, type TradeTick } from '@qubit/model';
import { describe, expect, it } from 'vitest';
import { SyntheticMarket, type SyntheticMarketConfig } from './synthetic-market.js';

const BTC = instrumentFromSpec(BTCUSDT_BINANCE);
const T0 = 1_767_225_600_000_000_000n; // 2026-01-01T00:00:00Z
const S = 1_000_000_000n;

function market(o: Partial<SyntheticMarketConfig> = {}): SyntheticMarket {
  return new SyntheticMarket({ instrument: BTC, startPrice: 60_000, seed: 7, ...o });
}

const trades = (xs: readonly (QuoteTick | TradeTick)[]): TradeTick[] =>
  xs.filter((x): x is TradeTick => x.type === 'TradeTick');
const quotes = (xs: readonly (QuoteTick | TradeTick)[]): QuoteTick[] =>
  xs.filter((x): x is QuoteTick => x.type === 'QuoteTick');

/** Log returns of the last quote's mid per `step` seconds. */
function midReturns(xs: readonly (QuoteTick | TradeTick)[], step: bigint): number[] {
  const last = new Map<bigint, number>();
  for (const q of quotes(xs)) {
    last.set(q.tsEvent / (step * S), (Number(q.bidPrice.toString()) + Number(q.askPrice.toString())) / 2);
  }
  const keys = [...last.keys()].sort((a, b) => (a < b ? -1 : 1));
  const r: number[] = [];
  for (let k = 1; k < keys.length; k++) r.push(Math.log(last.get(keys[k]!)! / last.get(keys[k - 1]!)!));
  return r;
}

function autocorrelation(xs: readonly number[], lag = 1): number {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < xs.length; i++) {
    den += (xs[i]! - m) ** 2;
    if (i >= lag) num += (xs[i]! - m) * (xs[i - lag]! - m);
  }
  return num / den;
}

describe('SyntheticMarket', () => {
  it('repeats the same stream for a seed, whatever steps it is drawn in', () => {
    const a = market().advanceTo(T0 + 600n * S, T0);
    const b = market();
    const parts = [b.advanceTo(T0 + 7n * S, T0), b.advanceTo(T0 + 300n * S), b.advanceTo(T0 + 600n * S)];
    expect(parts.flat()).toEqual(a);
    expect(market({ seed: 8 }).advanceTo(T0 + 600n * S, T0)).not.toEqual(a);
  });

  it('emits time-ordered quotes and trades on the tick and lot grids, bid below ask, trades at the touch', () => {
    const xs = market().advanceTo(T0 + 3_600n * S, T0);
    expect(trades(xs).length).toBeGreaterThan(1_000);
    let prev = 0n;
    let lastQuote: QuoteTick | undefined;
    for (const x of xs) {
      expect(x.tsEvent >= prev).toBe(true);
      prev = x.tsEvent;
      if (x.type === 'QuoteTick') {
        expect(x.bidPrice.lt(x.askPrice)).toBe(true);
        expect(x.bidPrice.isMultipleOf(BTC.tickSize)).toBe(true);
        expect(x.askPrice.isMultipleOf(BTC.tickSize)).toBe(true);
        expect(x.bidSize.isMultipleOf(BTC.lotSize) && x.bidSize.isPositive()).toBe(true);
        lastQuote = x;
      } else {
        expect(x.price.isMultipleOf(BTC.tickSize)).toBe(true);
        expect(x.size.isMultipleOf(BTC.lotSize) && x.size.isPositive()).toBe(true);
        expect(x.price.toString()).toMatch(/^\d+\.\d{2}$/);
      }
    }
    // Each trade is followed by the quote it traded against: a buy at its ask, a sell at its bid.
    for (let i = 0; i + 1 < xs.length; i++) {
      const t = xs[i]!;
      const q = xs[i + 1]!;
      if (t.type !== 'TradeTick' || q.type !== 'QuoteTick') continue;
      expect(t.price.eq(t.aggressorSide === 'BUYER' ? q.askPrice : q.bidPrice)).toBe(true);
    }
    expect(lastQuote).toBeDefined();
    expect(new Set(trades(xs).map((t) => t.tradeId)).size).toBe(trades(xs).length);
  });

  it('has about the configured volatility, clustered: returns uncorrelated, their sizes correlated', () => {
    const m = market({ annualVolatility: 0.8, jumpsPerDay: 0, seed: 3 });
    const xs = m.advanceTo(T0 + 86_400n * S, T0);
    const r = midReturns(xs, 60n);
    const variance = r.reduce((a, b) => a + b * b, 0) / r.length;
    const annual = Math.sqrt((variance * 365 * 24 * 3600) / 60);
    expect(annual).toBeGreaterThan(0.6);
    expect(annual).toBeLessThan(1.0);
    expect(Math.abs(autocorrelation(r))).toBeLessThan(0.1);
    expect(autocorrelation(r.map(Math.abs))).toBeGreaterThan(0.1);
  });

  it('jumps make fat tails', () => {
    const kurtosis = (jumpsPerDay: number): number => {
      const r = midReturns(
        market({ jumpsPerDay, jumpSigma: 0.01, seed: 5, garchAlpha: 0, garchBeta: 0 }).advanceTo(
          T0 + 86_400n * S,
          T0,
        ),
        60n,
      );
      const m = r.reduce((a, b) => a + b, 0) / r.length;
      const v = r.reduce((a, b) => a + (b - m) ** 2, 0) / r.length;
      return r.reduce((a, b) => a + (b - m) ** 4, 0) / r.length / (v * v);
    };
    expect(kurtosis(0)).toBeLessThan(4.5);
    expect(kurtosis(48)).toBeGreaterThan(6);
  });

  it('trades more in the busy hours of the volume profile', () => {
    const profile = Array.from({ length: 24 }, (_, h) => (h === 14 ? 3 : 1));
    const xs = market({
      hourlyVolumeProfile: profile,
      garchAlpha: 0,
      garchBeta: 0,
      jumpsPerDay: 0,
    }).advanceTo(T0 + 86_400n * S, T0);
    const perHour = new Array<number>(24).fill(0);
    for (const t of trades(xs)) perHour[Number(((t.tsEvent - T0) / 3_600n / S) % 24n)]!++;
    const quiet = perHour.filter((_, h) => h !== 14);
    const quietMean = quiet.reduce((a, b) => a + b, 0) / quiet.length;
    expect(perHour[14]! / quietMean).toBeGreaterThan(2.6);
    expect(perHour[14]! / quietMean).toBeLessThan(3.4);
  });

  it('refuses a bad configuration, naming the key', () => {
    expect(() => market({ startPrice: -1 })).toThrow('synthetic.BTCUSDT.BINANCE.startPrice');
    expect(() => market({ garchAlpha: 0.5, garchBeta: 0.6 })).toThrow('must be below 1');
    expect(() => market({ hourlyVolumeProfile: [1, 2] })).toThrow('24 non-negative weights');
    expect(() => market({ minSpreadTicks: 0.5 })).toThrow('minSpreadTicks');
    expect(() => market({ tradesPerSecond: Number.NaN })).toThrow('tradesPerSecond');
  });
});

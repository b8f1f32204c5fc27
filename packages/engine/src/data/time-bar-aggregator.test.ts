import {
  AggressorSide,
  BarAggregation,
  InstrumentId,
  Price,
  Quantity,
  TradeId,
  makeBarType,
  type Bar,
  type TradeTick,
} from '@qubit/model';
import { describe, expect, it } from 'vitest';
import { TimeBarAggregator } from './time-bar-aggregator.js';

const BTC = InstrumentId('BTCUSDT.BINANCE');
const M1 = makeBarType(BTC, 1, BarAggregation.MINUTE);
const MIN = 60_000_000_000n;
const T0 = 1_767_225_600_000_000_000n; // 2026-01-01T00:00:00Z, a minute boundary

let seq = 0;
function trade(ts: bigint, price: string, size: string): TradeTick {
  return {
    type: 'TradeTick',
    instrumentId: BTC,
    price: Price.from(price),
    size: Quantity.from(size),
    aggressorSide: AggressorSide.BUYER,
    tradeId: TradeId(`t${++seq}`),
    tsEvent: ts,
    tsInit: ts,
  };
}

const ohlcv = (b: Bar): string[] =>
  [b.open, b.high, b.low, b.close, b.volume].map((x) => x.toString()).concat(String(b.tsEvent - T0));

describe('TimeBarAggregator', () => {
  it('closes a bar at the first trade of a later minute, stamped with its end, exact OHLCV', () => {
    const bars: Bar[] = [];
    const agg = new TimeBarAggregator(M1, (b) => bars.push(b));
    agg.onTrade(trade(T0 + 1n, '100.10', '0.5'));
    agg.onTrade(trade(T0 + 10_000_000_000n, '101.25', '0.25'));
    agg.onTrade(trade(T0 + 20_000_000_000n, '99.90', '1.125'));
    agg.onTrade(trade(T0 + MIN - 1n, '100.00', '0.1'));
    expect(bars).toEqual([]);
    expect(ohlcv(agg.partial()!)).toEqual(['100.10', '101.25', '99.90', '100.00', '1.975', String(MIN)]);
    // A trade exactly on the boundary belongs to the next bar.
    agg.onTrade(trade(T0 + MIN, '100.50', '2'));
    expect(bars.map(ohlcv)).toEqual([['100.10', '101.25', '99.90', '100.00', '1.975', String(MIN)]]);
    expect(bars[0]!.volume).toBeInstanceOf(Quantity);
    expect(ohlcv(agg.partial()!)).toEqual(['100.50', '100.50', '100.50', '100.50', '2', String(2n * MIN)]);
  });

  it('closes a quiet bar when the clock passes its end, and makes no bar for a minute without trades', () => {
    const bars: Bar[] = [];
    const agg = new TimeBarAggregator(M1, (b) => bars.push(b));
    agg.onTrade(trade(T0 + 5n, '10.0', '1'));
    agg.onTime(T0 + MIN - 1n);
    expect(bars).toHaveLength(0);
    agg.onTime(T0 + MIN);
    expect(bars).toHaveLength(1);
    agg.onTime(T0 + 5n * MIN);
    expect(bars).toHaveLength(1);
    expect(agg.partial()).toBeUndefined();
    agg.onTrade(trade(T0 + 3n * MIN + 7n, '11.0', '1'));
    agg.onTrade(trade(T0 + 4n * MIN, '12.0', '1'));
    expect(bars.map((b) => b.tsEvent - T0)).toEqual([MIN, 4n * MIN]);
    expect(agg.stats).toEqual({ trades: 3, bars: 2, late: 0 });
  });

  it('drops a trade older than the open bar, counting it, without touching emitted bars', () => {
    const bars: Bar[] = [];
    const agg = new TimeBarAggregator(M1, (b) => bars.push(b));
    agg.onTrade(trade(T0 + 1n, '10.0', '1'));
    agg.onTrade(trade(T0 + MIN + 1n, '11.0', '1'));
    agg.onTrade(trade(T0 + 2n, '50.0', '9'));
    expect(bars.map(ohlcv)).toEqual([['10.0', '10.0', '10.0', '10.0', '1', String(MIN)]]);
    expect(ohlcv(agg.partial()!)).toEqual(['11.0', '11.0', '11.0', '11.0', '1', String(2n * MIN)]);
    expect(agg.stats.late).toBe(1);
  });

  it('drops a straggler of a bar the clock already closed instead of emitting that bar twice', () => {
    const bars: Bar[] = [];
    const agg = new TimeBarAggregator(M1, (b) => bars.push(b));
    agg.onTrade(trade(T0 + 1n, '10.0', '1'));
    agg.onTime(T0 + MIN);
    agg.onTrade(trade(T0 + MIN - 5n, '12.0', '1'));
    agg.onTime(T0 + 2n * MIN);
    expect(bars.map(ohlcv)).toEqual([['10.0', '10.0', '10.0', '10.0', '1', String(MIN)]]);
    expect(agg.stats.late).toBe(1);
  });

  it('aligns days on UTC midnight and refuses what it cannot build', () => {
    const bars: Bar[] = [];
    const day = makeBarType(BTC, 1, BarAggregation.DAY);
    const agg = new TimeBarAggregator(day, (b) => bars.push(b));
    agg.onTrade(trade(T0 + 23n * 60n * MIN, '1.0', '1'));
    agg.onTrade(trade(T0 + 24n * 60n * MIN, '2.0', '1'));
    expect(bars[0]!.tsEvent).toBe(T0 + 24n * 60n * MIN);
    expect(() => new TimeBarAggregator(makeBarType(BTC, 100, BarAggregation.TICK), () => {})).toThrow(
      'is not a time aggregation',
    );
    expect(() => agg.onTrade({ ...trade(T0, '1', '1'), instrumentId: InstrumentId('ETHUSDT.BINANCE') })).toThrow(
      'ETHUSDT.BINANCE is not the instrument of BTCUSDT.BINANCE-1-DAY-LAST',
    );
  });
});

describe('TimeBarAggregator from sub-bars', () => {
  it('gives the same 5-minute bars from 1-minute bars as from the trades themselves', () => {
    const M5 = makeBarType(BTC, 5, BarAggregation.MINUTE);
    const direct: Bar[] = [];
    const composed: Bar[] = [];
    const five = new TimeBarAggregator(M5, (b) => direct.push(b));
    const fiveOfOnes = new TimeBarAggregator(M5, (b) => composed.push(b));
    const one = new TimeBarAggregator(M1, (b) => fiveOfOnes.onSubBar(b));
    let px = 10_000;
    let ts = T0;
    for (let i = 0; i < 2_000; i++) {
      px += ((i * 7919) % 11) - 5;
      // A gap of three minutes now and then, so some 1-minute bars are missing.
      ts += 7_000_000_000n + (i % 97 === 0 ? 3n * MIN : 0n);
      const t = trade(ts, (px / 100).toFixed(2), `0.${(i % 9) + 1}`);
      five.onTrade(t);
      one.onTrade(t);
    }
    const end = T0 + 10_000n * MIN;
    one.onTime(end);
    five.onTime(end);
    fiveOfOnes.onTime(end);
    expect(composed.length).toBeGreaterThan(40);
    expect(composed.map(ohlcv)).toEqual(direct.map(ohlcv));
  });

  it('refuses a sub-bar that does not divide it', () => {
    const agg = new TimeBarAggregator(makeBarType(BTC, 5, BarAggregation.MINUTE), () => {});
    const sub: Bar = {
      type: 'Bar',
      barType: makeBarType(BTC, 2, BarAggregation.MINUTE),
      open: Price.from('1'),
      high: Price.from('1'),
      low: Price.from('1'),
      close: Price.from('1'),
      volume: Quantity.from('1'),
      tsEvent: T0 + 2n * MIN,
      tsInit: T0 + 2n * MIN,
    };
    expect(() => agg.onSubBar(sub)).toThrow('cannot be folded into BTCUSDT.BINANCE-5-MINUTE-LAST');
  });
});

import {
  AccountType,
  BTCUSDT_BINANCE,
  BarAggregation,
  Money,
  OrderSide,
  Price,
  Quantity,
  VN30F1M_HNX,
  instrumentFromSpec,
  isoToNanos,
  makeBarType,
  barTypeToString,
  type Bar,
  type Bot,
  type Instrument,
  type OrderIntent,
} from '@qubit/model';
import { describe, expect, it } from 'vitest';
import { BacktestEngine } from './backtest-engine.js';
import { mergeStreams } from './merge-streams.js';

function bars(instrument: Instrument, startIso: string, closes: string[], stepMinutes = 1): Bar[] {
  const barType = makeBarType(instrument.id, stepMinutes, BarAggregation.MINUTE);
  const start = isoToNanos(startIso);
  let prev = closes[0]!;
  return closes.map((c, i) => {
    const open = Price.from(prev);
    const close = Price.from(c);
    prev = c;
    const ts = start + BigInt(i + 1) * BigInt(stepMinutes) * 60_000_000_000n;
    return {
      type: 'Bar',
      barType,
      open,
      high: Price.from(open.max(close)),
      low: Price.from(open.min(close)),
      close,
      volume: Quantity.from('1'),
      tsEvent: ts,
      tsInit: ts,
    };
  });
}

/** Buys once on the first bar, then holds. */
class BuyOnce implements Bot {
  private done = false;
  constructor(
    private readonly id: string,
    private readonly qty: string,
  ) {}
  onTick(): OrderIntent[] {
    if (this.done) return [];
    this.done = true;
    return [{ instrumentId: this.id, side: OrderSide.BUY, quantity: this.qty, reason: 'entry' }];
  }
  onStop(_r: unknown, ctx: Parameters<NonNullable<Bot['onStop']>>[1]): OrderIntent[] {
    const q = ctx.position(this.id).signedQty;
    return q.isZero()
      ? []
      : [
          {
            instrumentId: this.id,
            side: OrderSide.SELL,
            quantity: q,
            reduceOnly: true,
            reason: 'end_of_data',
          },
        ];
  }
}

function engineFor(instrument: Instrument, balance: string): BacktestEngine {
  return new BacktestEngine({
    instruments: [instrument],
    accounts: [
      {
        accountId: 'A',
        accountType: instrument.kind === 'SPOT' ? AccountType.CASH : AccountType.MARGIN,
        baseCurrency: instrument.settlementCurrency,
        balances: [Money.of(balance, instrument.settlementCurrency)],
      },
    ],
  });
}

describe('BacktestEngine', () => {
  it('merges streams in time order, keeping the order of ties stable', () => {
    const btc = instrumentFromSpec(BTCUSDT_BINANCE);
    const a = bars(btc, '2024-01-01T00:00:00Z', ['1.00', '2.00', '3.00']);
    const b = bars(btc, '2024-01-01T00:00:30Z', ['5.00', '6.00']);
    const merged = mergeStreams([a, b], ['a', 'b']);
    expect(merged.map((d) => d.tsEvent)).toEqual(
      [...a, ...b].map((d) => d.tsEvent).sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)),
    );
    const tie = mergeStreams([a.slice(0, 1), a.slice(0, 1)], ['x', 'y']);
    expect(tie[0]).toBe(a[0]);
  });

  it('refuses a stream out of time order, naming the stream and the index', () => {
    const btc = instrumentFromSpec(BTCUSDT_BINANCE);
    const a = bars(btc, '2024-01-01T00:00:00Z', ['1.00', '2.00', '3.00']);
    expect(() => mergeStreams([[a[1]!, a[0]!]], ['btc.csv'])).toThrow(/btc\.csv\[1\]: out of time order/);
  });

  it('fills on the next bar open and closes the position at the last close at end of data', () => {
    const btc = instrumentFromSpec(BTCUSDT_BINANCE);
    const data = bars(btc, '2024-01-01T00:00:00Z', ['100.00', '101.00', '102.00', '105.00']);
    const engine = engineFor(btc, '100000');
    engine.addData(data, 'btc');
    engine.addBot({
      botId: 'b1',
      strategyId: 'buy-once',
      accountId: 'A',
      bot: new BuyOnce(btc.id, '1'),
      config: {},
      subscriptions: { instruments: [btc.id], barTypes: [barTypeToString(data[0]!.barType)] },
    });
    const r = engine.run();
    expect(r.fills.map((f) => `${f.side}@${f.lastPx}`)).toEqual(['BUY@100.00', 'SELL@105.00']);
    expect(r.reason(r.fills[1]!.clientOrderId)).toBe('end_of_data');
    expect(r.equityCurve[0]!.equity.toString()).toBe(r.startingEquity.toString());
    expect(r.node.portfolio.netQty('A', btc.id).isZero()).toBe(true);
  });

  it('gives a banded instrument the previous trading day last price as its reference price', () => {
    const vn = instrumentFromSpec(VN30F1M_HNX);
    // 2024-01-02 and 2024-01-03, 09:05-09:15 Vietnam time (02:05 UTC).
    const day1 = bars(vn, '2024-01-02T02:00:00Z', ['1200.0', '1201.0', '1202.5'], 5);
    const day2 = bars(vn, '2024-01-03T02:00:00Z', ['1203.0', '1204.0'], 5);
    const engine = engineFor(vn, '100000000000');
    engine.addData([...day1, ...day2], 'vn30');
    engine.addBot({
      botId: 'b1',
      strategyId: 'buy-once',
      accountId: 'A',
      bot: new BuyOnce(vn.id, '1'),
      config: {},
      subscriptions: { instruments: [vn.id], barTypes: [barTypeToString(day1[0]!.barType)] },
    });
    const r = engine.run();
    expect(r.denials).toEqual([]);
    expect(r.node.cache.referencePrice(vn.id)?.toString()).toBe('1202.5');
  });

  it('runs once', () => {
    const btc = instrumentFromSpec(BTCUSDT_BINANCE);
    const engine = engineFor(btc, '1000');
    engine.addData(bars(btc, '2024-01-01T00:00:00Z', ['1.00', '2.00']));
    engine.addBot({
      botId: 'b1',
      strategyId: 'x',
      accountId: 'A',
      bot: { onTick: () => [] },
      config: {},
      subscriptions: { instruments: [btc.id] },
    });
    engine.run();
    expect(() => engine.run()).toThrow(/runs once/);
  });
});

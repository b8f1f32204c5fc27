import {
  AggressorSide,
  BTCUSDT_BINANCE,
  BarAggregation,
  InstrumentId,
  ModelError,
  PriceType,
  Price,
  Quantity,
  TradeId,
  VN30F1M_HNX,
  barTypeToString,
  instrumentFromSpec,
  makeBarType,
  type Bar,
  type BarType,
  type MarketData,
  type OrderBookDeltas,
  type QuoteTick,
  type TradeTick,
} from '@qubit/model';
import { describe, expect, it } from 'vitest';
import { MessageBus, type Delivery } from '../bus/message-bus.js';
import { Topic } from '../bus/topics.js';
import { Cache } from '../cache/cache.js';
import { DataEngine } from './data-engine.js';

const BTC = instrumentFromSpec(BTCUSDT_BINANCE);
const VN30 = instrumentFromSpec(VN30F1M_HNX);
const BTC_1M = makeBarType(BTC.id, 1, BarAggregation.MINUTE, PriceType.LAST);
const BTC_5M = makeBarType(BTC.id, 5, BarAggregation.MINUTE, PriceType.LAST);

function setup(barHistory?: number) {
  const bus = new MessageBus();
  const cache = new Cache();
  cache.addInstrument(BTC);
  cache.addInstrument(VN30);
  const data = new DataEngine({ bus, cache, barHistory });
  const published: [MarketData, Delivery][] = [];
  bus.subscribe<MarketData>(Topic.MARKET_RAW_DATA, 'test', (m, d) => published.push([m, d]));
  return { bus, cache, data, published };
}

function bar(barType: BarType, close: string, ts: bigint): Bar {
  const p = Price.from(close);
  return { type: 'Bar', barType, open: p, high: p, low: p, close: p, volume: Quantity.from('1'), tsEvent: ts, tsInit: ts };
}

function trade(instrumentId: string, price: string, ts: bigint): TradeTick {
  return {
    type: 'TradeTick',
    instrumentId: InstrumentId(instrumentId),
    price: Price.from(price),
    size: Quantity.from('1'),
    aggressorSide: AggressorSide.SELLER,
    tradeId: TradeId(`T${ts}`),
    tsEvent: ts,
    tsInit: ts,
  };
}

function quote(instrumentId: string, bid: string, ask: string, ts: bigint): QuoteTick {
  return {
    type: 'QuoteTick',
    instrumentId: InstrumentId(instrumentId),
    bidPrice: Price.from(bid),
    askPrice: Price.from(ask),
    bidSize: Quantity.from('1'),
    askSize: Quantity.from('1'),
    tsEvent: ts,
    tsInit: ts,
  };
}

describe('DataEngine', () => {
  it('publishes every datum on market.raw.data keyed VENUE:SYMBOL', () => {
    const { data, published } = setup();
    const t = trade(BTC.id, '42000.00', 1n);
    const q = quote(VN30.id, '1250.0', '1250.1', 2n);
    const b = bar(BTC_1M, '42001.00', 3n);
    data.process(t);
    data.process(q);
    data.process(b);
    expect(published.map(([m]) => m)).toEqual([t, q, b]);
    expect(published.map(([, d]) => d)).toEqual([
      { topic: 'market.raw.data', key: 'BINANCE:BTCUSDT' },
      { topic: 'market.raw.data', key: 'HNX:VN30F1M' },
      { topic: 'market.raw.data', key: 'BINANCE:BTCUSDT' },
    ]);
    expect(data.processed).toBe(3);
  });

  it('keys an instrument whose symbol has a dash by its venue and full symbol', () => {
    const bus = new MessageBus();
    const cache = new Cache();
    const perp = instrumentFromSpec({ ...BTCUSDT_BINANCE, id: 'BTCUSDT-PERP.BINANCE' });
    cache.addInstrument(perp);
    const keys: string[] = [];
    bus.subscribe(Topic.MARKET_RAW_DATA, 'test', (_m, d) => keys.push(d.key));
    new DataEngine({ bus, cache }).process(trade(perp.id, '42000.00', 1n));
    expect(keys).toEqual(['BINANCE:BTCUSDT-PERP']);
  });

  it('updates the cache before the datum is published', () => {
    const { bus, cache, data } = setup();
    const seen: (string | undefined)[] = [];
    bus.subscribe(Topic.MARKET_RAW_DATA, 'reader', () => seen.push(cache.lastPrice(BTC.id)?.toString()));
    data.process(trade(BTC.id, '42000.00', 1n));
    data.process(bar(BTC_1M, '42100.00', 2n));
    expect(seen).toEqual(['42000.00', '42100.00']);
    data.process(quote(VN30.id, '1250.0', '1250.2', 3n));
    expect(cache.quote(VN30.id)?.askPrice.toString()).toBe('1250.2');
    expect(cache.lastPrice(VN30.id)?.toString()).toBe('1250.10');
  });

  it('refuses data for an unknown instrument naming it, and publishes and stores nothing', () => {
    const { data, published, cache } = setup();
    const unknown = InstrumentId('DOGEUSDT.BINANCE');
    const attempts: MarketData[] = [
      trade(unknown, '0.10', 1n),
      quote(unknown, '0.10', '0.11', 2n),
      bar(makeBarType(unknown, 1, BarAggregation.MINUTE, PriceType.LAST), '0.10', 3n),
    ];
    for (const d of attempts) {
      let error: unknown;
      try {
        data.process(d);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ModelError);
      expect((error as ModelError).message).toContain('DOGEUSDT.BINANCE');
    }
    expect(published).toEqual([]);
    expect(data.processed).toBe(0);
    expect(cache.lastPrice(unknown)).toBeUndefined();
    expect(data.bars('DOGEUSDT.BINANCE-1-MINUTE-LAST')).toEqual([]);
  });

  it('keeps bars per bar type, oldest first, up to barHistory', () => {
    const { data } = setup(3);
    for (let i = 1; i <= 5; i++) data.process(bar(BTC_1M, `${42000 + i}.00`, BigInt(i)));
    data.process(bar(BTC_5M, '43000.00', 5n));
    const oneMinute = data.bars(barTypeToString(BTC_1M));
    expect(oneMinute.map((b) => b.close.toString())).toEqual(['42003.00', '42004.00', '42005.00']);
    expect(data.bars('BTCUSDT.BINANCE-1-MINUTE-LAST', 2).map((b) => b.tsEvent)).toEqual([4n, 5n]);
    expect(data.bars('BTCUSDT.BINANCE-5-MINUTE-LAST').map((b) => b.close.toString())).toEqual(['43000.00']);
    expect(data.bars('BTCUSDT.BINANCE-1-HOUR-LAST')).toEqual([]);
  });

  it('does not put ticks into the bar history', () => {
    const { data } = setup();
    data.process(trade(BTC.id, '42000.00', 1n));
    data.process(quote(BTC.id, '41999.99', '42000.01', 2n));
    expect(data.bars(barTypeToString(BTC_1M))).toEqual([]);
  });

  it('passes order book data through to the bus without touching prices', () => {
    const { data, published, cache } = setup();
    const deltas: OrderBookDeltas = {
      type: 'OrderBookDeltas',
      instrumentId: BTC.id,
      deltas: [],
      sequence: 1,
      tsEvent: 1n,
      tsInit: 1n,
    };
    data.process(deltas);
    expect(published.map(([m, d]) => [m.type, d.key])).toEqual([['OrderBookDeltas', 'BINANCE:BTCUSDT']]);
    expect(cache.lastPrice(BTC.id)).toBeUndefined();
  });
});

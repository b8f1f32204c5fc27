import { describe, expect, it } from 'vitest';
import { BarAggregation } from '../enums/bar-aggregation.js';
import { PriceType } from '../enums/price-type.js';
import { ModelError } from '../errors.js';
import { InstrumentId } from '../identifiers/instrument-id.js';
import { NANOS_PER_DAY, NANOS_PER_HOUR, NANOS_PER_MINUTE, NANOS_PER_SECOND } from '../time.js';
import { barIntervalNanos, barTypeToString, makeBarType, parseBarType, type BarType } from './bar-type.js';

function modelError(fn: () => unknown): ModelError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ModelError) return e;
    throw new Error(`expected a ModelError, got ${String(e)}`);
  }
  throw new Error('expected the call to throw');
}

const btc = InstrumentId('BTCUSDT.BINANCE');

describe('bar types as strings', () => {
  it('writes Nautilus spelling INSTRUMENT-STEP-AGGREGATION-PRICE_TYPE', () => {
    expect(barTypeToString(makeBarType(btc, 1, BarAggregation.MINUTE))).toBe('BTCUSDT.BINANCE-1-MINUTE-LAST');
    expect(barTypeToString(makeBarType(btc, 100, BarAggregation.TICK, PriceType.MID))).toBe(
      'BTCUSDT.BINANCE-100-TICK-MID',
    );
  });

  it.each([
    'BTCUSDT.BINANCE-1-MINUTE-LAST',
    'BTCUSDT.BINANCE-15-SECOND-BID',
    'BTCUSDT-PERP.BINANCE-4-HOUR-ASK',
    'BTC/USDT.BINANCE-1-DAY-MID',
    'VN30F1M.HNX-1000-VOLUME-LAST',
    'SOME-LONG-SYMBOL.SIM-1-TICK-LAST',
  ])('round-trips "%s"', (text) => {
    const t = parseBarType(text);
    expect(barTypeToString(t)).toBe(text);
    expect(parseBarType(barTypeToString(t))).toEqual(t);
  });

  it('parses the parts of an instrument id that itself contains dashes', () => {
    expect(parseBarType('BTCUSDT-PERP.BINANCE-5-MINUTE-LAST')).toEqual({
      instrumentId: 'BTCUSDT-PERP.BINANCE',
      step: 5,
      aggregation: 'MINUTE',
      priceType: 'LAST',
    });
  });

  it.each([
    ['BTCUSDT.BINANCE-0-MINUTE-LAST', 'bar_type.step'],
    ['BTCUSDT.BINANCE--MINUTE-LAST', 'bar_type.step'],
    ['BTCUSDT.BINANCE-1.5-MINUTE-LAST', 'bar_type.step'],
    ['BTCUSDT.BINANCE-x-MINUTE-LAST', 'bar_type.step'],
    ['BTCUSDT.BINANCE-1-MINUTES-LAST', 'bar_type.aggregation'],
    ['BTCUSDT.BINANCE-1-minute-LAST', 'bar_type.aggregation'],
    ['BTCUSDT.BINANCE-1-MINUTE-CLOSE', 'bar_type.price_type'],
    ['BTCUSDT.BINANCE-1-MINUTE', 'bar_type'],
    ['', 'bar_type'],
    ['btcusdt.binance-1-MINUTE-LAST', 'bar_type'],
  ])('rejects "%s" naming %s', (text, field) => {
    expect(modelError(() => parseBarType(text)).field).toBe(field);
  });

  it('lists the aggregations allowed when one is wrong', () => {
    expect(modelError(() => parseBarType('BTCUSDT.BINANCE-1-WEEK-LAST')).message).toContain(
      'is not one of TICK, VOLUME, SECOND, MINUTE, HOUR, DAY',
    );
  });

  it('uses the field prefix it is given', () => {
    expect(modelError(() => parseBarType('BTCUSDT.BINANCE-0-MINUTE-LAST', 'subscribe.bar_type')).field).toBe(
      'subscribe.bar_type.step',
    );
    expect(modelError(() => parseBarType(7 as unknown as string, 'x')).field).toBe('x');
  });

  it('rejects a step not written as plain digits such as 1e1', () => {
    expect(modelError(() => parseBarType('BTCUSDT.BINANCE-1e1-MINUTE-LAST')).field).toBe('bar_type.step');
  });
});

describe('makeBarType', () => {
  it('builds a frozen bar type with LAST as the default price', () => {
    const t = makeBarType(btc, 5, BarAggregation.SECOND);
    expect(t).toEqual({ instrumentId: btc, step: 5, aggregation: 'SECOND', priceType: 'LAST' });
    expect(Object.isFrozen(t)).toBe(true);
  });

  it.each([0, -1, 2.5, NaN, Infinity])('rejects step %s naming bar_type.step', (step) => {
    const e = modelError(() => makeBarType(btc, step, BarAggregation.MINUTE));
    expect(e.field).toBe('bar_type.step');
    expect(e.message).toContain('must be a positive integer');
  });

  it('rejects an unknown aggregation or price type naming the field', () => {
    expect(modelError(() => makeBarType(btc, 1, 'WEEK' as BarAggregation)).field).toBe('bar_type.aggregation');
    expect(modelError(() => makeBarType(btc, 1, BarAggregation.DAY, 'OPEN' as PriceType)).field).toBe(
      'bar_type.price_type',
    );
  });
});

describe('barIntervalNanos', () => {
  const of = (step: number, aggregation: BarAggregation): BarType => makeBarType(btc, step, aggregation);

  it.each([
    [1, BarAggregation.SECOND, NANOS_PER_SECOND],
    [15, BarAggregation.SECOND, 15n * NANOS_PER_SECOND],
    [1, BarAggregation.MINUTE, 60_000_000_000n],
    [5, BarAggregation.MINUTE, 5n * NANOS_PER_MINUTE],
    [4, BarAggregation.HOUR, 4n * NANOS_PER_HOUR],
    [1, BarAggregation.DAY, NANOS_PER_DAY],
  ])('is %s × %s long', (step, aggregation, nanos) => {
    expect(barIntervalNanos(of(step, aggregation))).toBe(nanos);
  });

  it('is undefined for tick and volume bars, which have no fixed length', () => {
    expect(barIntervalNanos(of(100, BarAggregation.TICK))).toBeUndefined();
    expect(barIntervalNanos(of(1000, BarAggregation.VOLUME))).toBeUndefined();
  });
});

describe('barTypeToString on objects it has named before', () => {
  it('names a plain (unfrozen) bar type by its current fields', () => {
    const t = { instrumentId: InstrumentId('BTCUSDT.BINANCE'), step: 1, aggregation: BarAggregation.MINUTE, priceType: PriceType.LAST };
    expect(barTypeToString(t)).toBe('BTCUSDT.BINANCE-1-MINUTE-LAST');
    t.step = 5;
    expect(barTypeToString(t)).toBe('BTCUSDT.BINANCE-5-MINUTE-LAST');
    expect(barIntervalNanos(t)).toBe(5n * NANOS_PER_MINUTE);
  });

  it('gives each of two series its own name and length when asked in turn', () => {
    const a = makeBarType(InstrumentId('BTCUSDT.BINANCE'), 1, BarAggregation.MINUTE);
    const b = makeBarType(InstrumentId('ETHUSDT.BINANCE'), 1, BarAggregation.HOUR);
    for (let i = 0; i < 3; i++) {
      expect(barTypeToString(a)).toBe('BTCUSDT.BINANCE-1-MINUTE-LAST');
      expect(barTypeToString(b)).toBe('ETHUSDT.BINANCE-1-HOUR-LAST');
      expect(barIntervalNanos(a)).toBe(NANOS_PER_MINUTE);
      expect(barIntervalNanos(b)).toBe(NANOS_PER_HOUR);
    }
  });
});

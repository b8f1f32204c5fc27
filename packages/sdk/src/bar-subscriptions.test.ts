import { describe, expect, it } from 'vitest';
import { barSubscriptions, lastBarType } from './bar-subscriptions.js';

describe('lastBarType', () => {
  it('names the last-price bar series of an instrument at a timeframe', () => {
    expect(lastBarType('BTCUSDT-PERP.BINANCE', '5-MINUTE')).toBe('BTCUSDT-PERP.BINANCE-5-MINUTE-LAST');
  });
});

describe('barSubscriptions', () => {
  it('subscribes one instrument and its bar series', () => {
    expect(barSubscriptions('VN30F1M.HNX', '1-MINUTE')).toEqual({
      instruments: ['VN30F1M.HNX'],
      barTypes: ['VN30F1M.HNX-1-MINUTE-LAST'],
    });
  });

  it('subscribes every instrument of a list with one bar series each, in order', () => {
    const ids = ['A.X', 'B.X'];
    const subs = barSubscriptions(ids, '1-HOUR');
    expect(subs).toEqual({ instruments: ['A.X', 'B.X'], barTypes: ['A.X-1-HOUR-LAST', 'B.X-1-HOUR-LAST'] });
    expect(subs.instruments).not.toBe(ids); // a copy: the config's array is never shared
  });
});

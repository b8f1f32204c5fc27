import {
  BTCUSDT_BINANCE,
  BarAggregation,
  ModelError,
  NANOS_PER_MINUTE,
  PriceType,
  VN30F1M_HNX,
  instrumentFromSpec,
  makeBarType,
} from '@qubit/model';
import { describe, expect, it } from 'vitest';
import { barsFromRows, type BarRow } from './bar-rows.js';

const BTC = instrumentFromSpec(BTCUSDT_BINANCE);
const VN30 = instrumentFromSpec(VN30F1M_HNX);
const BTC_1M = makeBarType(BTC.id, 1, BarAggregation.MINUTE, PriceType.LAST);
const VN30_5M = makeBarType(VN30.id, 5, BarAggregation.MINUTE, PriceType.LAST);

const OPEN_MS = Date.UTC(2024, 0, 1, 0, 0);
const OPEN_NS = BigInt(OPEN_MS) * 1_000_000n;
const row = (o: Partial<BarRow> = {}): BarRow => ({
  time: OPEN_MS,
  open: '100.00',
  high: '101.00',
  low: '99.00',
  close: '100.50',
  volume: '2.5',
  ...o,
});

function errorOf(fn: () => unknown): ModelError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ModelError) return e;
    throw e;
  }
  throw new Error('expected a ModelError');
}

describe('barsFromRows', () => {
  it('reads open times as epoch ms, ISO text or nanoseconds, and closes each bar one interval later', () => {
    const bars = barsFromRows(
      [
        row({ time: OPEN_MS }),
        row({ time: '2024-01-01T00:01:00Z' }),
        row({ time: OPEN_NS + 2n * NANOS_PER_MINUTE }),
      ],
      BTC_1M,
      BTC,
    );
    expect(bars.map((b) => b.tsEvent - OPEN_NS)).toEqual([1n, 2n, 3n].map((m) => m * NANOS_PER_MINUTE));
    for (const b of bars) expect(b.tsInit).toBe(b.tsEvent);
  });

  it('builds bars of the bar type at the instrument precision, from strings or numbers', () => {
    const [b] = barsFromRows(
      [row({ open: 100, high: '101.5', low: 99, close: 100.25, volume: 3 })],
      BTC_1M,
      BTC,
    );
    expect(b!.type).toBe('Bar');
    expect(b!.barType).toBe(BTC_1M);
    expect([b!.open, b!.high, b!.low, b!.close].map(String)).toEqual(['100.00', '101.50', '99.00', '100.25']);
    expect(b!.volume.toString()).toBe('3.00000');
  });

  it('rounds a volume down to the lot precision and defaults a missing one to zero', () => {
    const [a, b] = barsFromRows([row({ volume: '1.234567' }), row({ volume: undefined })], BTC_1M, BTC);
    expect(a!.volume.toString()).toBe('1.23456');
    expect(b!.volume.isZero()).toBe(true);
  });

  it('uses the bar type interval: 5-minute bars close five minutes after they open', () => {
    const [b] = barsFromRows(
      [row({ open: '1250.0', high: '1251.0', low: '1249.0', close: '1250.5' })],
      VN30_5M,
      VN30,
    );
    expect(b!.tsEvent - OPEN_NS).toBe(5n * NANOS_PER_MINUTE);
    expect(b!.close.toString()).toBe('1250.5');
  });

  it('refuses an off-tick price, naming the row and field', () => {
    const e = errorOf(() => barsFromRows([row(), row({ close: '100.005' })], BTC_1M, BTC));
    expect(e.field).toBe('bars[1].close');
    expect(e.message).toMatch(/not on the tick grid of BTCUSDT\.BINANCE/);
    expect(
      errorOf(() =>
        barsFromRows(
          [row({ open: '1250.05', high: '1251.0', low: '1249.0', close: '1250.0' })],
          VN30_5M,
          VN30,
        ),
      ).field,
    ).toBe('bars[0].open');
  });

  it('refuses a price that is not a number, naming the row and field', () => {
    expect(errorOf(() => barsFromRows([row({ high: 'lots' })], BTC_1M, BTC)).field).toBe('bars[0].high');
    expect(errorOf(() => barsFromRows([row({ low: Number.NaN })], BTC_1M, BTC)).field).toBe('bars[0].low');
  });

  it('refuses a time it cannot read, naming the row', () => {
    expect(errorOf(() => barsFromRows([row({ time: 'yesterday' })], BTC_1M, BTC)).field).toBe('bars[0].time');
    expect(
      errorOf(() => barsFromRows([row({ time: Number.POSITIVE_INFINITY })], BTC_1M, BTC)).message,
    ).toBeTruthy();
  });

  it('refuses a bar whose high is below its close or whose low is above its open, naming the row', () => {
    const highBelowClose = errorOf(() => barsFromRows([row(), row(), row({ close: '101.50' })], BTC_1M, BTC));
    expect(highBelowClose.field).toMatch(/^bars\[2\]/);
    expect(highBelowClose.message).toMatch(/high 101\.00 .*close 101\.50/);
    const lowAboveOpen = errorOf(() => barsFromRows([row({ open: '98.00' })], BTC_1M, BTC));
    expect(lowAboveOpen.field).toMatch(/^bars\[0\]/);
  });

  it('names the high field of a bar whose high is below its close', () => {
    expect(errorOf(() => barsFromRows([row(), row(), row({ close: '101.50' })], BTC_1M, BTC)).field).toBe(
      'bars[2].high',
    );
  });

  it('refuses a negative volume naming bars[i].volume', () => {
    expect(errorOf(() => barsFromRows([row({ volume: '-1' })], BTC_1M, BTC)).field).toBe('bars[0].volume');
  });

  it('gives no bars for no rows', () => {
    expect(barsFromRows([], BTC_1M, BTC)).toEqual([]);
  });
});

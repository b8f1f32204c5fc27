import { BTCUSDT_BINANCE, VN30F1M_HNX, instrumentFromSpec, isoToNanos, nanosToIso } from '@qubit/model';
import { describe, expect, it } from 'vitest';
import { DayEndCalendar } from './day-end.js';

const BTC = instrumentFromSpec(BTCUSDT_BINANCE);
const VN30 = instrumentFromSpec(VN30F1M_HNX);
const end = (cal: DayEndCalendar, inst: typeof BTC, iso: string) =>
  nanosToIso(cal.dayEnd(inst, isoToNanos(iso)));

describe('DayEndCalendar', () => {
  it('ends the day at the next 00:00 UTC for an instrument trading around the clock', () => {
    const cal = new DayEndCalendar();
    expect(end(cal, BTC, '2024-01-08T13:00:00Z')).toBe('2024-01-09T00:00:00.000000000Z');
    expect(end(cal, BTC, '2024-01-09T00:00:00Z')).toBe('2024-01-10T00:00:00.000000000Z');
  });

  it('ends the day at the close of the last session, 14:45 in Ho Chi Minh City for VN30F1M', () => {
    const cal = new DayEndCalendar();
    expect(end(cal, VN30, '2024-01-08T01:50:00Z')).toBe('2024-01-08T07:45:00.000000000Z');
    // 23:30 UTC on Sunday is 06:30 on Monday in Vietnam: that Monday's close.
    expect(end(cal, VN30, '2024-01-07T23:30:00Z')).toBe('2024-01-08T07:45:00.000000000Z');
  });

  it("carries an order placed after Friday's close to the next trading day", () => {
    const cal = new DayEndCalendar();
    expect(end(cal, VN30, '2024-01-12T09:00:00Z')).toBe('2024-01-15T07:45:00.000000000Z');
  });

  it('gives the same answer from its cache as from a fresh computation', () => {
    const warm = new DayEndCalendar();
    const times = [
      '2024-01-08T02:00:00Z',
      '2024-01-08T06:00:00Z',
      '2024-01-08T07:45:00Z',
      '2024-01-09T03:00:00Z',
    ];
    for (const t of times) expect(end(warm, VN30, t)).toBe(end(new DayEndCalendar(), VN30, t));
  });
});

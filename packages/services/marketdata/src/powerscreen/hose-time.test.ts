import { isoToNanos } from '@qubit/model';
import { describe, expect, it } from 'vitest';
import { hoseLocalIso, hoseTradingDate, isoWithZoneToNanos } from './hose-time.js';

describe('HOSE time (Asia/Ho_Chi_Minh, UTC+7)', () => {
  it('shows a UTC instant on the exchange wall clock and dates it there', () => {
    const atc = isoToNanos('2026-11-20T07:30:00.123456789Z');
    expect(hoseLocalIso(atc)).toBe('2026-11-20T14:30:00.123456789+07:00');
    expect(hoseTradingDate(isoToNanos('2026-11-19T17:00:00Z'))).toBe('2026-11-20');
    expect(hoseTradingDate(isoToNanos('2026-11-19T16:59:59.999999999Z'))).toBe('2026-11-19');
  });

  it('reads ISO text with a zone to the nanosecond and refuses text without one', () => {
    expect(isoWithZoneToNanos('2026-11-20T09:15:00.000000001+07:00', 'ts')).toBe(
      isoToNanos('2026-11-20T02:15:00.000000001Z'),
    );
    expect(() => isoWithZoneToNanos('2026-11-20T09:15:00', 'row.ts')).toThrow(
      'row.ts: "2026-11-20T09:15:00" names no time zone',
    );
  });
});

import { describe, expect, it } from 'vitest';
import { LocalClock, isTimeZone, minuteOfDay } from './local-time.js';

const ns = (iso: string): bigint => BigInt(Date.parse(iso)) * 1_000_000n;

describe('LocalClock', () => {
  it('reads Vietnam time as UTC+7, rolling the day over at local midnight', () => {
    const hcm = new LocalClock('Asia/Ho_Chi_Minh');
    expect(hcm.at(ns('2024-01-02T02:00:00Z'))).toEqual({ day: '2024-01-02', minute: 9 * 60, weekday: 2 });
    expect(hcm.at(ns('2024-01-07T17:30:00Z'))).toEqual({ day: '2024-01-08', minute: 30, weekday: 1 });
  });

  it('follows a daylight-saving change (New York, 2024-03-10)', () => {
    const ny = new LocalClock('America/New_York');
    expect(ny.at(ns('2024-03-10T06:30:00Z')).minute).toBe(60 + 30); // 01:30 EST (UTC−5)
    expect(ny.at(ns('2024-03-10T07:30:00Z')).minute).toBe(3 * 60 + 30); // 03:30 EDT (UTC−4)
    expect(ny.at(ns('2024-03-10T07:30:00Z')).weekday).toBe(7);
  });

  it('keeps the seconds as a fraction of a minute', () => {
    expect(new LocalClock('UTC').at(ns('2024-01-02T00:00:30Z')).minute).toBe(0.5);
  });
});

describe('time helpers', () => {
  it('knows IANA zones and refuses made-up ones', () => {
    expect(isTimeZone('Asia/Ho_Chi_Minh')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
  });

  it('turns HH:MM into minutes since midnight', () => {
    expect(minuteOfDay('14:25')).toBe(865);
    expect(minuteOfDay('00:00')).toBe(0);
  });
});

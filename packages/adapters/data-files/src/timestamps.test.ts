import { describe, expect, it } from 'vitest';
import { CellError } from './cell-error.js';
import { resolveTimeZone } from './time-zone.js';
import {
  epochToNanos,
  epochUnitByMagnitude,
  isDateTimeText,
  isTimeOfDayText,
  parseDateTime,
} from './timestamps.js';

const utc = resolveTimeZone('UTC');
const iso = (ns: bigint): string => new Date(Number(ns / 1_000_000n)).toISOString();

describe('epoch timestamps', () => {
  it.each([
    ['1672531436', 's'],
    ['1515560100000', 'ms'],
    ['1735689600000000', 'us'],
    ['1598918403696000000', 'ns'],
  ])('takes %s to be in %s by its magnitude', (text, unit) => {
    expect(epochUnitByMagnitude(text)).toBe(unit);
  });

  it('converts every unit to the same exact nanoseconds', () => {
    const ns = 1_672_531_436_000_000_000n;
    expect(epochToNanos('1672531436', 's')).toBe(ns);
    expect(epochToNanos('1672531436000', 'ms')).toBe(ns);
    expect(epochToNanos('1672531436000000', 'us')).toBe(ns);
    expect(epochToNanos('1672531436000000000', 'ns')).toBe(ns);
  });

  it('keeps fractions down to the nanosecond and refuses finer ones', () => {
    expect(epochToNanos('1672531436.123456789', 's')).toBe(1_672_531_436_123_456_789n);
    expect(epochToNanos('1515560100000.5', 'ms')).toBe(1_515_560_100_000_500_000n);
    expect(() => epochToNanos('1.0000000001', 's')).toThrow('finer than a nanosecond');
  });

  it('refuses text that is not an epoch', () => {
    expect(epochUnitByMagnitude('2024-01-01')).toBeUndefined();
    expect(() => epochToNanos('-5', 's')).toThrow(CellError);
  });
});

describe('parseDateTime', () => {
  it.each([
    ['2024-01-02', '2024-01-02T00:00:00.000Z'],
    ['2024-01-02 03:04', '2024-01-02T03:04:00.000Z'],
    ['2018-01-10T04:55:00.000Z', '2018-01-10T04:55:00.000Z'],
    ['2012-02-01 00:00:00+00:00', '2012-02-01T00:00:00.000Z'],
    ['2013-01-01 22:00:00.295000+00:00', '2013-01-01T22:00:00.295Z'],
    ['2021-12-31 23:01:00.000000', '2021-12-31T23:01:00.000Z'],
    ['2024/01/02 03:04:05', '2024-01-02T03:04:05.000Z'],
    ['2024-01-02T10:04:05+07:00', '2024-01-02T03:04:05.000Z'],
    ['2024-01-02T10:04:05+0700', '2024-01-02T03:04:05.000Z'],
    ['20200101 170000065', '2020-01-01T17:00:00.065Z'],
  ])('reads %s as %s', (text, want) => {
    expect(iso(parseDateTime(text, utc))).toBe(want);
  });

  it('keeps nanoseconds', () => {
    expect(parseDateTime('2024-01-02T03:04:05.123456789Z', utc) % 1_000_000_000n).toBe(123_456_789n);
  });

  it('reads wall-clock times in the zone it is given, but never shifts a time that states its offset', () => {
    const vn = resolveTimeZone('Asia/Ho_Chi_Minh');
    expect(iso(parseDateTime('2023-01-03 09:00:00', vn))).toBe('2023-01-03T02:00:00.000Z');
    expect(iso(parseDateTime('2023-01-03 09:00:00Z', vn))).toBe('2023-01-03T09:00:00.000Z');
    expect(iso(parseDateTime('20200101 170000065', resolveTimeZone('-05:00')))).toBe(
      '2020-01-01T22:00:00.065Z',
    );
  });

  it('follows daylight saving in IANA zones', () => {
    const berlin = resolveTimeZone('Europe/Berlin');
    expect(iso(parseDateTime('2024-01-15 12:00', berlin))).toBe('2024-01-15T11:00:00.000Z');
    expect(iso(parseDateTime('2024-07-15 12:00', berlin))).toBe('2024-07-15T10:00:00.000Z');
  });

  it('refuses a wall-clock time skipped by a daylight-saving jump and reads a repeated one as its first occurrence', () => {
    const berlin = resolveTimeZone('Europe/Berlin');
    expect(() => parseDateTime('2024-03-31 02:30', berlin)).toThrow(
      'does not exist in time zone Europe/Berlin',
    );
    expect(iso(parseDateTime('2024-10-27 02:30', berlin))).toBe('2024-10-27T00:30:00.000Z');
  });

  it.each(['2024-02-30', '2023-13-01', '2024-01-01 24:00', '2024-01-01 12:60', 'yesterday', '1672531436'])(
    'refuses "%s"',
    (text) => {
      expect(() => parseDateTime(text, utc)).toThrow(CellError);
    },
  );

  it('tells dates and times of day from plain numbers', () => {
    expect(isDateTimeText('2024-01-02')).toBe(true);
    expect(isDateTimeText('1672531436')).toBe(false);
    expect(isTimeOfDayText('09:01:00')).toBe(true);
    expect(isTimeOfDayText('2024-01-02')).toBe(false);
  });
});

describe('resolveTimeZone', () => {
  it('reads fixed offsets in the usual spellings', () => {
    const at = Date.UTC(2024, 0, 1, 12);
    expect(resolveTimeZone('+07:00').localToUtcMs(at)).toBe(at - 7 * 3_600_000);
    expect(resolveTimeZone('-0500').localToUtcMs(at)).toBe(at + 5 * 3_600_000);
    expect(resolveTimeZone('UTC+7').localToUtcMs(at)).toBe(at - 7 * 3_600_000);
    expect(resolveTimeZone('Z').localToUtcMs(at)).toBe(at);
  });

  it('refuses an unknown zone naming the option', () => {
    expect(() => resolveTimeZone('Mars/Olympus')).toThrow(
      'timeZone: "Mars/Olympus" is not a known time zone',
    );
    expect(() => resolveTimeZone('')).toThrow('timeZone');
  });
});

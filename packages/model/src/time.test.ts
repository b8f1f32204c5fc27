import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ModelError } from './errors.js';
import {
  NANOS_PER_DAY,
  NANOS_PER_HOUR,
  NANOS_PER_MICRO,
  NANOS_PER_MILLI,
  NANOS_PER_MINUTE,
  NANOS_PER_SECOND,
  isoToNanos,
  millisToNanos,
  nanosToIso,
  nanosToMillis,
} from './time.js';

function modelError(fn: () => unknown): ModelError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ModelError) return e;
    throw new Error(`expected a ModelError, got ${String(e)}`);
  }
  throw new Error('expected the call to throw');
}

// 2024-01-01T00:00:00Z
const NEW_YEAR_MS = 1_704_067_200_000;
const NEW_YEAR_NS = 1_704_067_200_000_000_000n;

describe('unit constants', () => {
  it('chains nanoseconds up to days', () => {
    expect(NANOS_PER_MICRO * 1000n).toBe(NANOS_PER_MILLI);
    expect(NANOS_PER_MILLI * 1000n).toBe(NANOS_PER_SECOND);
    expect(NANOS_PER_DAY).toBe(86_400n * NANOS_PER_SECOND);
    expect(NANOS_PER_HOUR).toBe(60n * NANOS_PER_MINUTE);
  });
});

describe('millisToNanos and nanosToMillis', () => {
  it('converts whole milliseconds exactly', () => {
    expect(millisToNanos(NEW_YEAR_MS)).toBe(NEW_YEAR_NS);
    expect(millisToNanos(0)).toBe(0n);
    expect(nanosToMillis(NEW_YEAR_NS)).toBe(NEW_YEAR_MS);
  });

  it('keeps a microsecond remainder of fractional milliseconds', () => {
    expect(millisToNanos(1.5)).toBe(1_500_000n);
    expect(millisToNanos(NEW_YEAR_MS + 0.123)).toBe(NEW_YEAR_NS + 123_000n);
    expect(millisToNanos(1_700_000_000_123.456)).toBe(1_700_000_000_123_456_000n);
  });

  it('handles times before the epoch', () => {
    expect(millisToNanos(-1.5)).toBe(-1_500_000n);
    expect(millisToNanos(-1000)).toBe(-NANOS_PER_SECOND);
  });

  it('truncates nanoseconds below a millisecond when going back to millis', () => {
    expect(nanosToMillis(NEW_YEAR_NS + 999_999n)).toBe(NEW_YEAR_MS);
  });

  it.each([NaN, Infinity, -Infinity])('rejects %s naming the timestamp', (ms) => {
    expect(modelError(() => millisToNanos(ms)).field).toBe('timestamp');
  });

  it('round-trips any whole millisecond of the years 1970..2100 (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_102_444_800_000 }), (ms) => {
        expect(nanosToMillis(millisToNanos(ms))).toBe(ms);
      }),
    );
  });
});

describe('nanosToIso', () => {
  it.each([
    [0n, '1970-01-01T00:00:00.000000000Z'],
    [NEW_YEAR_NS, '2024-01-01T00:00:00.000000000Z'],
    [NEW_YEAR_NS + 123_456_789n, '2024-01-01T00:00:00.123456789Z'],
    [NEW_YEAR_NS + 1n, '2024-01-01T00:00:00.000000001Z'],
    [NEW_YEAR_NS + 1_000n, '2024-01-01T00:00:00.000001000Z'],
    [NEW_YEAR_NS - 1n, '2023-12-31T23:59:59.999999999Z'],
    [-1n, '1969-12-31T23:59:59.999999999Z'],
    [-1_500_000_000n, '1969-12-31T23:59:58.500000000Z'],
    [-1_000_000_000n, '1969-12-31T23:59:59.000000000Z'],
    [-1_000_500_000n, '1969-12-31T23:59:58.999500000Z'],
  ])('writes %s as %s with all nine fraction digits', (ns, iso) => {
    expect(nanosToIso(ns)).toBe(iso);
  });
});

describe('isoToNanos', () => {
  it.each([
    ['2024-01-01T00:00:00Z', NEW_YEAR_NS],
    ['2024-01-01T00:00:00.123456789Z', NEW_YEAR_NS + 123_456_789n],
    ['2024-01-01T00:00:00.000001Z', NEW_YEAR_NS + 1_000n],
    ['2024-01-01T00:00:00.5Z', NEW_YEAR_NS + 500_000_000n],
    ['2024-01-01T00:00:00.000000001Z', NEW_YEAR_NS + 1n],
    ['2024-01-01', NEW_YEAR_NS],
    ['2024-01-01T00:00', NEW_YEAR_NS],
    ['2024-01-01 00:00:00', NEW_YEAR_NS],
    ['2024-01-01T00:00:00', NEW_YEAR_NS],
    ['2024-01-01T07:00:00+07:00', NEW_YEAR_NS],
    ['2024-01-01T07:00:00+0700', NEW_YEAR_NS],
    ['2023-12-31T19:00:00.000000001-05:00', NEW_YEAR_NS + 1n],
    ['1969-12-31T23:59:59.5Z', -500_000_000n],
  ])('reads "%s" as %s nanoseconds', (iso, ns) => {
    expect(isoToNanos(iso)).toBe(ns);
  });

  it('reads the same instant written in different offsets as the same nanoseconds', () => {
    const utc = isoToNanos('2024-06-30T02:00:00.123456789Z');
    expect(isoToNanos('2024-06-30T09:00:00.123456789+07:00')).toBe(utc);
    expect(isoToNanos('2024-06-29T22:00:00.123456789-04:00')).toBe(utc);
    expect(nanosToIso(isoToNanos('2024-06-30T09:00:00.000001+07:00'))).toBe('2024-06-30T02:00:00.000001000Z');
  });

  it.each([
    '',
    'yesterday',
    '2024/01/01',
    '2024-01-01T00:00:00.1234567890Z',
    '2024-01-01T25:00:00Z',
    '2024-13-01',
  ])('rejects "%s" naming the field', (text) => {
    expect(modelError(() => isoToNanos(text, 'order.expire_time')).field).toBe('order.expire_time');
  });

  it('rejects an impossible calendar date such as 2024-02-30', () => {
    expect(modelError(() => isoToNanos('2024-02-30T00:00:00Z')).field).toBe('timestamp');
  });

  it('round-trips nanosToIso for any instant of the years 1900..2200, nanoseconds included (property)', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -2_208_988_800n * NANOS_PER_SECOND, max: 7_258_118_400n * NANOS_PER_SECOND }),
        (ns) => {
          expect(isoToNanos(nanosToIso(ns))).toBe(ns);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

import { NANOS_PER_MICRO, NANOS_PER_MILLI, NANOS_PER_SECOND, type UnixNanos } from '@qubit/model';
import { CellError } from './cell-error.js';
import type { TimeZoneRule } from './time-zone.js';

/** The unit of a numeric epoch timestamp. */
export type EpochUnit = 's' | 'ms' | 'us' | 'ns';

const UNIT_NANOS: Record<EpochUnit, bigint> = {
  s: NANOS_PER_SECOND,
  ms: NANOS_PER_MILLI,
  us: NANOS_PER_MICRO,
  ns: 1n,
};
const EPOCH_RE = /^(\d+)(?:\.(\d+))?$/;

/** True for a plain non-negative number, the form every epoch column takes. */
export function isEpochText(text: string): boolean {
  return EPOCH_RE.test(text.trim());
}

/**
 * The unit of an epoch by its magnitude: below 1e11 seconds (until year 5138), below 1e14 milliseconds,
 * below 1e17 microseconds, else nanoseconds. Only data before 1973 would be misread, and none exists
 * at millisecond resolution.
 */
export function epochUnitByMagnitude(text: string): EpochUnit | undefined {
  const m = EPOCH_RE.exec(text.trim());
  if (!m) return undefined;
  // A double is plenty to compare magnitudes, even for 19-digit nanoseconds.
  const v = Number(m[1]);
  if (v < 1e11) return 's';
  if (v < 1e14) return 'ms';
  if (v < 1e17) return 'us';
  return 'ns';
}

/** An epoch in `unit` (fractions allowed down to the nanosecond) as exact nanoseconds. */
export function epochToNanos(text: string, unit: EpochUnit): UnixNanos {
  const m = EPOCH_RE.exec(text.trim());
  if (!m) throw new CellError(`"${text}" is not an epoch timestamp`);
  const per = UNIT_NANOS[unit];
  const frac = m[2] ?? '';
  const fracDigits = { s: 9, ms: 6, us: 3, ns: 0 }[unit];
  if (frac.length > fracDigits && /[1-9]/.test(frac.slice(fracDigits))) {
    throw new CellError(`"${text}" is finer than a nanosecond`);
  }
  const fracNanos = fracDigits === 0 ? 0n : BigInt(frac.slice(0, fracDigits).padEnd(fracDigits, '0') || '0');
  return BigInt(m[1]!) * per + fracNanos;
}

const ISO_RE =
  /^(\d{4})[-/](\d{2})[-/](\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|UTC|[+-]\d{2}(?::?\d{2})?)?$/;
// HistData's "20200101 170000065": date, then time with milliseconds run together.
const COMPACT_RE = /^(\d{4})(\d{2})(\d{2})[ T](\d{2})(\d{2})(\d{2})(\d{1,9})?$/;

/** True when the text reads as a date or date-time (not as a plain number). */
export function isDateTimeText(text: string): boolean {
  const t = text.trim();
  return ISO_RE.test(t) || COMPACT_RE.test(t);
}

const TIME_OF_DAY_RE = /^\d{1,2}:\d{2}(:\d{2}(\.\d{1,9})?)?$/;

/** "09:01", "09:01:00", "09:01:00.250": a time of day written in a column of its own. */
export function isTimeOfDayText(text: string): boolean {
  return TIME_OF_DAY_RE.test(text.trim());
}

/** True when the text carries its own UTC offset or Z, so no time zone applies to it. */
export function hasExplicitOffset(text: string): boolean {
  const m = ISO_RE.exec(text.trim());
  return m?.[8] !== undefined;
}

/**
 * Parses "2024-01-02", "2024-01-02 03:04", "2024-01-02T03:04:05.123456789Z", "2012-02-01 00:00:00+00:00",
 * "2024/01/02 03:04:05" and "20200101 170000065". A written offset wins; otherwise `zone` says what the
 * wall-clock time means.
 */
export function parseDateTime(text: string, zone: TimeZoneRule): UnixNanos {
  const t = text.trim();
  const m = ISO_RE.exec(t) ?? COMPACT_RE.exec(t);
  if (!m)
    throw new CellError(
      `"${text}" is not a date-time (expected e.g. 2024-01-02 03:04:05 or 2024-01-02T03:04:05Z)`,
    );
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [h, mi, s] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo))
    throw new CellError(`"${text}" is not a valid date`);
  if (h > 23 || mi > 59 || s > 59) throw new CellError(`"${text}" is not a valid time of day`);
  const frac = m[7] ?? '';
  const fracNanos = BigInt(frac.padEnd(9, '0').slice(0, 9));
  const localMs = Date.UTC(y, mo - 1, d, h, mi, s);
  const offsetText = m[8];
  let utcMs: number | undefined;
  if (offsetText !== undefined) {
    utcMs = localMs - offsetMs(offsetText);
  } else {
    utcMs = zone.localToUtcMs(localMs);
    if (utcMs === undefined)
      throw new CellError(`"${text}" does not exist in time zone ${zone.name} (clocks jumped over it)`);
  }
  return BigInt(utcMs) * NANOS_PER_MILLI + fracNanos;
}

function offsetMs(text: string): number {
  if (text === 'Z' || text === 'UTC') return 0;
  const sign = text.startsWith('-') ? -1 : 1;
  const digits = text.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0')) * 60_000;
}

function daysInMonth(y: number, mo: number): number {
  return new Date(Date.UTC(y, mo, 0)).getUTCDate();
}

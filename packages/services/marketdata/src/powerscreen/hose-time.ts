import { ModelError, NANOS_PER_HOUR, isoToNanos, nanosToIso, type UnixNanos } from '@qubit/model';

/**
 * HOSE's wall clock is Asia/Ho_Chi_Minh: UTC+7 all year (Vietnam keeps no daylight saving), so a fixed
 * offset gives the same answer as a time-zone database without depending on the host's ICU data.
 * Instants stay UTC nanoseconds everywhere; only display and session logic use the local time.
 */
export const HOSE_UTC_OFFSET_NANOS = 7n * NANOS_PER_HOUR;

/** "2026-11-20T09:15:00.250000000+07:00": the instant as HOSE's wall clock shows it. */
export function hoseLocalIso(ns: UnixNanos): string {
  const shifted = nanosToIso(ns + HOSE_UTC_OFFSET_NANOS);
  return `${shifted.slice(0, shifted.length - 1)}+07:00`;
}

/** The exchange-local date ("YYYY-MM-DD") of an instant: the trading day it belongs to. */
export function hoseTradingDate(ns: UnixNanos): string {
  return nanosToIso(ns + HOSE_UTC_OFFSET_NANOS).slice(0, 10);
}

/**
 * An instant from ISO-8601 text that names its zone ("…+07:00" or "…Z"). Text without a zone is refused:
 * read as UTC it would be seven hours off for a HOSE feed, and silently.
 */
export function isoWithZoneToNanos(text: string, field: string): UnixNanos {
  if (!/(Z|[+-]\d{2}:?\d{2})$/.test(text.trim())) {
    throw new ModelError(field, `"${text}" names no time zone: write it with +07:00 (HOSE time) or Z (UTC)`);
  }
  return isoToNanos(text, field);
}

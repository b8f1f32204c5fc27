import { Decimal, NANOS_PER_MICRO, NANOS_PER_MILLI, nanosToIso, type UnixNanos } from '@qubit/model';
import { StoreError } from './store-error.js';

/**
 * Conversions between model values and what the SQL clients send and return. Both engines return
 * NUMERIC and BIGINT as text, timestamptz as Date; these helpers are where text becomes a model value.
 */

/** A timestamptz literal for nanoseconds: timestamptz keeps microseconds, so the rest is cut (toward the past). */
export function nanosToTimestamp(ns: UnixNanos): string {
  let micros = ns / NANOS_PER_MICRO;
  if (ns < 0n && ns % NANOS_PER_MICRO !== 0n) micros -= 1n;
  const iso = nanosToIso(micros * NANOS_PER_MICRO);
  // "…:05.123456000Z" → "…:05.123456Z"
  return `${iso.slice(0, iso.length - 4)}Z`;
}

/** Nanoseconds of a timestamptz value as the driver returns it (a Date, precise to the millisecond). */
export function dateToNanos(value: unknown, field: string): UnixNanos {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new StoreError(field, `expected a timestamp from the database, got ${describeValue(value)}`);
  }
  return BigInt(value.getTime()) * NANOS_PER_MILLI;
}

/** A BIGINT column (text from both engines) as a bigint. */
export function bigintOf(value: unknown, field: string): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return BigInt(value);
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  throw new StoreError(field, `expected an integer from the database, got ${describeValue(value)}`);
}

/** A BIGINT that counts rows or ids, as a number (throws past 2^53, which no count here reaches). */
export function countOf(value: unknown, field: string): number {
  const n = bigintOf(value, field);
  if (n > BigInt(Number.MAX_SAFE_INTEGER)) throw new StoreError(field, `${n} is too large for a number`);
  return Number(n);
}

/** A NUMERIC column as an exact Decimal. */
export function decimalOf(value: unknown, field: string): Decimal {
  if (typeof value !== 'string') {
    throw new StoreError(field, `expected a NUMERIC as text from the database, got ${describeValue(value)}`);
  }
  return Decimal.parse(value, field);
}

/** A nullable NUMERIC column. */
export function optDecimalOf(value: unknown, field: string): Decimal | undefined {
  return value === null || value === undefined ? undefined : decimalOf(value, field);
}

/**
 * JSON text for a jsonb parameter (sent as text with a ::jsonb cast: drivers would turn an array into a
 * SQL array). Bigints become decimal strings, as on the wire; a value that is not JSON is an error.
 */
export function jsonText(value: unknown, field: string): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  } catch (err) {
    throw new StoreError(field, `is not JSON: ${(err as Error).message}`, { cause: err });
  }
  if (text === undefined) throw new StoreError(field, 'is not JSON (undefined or a function)');
  return text;
}

/** Checks a caller's text argument: a non-empty string of at most `max` characters. */
export function requireText(value: unknown, field: string, max = 256): string {
  if (typeof value !== 'string' || value.trim().length === 0 || value.length > max) {
    throw new StoreError(
      field,
      `must be a non-empty string of at most ${max} characters, got ${describeValue(value)}`,
    );
  }
  return value;
}

/** Checks an optional text argument: absent, or as requireText. */
export function optText(value: unknown, field: string, max = 256): string | undefined {
  return value === undefined || value === null ? undefined : requireText(value, field, max);
}

/** Checks a row limit: a positive integer up to `max`. */
export function requireLimit(value: unknown, field: string, max = 10_000): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1 || value > max) {
    throw new StoreError(field, `must be an integer from 1 to ${max}, got ${describeValue(value)}`);
  }
  return value;
}

export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'nothing';
  if (typeof v === 'string') return v.length > 40 ? `a string of ${v.length} characters` : `"${v}"`;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return 'an array';
  if (v instanceof Date) return 'a Date';
  return typeof v;
}

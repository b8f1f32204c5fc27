import { ModelError } from './errors.js';

/** A point in time as integer nanoseconds since the Unix epoch (UTC). Never a float. */
export type UnixNanos = bigint;

export const NANOS_PER_MICRO = 1_000n;
export const NANOS_PER_MILLI = 1_000_000n;
export const NANOS_PER_SECOND = 1_000_000_000n;
export const NANOS_PER_MINUTE = 60n * NANOS_PER_SECOND;
export const NANOS_PER_HOUR = 60n * NANOS_PER_MINUTE;
export const NANOS_PER_DAY = 24n * NANOS_PER_HOUR;

export function millisToNanos(ms: number): UnixNanos {
  if (!Number.isFinite(ms)) throw new ModelError('timestamp', `must be finite, got ${ms}`);
  // Split the integer and fractional millis so that a microsecond remainder survives.
  const whole = Math.trunc(ms);
  const fracMicros = Math.round((ms - whole) * 1000);
  return BigInt(whole) * NANOS_PER_MILLI + BigInt(fracMicros) * NANOS_PER_MICRO;
}

export function nanosToMillis(ns: UnixNanos): number {
  return Number(ns / NANOS_PER_MILLI);
}

/** "2024-01-02T03:04:05.123456789Z" */
export function nanosToIso(ns: UnixNanos): string {
  const ms = ns / NANOS_PER_MILLI;
  let rem = ns % NANOS_PER_SECOND;
  if (rem < 0n) rem += NANOS_PER_SECOND;
  const base = new Date(Number(ms - (ms % 1000n) - (ns < 0n && rem !== 0n ? 1000n : 0n))).toISOString();
  return `${base.slice(0, 19)}.${rem.toString().padStart(9, '0')}Z`;
}

/** Parses ISO-8601 with up to nanosecond fractions; a string without a zone is UTC. */
export function isoToNanos(text: string, field = 'timestamp'): UnixNanos {
  const m =
    /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2})?)(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(
      text.trim(),
    );
  if (!m) throw new ModelError(field, `"${text}" is not an ISO-8601 timestamp`);
  const time = m[2] ?? '00:00:00';
  const zone = m[4] ?? 'Z';
  const ms = Date.parse(`${m[1]}T${time.length === 5 ? time + ':00' : time}${zone === 'Z' ? 'Z' : zone}`);
  if (Number.isNaN(ms)) throw new ModelError(field, `"${text}" is not a valid date`);
  const [y, mo, d] = (m[1] ?? '').split('-').map(Number) as [number, number, number];
  if (new Date(Date.UTC(y, mo - 1, d)).getUTCDate() !== d)
    throw new ModelError(field, `"${text}" is not a valid date`);
  const frac = (m[3] ?? '').padEnd(9, '0');
  return BigInt(ms) * NANOS_PER_MILLI + BigInt(frac);
}

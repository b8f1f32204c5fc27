import { Decimal, ModelError, Rounding } from '@qubit/model';

/** Significant digits kept for ratios: enough to read, few enough that float noise never reaches the JSON. */
export const RATIO_DIGITS = 6;

/**
 * A ratio as it goes into the report: rounded to 6 significant digits, or null when it is undefined
 * (a division by zero, too few points). JSON has no Infinity or NaN, and -0 would print as 0 anyway.
 */
export function ratio(value: number | null | undefined): number | null {
  if (value === null || value === undefined || !Number.isFinite(value)) return null;
  const rounded = Number(value.toPrecision(RATIO_DIGITS));
  return rounded === 0 ? 0 : rounded;
}

/** Scale of a quotient before it becomes a float: far below what 6 significant digits can see. */
export const QUOTIENT_SCALE = 18;

/** `a / b` as a float through an exact decimal quotient, or null when `b` is zero. */
export function quotient(a: Decimal, b: Decimal): number | null {
  if (b.isZero()) return null;
  return a.div(b, QUOTIENT_SCALE, Rounding.HALF_EVEN).toNumber();
}

/**
 * An exact decimal as a string with no more decimals than it needs and at least `minScale`
 * ("180000" for VND, "12.50" for USD, "926666.6667" when the value really has four decimals).
 */
export function decimalString(value: Decimal, minScale: number): string {
  const n = value.normalize();
  return n.scale >= minScale ? n.toString() : n.rescale(minScale).toString();
}

const UNITS: readonly [string, number][] = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1_000],
];

/** "3d 4h 5m 6s", "250ms", "0s": whole units down to the second, milliseconds only below one second. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0)
    throw new ModelError('duration_ms', `must be a non-negative number, got ${ms}`);
  if (ms === 0) return '0s';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  let rest = Math.floor(ms);
  const parts: string[] = [];
  for (const [unit, size] of UNITS) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0) parts.push(`${n}${unit}`);
  }
  return parts.join(' ');
}

/**
 * Turns an echoed value (the run's config) into plain JSON with object keys sorted, so that two equal
 * configs print the same bytes whatever order their keys were written in. Bigints and Decimals become
 * strings; undefined object members are dropped; anything else JSON cannot hold is refused by path.
 */
export function canonicalJson(value: unknown, path: string): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new ModelError(path, `must be a finite number, got ${value}`);
    return value;
  }
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Decimal) return value.toString();
  if (Array.isArray(value)) return value.map((v, i) => canonicalJson(v, `${path}[${i}]`));
  if (typeof value === 'object') {
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto !== Object.prototype && proto !== null) {
      const toJSON = (value as { toJSON?: unknown }).toJSON;
      if (typeof toJSON === 'function') return canonicalJson(toJSON.call(value), path);
      throw new ModelError(path, `cannot be written as JSON (a ${describeObject(value)})`);
    }
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = canonicalJson(v, `${path}.${key}`);
    }
    return out;
  }
  if (value === undefined) return null;
  throw new ModelError(path, `cannot be written as JSON (a ${typeof value})`);
}

function describeObject(value: object): string {
  const name = (value.constructor as { name?: unknown } | undefined)?.name;
  return typeof name === 'string' && name !== '' ? name : 'object';
}

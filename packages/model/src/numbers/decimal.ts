import { ModelError } from '../errors.js';
import { Rounding } from './rounding.js';

/** Largest number of decimal places a value may carry (quantities of 1e-18 are the finest we meet). */
export const MAX_SCALE = 18;

const POW10: bigint[] = [];
for (let i = 0, p = 1n; i <= 2 * MAX_SCALE + 2; i++, p *= 10n) POW10.push(p);

export function pow10(n: number): bigint {
  const p = POW10[n];
  if (p !== undefined) return p;
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`scale ${n} is not a non-negative integer`);
  // Products of products can exceed the table; compute and remember.
  for (let i = POW10.length; i <= n; i++) POW10.push(POW10[i - 1]! * 10n);
  return POW10[n]!;
}

/** Divides with an explicit rounding mode; bigint division alone truncates toward zero. */
export function divRound(n: bigint, d: bigint, mode: Rounding): bigint {
  if (d === 0n) throw new RangeError('division by zero');
  if (d < 0n) {
    n = -n;
    d = -d;
  }
  const q = n / d;
  const r = n % d;
  if (r === 0n) return q;
  const positive = n > 0n;
  switch (mode) {
    case Rounding.DOWN:
      return q;
    case Rounding.UP:
      return positive ? q + 1n : q - 1n;
    case Rounding.FLOOR:
      return positive ? q : q - 1n;
    case Rounding.CEIL:
      return positive ? q + 1n : q;
    case Rounding.HALF_UP:
    case Rounding.HALF_EVEN: {
      const twice = (r < 0n ? -r : r) * 2n;
      const away = positive ? q + 1n : q - 1n;
      if (twice > d) return away;
      if (twice < d) return q;
      if (mode === Rounding.HALF_UP) return away;
      return q % 2n === 0n ? q : away;
    }
  }
}

/**
 * An exact decimal number: `units / 10^scale`, with `units` an arbitrary-size integer.
 * Addition, subtraction and multiplication are exact; division always names its scale and rounding.
 * Nothing here ever passes through a float, so sums never drift.
 */
export class Decimal {
  protected constructor(
    readonly units: bigint,
    readonly scale: number,
  ) {}

  static readonly ZERO = new Decimal(0n, 0);
  static readonly ONE = new Decimal(1n, 0);

  static of(units: bigint, scale: number): Decimal {
    checkScale(scale, 'scale');
    return new Decimal(units, scale);
  }

  /** Parses a plain decimal string such as "42000.10" or "-0.5"; the scale is the number of decimals written. */
  static parse(text: string, field = 'value'): Decimal {
    const { units, scale } = parseUnits(text, field);
    return new Decimal(units, scale);
  }

  /**
   * Accepts what arrives from JSON and configs: a decimal string, a safe integer, or a finite number
   * (converted through its shortest round-trip string, so 0.1 is exactly 0.1, never 0.1000000000000000055).
   */
  static from(value: string | number | bigint | Decimal, field = 'value'): Decimal {
    if (value instanceof Decimal) return new Decimal(value.units, value.scale);
    if (typeof value === 'bigint') return new Decimal(value, 0);
    if (typeof value === 'number') return Decimal.parse(numberToPlain(value, field), field);
    if (typeof value === 'string') return Decimal.parse(value, field);
    throw new ModelError(field, `expected a decimal string or number, got ${describe(value)}`);
  }

  /** Same value at a new scale; raising the scale is exact, lowering it rounds with `mode`. */
  rescale(scale: number, mode: Rounding = Rounding.HALF_EVEN): Decimal {
    // Values are immutable, so a plain Decimal already at `scale` is its own rescaling.
    if (scale === this.scale && this.constructor === Decimal) return this;
    return Decimal.of(rescaleUnits(this.units, this.scale, scale, mode), scale);
  }

  add(other: Decimal): Decimal {
    // x + 0 is x when the zero is not finer than x (the sum keeps x's scale): no new object for the
    // running totals that start at ZERO. Only plain Decimals are handed back, as `add` always returns one.
    if (other.units === 0n && other.scale <= this.scale && this.constructor === Decimal) return this;
    if (this.units === 0n && this.scale <= other.scale && other.constructor === Decimal) return other;
    if (this.scale === other.scale) return new Decimal(this.units + other.units, this.scale);
    const s = Math.max(this.scale, other.scale);
    return new Decimal(align(this, s) + align(other, s), s);
  }

  sub(other: Decimal): Decimal {
    if (other.units === 0n && other.scale <= this.scale && this.constructor === Decimal) return this;
    if (this.scale === other.scale) return new Decimal(this.units - other.units, this.scale);
    const s = Math.max(this.scale, other.scale);
    return new Decimal(align(this, s) - align(other, s), s);
  }

  /** Exact product; the scale is the sum of both scales. */
  mul(other: Decimal): Decimal {
    return new Decimal(this.units * other.units, this.scale + other.scale);
  }

  mulInt(n: bigint | number): Decimal {
    return new Decimal(this.units * BigInt(n), this.scale);
  }

  /** Quotient rounded to `scale` decimals. */
  div(other: Decimal, scale: number, mode: Rounding = Rounding.HALF_EVEN): Decimal {
    if (other.units === 0n) throw new RangeError('division by zero');
    // (a/10^sa) / (b/10^sb) * 10^scale = a * 10^(scale + sb - sa) / b
    const shift = scale + other.scale - this.scale;
    const n = shift >= 0 ? this.units * pow10(shift) : this.units;
    const d = shift >= 0 ? other.units : other.units * pow10(-shift);
    return Decimal.of(divRound(n, d, mode), scale);
  }

  neg(): Decimal {
    return new Decimal(-this.units, this.scale);
  }

  abs(): Decimal {
    return this.units < 0n ? new Decimal(-this.units, this.scale) : this;
  }

  sign(): -1 | 0 | 1 {
    return this.units === 0n ? 0 : this.units > 0n ? 1 : -1;
  }

  isZero(): boolean {
    return this.units === 0n;
  }

  isNegative(): boolean {
    return this.units < 0n;
  }

  isPositive(): boolean {
    return this.units > 0n;
  }

  cmp(other: Decimal): -1 | 0 | 1 {
    let a = this.units;
    let b = other.units;
    if (this.scale !== other.scale) {
      const s = Math.max(this.scale, other.scale);
      a = align(this, s);
      b = align(other, s);
    }
    return a === b ? 0 : a < b ? -1 : 1;
  }

  eq(other: Decimal): boolean {
    return this.cmp(other) === 0;
  }
  lt(other: Decimal): boolean {
    return this.cmp(other) < 0;
  }
  lte(other: Decimal): boolean {
    return this.cmp(other) <= 0;
  }
  gt(other: Decimal): boolean {
    return this.cmp(other) > 0;
  }
  gte(other: Decimal): boolean {
    return this.cmp(other) >= 0;
  }

  min(other: Decimal): Decimal {
    return this.cmp(other) <= 0 ? this : other;
  }

  max(other: Decimal): Decimal {
    return this.cmp(other) >= 0 ? this : other;
  }

  /** True when this value is a whole multiple of `step` (tick size, lot size). */
  isMultipleOf(step: Decimal): boolean {
    if (step.units === 0n) return true;
    const s = Math.max(this.scale, step.scale);
    return align(this, s) % align(step, s) === 0n;
  }

  /** Rounds to the nearest multiple of `step` with the given mode (FLOOR for bids, CEIL for asks and so on). */
  roundToStep(step: Decimal, mode: Rounding = Rounding.HALF_EVEN): Decimal {
    if (step.units === 0n) return this;
    const s = Math.max(this.scale, step.scale);
    const st = align(step, s);
    return new Decimal(divRound(align(this, s), st, mode) * st, s).rescale(step.scale);
  }

  /** Same value with trailing zeros removed from the fraction. */
  normalize(): Decimal {
    let u = this.units;
    let s = this.scale;
    while (s > 0 && u % 10n === 0n) {
      u /= 10n;
      s--;
    }
    return new Decimal(u, s);
  }

  /** Plain decimal string with exactly `scale` decimals: the form used on the wire and for SQL NUMERIC. */
  toString(): string {
    return formatUnits(this.units, this.scale);
  }

  toJSON(): string {
    return this.toString();
  }

  /** Lossy; for indicators, charts and logs only, never for money. */
  toNumber(): number {
    const n = Number(this.units);
    // Both operands are exact doubles and a division rounds once, correctly: the very number that
    // parsing the decimal string gives, without building the string.
    if (this.scale <= MAX_EXACT_POW10 && Number.isSafeInteger(n)) return n / POW10_NUMBERS[this.scale]!;
    return Number(this.toString());
  }
}

/** 10^22 is the largest power of ten a double holds exactly. */
const MAX_EXACT_POW10 = 22;
const POW10_NUMBERS: readonly number[] = Array.from({ length: MAX_EXACT_POW10 + 1 }, (_, k) => 10 ** k);

/** Scales of intermediate results (products) may exceed MAX_SCALE; values a user gives may not. */
export function checkScale(scale: number, field: string, max = 4 * MAX_SCALE): void {
  if (!Number.isInteger(scale) || scale < 0 || scale > max) {
    throw new ModelError(field, `precision must be an integer in 0..${max}, got ${scale}`);
  }
}

export function rescaleUnits(units: bigint, from: number, to: number, mode: Rounding): bigint {
  if (to === from) return units;
  if (to > from) return units * pow10(to - from);
  return divRound(units, pow10(from - to), mode);
}

function align(d: Decimal, scale: number): bigint {
  return d.scale === scale ? d.units : d.units * pow10(scale - d.scale);
}

/**
 * Reads `[+-]digits[.digits]` (surrounding white space allowed). A hand-written scan rather than a
 * regular expression: prices and quantities are parsed on the order path, and this allocates nothing
 * but the result for values of up to 15 digits, which a double holds exactly.
 */
export function parseUnits(text: string, field: string): { units: bigint; scale: number } {
  if (typeof text !== 'string')
    throw new ModelError(field, `expected a decimal string, got ${describe(text)}`);
  const t = text.trim();
  const n = t.length;
  let i = 0;
  const first = n > 0 ? t.charCodeAt(0) : 0;
  const negative = first === 45; // '-'
  if (negative || first === 43) i = 1; // '+'
  const intStart = i;
  let small = 0;
  while (i < n && isDigit(t.charCodeAt(i))) small = small * 10 + (t.charCodeAt(i++) - 48);
  const intDigits = i - intStart;
  let fracDigits = 0;
  if (i < n && t.charCodeAt(i) === 46) {
    // '.'
    i++;
    while (i < n && isDigit(t.charCodeAt(i))) {
      small = small * 10 + (t.charCodeAt(i++) - 48);
      fracDigits++;
    }
    if (fracDigits === 0) i = -1; // "1." is not a decimal number
  }
  if (intDigits === 0 || i !== n) throw new ModelError(field, `"${text}" is not a decimal number`);
  if (fracDigits > MAX_SCALE) {
    throw new ModelError(field, `"${text}" has ${fracDigits} decimals, more than the ${MAX_SCALE} allowed`);
  }
  const digits =
    intDigits + fracDigits <= 15
      ? BigInt(small)
      : BigInt(t.slice(intStart, intStart + intDigits) + t.slice(intStart + intDigits + 1));
  return { units: negative ? -digits : digits, scale: fracDigits };
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

export function formatUnits(units: bigint, scale: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString();
  if (scale === 0) return negative ? `-${digits}` : digits;
  const padded = digits.padStart(scale + 1, '0');
  const text = `${padded.slice(0, -scale)}.${padded.slice(-scale)}`;
  return negative ? `-${text}` : text;
}

function numberToPlain(n: number, field: string): string {
  if (!Number.isFinite(n)) throw new ModelError(field, `must be a finite number, got ${n}`);
  const s = String(n);
  if (!/e/i.test(s)) return s;
  // Exponent form (1e-7, 1.5e+21): expand it exactly from the digits JavaScript printed.
  const m = /^(-?)(\d+)(?:\.(\d+))?e([+-]\d+)$/i.exec(s);
  if (!m) throw new ModelError(field, `cannot read number ${s}`);
  const sign = m[1] ?? '';
  const digits = (m[2] ?? '') + (m[3] ?? '');
  const exp = Number(m[4]) - (m[3] ?? '').length;
  if (exp >= 0) return sign + digits + '0'.repeat(exp);
  const scale = -exp;
  return sign + formatUnits(BigInt(digits), scale);
}

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  if (typeof v === 'string') return `"${v.length > 40 ? v.slice(0, 40) + '…' : v}"`;
  return typeof v;
}

import { Decimal } from '@qubit/model';

const NUMBER_RE = /^[+-]?(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

/**
 * Reads a decimal number as data files write it: plain ("42000.10") or in exponent form as Python
 * and JavaScript print small floats ("5.33e-05"). Exact: the digits written are the value.
 * Returns undefined when the text is not a number.
 */
export function parseDecimalText(text: string): Decimal | undefined {
  const t = text.trim();
  const m = NUMBER_RE.exec(t);
  if (!m) return undefined;
  const intPart = m[1]!;
  const frac = m[2] ?? '';
  const exp = m[3] === undefined ? 0 : Number(m[3]);
  if (!Number.isSafeInteger(exp) || Math.abs(exp) > 60) return undefined;
  let units = BigInt(intPart + frac);
  if (t.startsWith('-')) units = -units;
  let scale = frac.length - exp;
  if (scale < 0) {
    units *= 10n ** BigInt(-scale);
    scale = 0;
  }
  if (scale > 72) return undefined;
  return Decimal.of(units, scale);
}

/** Number of significant digits written (leading zeros and the exponent excluded). */
export function significantDigits(text: string): number {
  const m = NUMBER_RE.exec(text.trim());
  if (!m) return 0;
  const digits = (m[1]! + (m[2] ?? '')).replace(/^0+/, '');
  return digits.length;
}

/**
 * A binary double printed in full ("0.07745453000000001") carries 16-17 significant digits of which
 * the last are conversion noise: fifteen significant digits always survive a double exactly, so a
 * value written with more is the image of a float computed from some shorter decimal.
 */
export const FLOAT_NOISE_DIGITS = 16;

export function looksLikeFloatNoise(text: string): boolean {
  return significantDigits(text) >= FLOAT_NOISE_DIGITS;
}

/** Text that stands for "no value" in the files we read (pandas, Python, JSON). */
export function isMissing(text: string): boolean {
  const t = text.trim();
  return t === '' || t === 'NaN' || t === 'nan' || t === 'None' || t === 'null' || t === 'NULL';
}

const NOISE_FACTOR = 2n ** 50n;

/**
 * True when `value` is within 4 ulps of a double (2^-50 relative) of `candidate`: how far float
 * arithmetic drifts from a decimal. `reference` stands in for a zero candidate.
 */
export function isFloatNoiseOf(value: Decimal, candidate: Decimal, reference: Decimal = candidate): boolean {
  const scale = candidate.isZero() ? reference.abs() : candidate.abs();
  return value.sub(candidate).abs().mulInt(NOISE_FACTOR).lte(scale);
}

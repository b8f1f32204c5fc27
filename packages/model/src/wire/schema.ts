import { ModelError } from '../errors.js';
import type { Instrument } from '../instruments/instrument.js';
import { Currencies, type Currency } from '../numbers/currency.js';
import { Decimal, describe } from '../numbers/decimal.js';
import { Money } from '../numbers/money.js';
import { Price } from '../numbers/price.js';
import { Quantity } from '../numbers/quantity.js';
import type { UnixNanos } from '../time.js';

/** What JSON can carry; encoders produce only this, so `JSON.stringify` never loses anything. */
export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

/** What decoding may consult beyond the message itself. */
export interface DecodeContext {
  /**
   * Looks an instrument up by its id. When given and the instrument is known, prices must lie on its
   * tick grid and order quantities on its lot grid; without it only syntax and ranges are checked.
   */
  readonly instruments?: (id: string) => Instrument | undefined;
  /**
   * Looks a currency up by its code, for the precision of Money amounts. Defaults to the model's
   * `Currencies`; an amount in an unknown currency keeps the precision it was written with.
   */
  readonly currencies?: (code: string) => Currency | undefined;
}

/** Reads one value found at `path`, throwing a ModelError that names `path` when it is not acceptable. */
export type Reader<T> = (value: unknown, path: string, ctx: DecodeContext) => T;

/** Throws the error for a value of the wrong kind; an absent value is reported as missing. */
export function invalid(path: string, expected: string, value: unknown): never {
  if (value === undefined || value === null) throw new ModelError(path, 'is required');
  throw new ModelError(path, `expected ${expected}, got ${describeValue(value)}`);
}

function describeValue(v: unknown): string {
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'boolean') return String(v);
  return describe(v);
}

/** Any string, empty included (free-text reasons). */
export const str: Reader<string> = (v, path) => (typeof v === 'string' ? v : invalid(path, 'a string', v));

/** A string with at least one character (event and command ids). */
export const nonEmptyStr: Reader<string> = (v, path) => {
  if (typeof v !== 'string') return invalid(path, 'a non-empty string', v);
  if (v.length === 0) throw new ModelError(path, 'must not be empty');
  return v;
};

/** Absent and null both read as undefined; anything else must satisfy `read`. */
export function optional<T>(read: Reader<T>): Reader<T | undefined> {
  return (v, path, ctx) => (v === undefined || v === null ? undefined : read(v, path, ctx));
}

export const optStr: Reader<string | undefined> = optional(str);

/** One of a fixed set of values (the model's `as const` enums, or literal numbers such as risk stages). */
export function enumOf<T extends string | number>(values: readonly T[]): Reader<T> {
  const allowed = new Set<unknown>(values);
  const list = values.join(', ');
  return (v, path) => {
    if (allowed.has(v)) return v as T;
    if (v === undefined || v === null) throw new ModelError(path, 'is required');
    throw new ModelError(path, `${describeValue(v)} is not one of ${list}`);
  };
}

/** Wraps an identifier factory of the model (ClientOrderId, InstrumentId…) so its error names `path`. */
export function ident<T>(make: (value: unknown, field: string) => T): Reader<T> {
  return (v, path) => (v === undefined || v === null ? invalid(path, 'an identifier', v) : make(v, path));
}

export const bool: Reader<boolean> = (v, path) =>
  typeof v === 'boolean' ? v : invalid(path, 'true or false', v);

/** A safe integer given as a JSON number. */
export const int: Reader<number> = (v, path) => {
  if (typeof v !== 'number') return invalid(path, 'an integer', v);
  if (!Number.isSafeInteger(v)) throw new ModelError(path, `must be a safe integer, got ${v}`);
  return v;
};

export const nonNegativeInt: Reader<number> = (v, path, ctx) => {
  const n = int(v, path, ctx);
  if (n < 0) throw new ModelError(path, `must not be negative, got ${n}`);
  return n;
};

/**
 * The raw text of a decimal. Strings are preferred; a JSON number is accepted when it is finite and small
 * enough to have been exact (beyond 2^53 the parser has already rounded it, so it is refused).
 */
function decimalText(v: unknown, path: string): string | number {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new ModelError(path, `must be a finite number, got ${v}`);
    if (Math.abs(v) > Number.MAX_SAFE_INTEGER) {
      throw new ModelError(
        path,
        `${v} is too large to be exact as a JSON number; send it as a decimal string`,
      );
    }
    return v;
  }
  return invalid(path, 'a decimal string', v);
}

export const decimal: Reader<Decimal> = (v, path) => Decimal.from(decimalText(v, path), path);

export const price: Reader<Price> = (v, path) => Price.from(decimalText(v, path), path);

/** Non-negative: Quantity itself refuses a negative value, naming `path`. */
export const quantity: Reader<Quantity> = (v, path) => Quantity.from(decimalText(v, path), path);

const CURRENCY_CODE_RE = /^[A-Z0-9]{2,12}$/;

export const currencyCode: Reader<string> = (v, path) => {
  if (typeof v !== 'string') return invalid(path, 'a currency code', v);
  if (!CURRENCY_CODE_RE.test(v))
    throw new ModelError(path, `"${v}" is not a currency code (2-12 of A-Z, 0-9)`);
  return v;
};

function knownCurrency(code: string): Currency | undefined {
  return (Currencies as Record<string, Currency | undefined>)[code];
}

/**
 * `{"amount": "1.5", "currency": "USDT"}`. A known currency fixes the precision: fewer decimals are
 * widened exactly, more are refused rather than silently rounded. An unknown currency takes the
 * precision the sender wrote, since Money is always written at its currency's precision.
 */
export const money: Reader<Money> = (v, path, ctx) => {
  const f = Fields.of(v, path, ctx);
  const code = f.get('currency', currencyCode);
  const amount = f.get('amount', decimal);
  const cur = (ctx.currencies ?? knownCurrency)(code);
  if (cur === undefined) return Money.of(amount, { code, precision: amount.scale });
  if (amount.scale > cur.precision) {
    throw new ModelError(
      f.at('amount'),
      `"${amount}" has ${amount.scale} decimals, more than the precision of ${code} (${cur.precision})`,
    );
  }
  return Money.of(amount, cur);
};

export function encodeMoney(m: Money): JsonObject {
  return { amount: m.amount.toString(), currency: m.currency.code };
}

const NANOS_RE = /^\d{1,19}$/;
const MAX_NANOS = 2n ** 63n - 1n;

/**
 * Nanoseconds since the epoch, as a decimal string ("1700000000000000000"): a JSON number cannot hold
 * them exactly. Safe-integer numbers and bigints are accepted too, for small durations and in-process use.
 */
export const nanos: Reader<UnixNanos> = (v, path) => {
  let n: bigint;
  if (typeof v === 'string') {
    if (!NANOS_RE.test(v)) {
      throw new ModelError(path, `"${v}" is not a whole number of nanoseconds (a string of digits)`);
    }
    n = BigInt(v);
  } else if (typeof v === 'bigint') {
    n = v;
  } else if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) {
      throw new ModelError(path, `must be nanoseconds as a string of digits, got the inexact number ${v}`);
    }
    n = BigInt(v);
  } else {
    return invalid(path, 'nanoseconds as a string of digits', v);
  }
  if (n < 0n) throw new ModelError(path, `must not be negative, got ${n}`);
  if (n > MAX_NANOS) throw new ModelError(path, `${n} does not fit in 64 bits`);
  return n;
};

export const optNanos: Reader<UnixNanos | undefined> = optional(nanos);
export const optPrice: Reader<Price | undefined> = optional(price);
export const optQuantity: Reader<Quantity | undefined> = optional(quantity);
export const optBool: Reader<boolean | undefined> = optional(bool);

/** An array whose items are read with `item`; item paths are `path[i]`. */
export function array<T>(item: Reader<T>): Reader<T[]> {
  return (v, path, ctx) => {
    if (!Array.isArray(v)) return invalid(path, 'an array', v);
    const out = new Array<T>(v.length);
    for (let i = 0; i < v.length; i++) out[i] = item(v[i], `${path}[${i}]`, ctx);
    return out;
  };
}

/**
 * The fields of one JSON object, read by key; every error names `path.key`. Keys the schema does not
 * know are ignored, so a producer may add fields before its consumers learn them.
 */
export class Fields {
  private constructor(
    private readonly source: Readonly<Record<string, unknown>>,
    readonly path: string,
    readonly ctx: DecodeContext,
  ) {}

  static of(value: unknown, path: string, ctx: DecodeContext): Fields {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      invalid(path, 'an object', value);
    return new Fields(value as Record<string, unknown>, path, ctx);
  }

  /** The path of a field of this object. */
  at(key: string): string {
    return this.path === '' ? key : `${this.path}.${key}`;
  }

  get<T>(key: string, read: Reader<T>): T {
    return read(this.source[key], this.at(key), this.ctx);
  }

  /** The nested object under `key`. */
  fields(key: string): Fields {
    return Fields.of(this.source[key], this.at(key), this.ctx);
  }

  /** A price, on the instrument's tick grid when the instrument is known. */
  price(key: string, instrument: Instrument | undefined): Price {
    const path = this.at(key);
    return onTick(price(this.source[key], path, this.ctx), instrument, path);
  }

  optPrice(key: string, instrument: Instrument | undefined): Price | undefined {
    const path = this.at(key);
    return onTick(optPrice(this.source[key], path, this.ctx), instrument, path);
  }

  /** A non-negative quantity, on the instrument's lot grid when the instrument is known. */
  quantity(key: string, instrument: Instrument | undefined): Quantity {
    const path = this.at(key);
    return onLot(quantity(this.source[key], path, this.ctx), instrument, path);
  }

  optQuantity(key: string, instrument: Instrument | undefined): Quantity | undefined {
    const path = this.at(key);
    return onLot(optQuantity(this.source[key], path, this.ctx), instrument, path);
  }
}

/** The instrument the lookup knows for `id`, if a lookup was given. */
export function instrumentFor(ctx: DecodeContext, id: string): Instrument | undefined {
  return ctx.instruments?.(id);
}

/** Refuses a price off the instrument's tick grid; with no instrument only the syntax was checked. */
export function onTick<P extends Price | undefined>(
  p: P,
  instrument: Instrument | undefined,
  path: string,
): P {
  if (p !== undefined && instrument !== undefined && !p.isMultipleOf(instrument.tickSize)) {
    throw new ModelError(
      path,
      `${p} is not on the tick grid of ${instrument.id} (tick ${instrument.tickSize})`,
    );
  }
  return p;
}

/** Refuses a quantity off the instrument's lot grid. */
export function onLot<Q extends Quantity | undefined>(
  q: Q,
  instrument: Instrument | undefined,
  path: string,
): Q {
  if (q !== undefined && instrument !== undefined && !q.isMultipleOf(instrument.lotSize)) {
    throw new ModelError(
      path,
      `${q} is not a multiple of the lot size of ${instrument.id} (lot ${instrument.lotSize})`,
    );
  }
  return q;
}

/** A model object under construction: optional fields are set only when present, never as `undefined`. */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

import { ModelError } from '../errors.js';
import { Decimal } from './decimal.js';
import { Rounding } from './rounding.js';
import type { Currency } from './currency.js';

/**
 * An amount of a currency, held at the currency's precision. Construction from a finer value rounds
 * half-even once; sums of Money stay exact because every operand already has the same precision.
 */
export class Money {
  private constructor(
    readonly amount: Decimal,
    readonly currency: Currency,
  ) {}

  static of(value: string | number | bigint | Decimal, currency: Currency, field = 'money'): Money {
    // Decimals are immutable: one already at the currency's precision is kept as the amount (as a plain
    // Decimal, so that a Price or Quantity never hides inside Money), with no copy and no rescaling.
    const d = value instanceof Decimal ? value : Decimal.from(value, field);
    if (d.scale === currency.precision && d.constructor === Decimal) return new Money(d, currency);
    return new Money(d.rescale(currency.precision, Rounding.HALF_EVEN), currency);
  }

  static zero(currency: Currency): Money {
    return new Money(Decimal.of(0n, currency.precision), currency);
  }

  add(other: Money): Money {
    this.sameCurrency(other);
    return new Money(this.amount.add(other.amount), this.currency);
  }

  sub(other: Money): Money {
    this.sameCurrency(other);
    return new Money(this.amount.sub(other.amount), this.currency);
  }

  neg(): Money {
    return new Money(this.amount.neg(), this.currency);
  }

  cmp(other: Money): -1 | 0 | 1 {
    this.sameCurrency(other);
    return this.amount.cmp(other.amount);
  }

  isZero(): boolean {
    return this.amount.isZero();
  }

  isNegative(): boolean {
    return this.amount.isNegative();
  }

  /** "12.50 USDT" */
  toString(): string {
    return `${this.amount.toString()} ${this.currency.code}`;
  }

  toJSON(): { amount: string; currency: string } {
    return { amount: this.amount.toString(), currency: this.currency.code };
  }

  private sameCurrency(other: Money): void {
    if (other.currency.code !== this.currency.code) {
      throw new ModelError('currency', `cannot combine ${this.currency.code} with ${other.currency.code}`);
    }
  }
}

import { ModelError } from '../errors.js';
import { Decimal, MAX_SCALE, checkScale, describe } from './decimal.js';
import { Rounding } from './rounding.js';

/**
 * A price with a fixed number of decimals (its precision). Arithmetic on prices yields plain
 * Decimals; `Price.from` turns a result back into a price, which is where precision is checked.
 */
export class Price extends Decimal {
  get precision(): number {
    return this.scale;
  }

  /** From a wire string ("42000.10"), an integer, a finite number or a Decimal. */
  static override from(value: string | number | bigint | Decimal, field = 'price'): Price {
    // A Decimal needs no intermediate copy: its units and scale are taken as they are.
    const d = value instanceof Decimal ? value : Decimal.from(value, field);
    if (d.scale > MAX_SCALE) throw new ModelError(field, `has more than ${MAX_SCALE} decimals`);
    return new Price(d.units, d.scale);
  }

  /** From scaled integer units: `Price.fromUnits(4200010n, 2)` is 42000.10. */
  static fromUnits(units: bigint, precision: number, field = 'price'): Price {
    checkScale(precision, field, MAX_SCALE);
    return new Price(units, precision);
  }

  /** Rounds a float from an indicator or a generator to a price of the given precision. */
  static fromNumber(value: number, precision: number, field = 'price'): Price {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new ModelError(field, `must be a finite number, got ${describe(value)}`);
    }
    return Price.from(Decimal.from(value, field).rescale(precision, Rounding.HALF_EVEN), field);
  }

  /** The same price at another precision (exact when raising; rounds half-even when lowering). */
  withPrecision(precision: number, mode: Rounding = Rounding.HALF_EVEN): Price {
    if (precision === this.scale) return this;
    const d = this.rescale(precision, mode);
    return new Price(d.units, d.scale);
  }
}

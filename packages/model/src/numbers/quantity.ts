import { ModelError } from '../errors.js';
import { Decimal, MAX_SCALE, checkScale, describe } from './decimal.js';
import { Rounding } from './rounding.js';

/** A non-negative amount of an instrument with a fixed number of decimals. */
export class Quantity extends Decimal {
  get precision(): number {
    return this.scale;
  }

  static override from(value: string | number | bigint | Decimal, field = 'quantity'): Quantity {
    // A Decimal needs no intermediate copy: its units and scale are taken as they are.
    const d = value instanceof Decimal ? value : Decimal.from(value, field);
    return Quantity.make(d.units, d.scale, field);
  }

  static fromUnits(units: bigint, precision: number, field = 'quantity'): Quantity {
    checkScale(precision, field, MAX_SCALE);
    return Quantity.make(units, precision, field);
  }

  static fromNumber(value: number, precision: number, field = 'quantity'): Quantity {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new ModelError(field, `must be a finite number, got ${describe(value)}`);
    }
    return Quantity.from(Decimal.from(value, field).rescale(precision, Rounding.HALF_EVEN), field);
  }

  static zero(precision = 0): Quantity {
    return new Quantity(0n, precision);
  }

  withPrecision(precision: number, mode: Rounding = Rounding.HALF_EVEN): Quantity {
    if (precision === this.scale) return this;
    const d = this.rescale(precision, mode);
    return new Quantity(d.units, d.scale);
  }

  private static make(units: bigint, scale: number, field: string): Quantity {
    if (units < 0n)
      throw new ModelError(field, `must not be negative, got ${Decimal.of(units, scale).toString()}`);
    if (scale > MAX_SCALE) throw new ModelError(field, `has more than ${MAX_SCALE} decimals`);
    return new Quantity(units, scale);
  }
}

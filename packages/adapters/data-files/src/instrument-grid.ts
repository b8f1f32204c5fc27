import { Price, Quantity, Rounding, type Decimal, type Instrument } from '@qubit/model';
import { CellError } from './cell-error.js';
import { isFloatNoiseOf, looksLikeFloatNoise, parseDecimalText } from './decimal-text.js';

/** What to do with a price or size finer than the instrument's tick or lot. */
export type OnOffGrid = 'error' | 'round';

/**
 * Turns the numbers of a file into the instrument's Price and Quantity. A value off the tick or lot
 * grid is an error unless `onOffGrid` is 'round' (half-even to the nearest step), with one exception
 * that is not rounding: a float printed in full ("0.07745453000000001", 16-17 significant digits)
 * within 4 ulps (2^-50 relative) of a grid value is that grid value, as it is the double nearest it
 * after some arithmetic; anything further off is still an error.
 */
export class InstrumentGrid {
  /** Values rounded to the grid under onOffGrid 'round'. */
  rounded = 0;
  /** Full float prints read as the grid value they stand for. */
  floatNoise = 0;

  constructor(
    readonly instrument: Instrument,
    readonly onOffGrid: OnOffGrid = 'error',
  ) {}

  price(text: string): Price {
    const d = this.toGrid(text, this.instrument.tickSize, 'tick grid', 'tick');
    return Price.fromUnits(d.rescale(this.instrument.pricePrecision).units, this.instrument.pricePrecision);
  }

  quantity(text: string): Quantity {
    const d = this.toGrid(text, this.instrument.lotSize, 'lot grid', 'lot');
    if (d.isNegative()) throw new CellError(`${text.trim()} is negative`);
    return Quantity.fromUnits(d.rescale(this.instrument.sizePrecision).units, this.instrument.sizePrecision);
  }

  /**
   * A bar's volume is a sum over many trades, often counted in other units (contracts, the quote
   * currency), so it is kept exactly as written rather than forced onto the lot grid.
   */
  volume(text: string): Quantity {
    const d = parseDecimalText(text);
    if (d === undefined) throw new CellError(`"${text}" is not a decimal number`);
    if (d.isNegative()) throw new CellError(`${text.trim()} is negative`);
    return Quantity.from(d.normalize());
  }

  zeroQuantity(): Quantity {
    return Quantity.zero(this.instrument.sizePrecision);
  }

  private toGrid(text: string, step: Decimal, grid: string, stepName: string): Decimal {
    const d = parseDecimalText(text);
    if (d === undefined) throw new CellError(`"${text}" is not a decimal number`);
    if (d.isMultipleOf(step)) return d.rescale(step.scale);
    const snapped = d.roundToStep(step, Rounding.HALF_EVEN);
    if (this.onOffGrid === 'round') {
      this.rounded++;
      return snapped;
    }
    if (looksLikeFloatNoise(text) && isFloatNoiseOf(d, snapped, step)) {
      this.floatNoise++;
      return snapped;
    }
    throw new CellError(
      `${text.trim()} is not on the ${grid} of ${this.instrument.id} (${stepName} ${step}); ` +
        `pass onOffGrid: 'round' for data whose grid is unknown`,
    );
  }
}

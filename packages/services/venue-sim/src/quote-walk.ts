import { SeededRandom } from '@qubit/engine';
import { ModelError, Price, Quantity, type Instrument, type QuoteTick, type UnixNanos } from '@qubit/model';

export interface QuoteWalkOptions {
  readonly instrument: Instrument;
  /** Where the walk starts: the mid of its first quote (rounded to the tick grid). */
  readonly startPrice: Price;
  /** Standard deviation of one step as a fraction of the price, e.g. 0.0002. */
  readonly volatility: number;
  /** The smallest size quoted on each side; sizes vary up to three times it, on the lot grid. */
  readonly size: Quantity;
  readonly seed: number;
}

/**
 * A seeded random walk of quotes on an instrument's grids. The walk moves in whole ticks (the step is drawn
 * as a float, then rounded to an integer number of ticks, so every price is exact); the spread is one to
 * three ticks; bid and ask sizes are drawn independently. The mid never falls below a few ticks.
 */
export class QuoteWalk {
  private readonly random: SeededRandom;
  private readonly tickUnits: bigint;
  private readonly lotUnits: bigint;
  private readonly sizeUnits: bigint;
  private midTicks: bigint;

  constructor(private readonly o: QuoteWalkOptions) {
    const inst = o.instrument;
    if (!Number.isFinite(o.volatility) || o.volatility < 0 || o.volatility > 0.5) {
      throw new ModelError('market.volatility', `must be a fraction in [0, 0.5], got ${o.volatility}`);
    }
    if (!(o.startPrice instanceof Price) || !o.startPrice.isPositive()) {
      throw new ModelError(`market.startPrice.${inst.id}`, 'must be a positive price');
    }
    if (!(o.size instanceof Quantity) || !o.size.isPositive() || !o.size.isMultipleOf(inst.lotSize)) {
      throw new ModelError(
        `market.quoteSize.${inst.id}`,
        `must be a positive multiple of the lot size ${inst.lotSize.toString()}, got ${String(o.size)}`,
      );
    }
    this.random = new SeededRandom(o.seed);
    this.tickUnits = inst.tickSize.rescale(inst.pricePrecision).units;
    this.lotUnits = inst.lotSize.rescale(inst.sizePrecision).units;
    this.sizeUnits = o.size.rescale(inst.sizePrecision).units;
    this.midTicks = this.toTicks(o.startPrice);
  }

  /** Continues from a quote (the last one the venue processed before a restart). */
  resumeFrom(quote: QuoteTick): void {
    this.midTicks = (this.toTicks(quote.bidPrice) + this.toTicks(quote.askPrice)) / 2n;
  }

  next(ts: UnixNanos): QuoteTick {
    const inst = this.o.instrument;
    const sigmaTicks = this.o.volatility * Number(this.midTicks);
    const step = BigInt(Math.round(this.random.normal() * sigmaTicks));
    this.midTicks += step;
    if (this.midTicks < 4n) this.midTicks = 4n;
    const spread = BigInt(this.random.int(1, 3));
    const bidTicks = this.midTicks - spread / 2n;
    const askTicks = bidTicks + spread;
    return {
      type: 'QuoteTick',
      instrumentId: inst.id,
      bidPrice: Price.fromUnits(bidTicks * this.tickUnits, inst.pricePrecision),
      askPrice: Price.fromUnits(askTicks * this.tickUnits, inst.pricePrecision),
      bidSize: this.drawSize(),
      askSize: this.drawSize(),
      tsEvent: ts,
      tsInit: ts,
    };
  }

  private drawSize(): Quantity {
    const lots = this.sizeUnits / this.lotUnits;
    const extra = BigInt(Math.floor(this.random.next() * Number(lots * 2n + 1n)));
    return Quantity.fromUnits((lots + extra) * this.lotUnits, this.o.instrument.sizePrecision);
  }

  private toTicks(p: Price): bigint {
    const units = p.rescale(this.o.instrument.pricePrecision).units;
    return units / this.tickUnits;
  }
}

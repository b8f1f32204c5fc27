import { ModelError } from '../errors.js';
import { BarAggregation } from '../enums/bar-aggregation.js';
import { PriceType } from '../enums/price-type.js';
import { InstrumentId } from '../identifiers/instrument-id.js';
import { NANOS_PER_DAY, NANOS_PER_HOUR, NANOS_PER_MINUTE, NANOS_PER_SECOND, type UnixNanos } from '../time.js';

/** What a series of bars is: instrument, step and aggregation (and the price it is built from). */
export interface BarType {
  readonly instrumentId: InstrumentId;
  readonly step: number;
  readonly aggregation: BarAggregation;
  readonly priceType: PriceType;
}

/** "BTCUSDT.BINANCE-1-MINUTE-LAST", Nautilus's spelling. */
export function barTypeToString(t: BarType): string {
  return `${t.instrumentId}-${t.step}-${t.aggregation}-${t.priceType}`;
}

export function parseBarType(text: string, field = 'bar_type'): BarType {
  if (typeof text !== 'string') throw new ModelError(field, 'expected a string such as BTCUSDT.BINANCE-1-MINUTE-LAST');
  const parts = text.split('-');
  if (parts.length < 4) throw new ModelError(field, `"${text}" is not INSTRUMENT-STEP-AGGREGATION-PRICE_TYPE`);
  const priceType = parts.pop() as PriceType;
  const aggregation = parts.pop() as BarAggregation;
  const stepText = parts.pop() ?? '';
  if (!/^[1-9]\d*$/.test(stepText)) throw new ModelError(`${field}.step`, `"${stepText}" is not a positive integer`);
  const step = Number(stepText);
  const instrumentId = InstrumentId(parts.join('-'), field);
  return makeBarType(instrumentId, step, aggregation, priceType, field);
}

export function makeBarType(
  instrumentId: InstrumentId,
  step: number,
  aggregation: BarAggregation,
  priceType: PriceType = PriceType.LAST,
  field = 'bar_type',
): BarType {
  if (!Number.isInteger(step) || step <= 0) throw new ModelError(`${field}.step`, `must be a positive integer, got ${step}`);
  if (!Object.values(BarAggregation).includes(aggregation)) {
    throw new ModelError(`${field}.aggregation`, `"${aggregation}" is not one of ${Object.values(BarAggregation).join(', ')}`);
  }
  if (!Object.values(PriceType).includes(priceType)) {
    throw new ModelError(`${field}.price_type`, `"${priceType}" is not one of ${Object.values(PriceType).join(', ')}`);
  }
  return Object.freeze({ instrumentId, step, aggregation, priceType });
}

/** Length of one bar in nanoseconds for time aggregations; undefined for tick and volume bars. */
export function barIntervalNanos(t: BarType): UnixNanos | undefined {
  const unit = { SECOND: NANOS_PER_SECOND, MINUTE: NANOS_PER_MINUTE, HOUR: NANOS_PER_HOUR, DAY: NANOS_PER_DAY }[
    t.aggregation as 'SECOND'
  ];
  return unit === undefined ? undefined : unit * BigInt(t.step);
}

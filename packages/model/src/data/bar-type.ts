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

// Every bar of a series shares one BarType object and the kernel needs its name and length on every bar,
// so both are remembered per object. Only frozen objects (as makeBarType returns) are remembered: a
// plain object could still be changed after its name was taken.
// The last one asked about is kept apart: a backtest of one series asks about the same object each time.
const names = new WeakMap<BarType, string>();
const intervals = new WeakMap<BarType, UnixNanos | null>();
let lastNamed: BarType | undefined;
let lastName = '';
let lastTimed: BarType | undefined;
let lastInterval: UnixNanos | undefined;

/** "BTCUSDT.BINANCE-1-MINUTE-LAST", Nautilus's spelling. */
export function barTypeToString(t: BarType): string {
  if (t === lastNamed) return lastName;
  let name = names.get(t);
  if (name === undefined) {
    name = `${t.instrumentId}-${t.step}-${t.aggregation}-${t.priceType}`;
    if (!Object.isFrozen(t)) return name;
    names.set(t, name);
  }
  lastNamed = t;
  lastName = name;
  return name;
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
  if (t === lastTimed) return lastInterval;
  const known = intervals.get(t);
  let interval: UnixNanos | undefined;
  if (known !== undefined) interval = known ?? undefined;
  else {
    interval = computeBarInterval(t);
    if (!Object.isFrozen(t)) return interval;
    intervals.set(t, interval ?? null);
  }
  lastTimed = t;
  lastInterval = interval;
  return interval;
}

function computeBarInterval(t: BarType): UnixNanos | undefined {
  const unit = timeUnitNanos(t.aggregation);
  return unit === undefined ? undefined : unit * BigInt(t.step);
}

function timeUnitNanos(aggregation: string): UnixNanos | undefined {
  switch (aggregation) {
    case 'SECOND':
      return NANOS_PER_SECOND;
    case 'MINUTE':
      return NANOS_PER_MINUTE;
    case 'HOUR':
      return NANOS_PER_HOUR;
    case 'DAY':
      return NANOS_PER_DAY;
    default:
      return undefined;
  }
}

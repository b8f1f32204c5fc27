import {
  BarAggregation,
  InstrumentId,
  ModelError,
  PriceType,
  barIntervalNanos,
  barTypeToString,
  makeBarType,
  type BarType,
} from '@qubit/model';

/** "1m", "5m", "1h", "1d", "30s" as traders (and ccxt) write them. */
const SHORT = /^([1-9]\d*)(s|m|h|d)$/;
/** "1-MINUTE", "4-HOUR", as bot configs write them. */
const LONG = /^([1-9]\d*)-(SECOND|MINUTE|HOUR|DAY)$/;
const UNITS: Record<string, BarAggregation> = {
  s: BarAggregation.SECOND,
  m: BarAggregation.MINUTE,
  h: BarAggregation.HOUR,
  d: BarAggregation.DAY,
};

/**
 * The time-bar series a history request names: a BarType of the instrument, or a timeframe ("1m",
 * "1-MINUTE") meaning the instrument's LAST-price bars of that step. History is kept only of time bars:
 * tick and volume bars have no grid a venue could be asked about.
 */
export function historyBarType(
  instrumentId: string,
  timeframe: string | BarType,
  field = 'timeframe',
): BarType {
  const id = InstrumentId(instrumentId, 'instrumentId');
  let barType: BarType;
  if (typeof timeframe === 'object' && timeframe !== null) {
    barType = makeBarType(
      InstrumentId(timeframe.instrumentId, `${field}.instrumentId`),
      timeframe.step,
      timeframe.aggregation,
      timeframe.priceType,
      field,
    );
    if (barType.instrumentId !== id) {
      throw new ModelError(
        field,
        `${barTypeToString(barType)} is a bar type of ${barType.instrumentId}, not of ${id}`,
      );
    }
  } else {
    const text = typeof timeframe === 'string' ? timeframe.trim() : '';
    const short = SHORT.exec(text);
    const long = LONG.exec(text);
    if (short) barType = makeBarType(id, Number(short[1]), UNITS[short[2]!]!, PriceType.LAST, field);
    else if (long)
      barType = makeBarType(id, Number(long[1]), long[2] as BarAggregation, PriceType.LAST, field);
    else {
      throw new ModelError(
        field,
        `expected a timeframe such as 1m, 5m, 1h, 1d or 1-MINUTE, or a BarType, got ${JSON.stringify(timeframe)}`,
      );
    }
  }
  if (barIntervalNanos(barType) === undefined) {
    throw new ModelError(
      field,
      `${barTypeToString(barType)} is not a time bar; history is kept of time bars only`,
    );
  }
  return barType;
}

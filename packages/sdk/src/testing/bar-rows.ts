import {
  Decimal,
  ModelError,
  Price,
  Quantity,
  Rounding,
  barIntervalNanos,
  isoToNanos,
  millisToNanos,
  type Bar,
  type BarType,
  type Instrument,
  type UnixNanos,
} from '@qubit/model';

/** A bar as people write it in a test: open time in ms (or ISO string, or ns bigint) and OHLCV as strings or numbers. */
export interface BarRow {
  readonly time: number | string | bigint;
  readonly open: string | number;
  readonly high: string | number;
  readonly low: string | number;
  readonly close: string | number;
  readonly volume?: string | number;
}

/**
 * Converts rows to Bars of `barType`, on the instrument's grid (prices must be on the tick grid; an
 * off-grid value is an error naming the row). A bar's tsEvent is its close: open time + interval.
 */
export function barsFromRows(rows: readonly BarRow[], barType: BarType, instrument: Instrument): Bar[] {
  const interval = barIntervalNanos(barType) ?? 0n;
  return rows.map((r, i) => {
    const field = `bars[${i}]`;
    const open = rowTime(r.time, `${field}.time`);
    const px = (v: string | number, k: string): Price => {
      const p = Price.from(v, `${field}.${k}`);
      if (!p.isMultipleOf(instrument.tickSize)) {
        throw new ModelError(
          `${field}.${k}`,
          `${p} is not on the tick grid of ${instrument.id} (tick ${instrument.tickSize})`,
        );
      }
      return p.withPrecision(instrument.pricePrecision);
    };
    const bar: Bar = {
      type: 'Bar',
      barType,
      open: px(r.open, 'open'),
      high: px(r.high, 'high'),
      low: px(r.low, 'low'),
      close: px(r.close, 'close'),
      volume: Quantity.from(
        Decimal.from(r.volume ?? 0, `${field}.volume`).rescale(instrument.sizePrecision, Rounding.DOWN),
        `${field}.volume`,
      ),
      tsEvent: open + interval,
      tsInit: open + interval,
    };
    if (bar.high.lt(bar.low) || bar.high.lt(bar.open) || bar.high.lt(bar.close)) {
      throw new ModelError(
        `${field}.high`,
        `high ${bar.high} is below the open ${bar.open}, low ${bar.low} or close ${bar.close}`,
      );
    }
    if (bar.low.gt(bar.open) || bar.low.gt(bar.close)) {
      throw new ModelError(
        `${field}.low`,
        `low ${bar.low} is above the open ${bar.open} or close ${bar.close}`,
      );
    }
    return bar;
  });
}

function rowTime(t: number | string | bigint, field: string): UnixNanos {
  if (typeof t === 'bigint') return t;
  if (typeof t === 'number') return millisToNanos(t);
  if (typeof t === 'string') return isoToNanos(t, field);
  throw new ModelError(field, 'expected epoch milliseconds, an ISO string or nanoseconds as bigint');
}

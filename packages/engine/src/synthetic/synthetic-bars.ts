import {
  Decimal,
  Price,
  Quantity,
  Rounding,
  barIntervalNanos,
  type Bar,
  type BarType,
  type Instrument,
  type UnixNanos,
} from '@qubit/model';
import { SeededRandom } from './seeded-random.js';

export interface SyntheticBarsOptions {
  readonly instrument: Instrument;
  readonly barType: BarType;
  readonly count: number;
  readonly start: UnixNanos;
  readonly startPrice: number;
  /** Per-bar volatility of log returns, e.g. 0.002 for 1-minute crypto bars. */
  readonly volatility?: number;
  /** Per-bar drift of log returns. */
  readonly drift?: number;
  readonly seed?: number;
}

/**
 * A seeded geometric random walk with GARCH-like volatility clustering, as OHLCV bars on the instrument's
 * tick and lot grid. For demos and tests without market data; the market data plane has the full generator.
 */
export function syntheticBars(o: SyntheticBarsOptions): Bar[] {
  const rnd = new SeededRandom(o.seed ?? 42);
  const interval = barIntervalNanos(o.barType);
  if (interval === undefined)
    throw new RangeError('synthetic bars need a time aggregation (SECOND, MINUTE, HOUR, DAY)');
  const base = o.volatility ?? 0.002;
  let sigma = base;
  let price = o.startPrice;
  const bars: Bar[] = [];
  const tick = o.instrument.tickSize;
  const px = (v: number): Price =>
    Price.from(Decimal.from(Number(v.toPrecision(12))).roundToStep(tick, Rounding.HALF_EVEN)).withPrecision(
      o.instrument.pricePrecision,
    );
  for (let i = 0; i < o.count; i++) {
    const open = price;
    let high = open;
    let low = open;
    // Four sub-steps per bar give a plausible high/low range around the open→close move.
    for (let k = 0; k < 4; k++) {
      const shock = rnd.normal();
      sigma = Math.sqrt(
        0.000001 * base * base + 0.9 * sigma * sigma + 0.0999 * sigma * sigma * shock * shock,
      );
      price *= Math.exp((o.drift ?? 0) / 4 + (sigma / 2) * shock);
      high = Math.max(high, price);
      low = Math.min(low, price);
    }
    const volume = Quantity.from(
      Decimal.from(Number((1 + rnd.next() * 9).toFixed(6))).roundToStep(o.instrument.lotSize, Rounding.DOWN),
    ).withPrecision(o.instrument.sizePrecision);
    const ts = o.start + interval * BigInt(i + 1);
    const [op, hi, lo, cl] = [px(open), px(high), px(low), px(price)];
    bars.push({
      type: 'Bar',
      barType: o.barType,
      open: op,
      high: Price.from(hi.max(op).max(cl)),
      low: Price.from(lo.min(op).min(cl)),
      close: cl,
      volume,
      tsEvent: ts,
      tsInit: ts,
    });
  }
  return bars;
}

import { loadMarketDataFileSync } from '@qubit/adapter-data-files';
import { VN30F1M_HNX, instrumentFromSpec, type Instrument } from '@qubit/model';
import { Decimal, OrderType, Rounding, parseBotConfig, type Bar } from '@qubit/sdk';
import { runBot, type BotRunResult } from '@qubit/sdk/testing';
import { sharedDataFile, sharedDataSkipReason } from '@qubit/test-data';
import { describe, expect, it } from 'vitest';
import { overnightRange } from './overnight-range.js';
import { barsByClose, roundTrips, summary, type RoundTrip } from '@qubit/sdk/testing';

const FILE = 'vn30f/VN30F1M_5m_2023-01_2024-11.csv';
const skip = sharedDataSkipReason(FILE);
if (skip) console.warn(`overnight-range real-data test ${skip}`);

const STEP_NS = 300_000_000_000n;
const VIETNAM_MS = 7 * 3_600_000; // UTC+7 all year, no daylight saving
const config = parseBotConfig(overnightRange, {});
const [RANGE_START, RANGE_END, FLAT_AT] = [9 * 60, 9 * 60 + 30, 14 * 60 + 25];
/** Minutes of the day at which a market order is taken: the two continuous sessions. */
const continuous = (m: number): boolean => (m >= 540 && m < 690) || (m >= 780 && m < 870);

interface Placed {
  readonly day: string;
  readonly openMinute: number;
  readonly closeMinute: number;
}

/** Local day and minutes of each bar, by plain UTC+7 arithmetic (independent of the bot's Intl clock). */
function place(bar: Bar): Placed {
  const local = new Date(Number((bar.tsEvent - STEP_NS) / 1_000_000n) + VIETNAM_MS);
  const openMinute = local.getUTCHours() * 60 + local.getUTCMinutes();
  return { day: local.toISOString().slice(0, 10), openMinute, closeMinute: openMinute + 5 };
}

/** Each day's 09:00-09:30 range, from the bars that open at or after 09:00 and close by 09:30. */
function dayRanges(
  bars: readonly Bar[],
  placed: readonly Placed[],
): Map<string, { high: Decimal; low: Decimal }> {
  const out = new Map<string, { high: Decimal; low: Decimal }>();
  bars.forEach((b, i) => {
    const p = placed[i]!;
    if (p.openMinute < RANGE_START || p.closeMinute > RANGE_END) return;
    const r = out.get(p.day);
    if (!r) {
      if (p.openMinute === RANGE_START) out.set(p.day, { high: b.high, low: b.low });
      return;
    }
    out.set(p.day, { high: r.high.max(b.high), low: r.low.min(b.low) });
  });
  return out;
}

function load(instrument: Instrument): readonly Bar[] {
  return loadMarketDataFileSync(sharedDataFile(FILE)!, {
    instrument,
    kind: 'bars',
    barType: 'VN30F1M.HNX-5-MINUTE-LAST',
  }).data as readonly Bar[];
}

/** Checks every trade of a run against the rule; returns the trips. */
function checkTrades(r: BotRunResult, bars: readonly Bar[]): RoundTrip[] {
  const placed = bars.map(place);
  const ranges = dayRanges(bars, placed);
  const index = barsByClose(bars);
  const trips = roundTrips(r);
  const tick = r.instrument.tickSize;
  const days = new Set<string>();
  for (const t of trips) {
    const i = index.get(t.entryDecidedAt)!;
    const p = placed[i]!;
    const range = ranges.get(p.day)!;
    const long = t.side === 'long';
    // One trade a day, entered after the range and before 14:25, on the first in-session close that broke it.
    expect(days.has(p.day)).toBe(false);
    days.add(p.day);
    expect(p.closeMinute > RANGE_END && p.closeMinute < FLAT_AT && continuous(p.closeMinute)).toBe(true);
    expect(long ? bars[i]!.close.gt(range.high) : bars[i]!.close.lt(range.low)).toBe(true);
    for (let k = i - 1; k >= 0 && placed[k]!.day === p.day; k--) {
      const q = placed[k]!;
      if (q.closeMinute <= RANGE_END || !continuous(q.closeMinute)) continue;
      expect(bars[k]!.close.gt(range.high) || bars[k]!.close.lt(range.low)).toBe(false);
    }

    // Flat the same day, before the 14:30 closing auction.
    const filled = new Date(Number(t.exitFilledAt / 1_000_000n) + VIETNAM_MS);
    expect(filled.toISOString().slice(0, 10)).toBe(p.day);
    expect(filled.getUTCHours() * 60 + filled.getUTCMinutes()).toBeLessThan(14 * 60 + 30);

    const j = index.get(t.exitDecidedAt)!;
    const close = bars[j]!.close;
    const width = range.high.sub(range.low).mul(Decimal.from(config.takeProfitRange));
    const target = long
      ? t.entryPx.add(width).roundToStep(tick, Rounding.CEIL)
      : t.entryPx.sub(width).roundToStep(tick, Rounding.FLOOR);
    const stop = long ? range.low : range.high;
    if (t.exitReason === 'exit') {
      expect(t.exitOrderType).toBe(OrderType.MARKET);
      expect(placed[j]!.closeMinute).toBeGreaterThanOrEqual(FLAT_AT);
    } else if (t.exitReason === 'stop_loss') {
      if (t.exitOrderType === OrderType.STOP_MARKET) {
        expect(t.exitLevel!.eq(stop)).toBe(true);
        expect(long ? t.exitPx.lte(stop) : t.exitPx.gte(stop)).toBe(true);
      } else expect(long ? close.lte(stop) : close.gte(stop)).toBe(true);
    } else {
      expect(t.exitReason).toBe('take_profit');
      if (t.exitOrderType === OrderType.LIMIT) {
        expect(t.exitLevel!.eq(target)).toBe(true);
        expect(long ? t.exitPx.gte(target) : t.exitPx.lte(target)).toBe(true);
      } else expect(long ? close.gte(target) : close.lte(target)).toBe(true);
    }
  }
  return trips;
}

function report(label: string, trips: readonly RoundTrip[]): void {
  const byExit: Record<string, number> = {};
  for (const t of trips)
    byExit[`${t.exitReason}/${t.exitOrderType}`] = (byExit[`${t.exitReason}/${t.exitOrderType}`] ?? 0) + 1;
  console.info(
    `overnight-range VN30F1M 5m defaults, ${label}: ${JSON.stringify({ ...summary(trips), byExit })}`,
  );
}

describe('overnight-range over real VN30F1M 5-minute bars (2023-01 .. 2024-11)', () => {
  it.skipIf(skip)(
    'with the shipped VN30F1M and its ±7 % band: one trade a day, resting stop and target, flat before ATC',
    () => {
      const instrument = instrumentFromSpec(VN30F1M_HNX);
      const bars = load(instrument);
      const r = runBot(overnightRange, { bars, instrument, balances: { VND: '10000000000' } });
      expect(r.errors).toBe(0);
      expect(r.position.signedQty.isZero()).toBe(true);
      // The backtest sets each day's reference price (the previous day's last close), so the band only refuses
      // a level beyond ±7 % of it; such a level is then watched on closes.
      expect(r.denials.every((d) => d.reasonCode === 'PRICE_OUTSIDE_BAND')).toBe(true);
      const trips = checkTrades(r, bars);
      expect(trips.length).toBeGreaterThan(100);
      expect(r.denials.length).toBeLessThan(trips.length / 10);
      expect(trips.some((t) => t.exitOrderType === OrderType.STOP_MARKET)).toBe(true);
      expect(trips.some((t) => t.exitOrderType === OrderType.LIMIT)).toBe(true);
      report('shipped VN30F1M', trips);
      expect(Decimal.parse(summary(trips).netPnl).eq(r.pnl.total.amount)).toBe(true);
    },
  );

  it.skipIf(skip)('with resting stop and target on VN30F1M without its band', () => {
    const instrument = instrumentFromSpec({ ...VN30F1M_HNX, price_band: undefined });
    const bars = load(instrument);
    const r = runBot(overnightRange, { bars, instrument, balances: { VND: '10000000000' } });
    expect(r.errors).toBe(0);
    expect(r.denials).toEqual([]);
    expect(r.position.signedQty.isZero()).toBe(true);
    const trips = checkTrades(r, bars);
    expect(trips.some((t) => t.exitOrderType === OrderType.STOP_MARKET)).toBe(true);
    expect(trips.some((t) => t.exitOrderType === OrderType.LIMIT)).toBe(true);
    report('resting exits', trips);
    expect(Decimal.parse(summary(trips).netPnl).eq(r.pnl.total.amount)).toBe(true);
  });
});

import {
  Decimal,
  OrderSide,
  Rounding,
  defineBot,
  z,
  type Bot,
  type BotContext,
  type Instrument,
  type MarketSnapshot,
  type OrderIntent,
  type StopReason,
} from '@qubit/sdk';
import {
  barSubscriptions,
  cancelLeftoverOrders,
  closeAtEndOfData,
  closePosition,
  directionModeField,
  instrumentField,
  newExitLevel,
  quantityField,
  reachedWithoutOrder,
  syncExitOrder,
  type ExitLevel,
  type TradeSide,
} from '@qubit/sdk';
import { LocalClock, isTimeZone, minuteOfDay } from './local-time.js';

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
const wellFormed = (...times: string[]): boolean => times.every((t) => HHMM.test(t));
const hhmm = (what: string): z.ZodString =>
  z.string().regex(HHMM, `${what} must be a local time HH:MM such as 09:30`);

export const overnightRangeConfig = z
  .object({
    instrument: instrumentField('VN30F1M.HNX'),
    timeframe: z
      .string()
      .regex(/^\d+-(SECOND|MINUTE|HOUR)$/, 'must be an intraday bar such as 1-MINUTE, 5-MINUTE or 1-HOUR')
      .default('5-MINUTE')
      .describe('Bar step and aggregation (intraday: the range is made of these bars)'),
    quantity: quantityField(
      '1',
      'Order quantity in contracts (base units for spot and perpetuals); a multiple of the lot size',
    ),
    mode: directionModeField(
      'long_short',
      'long: only buy breaks above the range; long_short: also sell breaks below it',
    ),
    timeZone: z
      .string()
      .refine(isTimeZone, 'must be an IANA time zone such as Asia/Ho_Chi_Minh or UTC')
      .default('Asia/Ho_Chi_Minh')
      .describe('Time zone the range and flat times are written in (the bars carry UTC times)'),
    rangeStart: hhmm('rangeStart')
      .default('09:00')
      .describe('Local time the range opens: the first bar of the range opens then'),
    rangeEnd: hhmm('rangeEnd')
      .default('09:30')
      .describe('Local time the range closes; breaks count only after it'),
    flatAt: hhmm('flatAt')
      .default('14:25')
      .describe('Local time from which the bot is flat: no entries, and an open trade is closed at market'),
    takeProfitRange: z
      .number()
      .positive()
      .default(1)
      .describe('Take-profit distance from the entry price, in multiples of the range (high − low)'),
  })
  // zod still runs these when a time is malformed; that time already has its own error, so order is not judged.
  .refine((c) => !wellFormed(c.rangeStart, c.rangeEnd) || c.rangeStart < c.rangeEnd, {
    message: 'rangeEnd must be after rangeStart',
    path: ['rangeEnd'],
  })
  .refine((c) => !wellFormed(c.rangeEnd, c.flatAt) || c.rangeEnd < c.flatAt, {
    message: 'flatAt must be after rangeEnd',
    path: ['flatAt'],
  });

export type OvernightRangeConfig = z.output<typeof overnightRangeConfig>;

/** The day's range as the bot builds it (ctx.state, JSON). `high`/`low` stay unset until a bar opens at rangeStart. */
interface DayRange {
  day: string;
  high?: string;
  low?: string;
  complete: boolean;
}

/** The open trade (ctx.state, JSON): the day it belongs to and its two exit levels. */
interface RangeTrade {
  side: TradeSide;
  day: string;
  stop: ExitLevel;
  target: ExitLevel;
}

const RANGE_KEY = 'range';
const TRADE_KEY = 'trade';
const TRADED_DAY_KEY = 'tradedDay';
const UNIT_NS: Readonly<Record<string, bigint>> = {
  SECOND: 1_000_000_000n,
  MINUTE: 60_000_000_000n,
  HOUR: 3_600_000_000_000n,
};

/**
 * The exact rule. Times are local in `timeZone`; a bar is placed by its open time (tsEvent − step).
 *
 * Range: the highs and lows of the day's bars that open at or after rangeStart and close by rangeEnd; it
 * starts only with a bar opening exactly at rangeStart (a bot started mid-range skips the day) and is
 * complete at the close of the first bar ending at or after rangeEnd.
 *
 * Flat (and no order working), the range complete and wider than zero, the bar closing before flatAt, no
 * trade yet today, and the venue in a continuous session: close > range high → market BUY `quantity`
 * (reason entry); in long_short, close < range low → market SELL. One entry per local day.
 *
 * In a trade, from the first close after the fill: the stop is the other side of the range (long: range
 * low; short: range high) and the target is the entry avg price ± takeProfitRange × (high − low), rounded
 * away from the entry to the tick. Both rest at the venue as reduce-only orders (STOP_MARKET, reason
 * stop_loss; LIMIT, reason take_profit). On each close, first match wins: the bar closes at or after flatAt,
 * or on a later day → cancel both and exit at market, reason exit; the close is through a level whose order
 * is not working (not placed yet, or refused) → market exit, stop_loss or take_profit. Market orders are
 * sent only while the instrument's schedule (if it has one) is in a continuous session, and fill at the next
 * bar's open.
 */
export class OvernightRangeBot implements Bot<OvernightRangeConfig> {
  private readonly local: LocalClock;
  private readonly venueClocks = new Map<string, LocalClock>();
  private readonly stepNs: bigint;
  private readonly stepMinutes: number;
  private readonly rangeStart: number;
  private readonly rangeEnd: number;
  private readonly flatAt: number;
  private readonly takeProfit: Decimal;

  constructor(private readonly config: OvernightRangeConfig) {
    this.local = new LocalClock(config.timeZone);
    const [step, unit] = config.timeframe.split('-') as [string, string];
    this.stepNs = BigInt(step) * UNIT_NS[unit]!;
    this.stepMinutes = Number(this.stepNs) / 60e9;
    this.rangeStart = minuteOfDay(config.rangeStart);
    this.rangeEnd = minuteOfDay(config.rangeEnd);
    this.flatAt = minuteOfDay(config.flatAt);
    this.takeProfit = Decimal.from(config.takeProfitRange);
  }

  onTick(market: MarketSnapshot, ctx: BotContext<OvernightRangeConfig>): OrderIntent[] {
    const bar = market.bar;
    if (!bar) return [];
    const opened = this.local.at(bar.tsEvent - this.stepNs);
    const day = opened.day;
    const closeMinute = opened.minute + this.stepMinutes;
    const range = this.updateRange(ctx, day, opened.minute, closeMinute, bar.high, bar.low);
    const sessionOpen = this.continuousSession(market.instrument, ctx.now());

    const id = this.config.instrument;
    const position = ctx.position(id);
    const qty = position.signedQty;
    if (qty.isZero()) {
      ctx.state.delete(TRADE_KEY);
      // Exit orders left from the trade (the other of stop and target) are cleared first: decide next bar.
      if (cancelLeftoverOrders(ctx, id)) return [];
      if (!range.complete || range.high === undefined || range.low === undefined) return [];
      if (closeMinute >= this.flatAt || !sessionOpen || ctx.state.get<string>(TRADED_DAY_KEY) === day)
        return [];
      const high = Decimal.parse(range.high);
      const low = Decimal.parse(range.low);
      if (!high.gt(low)) return [];
      const side = bar.close.gt(high)
        ? OrderSide.BUY
        : this.config.mode === 'long_short' && bar.close.lt(low)
          ? OrderSide.SELL
          : undefined;
      if (!side) return [];
      ctx.state.set(TRADED_DAY_KEY, day);
      return [{ instrumentId: id, side, quantity: this.config.quantity, reason: 'entry' }];
    }

    if (!sessionOpen) return [];
    const long = qty.isPositive();
    const exit = (reason: string): OrderIntent[] => closePosition(ctx, id, reason);
    let trade = ctx.state.get<RangeTrade>(TRADE_KEY);
    if (!trade || trade.side !== (long ? 'long' : 'short')) {
      const tradeDay = ctx.state.get<string>(TRADED_DAY_KEY) ?? day;
      // Without that day's range the levels are unknown: a trade the bot cannot explain is closed.
      if (range.day !== tradeDay || range.high === undefined || range.low === undefined) return exit('exit');
      trade = this.newTrade(
        long,
        tradeDay,
        range.high,
        range.low,
        position.avgPx ?? bar.close,
        market.instrument.tickSize,
      );
    }
    if (trade.day !== day || closeMinute >= this.flatAt) {
      ctx.state.set(TRADE_KEY, trade);
      return exit('exit');
    }
    const stopHit = reachedWithoutOrder(ctx, id, 'stop', 'stop_loss', trade.stop, long, bar.close);
    const targetHit =
      !stopHit && reachedWithoutOrder(ctx, id, 'target', 'take_profit', trade.target, long, bar.close);
    if (stopHit || targetHit) {
      ctx.state.set(TRADE_KEY, trade);
      return exit(stopHit ? 'stop_loss' : 'take_profit');
    }
    const intents = [
      ...syncExitOrder(ctx, id, 'stop', 'stop_loss', trade.stop, qty),
      ...syncExitOrder(ctx, id, 'target', 'take_profit', trade.target, qty),
    ];
    ctx.state.set(TRADE_KEY, trade);
    return intents;
  }

  onStop(reason: StopReason, ctx: BotContext<OvernightRangeConfig>): OrderIntent[] {
    // Only the end of the data closes the trade: on any other stop the position keeps its resting exits.
    return closeAtEndOfData(reason, ctx, this.config.instrument);
  }

  health(): { ok: boolean; timeZone: string } {
    return { ok: true, timeZone: this.config.timeZone };
  }

  /** Folds one bar into the day's range (a new local day starts a new one) and stores it. */
  private updateRange(
    ctx: BotContext<OvernightRangeConfig>,
    day: string,
    openMinute: number,
    closeMinute: number,
    high: Decimal,
    low: Decimal,
  ): DayRange {
    const stored = ctx.state.get<DayRange>(RANGE_KEY);
    const range: DayRange = stored && stored.day === day ? stored : { day, complete: false };
    if (!range.complete) {
      const inside = openMinute >= this.rangeStart && closeMinute <= this.rangeEnd;
      if (inside && range.high === undefined && openMinute === this.rangeStart) {
        range.high = high.toString();
        range.low = low.toString();
      } else if (inside && range.high !== undefined && range.low !== undefined) {
        range.high = Decimal.parse(range.high).max(high).toString();
        range.low = Decimal.parse(range.low).min(low).toString();
      }
      if (closeMinute >= this.rangeEnd) range.complete = true;
      ctx.state.set(RANGE_KEY, range);
    }
    return range;
  }

  private newTrade(
    long: boolean,
    day: string,
    high: string,
    low: string,
    entry: Decimal,
    tick: Decimal,
  ): RangeTrade {
    const h = Decimal.parse(high);
    const l = Decimal.parse(low);
    const reach = h.sub(l).mul(this.takeProfit);
    const target = long
      ? entry.add(reach).roundToStep(tick, Rounding.CEIL)
      : entry.sub(reach).max(tick).roundToStep(tick, Rounding.FLOOR);
    return {
      side: long ? 'long' : 'short',
      day,
      stop: newExitLevel(long ? l : h),
      target: newExitLevel(target),
    };
  }

  /** True when market orders are taken now: always without a schedule, else inside a CONTINUOUS session. */
  private continuousSession(instrument: Instrument, ts: bigint): boolean {
    const schedule = instrument.schedule;
    if (!schedule) return true;
    let clock = this.venueClocks.get(schedule.timeZone);
    if (!clock) {
      clock = new LocalClock(schedule.timeZone);
      this.venueClocks.set(schedule.timeZone, clock);
    }
    const t = clock.at(ts);
    if (!schedule.weekdays.includes(t.weekday)) return false;
    return schedule.sessions.some(
      (s) => s.phase === 'CONTINUOUS' && t.minute >= minuteOfDay(s.start) && t.minute < minuteOfDay(s.end),
    );
  }
}

export const overnightRange = defineBot({
  name: 'overnight-range',
  version: '1.0.0',
  description:
    'Opening-range breakout: one trade a day on a break of the rangeStart–rangeEnd high or low, stop at the other side, target at k × range, flat at flatAt.',
  configSchema: overnightRangeConfig,
  subscriptions: (c) => barSubscriptions(c.instrument, c.timeframe),
  create: (c) => new OvernightRangeBot(c),
});

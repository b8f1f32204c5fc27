import {
  Atr,
  Decimal,
  Ema,
  OrderSide,
  defineBot,
  z,
  type Bot,
  type BotContext,
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
  rememberedTrade,
  stopLevelOnGrid,
  syncExitOrder,
  timeframeField,
  type ExitLevel,
  type TradeSide,
} from '@qubit/sdk';

export const trendFollowingConfig = z
  .object({
    instrument: instrumentField('BTCUSDT-PERP.BINANCE'),
    timeframe: timeframeField('1-MINUTE', 'Bar step and aggregation'),
    quantity: quantityField(
      '0.01',
      'Order quantity in base units (contracts for futures); a multiple of the lot size',
    ),
    mode: directionModeField('long', 'long: only long; long_short: also short breakdowns'),
    entryChannel: z
      .number()
      .int()
      .min(1)
      .default(20)
      .describe(
        'Enter when the close breaks the highest high (lowest low for a short) of the previous entryChannel bars',
      ),
    exitChannel: z
      .number()
      .int()
      .min(1)
      .default(10)
      .describe(
        'Exit a long when the close breaks the lowest low of the previous exitChannel bars (a short: highest high)',
      ),
    emaFast: z.number().int().min(1).default(20).describe('Fast EMA period; a long needs fast > slow'),
    emaSlow: z.number().int().min(2).default(50).describe('Slow EMA period; a short needs fast < slow'),
    atrPeriod: z.number().int().min(1).default(14).describe('ATR period (Wilder) for the trailing stop'),
    trailAtr: z
      .number()
      .positive()
      .default(3)
      .describe('Trailing stop distance, in ATRs, from the best high (long) or low (short) since the entry'),
  })
  .refine((c) => c.emaFast < c.emaSlow, {
    message: 'emaFast must be smaller than emaSlow',
    path: ['emaFast'],
  });

export type TrendFollowingConfig = z.output<typeof trendFollowingConfig>;

/** The open trade as the bot remembers it (ctx.state, JSON): it survives a restart. */
interface TrendTrade {
  side: TradeSide;
  /** Highest high (long) or lowest low (short) since the entry filled, as a decimal string. */
  extreme: string;
  /** Set once an ATR is known; only ever moves in the trade's favour. */
  stop?: ExitLevel;
}

const TRADE_KEY = 'trade';

/**
 * The exact rule. Channels exclude the current bar: high(N) is the highest high of the N bars before this
 * one, low(M) the lowest low of the M bars before it.
 *
 * Flat (and no order working), once the channel, both EMAs and the ATR are ready: close > high(entryChannel)
 * and EMA(fast) > EMA(slow) → market BUY `quantity` (reason entry); in long_short, close < low(entryChannel)
 * and EMA(fast) < EMA(slow) → market SELL.
 *
 * In a trade, on each close: extreme = the highest high (long) / lowest low (short) of the bars since the
 * fill, the fill bar included; the trailing stop = extreme ∓ trailAtr × ATR rounded away from the price to
 * the tick, and never loosened. It rests at the venue as a reduce-only STOP_MARKET (reason trailing_stop),
 * moved with ctx.modify as it trails. Then, first match wins: the close is through the stop while no stop
 * order is working (not placed yet, or refused) → market exit, trailing_stop; long: close < low(exitChannel)
 * (short: close > high(exitChannel)) → market exit, exit. A market exit cancels the resting stop first.
 * Market orders fill at the next bar's open.
 */
export class TrendFollowingBot implements Bot<TrendFollowingConfig> {
  private readonly highs: Decimal[] = [];
  private readonly lows: Decimal[] = [];
  private readonly window: number;
  private readonly fast: Ema;
  private readonly slow: Ema;
  private readonly atr: Atr;

  constructor(private readonly config: TrendFollowingConfig) {
    this.window = Math.max(config.entryChannel, config.exitChannel);
    this.fast = new Ema(config.emaFast);
    this.slow = new Ema(config.emaSlow);
    this.atr = new Atr(config.atrPeriod);
  }

  onTick(market: MarketSnapshot, ctx: BotContext<TrendFollowingConfig>): OrderIntent[] {
    const bar = market.bar;
    if (!bar) return [];
    const closeNum = bar.close.toNumber();
    const fast = this.fast.update(closeNum);
    const slow = this.slow.update(closeNum);
    const atr = this.atr.update(bar.high.toNumber(), bar.low.toNumber(), closeNum);
    // Channels of the bars before this one, so the window is read before this bar joins it.
    const entryHigh = this.extreme(this.highs, this.config.entryChannel, 1);
    const entryLow = this.extreme(this.lows, this.config.entryChannel, -1);
    const exitHigh = this.extreme(this.highs, this.config.exitChannel, 1);
    const exitLow = this.extreme(this.lows, this.config.exitChannel, -1);
    this.highs.push(bar.high);
    this.lows.push(bar.low);
    if (this.highs.length > this.window) {
      this.highs.shift();
      this.lows.shift();
    }

    const id = this.config.instrument;
    const position = ctx.position(id);
    const qty = position.signedQty;
    if (qty.isZero()) {
      ctx.state.delete(TRADE_KEY);
      // A stop left from the last trade (or an entry still in flight) is cleared first: decide next bar.
      if (cancelLeftoverOrders(ctx, id)) return [];
      if (fast === undefined || slow === undefined || atr === undefined) return [];
      if (entryHigh && bar.close.gt(entryHigh) && fast > slow) return [this.entry(OrderSide.BUY)];
      if (this.config.mode === 'long_short' && entryLow && bar.close.lt(entryLow) && fast < slow) {
        return [this.entry(OrderSide.SELL)];
      }
      return [];
    }

    const long = qty.isPositive();
    const trade = rememberedTrade<TrendTrade>(ctx, TRADE_KEY, long, (side) => ({
      side,
      extreme: (long ? bar.high : bar.low).toString(),
    }));
    const best = long
      ? Decimal.parse(trade.extreme).max(bar.high)
      : Decimal.parse(trade.extreme).min(bar.low);
    trade.extreme = best.toString();
    if (atr !== undefined) {
      const trail = stopLevelOnGrid(
        long,
        best.toNumber(),
        this.config.trailAtr * atr,
        market.instrument.tickSize,
      );
      if (!trade.stop) trade.stop = newExitLevel(trail);
      else {
        const previous = Decimal.parse(trade.stop.level);
        trade.stop.level = (long ? previous.max(trail) : previous.min(trail)).toString();
      }
    }
    const stopHit = reachedWithoutOrder(ctx, id, 'stop', 'trailing_stop', trade.stop, long, bar.close);
    const channelExit = long
      ? exitLow !== undefined && bar.close.lt(exitLow)
      : exitHigh !== undefined && bar.close.gt(exitHigh);
    if (stopHit || channelExit) {
      ctx.state.set(TRADE_KEY, trade);
      return closePosition(ctx, id, stopHit ? 'trailing_stop' : 'exit');
    }
    const intents = trade.stop ? syncExitOrder(ctx, id, 'stop', 'trailing_stop', trade.stop, qty) : [];
    ctx.state.set(TRADE_KEY, trade);
    return intents;
  }

  onStop(reason: StopReason, ctx: BotContext<TrendFollowingConfig>): OrderIntent[] {
    // Only the end of the data closes the trade: on any other stop the position keeps its resting stop.
    return closeAtEndOfData(reason, ctx, this.config.instrument);
  }

  health(): { ok: boolean; emaFast?: number; emaSlow?: number; atr?: number } {
    return { ok: true, emaFast: this.fast.value, emaSlow: this.slow.value, atr: this.atr.value };
  }

  /** Highest (sign 1) or lowest (sign −1) of the last `n` values, or undefined while fewer than `n` are known. */
  private extreme(values: readonly Decimal[], n: number, sign: 1 | -1): Decimal | undefined {
    if (values.length < n) return undefined;
    let out = values[values.length - n]!;
    for (let i = values.length - n + 1; i < values.length; i++) {
      const v = values[i]!;
      if (v.cmp(out) === sign) out = v;
    }
    return out;
  }

  private entry(side: OrderSide): OrderIntent {
    return { instrumentId: this.config.instrument, side, quantity: this.config.quantity, reason: 'entry' };
  }
}

export const trendFollowing = defineBot({
  name: 'trend-following',
  version: '1.0.0',
  description:
    'Donchian breakout confirmed by EMA fast > slow; exits on an ATR trailing stop or a break of the shorter exit channel.',
  configSchema: trendFollowingConfig,
  subscriptions: (c) => barSubscriptions(c.instrument, c.timeframe),
  create: (c) => new TrendFollowingBot(c),
});

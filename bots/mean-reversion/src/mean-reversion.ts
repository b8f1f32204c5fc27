import {
  Atr,
  BollingerBands,
  OrderSide,
  Rsi,
  defineBot,
  z,
  type BollingerBandsValue,
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

export const meanReversionConfig = z
  .object({
    instrument: instrumentField('BTCUSDT-PERP.BINANCE'),
    timeframe: timeframeField('1-MINUTE', 'Bar step and aggregation'),
    quantity: quantityField(
      '0.01',
      'Order quantity in base units (contracts for futures); a multiple of the lot size',
    ),
    mode: directionModeField(
      'long',
      'long: only buy stretches below the lower band; long_short: also sell stretches above the upper band',
    ),
    bbPeriod: z
      .number()
      .int()
      .min(2)
      .default(20)
      .describe('Bollinger Bands period: closes in the mean and deviation'),
    bbStdDev: z
      .number()
      .positive()
      .default(2)
      .describe('Bollinger Bands width: population standard deviations either side'),
    rsiPeriod: z.number().int().min(1).default(14).describe('RSI period (Wilder)'),
    rsiOversold: z.number().min(0).max(100).default(30).describe('A long needs RSI below this'),
    rsiOverbought: z.number().min(0).max(100).default(70).describe('A short needs RSI above this'),
    atrPeriod: z.number().int().min(1).default(14).describe('ATR period (Wilder) for the stop distance'),
    stopAtr: z.number().positive().default(2).describe('Stop-loss distance from the entry price, in ATRs'),
  })
  .refine((c) => c.rsiOversold < c.rsiOverbought, {
    message: 'rsiOversold must be below rsiOverbought',
    path: ['rsiOversold'],
  });

export type MeanReversionConfig = z.output<typeof meanReversionConfig>;

/** The open trade as the bot remembers it (ctx.state, JSON): it survives a restart. */
interface MeanReversionTrade {
  side: TradeSide;
  /** Set once an ATR is known; a restarted bot without one waits for it. */
  stop?: ExitLevel;
}

const TRADE_KEY = 'trade';

/**
 * The exact rule. Every bar close updates Bollinger Bands (bbPeriod, bbStdDev population deviations), RSI
 * (rsiPeriod) and ATR (atrPeriod).
 *
 * Flat (and no order working), once all three are ready: close < lower band and RSI < rsiOversold → market
 * BUY `quantity` (reason entry); in long_short, close > upper band and RSI > rsiOverbought → market SELL.
 *
 * In a trade, on each close: the stop is entry avg price ∓ stopAtr × ATR (ATR of the first close after the
 * fill), rounded away from the entry to the tick, resting at the venue as a reduce-only STOP_MARKET
 * (reason stop_loss) from that close on. Then, first match wins: the close is through the stop while no
 * stop order is working (not placed yet, or refused) → market exit, stop_loss; the close is back at or
 * beyond the middle band (long: close ≥ middle; short: close ≤ middle) → market exit, take_profit. A
 * market exit cancels the resting stop first. Market orders fill at the next bar's open.
 */
export class MeanReversionBot implements Bot<MeanReversionConfig> {
  private readonly bands: BollingerBands;
  private readonly rsi: Rsi;
  private readonly atr: Atr;
  private last: { bands?: BollingerBandsValue; rsi?: number } = {};

  constructor(private readonly config: MeanReversionConfig) {
    this.bands = new BollingerBands(config.bbPeriod, config.bbStdDev);
    this.rsi = new Rsi(config.rsiPeriod);
    this.atr = new Atr(config.atrPeriod);
  }

  onTick(market: MarketSnapshot, ctx: BotContext<MeanReversionConfig>): OrderIntent[] {
    const bar = market.bar;
    if (!bar) return [];
    const close = bar.close.toNumber();
    const bands = this.bands.update(close);
    const rsi = this.rsi.update(close);
    const atr = this.atr.update(bar.high.toNumber(), bar.low.toNumber(), close);
    this.last = { bands, rsi };

    const id = this.config.instrument;
    const position = ctx.position(id);
    const qty = position.signedQty;
    if (qty.isZero()) {
      ctx.state.delete(TRADE_KEY);
      // A stop left from the last trade (or an entry still in flight) is cleared first: decide next bar.
      if (cancelLeftoverOrders(ctx, id)) return [];
      if (!bands || rsi === undefined || atr === undefined) return [];
      if (close < bands.lower && rsi < this.config.rsiOversold) return [this.entry(OrderSide.BUY)];
      if (this.config.mode === 'long_short' && close > bands.upper && rsi > this.config.rsiOverbought) {
        return [this.entry(OrderSide.SELL)];
      }
      return [];
    }

    const long = qty.isPositive();
    const trade = rememberedTrade<MeanReversionTrade>(ctx, TRADE_KEY, long, (side) => ({ side }));
    if (!trade.stop && atr !== undefined) {
      const entry = (position.avgPx ?? bar.close).toNumber();
      trade.stop = newExitLevel(
        stopLevelOnGrid(long, entry, this.config.stopAtr * atr, market.instrument.tickSize),
      );
    }
    const stopHit = reachedWithoutOrder(ctx, id, 'stop', 'stop_loss', trade.stop, long, bar.close);
    const reverted = bands !== undefined && (long ? close >= bands.middle : close <= bands.middle);
    if (stopHit || reverted) {
      ctx.state.set(TRADE_KEY, trade);
      return closePosition(ctx, id, stopHit ? 'stop_loss' : 'take_profit');
    }
    const intents = trade.stop ? syncExitOrder(ctx, id, 'stop', 'stop_loss', trade.stop, qty) : [];
    ctx.state.set(TRADE_KEY, trade);
    return intents;
  }

  onStop(reason: StopReason, ctx: BotContext<MeanReversionConfig>): OrderIntent[] {
    // Only the end of the data closes the trade: on any other stop the position keeps its resting stop.
    return closeAtEndOfData(reason, ctx, this.config.instrument);
  }

  health(): { ok: boolean; lower?: number; middle?: number; upper?: number; rsi?: number } {
    const b = this.last.bands;
    return { ok: true, lower: b?.lower, middle: b?.middle, upper: b?.upper, rsi: this.last.rsi };
  }

  private entry(side: OrderSide): OrderIntent {
    return { instrumentId: this.config.instrument, side, quantity: this.config.quantity, reason: 'entry' };
  }
}

export const meanReversion = defineBot({
  name: 'mean-reversion',
  version: '1.0.0',
  description:
    'Bollinger Bands (20, 2) with an RSI filter: buys a close below the lower band with RSI < 30, exits at the middle band or on an ATR stop.',
  configSchema: meanReversionConfig,
  subscriptions: (c) => barSubscriptions(c.instrument, c.timeframe),
  create: (c) => new MeanReversionBot(c),
});

import {
  Atr,
  BollingerBands,
  Decimal,
  OrderSide,
  Rounding,
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
  closeReached,
  levelOnGrid,
  newExitLevel,
  syncExitOrder,
  workingExitOrder,
  type ExitLevel,
} from '@qubit/sdk';

export const meanReversionConfig = z
  .object({
    instrument: z.string().default('BTCUSDT-PERP.BINANCE').describe('Instrument to trade, SYMBOL.VENUE'),
    timeframe: z
      .string()
      .regex(/^\d+-(SECOND|MINUTE|HOUR|DAY)$/, 'must look like 1-MINUTE, 5-MINUTE, 1-HOUR or 1-DAY')
      .default('1-MINUTE')
      .describe('Bar step and aggregation'),
    quantity: z
      .string()
      .regex(/^\d+(\.\d+)?$/, 'must be a positive decimal string such as "0.01"')
      .default('0.01')
      .describe('Order quantity in base units (contracts for futures); a multiple of the lot size'),
    mode: z
      .enum(['long', 'long_short'])
      .default('long')
      .describe(
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
  side: 'long' | 'short';
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
      if (ctx.openOrders(id).length > 0) {
        // A stop left from the last trade (or an entry still in flight): clear it and decide next bar, so
        // an old reduce-only stop can never meet a new position.
        ctx.cancelAll(id);
        return [];
      }
      if (!bands || rsi === undefined || atr === undefined) return [];
      if (close < bands.lower && rsi < this.config.rsiOversold) return [this.entry(OrderSide.BUY)];
      if (this.config.mode === 'long_short' && close > bands.upper && rsi > this.config.rsiOverbought) {
        return [this.entry(OrderSide.SELL)];
      }
      return [];
    }

    const long = qty.isPositive();
    let trade = ctx.state.get<MeanReversionTrade>(TRADE_KEY);
    if (!trade || trade.side !== (long ? 'long' : 'short')) trade = { side: long ? 'long' : 'short' };
    if (!trade.stop && atr !== undefined) {
      const entry = (position.avgPx ?? bar.close).toNumber();
      const distance = this.config.stopAtr * atr;
      const tick = market.instrument.tickSize;
      trade.stop = newExitLevel(
        long
          ? levelOnGrid(entry - distance, tick, Rounding.FLOOR)
          : levelOnGrid(entry + distance, tick, Rounding.CEIL),
      );
    }
    const stopWorking = workingExitOrder(ctx, id, 'stop', 'stop_loss') !== undefined;
    const stopHit =
      trade.stop !== undefined &&
      !stopWorking &&
      closeReached('stop', long, bar.close, Decimal.parse(trade.stop.level));
    const reverted = bands !== undefined && (long ? close >= bands.middle : close <= bands.middle);
    if (stopHit || reverted) {
      ctx.state.set(TRADE_KEY, trade);
      ctx.cancelAll(id);
      return [
        {
          instrumentId: id,
          side: long ? OrderSide.SELL : OrderSide.BUY,
          quantity: qty.abs(),
          reduceOnly: true,
          reason: stopHit ? 'stop_loss' : 'take_profit',
        },
      ];
    }
    const intents = trade.stop ? syncExitOrder(ctx, id, 'stop', 'stop_loss', trade.stop, qty) : [];
    ctx.state.set(TRADE_KEY, trade);
    return intents;
  }

  onStop(reason: StopReason, ctx: BotContext<MeanReversionConfig>): OrderIntent[] {
    // Only the end of the data closes the trade: on any other stop the position keeps its resting stop.
    if (reason !== 'end_of_data') return [];
    const id = this.config.instrument;
    ctx.cancelAll(id);
    const qty = ctx.position(id).signedQty;
    if (qty.isZero()) return [];
    return [
      {
        instrumentId: id,
        side: qty.isPositive() ? OrderSide.SELL : OrderSide.BUY,
        quantity: qty.abs(),
        reduceOnly: true,
        reason: 'end_of_data',
      },
    ];
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
  subscriptions: (c) => ({ instruments: [c.instrument], barTypes: [`${c.instrument}-${c.timeframe}-LAST`] }),
  create: (c) => new MeanReversionBot(c),
});

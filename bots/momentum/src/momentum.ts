import {
  Atr,
  Decimal,
  OrderSide,
  Sma,
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

export const momentumConfig = z
  .object({
    instrument: instrumentField('BTCUSDT-PERP.BINANCE'),
    timeframe: timeframeField('1-MINUTE', 'Bar step and aggregation'),
    quantity: quantityField(
      '0.01',
      'Order quantity in base units (contracts for futures); a multiple of the lot size',
    ),
    mode: directionModeField('long', 'long: only long; long_short: also short on downside momentum'),
    lookback: z
      .number()
      .int()
      .min(1)
      .default(20)
      .describe('Bars the rate of change is measured over: roc = close / close lookback bars ago − 1'),
    entryThreshold: z
      .number()
      .positive()
      .max(1)
      .default(0.005)
      .describe('Enter long when roc ≥ this (short when roc ≤ −this), as a fraction: 0.005 = 0.5 %'),
    exitThreshold: z
      .number()
      .min(-1)
      .max(1)
      .default(0)
      .describe('Momentum has faded: exit a long when roc < this, a short when roc > −this'),
    volumePeriod: z
      .number()
      .int()
      .min(1)
      .default(20)
      .describe('Bars in the average volume the signal bar must beat'),
    volumeFactor: z
      .number()
      .positive()
      .default(1)
      .describe(
        'The signal bar’s volume must exceed volumeFactor × the average volume of the volumePeriod bars before it',
      ),
    atrPeriod: z.number().int().min(1).default(14).describe('ATR period (Wilder) for the stop distance'),
    stopAtr: z.number().positive().default(2).describe('Stop-loss distance from the entry price, in ATRs'),
    maxBarsHeld: z
      .number()
      .int()
      .min(1)
      .default(60)
      .describe('Time stop: exit after this many bar closes in the trade'),
  })
  .refine((c) => c.exitThreshold < c.entryThreshold, {
    message: 'exitThreshold must be below entryThreshold',
    path: ['exitThreshold'],
  });

export type MomentumConfig = z.output<typeof momentumConfig>;

/** The open trade as the bot remembers it (ctx.state, JSON): it survives a restart. */
interface MomentumTrade {
  side: TradeSide;
  /** Bar closes seen since the entry filled, this one included. */
  bars: number;
  /** Set once an ATR is known; a restarted bot without one waits for it. */
  stop?: ExitLevel;
}

const TRADE_KEY = 'trade';

/**
 * The exact rule. Every bar close: roc = close / close[lookback] − 1 (compared exactly, as close against
 * close[lookback] × (1 + threshold)); the volume is confirmed when this bar's volume > volumeFactor × the
 * mean volume of the volumePeriod bars before it.
 *
 * Flat (and no order working): roc ≥ entryThreshold with volume confirmed → market BUY `quantity` (reason
 * entry); in long_short, roc ≤ −entryThreshold with volume confirmed → market SELL. Nothing before the
 * lookback, the volume average and the ATR are all ready.
 *
 * In a trade, on each close: the stop is entry avg price ∓ stopAtr × ATR (ATR of the first close after
 * the fill), rounded away from the entry to the tick, and rests at the venue as a reduce-only
 * STOP_MARKET (reason stop_loss) from that close on. Then, first match wins: the close is through the
 * stop while no stop order is working (not placed yet, or refused) → market exit, stop_loss; momentum
 * faded (long: roc < exitThreshold; short: roc > −exitThreshold) → market exit, exit; the trade has
 * lasted maxBarsHeld closes → market exit, exit (the time stop). A market exit cancels the resting stop
 * first. Market orders fill at the next bar's open.
 */
export class MomentumBot implements Bot<MomentumConfig> {
  private readonly closes: Decimal[] = [];
  private readonly volume: Sma;
  private readonly atr: Atr;
  private readonly entryUp: Decimal;
  private readonly entryDown: Decimal;
  private readonly exitUp: Decimal;
  private readonly exitDown: Decimal;
  private readonly volumeFactor: Decimal;
  private lastRoc: number | undefined;

  constructor(private readonly config: MomentumConfig) {
    this.volume = new Sma(config.volumePeriod);
    this.atr = new Atr(config.atrPeriod);
    this.entryUp = Decimal.ONE.add(Decimal.from(config.entryThreshold));
    this.entryDown = Decimal.ONE.sub(Decimal.from(config.entryThreshold));
    this.exitUp = Decimal.ONE.add(Decimal.from(config.exitThreshold));
    this.exitDown = Decimal.ONE.sub(Decimal.from(config.exitThreshold));
    this.volumeFactor = Decimal.from(config.volumeFactor);
  }

  onTick(market: MarketSnapshot, ctx: BotContext<MomentumConfig>): OrderIntent[] {
    const bar = market.bar;
    if (!bar) return [];
    const { lookback } = this.config;
    const close = bar.close;
    this.closes.push(close);
    if (this.closes.length > lookback + 1) this.closes.shift();
    const past = this.closes.length === lookback + 1 ? this.closes[0] : undefined;
    this.lastRoc = past === undefined ? undefined : close.toNumber() / past.toNumber() - 1;
    // The bar is compared with the bars before it, so the average is updated after the comparison.
    const volumeConfirmed =
      this.volume.ready &&
      bar.volume.mulInt(this.config.volumePeriod).gt(this.volume.sum.mul(this.volumeFactor));
    this.volume.update(bar.volume);
    const atr = this.atr.update(bar.high.toNumber(), bar.low.toNumber(), close.toNumber());

    const id = this.config.instrument;
    const position = ctx.position(id);
    const qty = position.signedQty;
    if (qty.isZero()) {
      ctx.state.delete(TRADE_KEY);
      // A stop left from the last trade (or an entry still in flight) is cleared first: decide next bar.
      if (cancelLeftoverOrders(ctx, id)) return [];
      if (past === undefined || atr === undefined || !volumeConfirmed) return [];
      if (close.gte(past.mul(this.entryUp))) return [this.entry(OrderSide.BUY)];
      if (this.config.mode === 'long_short' && close.lte(past.mul(this.entryDown)))
        return [this.entry(OrderSide.SELL)];
      return [];
    }

    const long = qty.isPositive();
    const trade = rememberedTrade<MomentumTrade>(ctx, TRADE_KEY, long, (side) => ({ side, bars: 0 }));
    trade.bars += 1;
    if (!trade.stop && atr !== undefined) {
      const entry = (position.avgPx ?? close).toNumber();
      trade.stop = newExitLevel(
        stopLevelOnGrid(long, entry, this.config.stopAtr * atr, market.instrument.tickSize),
      );
    }
    const stopHit = reachedWithoutOrder(ctx, id, 'stop', 'stop_loss', trade.stop, long, close);
    const faded =
      past !== undefined && (long ? close.lt(past.mul(this.exitUp)) : close.gt(past.mul(this.exitDown)));
    const timeUp = trade.bars >= this.config.maxBarsHeld;
    if (stopHit || faded || timeUp) {
      ctx.state.set(TRADE_KEY, trade);
      return closePosition(ctx, id, stopHit ? 'stop_loss' : 'exit');
    }
    const intents = trade.stop ? syncExitOrder(ctx, id, 'stop', 'stop_loss', trade.stop, qty) : [];
    ctx.state.set(TRADE_KEY, trade);
    return intents;
  }

  onStop(reason: StopReason, ctx: BotContext<MomentumConfig>): OrderIntent[] {
    // Only the end of the data closes the trade: on any other stop the position keeps its resting stop.
    return closeAtEndOfData(reason, ctx, this.config.instrument);
  }

  health(): { ok: boolean; roc?: number; atr?: number } {
    return { ok: true, roc: this.lastRoc, atr: this.atr.value };
  }

  private entry(side: OrderSide): OrderIntent {
    return { instrumentId: this.config.instrument, side, quantity: this.config.quantity, reason: 'entry' };
  }
}

export const momentum = defineBot({
  name: 'momentum',
  version: '1.0.0',
  description:
    'Rate-of-change momentum confirmed by above-average volume; exits when momentum fades, on an ATR stop or after maxBarsHeld bars.',
  configSchema: momentumConfig,
  subscriptions: (c) => barSubscriptions(c.instrument, c.timeframe),
  create: (c) => new MomentumBot(c),
});

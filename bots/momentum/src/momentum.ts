import {
  Atr,
  Decimal,
  OrderSide,
  Rounding,
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
  closeReached,
  levelOnGrid,
  newExitLevel,
  syncExitOrder,
  workingExitOrder,
  type ExitLevel,
} from '@qubit/sdk';

export const momentumConfig = z
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
      .describe('long: only long; long_short: also short on downside momentum'),
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
  side: 'long' | 'short';
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
      if (ctx.openOrders(id).length > 0) {
        // A stop left from the last trade (or an entry still in flight): clear it and decide next bar, so
        // an old reduce-only stop can never meet a new position.
        ctx.cancelAll(id);
        return [];
      }
      if (past === undefined || atr === undefined || !volumeConfirmed) return [];
      if (close.gte(past.mul(this.entryUp))) return [this.entry(OrderSide.BUY)];
      if (this.config.mode === 'long_short' && close.lte(past.mul(this.entryDown)))
        return [this.entry(OrderSide.SELL)];
      return [];
    }

    const long = qty.isPositive();
    let trade = ctx.state.get<MomentumTrade>(TRADE_KEY);
    if (!trade || trade.side !== (long ? 'long' : 'short'))
      trade = { side: long ? 'long' : 'short', bars: 0 };
    trade.bars += 1;
    if (!trade.stop && atr !== undefined) {
      const entry = (position.avgPx ?? close).toNumber();
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
      closeReached('stop', long, close, Decimal.parse(trade.stop.level));
    const faded =
      past !== undefined && (long ? close.lt(past.mul(this.exitUp)) : close.gt(past.mul(this.exitDown)));
    const timeUp = trade.bars >= this.config.maxBarsHeld;
    if (stopHit || faded || timeUp) {
      ctx.state.set(TRADE_KEY, trade);
      ctx.cancelAll(id);
      return [
        {
          instrumentId: id,
          side: long ? OrderSide.SELL : OrderSide.BUY,
          quantity: qty.abs(),
          reduceOnly: true,
          reason: stopHit ? 'stop_loss' : 'exit',
        },
      ];
    }
    const intents = trade.stop ? syncExitOrder(ctx, id, 'stop', 'stop_loss', trade.stop, qty) : [];
    ctx.state.set(TRADE_KEY, trade);
    return intents;
  }

  onStop(reason: StopReason, ctx: BotContext<MomentumConfig>): OrderIntent[] {
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
  subscriptions: (c) => ({ instruments: [c.instrument], barTypes: [`${c.instrument}-${c.timeframe}-LAST`] }),
  create: (c) => new MomentumBot(c),
});

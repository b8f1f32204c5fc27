import {
  Decimal,
  OrderSide,
  barSubscriptions,
  closingIntent,
  defineBot,
  lastBarType,
  type Bot,
  type BotContext,
  type BotDefinition,
  type BotEvent,
  type BotHealth,
  type MarketSnapshot,
  type OrderIntent,
  type StopReason,
} from '@qubit/sdk';
import { FeatureExtractor, type FeatureSettings, type Features } from './features.js';
import { mlSignalConfig, type MlSignalConfig } from './ml-signal-config.js';
import { LOGISTIC_V1 } from './model-weights.js';
import { LogisticModel, type Prediction, type SignalModel } from './signal-model.js';
import { orderSize, type SizingRule } from './sizing.js';

type Ctx = BotContext<MlSignalConfig>;

/** Bars to wait after a refused order before trying again: risk would refuse the same order on the next bar. */
export const RETRY_BARS = 10;

const SIGNAL_VALUE = { BUY: 1, HOLD: 0, SELL: -1 } as const;

export function featureSettings(c: MlSignalConfig): FeatureSettings {
  return {
    rsiPeriod: c.rsi_period,
    macdFast: c.macd_fast,
    macdSlow: c.macd_slow,
    macdSignal: c.macd_signal,
    volPeriod: c.vol_period,
    volLongPeriod: c.vol_long_period,
    emaPeriod: c.ema_period,
    returnBars: c.return_bars,
  };
}

/**
 * Scores every closed bar with a SignalModel and trades the signal, one position at a time. The exact rule,
 * with no order of the bot's still open:
 * - BUY: a short is closed (reason exit); when not long, a long of the sized quantity is opened (reason entry);
 * - SELL: a long is closed (reason exit); in long_short mode, when not short, a short is opened (reason entry);
 * - HOLD: nothing. Orders are MARKET, filled at the next bar's open.
 * Each prediction is logged (debug each bar, info when the signal changes) and kept in the gauges ml_signal
 * (1 BUY, 0 HOLD, −1 SELL) and ml_signal_confidence.
 */
export class MlSignalBot implements Bot<MlSignalConfig> {
  private readonly extractor: FeatureExtractor;
  private readonly sizing: SizingRule;
  private readonly barType: string;
  private lastPrediction: Prediction | undefined;
  private lastFeatures: Features | undefined;
  private bars = 0;
  private retryAt = 0;

  constructor(
    private readonly config: MlSignalConfig,
    readonly model: SignalModel,
  ) {
    this.extractor = new FeatureExtractor(featureSettings(config));
    this.sizing =
      config.sizing === 'fixed'
        ? { kind: 'fixed', quantity: Decimal.parse(config.quantity, 'quantity') }
        : { kind: 'equity_fraction', fraction: Decimal.from(config.equity_fraction, 'equity_fraction') };
    this.barType = lastBarType(config.instrument, config.timeframe);
  }

  onStart(ctx: Ctx): void {
    // A restarted bot scores its first bar at once if the platform still holds enough history.
    for (const bar of ctx.bars(this.barType)) this.extractor.update(bar.close.toNumber());
  }

  onTick(market: MarketSnapshot, ctx: Ctx): OrderIntent[] {
    const bar = market.bar;
    if (!bar || market.instrumentId !== this.config.instrument) return [];
    this.bars++;
    const features = this.extractor.update(bar.close.toNumber());
    if (!features) return [];
    const prediction = this.model.predict(features);
    this.record(prediction, features, ctx);
    if (prediction.signal === 'HOLD' || this.bars < this.retryAt) return [];
    const id = this.config.instrument;
    if (ctx.openOrders(id).length > 0) return [];
    const pos = ctx.position(id).signedQty;
    const out: OrderIntent[] = [];
    const size = (): Decimal | undefined => {
      const q = orderSize(
        this.sizing,
        prediction.confidence,
        ctx.equity().amount,
        bar.close,
        ctx.instrument(id),
      );
      if (!q)
        ctx.log.warn(`no ${prediction.signal} entry: size rounds below one lot or the minimum notional`);
      return q;
    };
    if (prediction.signal === 'BUY') {
      if (pos.isPositive()) return [];
      if (pos.isNegative()) out.push(...closingIntent(id, pos, 'exit'));
      const q = size();
      if (q) out.push({ instrumentId: id, side: OrderSide.BUY, quantity: q, reason: 'entry' });
    } else {
      if (pos.isNegative()) return [];
      if (pos.isPositive()) out.push(...closingIntent(id, pos, 'exit'));
      if (this.config.mode === 'long_short') {
        const q = size();
        if (q) out.push({ instrumentId: id, side: OrderSide.SELL, quantity: q, reason: 'entry' });
      }
    }
    return out;
  }

  onEvent(event: BotEvent, ctx: Ctx): void {
    if (event.type !== 'OrderDenied' && event.type !== 'OrderRejected') return;
    this.retryAt = this.bars + RETRY_BARS;
    ctx.metrics.counter('ml_signal_orders_refused_total', 1, { type: event.type });
    ctx.log.warn(`order ${event.clientOrderId} refused (${event.reason}); next try in ${RETRY_BARS} bars`);
  }

  onStop(reason: StopReason, ctx: Ctx): OrderIntent[] {
    if (reason !== 'end_of_data') return [];
    return closingIntent(
      this.config.instrument,
      ctx.position(this.config.instrument).signedQty,
      'end_of_data',
    );
  }

  health(): BotHealth {
    return {
      ok: true,
      signal: this.lastPrediction?.signal,
      confidence: this.lastPrediction?.confidence,
      features: this.lastFeatures,
    };
  }

  private record(p: Prediction, features: Features, ctx: Ctx): void {
    const changed = p.signal !== this.lastPrediction?.signal;
    this.lastPrediction = p;
    this.lastFeatures = features;
    ctx.metrics.gauge('ml_signal', SIGNAL_VALUE[p.signal]);
    ctx.metrics.gauge('ml_signal_confidence', p.confidence);
    const fields = { signal: p.signal, confidence: p.confidence, ...features };
    if (changed) ctx.log.info(`signal ${p.signal} (confidence ${p.confidence.toFixed(3)})`, fields);
    else ctx.log.debug(`signal ${p.signal}`, fields);
  }
}

/** The ml-signal strategy around another model: same config, features and trading rule, a different predictor. */
export function mlSignalWith(
  name: string,
  makeModel: (config: MlSignalConfig) => SignalModel,
): BotDefinition<typeof mlSignalConfig> {
  return defineBot({
    name,
    version: '1.0.0',
    description: `ml-signal trading rule around the ${name} model`,
    configSchema: mlSignalConfig,
    subscriptions: (c) => barSubscriptions(c.instrument, c.timeframe),
    create: (c) => new MlSignalBot(c, makeModel(c)),
  });
}

export const mlSignal = defineBot({
  name: 'ml-signal',
  version: '1.0.0',
  description:
    'Scores each bar close with a logistic regression over RSI, MACD histogram, realised volatility, EMA slope and N-bar return; trades BUY/SELL signals at market, sized fixed or by equity × confidence.',
  configSchema: mlSignalConfig,
  subscriptions: (c) => barSubscriptions(c.instrument, c.timeframe),
  create: (c) => new MlSignalBot(c, new LogisticModel(c.model_weights ?? LOGISTIC_V1)),
});

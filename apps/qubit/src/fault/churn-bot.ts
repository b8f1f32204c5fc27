import {
  Decimal,
  OrderSide,
  OrderType,
  defineBot,
  z,
  type Bot,
  type BotContext,
  type OrderIntent,
} from '@qubit/sdk';

/**
 * The fault-injection bot: it trades on nearly every quote so that a kill at a random instant lands in
 * the middle of something — an order being journaled, sent, accepted, filled or canceled. It alternates
 * market buys and sells around a small inventory and keeps one resting limit order that it cancels after a
 * few quotes, so every kind of report is in flight at some point. It reads its position and open orders
 * from the context on every tick, so after a restart it carries on from whatever state recovery rebuilt.
 */
export const churnConfig = z.object({
  instrument: z.string().default('BTCUSDT.BINANCE'),
  quantity: z.string().default('0.001'),
  /** Inventory bound in multiples of `quantity`: above it, only sells; below minus it, only buys. */
  maxLots: z.number().int().min(1).default(5),
  /** Quotes a resting limit order lives before the bot cancels it. */
  restQuotes: z.number().int().min(1).default(4),
  /** false: the bot sends nothing (a run that only recovers and reconciles, to check the record at rest). */
  active: z.boolean().default(true),
});
export type ChurnConfig = z.output<typeof churnConfig>;

class ChurnBot implements Bot<ChurnConfig> {
  private quotes = 0;
  private restingSince = new Map<string, number>();
  /** Orders this run has asked to cancel: one request each (the venue rejects the second). */
  private canceled = new Set<string>();

  constructor(private readonly c: ChurnConfig) {}

  onTick(market: Parameters<Bot['onTick']>[0], ctx: BotContext<ChurnConfig>): OrderIntent[] {
    if (!this.c.active || !market.quote || !market.bid || !market.ask) return [];
    this.quotes++;
    const open = ctx.openOrders(this.c.instrument);
    for (const o of open) {
      const since = this.restingSince.get(o.clientOrderId) ?? this.quotes;
      this.restingSince.set(o.clientOrderId, since);
      if (o.orderType !== OrderType.LIMIT || this.canceled.has(o.clientOrderId)) continue;
      if (this.quotes - since >= this.c.restQuotes) {
        this.canceled.add(o.clientOrderId);
        ctx.cancel(o.clientOrderId);
      }
    }
    if (this.restingSince.size > 1000) this.restingSince.clear();
    if (this.canceled.size > 1000) this.canceled.clear();
    if (open.some((o) => o.orderType === OrderType.MARKET)) return [];
    const lots = ctx.position(this.c.instrument).signedQty.div(Decimal.parse(this.c.quantity), 0).toNumber();
    const out: OrderIntent[] = [];
    const buy = lots >= this.c.maxLots ? false : lots <= -this.c.maxLots ? true : this.quotes % 2 === 0;
    out.push({
      instrumentId: this.c.instrument,
      side: buy ? OrderSide.BUY : OrderSide.SELL,
      quantity: this.c.quantity,
      reason: 'churn',
    });
    if (!open.some((o) => o.orderType === OrderType.LIMIT) && this.quotes % 3 === 0) {
      // A bid a tick or two under the market: it rests, and fills only if the walk comes down to it.
      out.push({
        instrumentId: this.c.instrument,
        side: OrderSide.BUY,
        orderType: OrderType.LIMIT,
        quantity: this.c.quantity,
        price: market.bid.sub(ctx.instrument(this.c.instrument).tickSize),
        reason: 'rest',
      });
    }
    return out;
  }

  /** Leaves nothing working at the venue: a resting order must not fill while the platform is down for good. */
  onStop(_reason: Parameters<NonNullable<Bot['onStop']>>[0], ctx: BotContext<ChurnConfig>): OrderIntent[] {
    ctx.cancelAll(this.c.instrument);
    return [];
  }
}

export const churnBot = defineBot({
  name: 'churn',
  version: '1.0.0',
  description:
    'Trades on nearly every quote (fault-injection and soak tests): market orders around a small inventory plus a resting limit order canceled after a few quotes.',
  configSchema: churnConfig,
  subscriptions: (c) => ({ instruments: [c.instrument] }),
  create: (c) => new ChurnBot(c),
});

export default churnBot;

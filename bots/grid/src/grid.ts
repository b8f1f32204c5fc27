import {
  Decimal,
  OrderSide,
  OrderType,
  Rounding,
  TimeInForce,
  barSubscriptions,
  closePosition,
  defineBot,
  type Bot,
  type BotContext,
  type BotEvent,
  type BotHealth,
  type MarketSnapshot,
  type OrderIntent,
  type StopReason,
} from '@qubit/sdk';
import { gridConfig, type GridConfig } from './grid-config.js';
import { buildLadder, lineIndex, type Ladder, type LadderSpec, type Rung } from './grid-ladder.js';

/** The ctx.state key of the reference price: the grid's centre must survive a restart unchanged. */
export const REFERENCE_KEY = 'reference';

/** What the grid would do now: orders it already has, orders it lacks, and its orders it should cancel. */
export interface GridPlan {
  readonly ladder: Ladder;
  readonly kept: number;
  readonly missing: readonly Rung[];
  readonly cancel: readonly string[];
}

const key = (side: OrderSide, index: number): string => `${side}:${index}`;

/**
 * Grid trading with resting LIMIT orders, reason "grid". The grid's state is its pivot line, which follows
 * from the bot's position (see buildLadder), so the bot never counts fills itself: on every bar close it
 * compares the orders the ladder wants with `ctx.openOrders()` and places only the missing ones, cancelling
 * its own grid orders that are duplicated or no longer wanted. A restarted instance therefore picks up
 * where the last one stopped: onStart reads the reference from ctx.state, and the first bar places only
 * the levels that are not already resting.
 */
export class GridBot implements Bot<GridConfig> {
  private spec: LadderSpec | undefined;
  private pricePrecision = 0;
  private disabled: string | undefined;
  /** Rungs submitted at the current position that are not open: denied or rejected, not retried until a fill. */
  private readonly attempted = new Set<string>();
  private attemptedAt: string | undefined;
  private readonly cancelling = new Set<string>();
  private lastLadder: Ladder | undefined;

  constructor(private readonly config: GridConfig) {}

  onStart(ctx: BotContext<GridConfig>): void {
    const stored = ctx.state.get<string>(REFERENCE_KEY);
    const reference = this.config.reference ?? stored;
    if (reference === undefined) return; // first start: the first close becomes the reference
    this.setUp(ctx, Decimal.parse(reference, 'reference'));
    const last = ctx.lastPrice(this.config.instrument);
    if (!this.spec || !last) return;
    const plan = this.plan(ctx);
    ctx.log.info('grid restored', {
      reference: this.spec.reference.toString(),
      pivot: plan.ladder.pivot,
      kept: plan.kept,
      missing: plan.missing.length,
      cancel: plan.cancel.length,
    });
  }

  onTick(market: MarketSnapshot, ctx: BotContext<GridConfig>): OrderIntent[] {
    if (!market.bar || this.disabled) return [];
    if (!this.spec) this.setUp(ctx, market.bar.close);
    if (!this.spec) return [];
    return this.reconcile(ctx, market.last ?? market.bar.close);
  }

  onEvent(event: BotEvent, ctx: BotContext<GridConfig>): void {
    if (event.type !== 'OrderDenied' && event.type !== 'OrderRejected') return;
    ctx.metrics.counter('grid_orders_refused_total', 1, { type: event.type });
    ctx.log.warn(`grid order ${event.clientOrderId} refused: ${event.reason}`, { code: event.reasonCode });
  }

  onStop(reason: StopReason, ctx: BotContext<GridConfig>): OrderIntent[] {
    const instrumentId = this.config.instrument;
    // A rollout or shutdown is a restart: the grid keeps resting and the next instance adopts it.
    if (reason === 'rollout' || reason === 'shutdown') return [];
    if (reason === 'end_of_data') return closePosition(ctx, instrumentId, 'end_of_data');
    ctx.cancelAll(instrumentId);
    return [];
  }

  health(): BotHealth {
    return {
      ok: this.disabled === undefined,
      error: this.disabled,
      reference: this.spec?.reference.toString(),
      step: this.spec?.step.toString(),
      pivot: this.lastLadder?.pivot,
      inventoryUnits: this.lastLadder?.units,
    };
  }

  /** The orders to keep, place and cancel given the position and open orders now (pure: sends nothing). */
  plan(ctx: BotContext<GridConfig>): GridPlan {
    const spec = this.spec;
    if (!spec) throw new Error('grid: plan() before the reference is known');
    const instrumentId = this.config.instrument;
    const ladder = buildLadder(spec, ctx.position(instrumentId).signedQty);
    const wanted = new Set(ladder.rungs.map((r) => key(r.side, r.index)));
    const claimed = new Set<string>();
    const cancel: string[] = [];
    for (const o of ctx.openOrders(instrumentId)) {
      if (o.reason !== 'grid') continue; // an exit or a manual order is not the grid's to manage
      const index = o.orderType === OrderType.LIMIT && o.price ? lineIndex(spec, o.price) : undefined;
      const k = index === undefined ? undefined : key(o.side, index);
      if (k !== undefined && wanted.has(k) && !claimed.has(k)) claimed.add(k);
      else cancel.push(o.clientOrderId);
    }
    const missing = ladder.rungs.filter((r) => !claimed.has(key(r.side, r.index)));
    return { ladder, kept: claimed.size, missing, cancel };
  }

  private reconcile(ctx: BotContext<GridConfig>, last: Decimal): OrderIntent[] {
    const instrumentId = this.config.instrument;
    const plan = this.plan(ctx);
    const ladder = plan.ladder;
    this.lastLadder = ladder;
    const positionKey = String(ladder.units) + ':' + ctx.position(instrumentId).signedQty.toString();
    if (positionKey !== this.attemptedAt) {
      this.attempted.clear();
      this.attemptedAt = positionKey;
    }
    const open = new Set(ctx.openOrders(instrumentId).map((o) => String(o.clientOrderId)));
    for (const id of this.cancelling) if (!open.has(id)) this.cancelling.delete(id);
    for (const id of plan.cancel) {
      if (this.cancelling.has(id)) continue;
      this.cancelling.add(id);
      ctx.cancel(id);
    }
    const out: OrderIntent[] = [];
    for (const r of plan.missing) {
      const k = key(r.side, r.index);
      if (this.attempted.has(k)) continue;
      this.attempted.add(k);
      const rests = r.side === OrderSide.BUY ? r.price.lte(last) : r.price.gte(last);
      out.push({
        instrumentId,
        side: r.side,
        orderType: OrderType.LIMIT,
        quantity: this.spec!.size,
        price: r.price.rescale(this.pricePrecision),
        timeInForce: TimeInForce.GTC,
        postOnly: this.config.post_only && rests,
        reduceOnly: r.closing,
        reason: 'grid',
      });
    }
    ctx.metrics.gauge('grid_pivot', ladder.pivot);
    ctx.metrics.gauge('grid_inventory_units', ladder.units);
    ctx.metrics.gauge('grid_orders_wanted', ladder.rungs.length);
    return out;
  }

  /** Fixes the grid's geometry on the instrument's grid, or disables the bot with the offending key named. */
  private setUp(ctx: BotContext<GridConfig>, rawReference: Decimal): void {
    const c = this.config;
    const instrument = ctx.instrument(c.instrument);
    const tick = instrument.tickSize;
    const size = Decimal.parse(c.quantity, 'quantity');
    if (!size.isMultipleOf(instrument.lotSize) || size.lt(instrument.minQuantity)) {
      return this.disable(
        ctx,
        `config.quantity: ${c.quantity} is not a multiple of the lot ${instrument.lotSize} of ${instrument.id} (minimum ${instrument.minQuantity})`,
      );
    }
    const reference = rawReference.roundToStep(tick, Rounding.HALF_EVEN);
    const pct = c.spacing.endsWith('%');
    const spacing = Decimal.parse(c.spacing.replace('%', ''), 'spacing');
    const rawStep = pct ? reference.mul(spacing).div(Decimal.from(100), reference.scale + 4) : spacing;
    const step = rawStep.roundToStep(tick, Rounding.HALF_EVEN);
    if (!step.isPositive()) {
      return this.disable(
        ctx,
        `config.spacing: ${c.spacing} is less than one tick (${tick}) of ${instrument.id}`,
      );
    }
    if (!pct && !step.eq(rawStep))
      ctx.log.warn(`spacing ${c.spacing} rounded to ${step}, the tick grid of ${instrument.id}`);
    const maxUnits =
      c.max_inventory === undefined
        ? c.levels
        : Number(Decimal.parse(c.max_inventory, 'max_inventory').div(size, 0, Rounding.DOWN).units);
    this.pricePrecision = instrument.pricePrecision;
    this.spec = {
      mode: c.mode,
      reference,
      step,
      size,
      levels: c.levels,
      maxUnits,
      lower: c.lower === undefined ? undefined : Decimal.parse(c.lower, 'lower'),
      upper: c.upper === undefined ? undefined : Decimal.parse(c.upper, 'upper'),
    };
    ctx.state.set(REFERENCE_KEY, reference.toString());
  }

  private disable(ctx: BotContext<GridConfig>, reason: string): void {
    this.disabled = reason;
    ctx.log.error(`grid disabled: ${reason}`);
  }
}

export const grid = defineBot({
  name: 'grid',
  version: '1.0.0',
  description:
    'Grid trading with resting limit orders one spacing apart: long (buys below a reference, each with a take-profit one spacing above) or neutral (market-making on both sides); rebuilds its grid from open orders and position on restart.',
  configSchema: gridConfig,
  subscriptions: (c) => barSubscriptions(c.instrument, c.timeframe),
  create: (c) => new GridBot(c),
});

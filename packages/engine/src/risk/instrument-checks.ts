import {
  Decimal,
  DenyReason,
  nanosToIso,
  notionalOf,
  priceBandAt,
  sessionAt,
  type Instrument,
  type TradingSchedule,
  type UnixNanos,
} from '@qubit/model';
import type { Cache } from '../cache/cache.js';
import { amount, deny, type Denial } from './denial.js';
import type { SubmitRate } from './risk-limits.js';
import type { RiskOrder } from './risk-order.js';
import { RateLimiters } from './rate-limiter.js';
import type { ScopeEntry, ScopeTable } from './scope-table.js';

/** The rules every instrument is held to, beyond what the instrument itself says. */
export interface InstrumentRules {
  /** Instrument ids or bare symbols allowed; absent means all. */
  readonly whitelist?: ReadonlySet<string>;
  /** Fat-finger collar as a fraction of the last price; null when off. */
  readonly collarPct: Decimal | null;
  readonly instrumentSubmitRate?: SubmitRate;
}

/**
 * Stage 1: what can be decided from the instrument and its market alone, so it runs partitioned by
 * instrument. Checks run cheapest and most fundamental first; the first failure is the denial.
 * The per-instrument rate counts orders that pass this stage (a later stage-2 denial still used a
 * slot: the safe direction for a rate limit).
 */
export class InstrumentChecks {
  private readonly rates = new RateLimiters();

  constructor(
    private readonly cache: Cache,
    private readonly scopes: ScopeTable,
    private readonly rules: () => InstrumentRules,
  ) {}

  check(order: RiskOrder, now: UnixNanos): Denial | undefined {
    const id = order.instrumentId;
    const inst = this.cache.instrument(id);
    if (!inst) return deny(DenyReason.INSTRUMENT_UNKNOWN, `instrument ${id} is not known`);
    const rules = this.rules();
    if (rules.whitelist && !rules.whitelist.has(id) && !rules.whitelist.has(inst.symbol)) {
      return deny(DenyReason.SYMBOL_NOT_WHITELISTED, `${id} is not on the trading whitelist`);
    }
    const sessionDenial = inst.schedule ? this.session(inst, inst.schedule, order, now) : undefined;
    if (sessionDenial) return sessionDenial;

    const { price, triggerPrice, quantity } = order;
    if (price && !price.isMultipleOf(inst.tickSize)) {
      return deny(
        DenyReason.PRICE_OFF_TICK,
        `price ${price} is not on the tick grid of ${id} (tick ${inst.tickSize})`,
      );
    }
    if (triggerPrice && !triggerPrice.isMultipleOf(inst.tickSize)) {
      return deny(
        DenyReason.PRICE_OFF_TICK,
        `trigger price ${triggerPrice} is not on the tick grid of ${id} (tick ${inst.tickSize})`,
      );
    }
    if (!quantity.isMultipleOf(inst.lotSize)) {
      return deny(
        DenyReason.QUANTITY_OFF_LOT,
        `quantity ${quantity} is not a multiple of the lot size ${inst.lotSize} of ${id}`,
      );
    }
    if (quantity.lt(inst.minQuantity)) {
      return deny(
        DenyReason.QUANTITY_BELOW_MIN,
        `quantity ${quantity} is below the minimum ${inst.minQuantity} for ${id}`,
      );
    }
    if (inst.maxQuantity && quantity.gt(inst.maxQuantity)) {
      return deny(
        DenyReason.QUANTITY_ABOVE_MAX,
        `quantity ${quantity} exceeds the maximum ${inst.maxQuantity} for ${id}`,
      );
    }
    const account = this.scopes.peekAccount(order.accountId);
    const bot = this.scopes.peekBot(order.botId);
    const qtyDenial =
      this.maxQuantity(this.scopes.global, quantity, id) ??
      (account && this.maxQuantity(account, quantity, id)) ??
      (bot && this.maxQuantity(bot, quantity, id));
    if (qtyDenial) return qtyDenial;

    const reference = price ?? triggerPrice ?? this.cache.lastPrice(id);
    if (!reference) {
      return deny(
        DenyReason.NO_REFERENCE_PRICE,
        `no price to value a ${order.orderType} order on ${id}: no last price yet`,
      );
    }
    const notional = notionalOf(inst, reference, quantity);
    const ccy = inst.quoteCurrency.code;
    if (inst.minNotional && notional.lt(inst.minNotional.amount)) {
      return deny(
        DenyReason.NOTIONAL_BELOW_MIN,
        `notional ${amount(notional)} ${ccy} is below the minimum ${inst.minNotional.amount.normalize()} for ${id}`,
      );
    }
    if (inst.maxNotional && notional.gt(inst.maxNotional.amount)) {
      return deny(
        DenyReason.NOTIONAL_ABOVE_MAX,
        `notional ${amount(notional)} ${ccy} exceeds max ${inst.maxNotional.amount.normalize()} for ${id}`,
      );
    }
    const notionalDenial =
      this.maxNotional(this.scopes.global, notional, ccy, id) ??
      (account && this.maxNotional(account, notional, ccy, id)) ??
      (bot && this.maxNotional(bot, notional, ccy, id));
    if (notionalDenial) return notionalDenial;

    if (inst.priceBand && (price || triggerPrice)) {
      const bandDenial = this.band(inst, order);
      if (bandDenial) return bandDenial;
    }
    if (rules.collarPct !== null && (price || triggerPrice)) {
      const collarDenial = this.collar(inst, order, rules.collarPct);
      if (collarDenial) return collarDenial;
    }
    const rate = rules.instrumentSubmitRate;
    if (rate) {
      if (!this.rates.allows(id, now, rate)) {
        return deny(
          DenyReason.INSTRUMENT_RATE_LIMIT,
          `${id} already had ${this.rates.count(id, now, rate.windowNs)} orders in the last ${windowText(rate.windowNs)} (max ${rate.count})`,
        );
      }
      this.rates.record(id, now, rate.windowNs);
    }
    return undefined;
  }

  private session(
    inst: Instrument,
    schedule: TradingSchedule,
    order: RiskOrder,
    now: UnixNanos,
  ): Denial | undefined {
    const s = sessionAt(schedule, now);
    if (!s)
      return deny(
        DenyReason.OUTSIDE_TRADING_SESSION,
        `${inst.id} is not in a trading session at ${nanosToIso(now)}`,
      );
    if (s.orderTypes && !s.orderTypes.includes(order.orderType)) {
      return deny(
        DenyReason.OUTSIDE_TRADING_SESSION,
        `session ${s.name} of ${inst.id} takes only ${s.orderTypes.join(', ')} orders, not ${order.orderType}`,
      );
    }
    return undefined;
  }

  private maxQuantity(entry: ScopeEntry, quantity: Decimal, id: string): Denial | undefined {
    const max = entry.limits.maxOrderQuantity;
    if (max === undefined || !quantity.gt(max)) return undefined;
    return deny(
      DenyReason.QUANTITY_ABOVE_MAX,
      `quantity ${quantity} exceeds max ${max} of ${entry.key} for ${id}`,
    );
  }

  private maxNotional(entry: ScopeEntry, notional: Decimal, ccy: string, id: string): Denial | undefined {
    const max = entry.limits.maxOrderNotional;
    if (max === undefined || !notional.gt(max)) return undefined;
    return deny(
      DenyReason.NOTIONAL_ABOVE_MAX,
      `notional ${amount(notional)} ${ccy} exceeds max ${max} of ${entry.key} for ${id}`,
    );
  }

  private band(inst: Instrument, order: RiskOrder): Denial | undefined {
    const reference = this.cache.referencePrice(inst.id);
    if (!reference) {
      return deny(DenyReason.NO_REFERENCE_PRICE, `no reference price for the daily price band of ${inst.id}`);
    }
    const band = priceBandAt(inst, reference);
    if (!band) return undefined;
    for (const [what, p] of [
      ['price', order.price],
      ['trigger price', order.triggerPrice],
    ] as const) {
      if (p && (p.lt(band.low) || p.gt(band.high))) {
        return deny(
          DenyReason.PRICE_OUTSIDE_BAND,
          `${what} ${p} is outside the daily band ${band.low}..${band.high} of ${inst.id} (reference ${reference})`,
        );
      }
    }
    return undefined;
  }

  private collar(inst: Instrument, order: RiskOrder, pct: Decimal): Denial | undefined {
    const last = this.cache.lastPrice(inst.id);
    if (!last) {
      return deny(
        DenyReason.NO_REFERENCE_PRICE,
        `no last price for ${inst.id} to check the ${pctText(pct)} price collar against`,
      );
    }
    const width = last.mul(pct);
    for (const [what, p] of [
      ['price', order.price],
      ['trigger price', order.triggerPrice],
    ] as const) {
      if (p && p.sub(last).abs().gt(width)) {
        return deny(
          DenyReason.PRICE_COLLAR,
          `${what} ${p} is more than ${pctText(pct)} away from the last price ${last} of ${inst.id}`,
        );
      }
    }
    return undefined;
  }
}

const HUNDRED = Decimal.from(100);

function pctText(fraction: Decimal): string {
  return `${fraction.mul(HUNDRED).normalize().toString()}%`;
}

function windowText(ns: bigint): string {
  return ns % 1_000_000_000n === 0n ? `${ns / 1_000_000_000n} s` : `${Number(ns) / 1e6} ms`;
}

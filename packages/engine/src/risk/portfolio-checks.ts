import {
  AccountType,
  Decimal,
  DenyReason,
  OrderSide,
  OrderStatus,
  Rounding,
  TradingState,
  notionalOf,
  type Instrument,
  type UnixNanos,
} from '@qubit/model';
import type { Cache } from '../cache/cache.js';
import type { PortfolioQueries } from '../portfolio/portfolio-queries.js';
import type { CircuitBreakers } from './circuit-breakers.js';
import { amount, deny, type Denial } from './denial.js';
import { feeEstimate, type Commitments, type OpenCommitments } from './open-commitments.js';
import { positionLimitFor } from './risk-limits.js';
import type { RiskOrder } from './risk-order.js';
import { SlidingWindow } from './rate-limiter.js';
import type { ScopeEntry, ScopeTable } from './scope-table.js';

export interface PortfolioChecksDeps {
  readonly cache: Cache;
  readonly portfolio: PortfolioQueries;
  readonly scopes: ScopeTable;
  readonly breakers: CircuitBreakers;
  readonly commitments: OpenCommitments;
  /** CASH or MARGIN for an account trading `instrument`. */
  readonly accountType: (accountId: string, instrument: Instrument) => AccountType;
}

/** What stage 2 learns about an order once, shared by the checks that need it. */
interface Context {
  readonly order: RiskOrder;
  readonly instrument: Instrument;
  readonly c: Commitments;
  readonly netAccount: Decimal;
  readonly netBot: Decimal;
  readonly reducesAccount: boolean;
  readonly reducesBot: boolean;
  /** This order's notional at its limit / trigger / last price (of what may still trade). */
  readonly notional: Decimal;
  accountGross?: Decimal | null;
  botGross?: Decimal | null;
  equity?: Decimal | null;
}

/**
 * Stage 2: what depends on the whole portfolio, so it runs partitioned by account. Every number the
 * portfolio cannot give (undefined) is a denial that says what was unknown: risk fails closed.
 * Orders that reduce a position skip the exposure, leverage, position and budget limits (they lower
 * risk) and, on margin accounts, the margin check; nothing skips a HALTED state.
 */
export class PortfolioChecks {
  constructor(private readonly deps: PortfolioChecksDeps) {}

  check(order: RiskOrder, now: UnixNanos): Denial | undefined {
    const { cache, portfolio, scopes } = this.deps;
    const accountId = order.accountId;
    if (!portfolio.hasAccount(accountId)) {
      return deny(DenyReason.ACCOUNT_UNKNOWN, `account ${accountId} is not known to the portfolio`);
    }
    const instrument = cache.instrument(order.instrumentId);
    if (!instrument)
      return deny(DenyReason.INSTRUMENT_UNKNOWN, `instrument ${order.instrumentId} is not known`);
    const base = portfolio.baseCurrency(accountId);
    if (!base)
      return deny(DenyReason.ACCOUNT_UNKNOWN, `the base currency of account ${accountId} is unknown`);
    if (base.code !== instrument.quoteCurrency.code) {
      // Limits, exposure and equity are in the account's base currency and the kernel has no FX rates.
      return deny(
        DenyReason.INVALID_ORDER,
        `${instrument.id} is quoted in ${instrument.quoteCurrency.code} but account ${accountId} is kept in ${base.code}; risk cannot convert between them`,
      );
    }
    if (!order.existing) {
      const duplicate = this.duplicate(order);
      if (duplicate) return duplicate;
    }
    const g = scopes.global;
    const a = scopes.peekAccount(accountId);
    const b = scopes.peekBot(order.botId);
    const entries = [g, a, b] as const;
    for (const e of entries) {
      if (e?.state === TradingState.HALTED) {
        return deny(DenyReason.TRADING_HALTED, `trading is HALTED for ${e.key}`);
      }
    }

    const c = this.deps.commitments.of(order, instrument, now);
    const netAccount = portfolio.netQty(accountId, order.instrumentId);
    const netBot = portfolio.netQty(accountId, order.instrumentId, order.botId);
    const reducesAccount = reduces(order, netAccount, c.sameSideAccount);
    const reducesBot = reduces(order, netBot, c.sameSideBot);
    // A bot in REDUCING is judged by its own sub-ledger; an account or the global scope by the account's position.
    for (const e of entries) {
      if (e?.state !== TradingState.REDUCING) continue;
      const isBot = e.scope.kind === 'bot';
      if (isBot ? reducesBot : reducesAccount) continue;
      const net = isBot ? netBot : netAccount;
      const open = isBot ? c.sameSideBot : c.sameSideAccount;
      return deny(
        DenyReason.REDUCE_ONLY_STATE,
        `${e.key} is REDUCING: ${order.side} ${order.leaves} ${order.instrumentId} does not reduce the net position ${net} (other open ${order.side} orders ${open})`,
      );
    }

    for (const e of entries) {
      const d = e && this.deps.breakers.dailyLoss(e, now);
      if (d) return d;
    }

    if (!order.existing) {
      const counts = [c.globalOpen, c.accountOpen, c.botOpen];
      for (let i = 0; i < 3; i++) {
        const e = entries[i];
        const max = e?.limits.maxOpenOrders;
        const n = counts[i]!;
        if (e && max !== undefined && n + 1 > max) {
          return deny(DenyReason.MAX_OPEN_ORDERS, `${e.key} already has ${n} open orders (max ${max})`);
        }
      }
    }
    for (const e of entries) {
      const rate = e?.limits.maxSubmitRate;
      if (!e || !rate) continue;
      const window = (e.submits ??= new SlidingWindow());
      if (!window.allows(now, rate)) {
        return deny(
          DenyReason.SUBMIT_RATE_LIMIT,
          `${e.key} already sent ${window.count(now, rate.windowNs)} orders in the last ${rate.windowNs / 1_000_000n} ms (max ${rate.count})`,
        );
      }
    }

    const reference = order.price ?? order.triggerPrice ?? cache.lastPrice(order.instrumentId);
    if (!reference) {
      return deny(
        DenyReason.NO_REFERENCE_PRICE,
        `no price to value a ${order.orderType} order on ${order.instrumentId}: no last price yet`,
      );
    }
    if (c.unpriced !== undefined) {
      return deny(
        DenyReason.NO_REFERENCE_PRICE,
        `open order ${c.unpriced} of account ${accountId} cannot be valued (no limit price and no last price), so its commitment is unknown`,
      );
    }
    const ctx: Context = {
      order,
      instrument,
      c,
      netAccount,
      netBot,
      reducesAccount,
      reducesBot,
      notional: notionalOf(instrument, reference, order.leaves),
    };
    for (const e of entries) {
      if (!e) continue;
      const d = this.position(ctx, e) ?? this.leverage(ctx, e) ?? this.exposure(ctx, e);
      if (d) return d;
    }
    if (b) {
      const d = this.budget(ctx, b);
      if (d) return d;
    }
    return this.balance(ctx);
  }

  /**
   * A new order whose client order id is taken: by an order past INITIALIZED (it went through risk
   * already), by one of another owner, or by an approval the cache does not show yet.
   */
  private duplicate(order: RiskOrder): Denial | undefined {
    const id = order.clientOrderId;
    if (this.deps.commitments.isPending(id)) {
      return deny(
        DenyReason.DUPLICATE_CLIENT_ORDER_ID,
        `client order id ${id} was already approved for another command`,
      );
    }
    const prior = this.deps.cache.order(id);
    if (prior) {
      const sameOwner =
        prior.accountId === order.accountId &&
        prior.botId === order.botId &&
        prior.instrumentId === order.instrumentId;
      if (prior.status === OrderStatus.INITIALIZED && sameOwner) return undefined;
      return deny(
        DenyReason.DUPLICATE_CLIENT_ORDER_ID,
        `client order id ${id} already belongs to a ${prior.status} order of ${prior.accountId}/${prior.botId} on ${prior.instrumentId}`,
      );
    }
    return undefined;
  }

  /** Records an approved order in the scope rates and the open commitments. */
  approve(order: RiskOrder, now: UnixNanos): void {
    const { scopes } = this.deps;
    this.recordSubmit(scopes.global, now);
    const a = scopes.peekAccount(order.accountId);
    if (a) this.recordSubmit(a, now);
    const b = scopes.peekBot(order.botId);
    if (b) this.recordSubmit(b, now);
    this.deps.commitments.approved(order, now);
  }

  private recordSubmit(e: ScopeEntry, now: UnixNanos): void {
    const rate = e.limits.maxSubmitRate;
    if (!rate) return;
    (e.submits ??= new SlidingWindow()).record(now, rate.windowNs);
  }

  private position(ctx: Context, e: ScopeEntry): Denial | undefined {
    const max = positionLimitFor(e.limits.maxPositionQty, ctx.order.instrumentId);
    if (max === undefined) return undefined;
    const isBot = e.scope.kind === 'bot';
    if (isBot ? ctx.reducesBot : ctx.reducesAccount) return undefined;
    const net = isBot ? ctx.netBot : ctx.netAccount;
    const open = isBot ? ctx.c.sameSideBot : ctx.c.sameSideAccount;
    const add = ctx.order.leaves.add(open);
    const resulting = ctx.order.side === OrderSide.BUY ? net.add(add) : net.sub(add);
    if (resulting.abs().lte(max)) return undefined;
    return deny(
      DenyReason.MAX_POSITION,
      `position in ${ctx.order.instrumentId} would reach ${resulting.normalize()} (net ${net.normalize()}, open ${open.normalize()}, order ${ctx.order.side} ${ctx.order.leaves}), above max ${max} of ${e.key}`,
    );
  }

  private leverage(ctx: Context, e: ScopeEntry): Denial | undefined {
    const max = e.limits.maxLeverage;
    if (max === undefined) return undefined;
    const isBot = e.scope.kind === 'bot';
    if (isBot ? ctx.reducesBot : ctx.reducesAccount) return undefined;
    const gross = isBot ? this.botGross(ctx) : this.accountGross(ctx);
    if (gross === null)
      return deny(
        DenyReason.MAX_LEVERAGE,
        `${grossOwner(ctx, isBot)} is unknown (a holding has no mark price)`,
      );
    const equity = this.equity(ctx);
    if (equity === null)
      return deny(DenyReason.MAX_LEVERAGE, `equity of account ${ctx.order.accountId} is unknown`);
    const after = gross.add(ctx.notional);
    if (!equity.isPositive()) {
      return deny(
        DenyReason.MAX_LEVERAGE,
        `equity of account ${ctx.order.accountId} is ${amount(equity)}: no room for leverage`,
      );
    }
    if (after.lte(max.mul(equity))) return undefined;
    return deny(
      DenyReason.MAX_LEVERAGE,
      `leverage would be ${after.div(equity, 2, Rounding.UP)} ((gross ${amount(gross)} + order ${amount(ctx.notional)}) / equity ${amount(equity)}), above max ${max} of ${e.key}`,
    );
  }

  private exposure(ctx: Context, e: ScopeEntry): Denial | undefined {
    const max = e.limits.maxGrossExposure;
    if (max === undefined) return undefined;
    const isBot = e.scope.kind === 'bot';
    if (isBot ? ctx.reducesBot : ctx.reducesAccount) return undefined;
    const gross = isBot ? this.botGross(ctx) : this.accountGross(ctx);
    if (gross === null)
      return deny(
        DenyReason.MAX_EXPOSURE,
        `${grossOwner(ctx, isBot)} is unknown (a holding has no mark price)`,
      );
    const after = gross.add(ctx.notional);
    if (after.lte(max)) return undefined;
    return deny(
      DenyReason.MAX_EXPOSURE,
      `gross exposure would be ${amount(after)} (now ${amount(gross)} + order ${amount(ctx.notional)}), above max ${max} of ${e.key}`,
    );
  }

  private budget(ctx: Context, b: ScopeEntry): Denial | undefined {
    const budget = b.limits.budget;
    if (budget === undefined || ctx.reducesBot) return undefined;
    const gross = this.botGross(ctx);
    if (gross === null)
      return deny(DenyReason.BOT_BUDGET, `${grossOwner(ctx, true)} is unknown (a holding has no mark price)`);
    const after = gross.add(ctx.c.botNotional).add(ctx.notional);
    if (after.lte(budget)) return undefined;
    return deny(
      DenyReason.BOT_BUDGET,
      `bot ${ctx.order.botId} would use ${amount(after)} (exposure ${amount(gross)} + open orders ${amount(ctx.c.botNotional)} + order ${amount(ctx.notional)}), above its budget ${budget}`,
    );
  }

  private balance(ctx: Context): Denial | undefined {
    const { order, instrument, c } = ctx;
    const { portfolio } = this.deps;
    const accountId = order.accountId;
    if (this.deps.accountType(accountId, instrument) === AccountType.CASH) {
      if (order.side === OrderSide.BUY) {
        const ccy = instrument.quoteCurrency.code;
        const free = portfolio.freeBalance(accountId, ccy);
        if (free === undefined)
          return deny(
            DenyReason.INSUFFICIENT_BALANCE,
            `free ${ccy} balance of account ${accountId} is unknown`,
          );
        const fee = feeEstimate(instrument, ctx.notional, order.leaves);
        const need = ctx.notional.add(fee).add(c.buyQuote);
        if (free.gte(need)) return undefined;
        return deny(
          DenyReason.INSUFFICIENT_BALANCE,
          `needs ${amount(need)} ${ccy} (order ${amount(ctx.notional)} + fee ${amount(fee)} + open buys ${amount(c.buyQuote)}) but ${amount(free)} ${ccy} is free in account ${accountId}`,
        );
      }
      const ccy = instrument.baseCurrency.code;
      const free = portfolio.freeBalance(accountId, ccy);
      if (free === undefined)
        return deny(
          DenyReason.INSUFFICIENT_BALANCE,
          `free ${ccy} balance of account ${accountId} is unknown`,
        );
      const need = order.leaves.add(c.sellBase);
      if (free.gte(need)) return undefined;
      return deny(
        DenyReason.INSUFFICIENT_BALANCE,
        `selling ${order.leaves} ${ccy} (plus ${c.sellBase.normalize()} in open sells) needs more than the ${free.normalize()} ${ccy} free in account ${accountId}`,
      );
    }
    if (ctx.reducesAccount) return undefined;
    const equity = this.equity(ctx);
    if (equity === null)
      return deny(DenyReason.INSUFFICIENT_BALANCE, `equity of account ${accountId} is unknown`);
    let positionMargin = Decimal.ZERO;
    for (const inst of this.deps.cache.instrumentValues()) {
      if (portfolio.netQty(accountId, inst.id).isZero()) continue;
      const e = portfolio.exposure(accountId, inst.id);
      if (e === undefined) {
        return deny(
          DenyReason.INSUFFICIENT_BALANCE,
          `exposure of account ${accountId} in ${inst.id} is unknown (no mark price)`,
        );
      }
      positionMargin = positionMargin.add(e.abs().mul(inst.marginInit));
    }
    const free = equity.sub(positionMargin).sub(c.orderMargin);
    const need = ctx.notional.mul(instrument.marginInit);
    if (free.gte(need)) return undefined;
    return deny(
      DenyReason.INSUFFICIENT_BALANCE,
      `needs margin ${amount(need)} but account ${accountId} has ${amount(free)} free (equity ${amount(equity)} - positions ${amount(positionMargin)} - open orders ${amount(c.orderMargin)})`,
    );
  }

  private accountGross(ctx: Context): Decimal | null {
    if (ctx.accountGross === undefined)
      ctx.accountGross = this.deps.portfolio.grossExposure(ctx.order.accountId) ?? null;
    return ctx.accountGross;
  }

  private botGross(ctx: Context): Decimal | null {
    if (ctx.botGross === undefined) {
      ctx.botGross = this.deps.portfolio.grossExposure(ctx.order.accountId, ctx.order.botId) ?? null;
    }
    return ctx.botGross;
  }

  private equity(ctx: Context): Decimal | null {
    if (ctx.equity === undefined) ctx.equity = this.deps.portfolio.equity(ctx.order.accountId) ?? null;
    return ctx.equity;
  }
}

/**
 * True when the order trades against the position and, with the other open orders on its side, can
 * at most close it: it lowers |net| and never flips it.
 */
export function reduces(order: RiskOrder, net: Decimal, openSameSide: Decimal): boolean {
  if (net.isZero()) return false;
  if ((order.side === OrderSide.SELL) !== net.isPositive()) return false;
  return order.leaves.add(openSameSide).lte(net.abs());
}

function grossOwner(ctx: Context, isBot: boolean): string {
  return isBot
    ? `gross exposure of bot ${ctx.order.botId} in account ${ctx.order.accountId}`
    : `gross exposure of account ${ctx.order.accountId}`;
}

import { Decimal, OrderSide, OrderStatus, type Instrument, type Price, type UnixNanos } from '@qubit/model';
import type { Cache } from '../cache/cache.js';
import type { RiskOrder } from './risk-order.js';

/**
 * What the working orders of an account already commit, so a new order is judged as if they all
 * filled. The cache knows the orders the ExecutionEngine has sent; an order approved a moment ago may
 * still be INITIALIZED there, or missing (the bus delivers the approval later, or in another
 * process), so approvals are remembered here until the cache counts them, or until `ttlNs` passes.
 */
export interface Commitments {
  /** Open orders of the account (this order excluded). */
  accountOpen: number;
  /** Open orders of the bot in any account, and of everyone, counting approvals not yet in the cache. */
  botOpen: number;
  globalOpen: number;
  /** Σ leaves of open orders on the same instrument and side: of the account, and of the bot. */
  sameSideAccount: Decimal;
  sameSideBot: Decimal;
  /** Σ notional of the bot's open orders in this account. */
  botNotional: Decimal;
  /** Cash accounts: quote currency held for open buys (notional + taker fee) in this order's quote currency. */
  buyQuote: Decimal;
  /** Cash accounts: base asset held for open sells of this order's base currency. */
  sellBase: Decimal;
  /** Margin accounts: Σ notional × initial margin of every open order. */
  orderMargin: Decimal;
  /** The first open order that could not be valued (no price and no last price), if any. */
  unpriced?: string;
}

interface Approval {
  readonly clientOrderId: string;
  readonly accountId: string;
  readonly botId: string;
  readonly instrumentId: string;
  readonly side: OrderSide;
  readonly leaves: Decimal;
  readonly price?: Price;
  readonly ts: UnixNanos;
}

interface ModifyTerms {
  readonly leaves: Decimal;
  readonly quantity: Decimal;
  readonly price?: Price;
  readonly triggerPrice?: Price;
  readonly ts: UnixNanos;
}

export class OpenCommitments {
  private readonly approvals = new Map<string, Approval>();
  private readonly modifies = new Map<string, ModifyTerms>();

  constructor(
    private readonly cache: Cache,
    private readonly ttlNs: bigint,
  ) {}

  /** Remembers an approved order until the cache counts it (a new order) or shows its new terms (a modify). */
  approved(order: RiskOrder, now: UnixNanos): void {
    if (order.existing) {
      this.modifies.set(order.clientOrderId, {
        leaves: order.leaves,
        quantity: order.quantity,
        price: order.price,
        triggerPrice: order.triggerPrice,
        ts: now,
      });
    } else {
      this.approvals.set(order.clientOrderId, {
        clientOrderId: order.clientOrderId,
        accountId: order.accountId,
        botId: order.botId,
        instrumentId: order.instrumentId,
        side: order.side,
        leaves: order.leaves,
        price: order.price ?? order.triggerPrice,
        ts: now,
      });
    }
  }

  /** True while an approved new order is remembered here (the cache does not count it yet). */
  isPending(clientOrderId: string): boolean {
    return this.approvals.has(clientOrderId);
  }

  /** Accounts with approved orders the cache does not count yet. */
  *pendingAccounts(): IterableIterator<string> {
    for (const a of this.approvals.values()) yield a.accountId;
  }

  /**
   * Drops approvals the cache now counts (the order left INITIALIZED: submitted, working or closed),
   * modifies it has applied, and anything older than the ttl.
   */
  sweep(now: UnixNanos): void {
    const cache = this.cache;
    if (this.approvals.size > 0) {
      for (const a of this.approvals.values()) {
        const o = cache.order(a.clientOrderId);
        if ((o !== undefined && o.status !== OrderStatus.INITIALIZED) || now - a.ts > this.ttlNs)
          this.approvals.delete(a.clientOrderId);
      }
    }
    if (this.modifies.size > 0) {
      for (const [id, m] of this.modifies) {
        const o = cache.order(id);
        if (
          !o ||
          o.isClosed ||
          now - m.ts > this.ttlNs ||
          (o.quantity.eq(m.quantity) &&
            samePrice(o.price, m.price) &&
            samePrice(o.triggerPrice, m.triggerPrice))
        ) {
          this.modifies.delete(id);
        }
      }
    }
  }

  /**
   * Sums what open orders commit, as seen by `order` (which is itself left out). Orders the cache holds
   * as INITIALIZED have not been through risk yet and commit nothing until approved: counting them
   * would let a burst of intents deny one another.
   */
  of(order: RiskOrder, instrument: Instrument, now: UnixNanos): Commitments {
    this.sweep(now);
    const c: Commitments = {
      accountOpen: 0,
      botOpen: 0,
      globalOpen: 0,
      sameSideAccount: Decimal.ZERO,
      sameSideBot: Decimal.ZERO,
      botNotional: Decimal.ZERO,
      buyQuote: Decimal.ZERO,
      sellBase: Decimal.ZERO,
      orderMargin: Decimal.ZERO,
    };
    const self = order.clientOrderId;
    for (const o of this.cache.openOrderValues()) {
      if (o.status === OrderStatus.INITIALIZED || o.clientOrderId === self) continue;
      c.globalOpen++;
      if (o.botId === order.botId) c.botOpen++;
      if (o.accountId !== order.accountId) continue;
      let leaves: Decimal = o.quantity.sub(o.filledQty);
      let price: Decimal | undefined = o.price ?? o.triggerPrice;
      const m = this.modifies.get(o.clientOrderId);
      if (m) {
        // The venue may still refuse the change: count whichever terms commit more.
        leaves = leaves.max(m.leaves);
        const mp = m.price ?? m.triggerPrice;
        price = price === undefined ? mp : mp === undefined ? price : price.max(mp);
      }
      this.add(c, order, instrument, o.clientOrderId, o.botId, o.instrumentId, o.side, leaves, price);
    }
    for (const a of this.approvals.values()) {
      const id = a.clientOrderId;
      if (id === self) continue;
      c.globalOpen++;
      if (a.botId === order.botId) c.botOpen++;
      if (a.accountId !== order.accountId) continue;
      this.add(c, order, instrument, id, a.botId, a.instrumentId, a.side, a.leaves, a.price);
    }
    return c;
  }

  private add(
    c: Commitments,
    order: RiskOrder,
    instrument: Instrument,
    id: string,
    botId: string,
    instrumentId: string,
    side: OrderSide,
    leaves: Decimal,
    limit: Decimal | undefined,
  ): void {
    c.accountOpen++;
    const sameBot = botId === order.botId;
    if (instrumentId === order.instrumentId && side === order.side) {
      c.sameSideAccount = c.sameSideAccount.add(leaves);
      if (sameBot) c.sameSideBot = c.sameSideBot.add(leaves);
    }
    const inst = instrumentId === instrument.id ? instrument : this.cache.instrument(instrumentId);
    const price = limit ?? this.cache.lastPrice(instrumentId);
    if (!inst || !price) {
      c.unpriced ??= id;
      return;
    }
    const notional = price.mul(leaves).mul(inst.multiplier);
    if (sameBot) c.botNotional = c.botNotional.add(notional);
    c.orderMargin = c.orderMargin.add(notional.mul(inst.marginInit));
    if (side === OrderSide.BUY) {
      if (inst.quoteCurrency.code === instrument.quoteCurrency.code) {
        c.buyQuote = c.buyQuote.add(notional).add(feeEstimate(inst, notional, leaves));
      }
    } else if (inst.baseCurrency.code === instrument.baseCurrency.code) {
      c.sellBase = c.sellBase.add(leaves);
    }
  }
}

/** Taker fee on notional (a rebate never counts in our favour) plus any per-contract fee. */
export function feeEstimate(instrument: Instrument, notional: Decimal, quantity: Decimal): Decimal {
  let fee = instrument.takerFee.isPositive() ? notional.mul(instrument.takerFee) : Decimal.ZERO;
  if (!instrument.feePerContract.isZero()) fee = fee.add(instrument.feePerContract.mul(quantity));
  return fee;
}

function samePrice(a: Decimal | undefined, b: Decimal | undefined): boolean {
  return a === undefined ? b === undefined : b !== undefined && a.eq(b);
}

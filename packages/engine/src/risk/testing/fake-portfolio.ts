import { Decimal, OrderSide, type Currency, type RiskScope } from '@qubit/model';
import type { Cache } from '../../cache/cache.js';
import type { PortfolioQueries } from '../../portfolio/portfolio-queries.js';

interface Book {
  readonly accountId: string;
  readonly botId: string;
  readonly instrumentId: string;
  qty: Decimal;
  /** Σ signed qty × price × multiplier paid so far: PnL = qty × mark × multiplier − cost − fees. */
  cost: Decimal;
  fees: Decimal;
}

interface Account {
  readonly baseCurrency: Currency;
  readonly cash: boolean;
  startEquity: Decimal;
  readonly balances: Map<string, Decimal>;
}

export interface FakeAccountOptions {
  readonly baseCurrency: Currency;
  /** Cash accounts move quote and base balances on fills; margin accounts only their PnL. */
  readonly cash: boolean;
  readonly equity: Decimal | string;
  readonly balances?: Readonly<Record<string, Decimal | string>>;
}

/** The numbers a test can make unknown, to see risk fail closed. */
export type Unknowable = 'equity' | 'gross' | 'pnl' | 'balance' | 'baseCurrency' | 'exposure';

/**
 * A small PortfolioQueries for risk tests: positions per (account, bot, instrument) with exact cost,
 * marks from the cache's last prices, PnL and equity derived from them. Not the real Portfolio: no
 * events, no FX, just enough bookkeeping to check risk against.
 */
export class FakePortfolio implements PortfolioQueries {
  private readonly accounts = new Map<string, Account>();
  private readonly books = new Map<string, Book>();
  readonly unknown = new Set<Unknowable>();

  constructor(private readonly cache: Cache) {}

  addAccount(accountId: string, options: FakeAccountOptions): void {
    const balances = new Map<string, Decimal>();
    for (const [ccy, v] of Object.entries(options.balances ?? {})) balances.set(ccy, Decimal.from(v));
    this.accounts.set(accountId, {
      baseCurrency: options.baseCurrency,
      cash: options.cash,
      startEquity: Decimal.from(options.equity),
      balances,
    });
  }

  setBalance(accountId: string, currency: string, value: Decimal | string): void {
    this.account(accountId).balances.set(currency, Decimal.from(value));
  }

  /** Moves equity by `delta` without a position, as a deposit or withdrawal would. */
  adjustEquity(accountId: string, delta: Decimal | string): void {
    const a = this.account(accountId);
    a.startEquity = a.startEquity.add(Decimal.from(delta));
  }

  /** Books one execution: position, cost and fees; on cash accounts also the quote and base balances. */
  fill(
    accountId: string,
    botId: string,
    instrumentId: string,
    side: OrderSide,
    quantity: Decimal,
    price: Decimal,
    fee: Decimal = Decimal.ZERO,
  ): void {
    const account = this.account(accountId);
    const instrument = this.cache.requireInstrument(instrumentId);
    const key = `${accountId}|${botId}|${instrumentId}`;
    let book = this.books.get(key);
    if (!book) {
      book = { accountId, botId, instrumentId, qty: Decimal.ZERO, cost: Decimal.ZERO, fees: Decimal.ZERO };
      this.books.set(key, book);
    }
    const signed = side === OrderSide.BUY ? quantity : quantity.neg();
    const value = signed.mul(price).mul(instrument.multiplier);
    book.qty = book.qty.add(signed);
    book.cost = book.cost.add(value);
    book.fees = book.fees.add(fee);
    if (account.cash) {
      const quote = instrument.quoteCurrency.code;
      const base = instrument.baseCurrency.code;
      account.balances.set(quote, (account.balances.get(quote) ?? Decimal.ZERO).sub(value).sub(fee));
      account.balances.set(base, (account.balances.get(base) ?? Decimal.ZERO).add(signed));
    }
  }

  hasAccount(accountId: string): boolean {
    return this.accounts.has(accountId);
  }

  baseCurrency(accountId: string): Currency | undefined {
    if (this.unknown.has('baseCurrency')) return undefined;
    return this.accounts.get(accountId)?.baseCurrency;
  }

  netQty(accountId: string, instrumentId: string, botId?: string): Decimal {
    let q = Decimal.ZERO;
    for (const b of this.books.values()) {
      if (
        b.accountId === accountId &&
        b.instrumentId === instrumentId &&
        (botId === undefined || b.botId === botId)
      ) {
        q = q.add(b.qty);
      }
    }
    return q;
  }

  exposure(accountId: string, instrumentId: string, botId?: string): Decimal | undefined {
    if (this.unknown.has('exposure')) return undefined;
    const q = this.netQty(accountId, instrumentId, botId);
    if (q.isZero()) return Decimal.ZERO;
    const mark = this.cache.lastPrice(instrumentId);
    if (!mark) return undefined;
    return q.abs().mul(mark).mul(this.cache.requireInstrument(instrumentId).multiplier);
  }

  grossExposure(accountId: string, botId?: string): Decimal | undefined {
    if (this.unknown.has('gross')) return undefined;
    let total = Decimal.ZERO;
    for (const b of this.books.values()) {
      if (b.accountId !== accountId || (botId !== undefined && b.botId !== botId) || b.qty.isZero()) continue;
      const mark = this.cache.lastPrice(b.instrumentId);
      if (!mark) return undefined;
      total = total.add(b.qty.abs().mul(mark).mul(this.cache.requireInstrument(b.instrumentId).multiplier));
    }
    return total;
  }

  equity(accountId: string): Decimal | undefined {
    if (this.unknown.has('equity')) return undefined;
    const a = this.accounts.get(accountId);
    if (!a) return undefined;
    const pnl = this.totalPnl({ kind: 'account', accountId });
    return pnl === undefined ? undefined : a.startEquity.add(pnl);
  }

  freeBalance(accountId: string, currency: string): Decimal | undefined {
    if (this.unknown.has('balance')) return undefined;
    const a = this.accounts.get(accountId);
    if (!a) return undefined;
    return a.balances.get(currency) ?? Decimal.ZERO;
  }

  totalPnl(scope: RiskScope): Decimal | undefined {
    if (this.unknown.has('pnl')) return undefined;
    let pnl = Decimal.ZERO;
    for (const b of this.books.values()) {
      if (scope.kind === 'account' && b.accountId !== scope.accountId) continue;
      if (scope.kind === 'bot' && b.botId !== scope.botId) continue;
      let value = Decimal.ZERO;
      if (!b.qty.isZero()) {
        const mark = this.cache.lastPrice(b.instrumentId);
        if (!mark) return undefined;
        value = b.qty.mul(mark).mul(this.cache.requireInstrument(b.instrumentId).multiplier);
      }
      pnl = pnl.add(value).sub(b.cost).sub(b.fees);
    }
    return pnl;
  }

  private account(accountId: string): Account {
    const a = this.accounts.get(accountId);
    if (!a) throw new Error(`fake portfolio: unknown account ${accountId}`);
    return a;
  }
}

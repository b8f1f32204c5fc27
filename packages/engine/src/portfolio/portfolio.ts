import {
  AccountId,
  AccountType,
  AccountTypeValues,
  BotId,
  Decimal,
  InstrumentKind,
  ModelError,
  Money,
  OrderSide,
  PositionId,
  PositionSide,
  Price,
  Quantity,
  currency,
  describe,
  type AccountBalance,
  type AccountState,
  type Currency,
  type Instrument,
  type InstrumentId,
  type OrderFilled,
  type PositionClosed,
  type PositionEvent,
  type PositionEventBase,
  type PositionView,
  type RiskScope,
  type StrategyId,
  type TraderId,
  type UnixNanos,
} from '@qubit/model';
import type { Bus, BusMessage } from '../bus/message-bus.js';
import { Topic, portfolioKey } from '../bus/topics.js';
import type { Cache } from '../cache/cache.js';
import type { Clock } from '../clock/clock.js';
import type { IdGenerator } from '../ids/id-generator.js';
import { AccountLedger, type InstrumentBook, type PositionRecord } from './account-ledger.js';
import { AssetRates, type MarkSource } from './asset-rates.js';
import type { PortfolioQueries } from './portfolio-queries.js';
import { PositionLedger, avgPxUnits, checkAccountingScale, unrealizedOf } from './position-ledger.js';

export interface PortfolioOptions {
  readonly bus: Bus;
  readonly cache: Cache;
  readonly clock: Clock;
  readonly ids: IdGenerator;
}

/** An account and its starting balances. */
export interface AccountRegistration {
  readonly accountId: string;
  readonly accountType: AccountType;
  readonly baseCurrency: Currency;
  readonly balances: readonly Money[];
}

export interface PositionFilter {
  readonly accountId?: string;
  readonly botId?: string;
  readonly instrumentId?: string;
}

/** A read-only copy of one sub-ledger; amounts are exact Decimals in the instrument's settlement currency. */
export interface PositionSnapshot {
  readonly accountId: AccountId;
  readonly botId: BotId;
  readonly instrumentId: InstrumentId;
  readonly positionId: PositionId;
  readonly traderId: TraderId;
  readonly strategyId: StrategyId;
  readonly side: PositionSide;
  readonly signedQty: Decimal;
  readonly quantity: Quantity;
  /** Σ signed qty × price of the open part (negative for shorts), exact. */
  readonly cost: Decimal;
  /** Undefined when flat. */
  readonly avgPxOpen?: Price;
  /** Since the sub-ledger's first fill, gross of fees. */
  readonly realizedPnl: Decimal;
  /** At the cache's mark; undefined when the position is open and no mark exists. */
  readonly unrealizedPnl?: Decimal;
  readonly fees: Decimal;
  readonly settlementCurrency: Currency;
  /** When the current cycle opened; undefined when flat. */
  readonly openedAt?: UnixNanos;
  readonly lastPx: Price;
}

export type ApplyFillResult = 'applied' | 'duplicate';

interface Valuation {
  readonly equity: Decimal | undefined;
  readonly marginUsed: Decimal | undefined;
}

interface Pnl {
  readonly realized: Decimal | undefined;
  readonly unrealized: Decimal | undefined;
  readonly fees: Decimal | undefined;
}

/**
 * The single writer of fills: per (account, bot, instrument) positions with exact PnL (the rules are
 * in position-ledger.ts), account balances, and the queries risk and bot contexts read.
 *
 * Balances. CASH (spot): BUY moves quote −= p·q·multiplier and base asset += q, SELL the reverse; the
 * fee is paid in the settlement currency (the quote for spot). MARGIN (perpetuals, futures): the
 * settlement balance (which must be the account's base currency) moves by the fill's realized PnL
 * minus the fee; marginUsed = Σ over instruments of |account net qty| × mark × multiplier × marginInit.
 * Equity: CASH = Σ balances valued in the base currency, an asset at the mark of a cache instrument
 * whose base is that asset and quote the account's base; MARGIN = base balance + unrealized PnL.
 * freeBalance: CASH = the currency's balance; MARGIN base currency = equity − marginUsed.
 *
 * Marks are read lazily from `cache.lastPrice`. Queries (PortfolioQueries) answer `undefined` when a
 * mark they need is missing, so risk fails closed. Published events must carry numbers, so there the
 * last fill price seen stands in for a missing mark, and a held asset with no price at all counts as 0.
 *
 * A fill is unique per (venue, tradeId): seen again it changes nothing and publishes nothing. A fill
 * that cannot be applied throws a ModelError naming the field before anything changes (on the bus the
 * message then goes to dead.letter).
 */
export class Portfolio implements PortfolioQueries {
  private readonly bus: Bus;
  private readonly cache: Cache;
  private readonly clock: Clock;
  private readonly ids: IdGenerator;
  private readonly accounts = new Map<string, AccountLedger>();
  private readonly botRecords = new Map<string, PositionRecord[]>();
  private readonly seenTrades = new Set<string>();
  private readonly lastFillPx = new Map<string, Price>();
  private readonly rates: AssetRates;
  private unsubscribe: (() => void) | undefined;

  private readonly strictMark: MarkSource = (i) => this.cache.lastPrice(i.id);
  private readonly displayMark: MarkSource = (i) => this.cache.lastPrice(i.id) ?? this.lastFillPx.get(i.id);

  constructor(options: PortfolioOptions) {
    this.bus = options.bus;
    this.cache = options.cache;
    this.clock = options.clock;
    this.ids = options.ids;
    this.rates = new AssetRates(options.cache);
  }

  /** Consumes Topic.ORDERS_FILLS as group 'portfolio'. Calling it again does nothing. */
  start(): void {
    if (this.unsubscribe) return;
    this.unsubscribe = this.bus.subscribe(Topic.ORDERS_FILLS, 'portfolio', (m) => this.onFillMessage(m));
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  registerAccount(registration: AccountRegistration): void {
    if (registration === null || typeof registration !== 'object') {
      throw new ModelError('account', `expected an account registration, got ${describe(registration)}`);
    }
    const id = AccountId(registration.accountId, 'accountId');
    if (this.accounts.has(id)) throw new ModelError('accountId', `account ${id} is already registered`);
    const type = registration.accountType;
    if (!AccountTypeValues.includes(type)) {
      throw new ModelError('accountType', `"${String(type)}" is not one of ${AccountTypeValues.join(', ')}`);
    }
    const base = checkCurrency(registration.baseCurrency, 'baseCurrency');
    if (!Array.isArray(registration.balances)) {
      throw new ModelError('balances', `expected an array of Money, got ${describe(registration.balances)}`);
    }
    const balances: readonly unknown[] = registration.balances;
    const codes = new Set<string>();
    balances.forEach((m, i) => {
      const field = `balances[${i}]`;
      if (!(m instanceof Money)) throw new ModelError(field, `expected Money, got ${describe(m)}`);
      const code = m.currency.code;
      if (codes.has(code)) throw new ModelError(field, `${code} is listed twice`);
      codes.add(code);
      if (code === base.code && m.currency.precision !== base.precision) {
        throw new ModelError(
          field,
          `${code} has precision ${m.currency.precision} but the base currency has ${base.precision}`,
        );
      }
      if (m.isNegative()) throw new ModelError(field, `starting balance ${m.toString()} is negative`);
    });
    const ledger = new AccountLedger(id, type, base);
    ledger.credit(base, Decimal.ZERO); // the base currency is always listed, first
    for (const m of registration.balances) ledger.credit(m.currency, m.amount);
    this.accounts.set(id, ledger);
  }

  /** Applies one execution; a second report of the same (venue, tradeId) is ignored. */
  applyFill(fill: OrderFilled): ApplyFillResult {
    if (fill === null || typeof fill !== 'object' || fill.type !== 'OrderFilled') {
      const got =
        fill !== null && typeof fill === 'object' ? String((fill as BusMessage).type) : describe(fill);
      throw new ModelError('fill.type', `expected an OrderFilled, got ${got}`);
    }
    const account = this.accounts.get(fill.accountId);
    if (!account) throw new ModelError('fill.accountId', `unknown account ${String(fill.accountId)}`);
    const instrument = this.cache.instrument(fill.instrumentId);
    if (!instrument) {
      throw new ModelError('fill.instrumentId', `unknown instrument ${String(fill.instrumentId)}`);
    }
    if (typeof fill.tradeId !== 'string' || fill.tradeId.length === 0) {
      throw new ModelError('fill.tradeId', `expected a trade id, got ${describe(fill.tradeId)}`);
    }
    const tradeKey = `${instrument.venue} ${fill.tradeId}`;
    if (this.seenTrades.has(tradeKey)) return 'duplicate';

    // Every check happens before the first change, so a refused fill leaves the portfolio as it was.
    const side = fill.side === OrderSide.BUY ? 1 : fill.side === OrderSide.SELL ? -1 : 0;
    if (side === 0) throw new ModelError('fill.side', `"${String(fill.side)}" is not BUY or SELL`);
    const qty = fill.lastQty;
    if (!(qty instanceof Decimal) || !qty.isPositive()) {
      throw new ModelError('fill.lastQty', `expected a positive quantity, got ${String(qty)}`);
    }
    if (!qty.isMultipleOf(instrument.lotSize)) {
      throw new ModelError(
        'fill.lastQty',
        `${qty} is not a multiple of the lot size of ${instrument.id} (lot ${instrument.lotSize})`,
      );
    }
    const px = fill.lastPx;
    if (!(px instanceof Decimal)) {
      throw new ModelError('fill.lastPx', `expected a price, got ${describe(px)}`);
    }
    if (!px.isMultipleOf(instrument.tickSize)) {
      throw new ModelError(
        'fill.lastPx',
        `${px} is not on the tick grid of ${instrument.id} (tick ${instrument.tickSize})`,
      );
    }
    const fee = fill.fee;
    if (!(fee instanceof Money)) throw new ModelError('fill.fee', `expected Money, got ${describe(fee)}`);
    const settlement = instrument.settlementCurrency;
    // A zero fee may come labelled in any currency (venues report "0 BNB"); any other must be in settlement.
    if (fee.currency.code !== settlement.code && !fee.isZero()) {
      throw new ModelError(
        'fill.fee.currency',
        `fee in ${fee.currency.code} but ${instrument.id} settles in ${settlement.code}`,
      );
    }
    if (typeof fill.tsEvent !== 'bigint') {
      throw new ModelError('fill.tsEvent', `expected integer nanoseconds, got ${describe(fill.tsEvent)}`);
    }
    checkAccountFits(account, instrument);
    checkAccountingScale(instrument, 'fill.instrumentId');
    let record = account.position(fill.botId, instrument.id);
    if (!record) {
      const botId = BotId(fill.botId, 'fill.botId');
      record = {
        accountId: account.accountId,
        botId,
        instrumentId: instrument.id,
        positionId: PositionId(`${instrument.id}-${botId}`, 'fill.positionId'),
        ledger: new PositionLedger(instrument),
        traderId: fill.traderId,
        strategyId: fill.strategyId,
        openedAt: fill.tsEvent,
        lastAvgPx: undefined,
        lastPx: Price.from(px),
      };
      account.addPosition(record);
      let list = this.botRecords.get(botId);
      if (!list) this.botRecords.set(botId, (list = []));
      list.push(record);
    }

    const qtyUnits = qty.rescale(instrument.sizePrecision).units;
    const pxUnits = px.rescale(instrument.pricePrecision).units;
    const lastPx = Price.fromUnits(pxUnits, instrument.pricePrecision);
    const ledger = record.ledger;
    const feeAmount = fee.isZero() ? Decimal.of(0n, settlement.precision) : fee.amount;
    const effect = ledger.apply(side, qtyUnits, pxUnits, feeAmount);
    const book = account.book(instrument);
    book.qty += ledger.qty - effect.qtyBefore;
    book.cost += ledger.cost - effect.costBefore;
    if (account.accountType === AccountType.CASH) {
      const size = Decimal.of(qtyUnits, instrument.sizePrecision);
      const notional = Decimal.of(
        pxUnits * qtyUnits,
        instrument.pricePrecision + instrument.sizePrecision,
      ).mul(instrument.multiplier);
      account.credit(instrument.quoteCurrency, side > 0 ? notional.neg() : notional);
      account.credit(instrument.baseCurrency, side > 0 ? size : size.neg());
      account.credit(settlement, feeAmount.neg());
    } else {
      account.credit(settlement, Decimal.of(effect.realizedUnits, ledger.realizedScale).sub(feeAmount));
    }
    record.traderId = fill.traderId;
    record.strategyId = fill.strategyId;
    record.lastPx = lastPx;
    this.lastFillPx.set(instrument.id, lastPx);
    this.seenTrades.add(tradeKey);

    const tsInit = this.clock.now();
    const key = portfolioKey(account.accountId);
    const before = effect.qtyBefore;
    const after = ledger.qty;
    if (before === 0n) {
      record.openedAt = fill.tsEvent;
      this.bus.publish(
        Topic.PORTFOLIO_UPDATED,
        key,
        this.positionEvent('PositionOpened', record, fill, tsInit),
      );
    } else if (after === 0n || before > 0n !== after > 0n) {
      const closed: PositionClosed = {
        ...this.eventBase(record, 0n, 0n, record.lastAvgPx, Decimal.ZERO, fill, tsInit),
        type: 'PositionClosed',
        durationNs: fill.tsEvent - record.openedAt,
      };
      this.bus.publish(Topic.PORTFOLIO_UPDATED, key, closed);
      if (after !== 0n) {
        record.openedAt = fill.tsEvent;
        this.bus.publish(
          Topic.PORTFOLIO_UPDATED,
          key,
          this.positionEvent('PositionOpened', record, fill, tsInit),
        );
      }
    } else {
      this.bus.publish(
        Topic.PORTFOLIO_UPDATED,
        key,
        this.positionEvent('PositionChanged', record, fill, tsInit),
      );
    }
    if (after !== 0n) record.lastAvgPx = ledger.avgPxOpenUnits();
    this.bus.publish(Topic.PORTFOLIO_UPDATED, key, this.accountState(account, fill.tsEvent, tsInit));
    return 'applied';
  }

  // ---- PortfolioQueries ----

  hasAccount(accountId: string): boolean {
    return this.accounts.has(accountId);
  }

  baseCurrency(accountId: string): Currency | undefined {
    return this.accounts.get(accountId)?.baseCurrency;
  }

  netQty(accountId: string, instrumentId: string, botId?: string): Decimal {
    const held = this.holding(accountId, instrumentId, botId);
    return held ? Decimal.of(held.qty, held.instrument.sizePrecision) : Decimal.ZERO;
  }

  exposure(accountId: string, instrumentId: string, botId?: string): Decimal | undefined {
    const account = this.accounts.get(accountId);
    if (!account) return undefined;
    const held = this.holding(accountId, instrumentId, botId);
    if (!held) return Decimal.ZERO;
    return this.exposureOf(account, held.instrument, held.qty);
  }

  grossExposure(accountId: string, botId?: string): Decimal | undefined {
    const account = this.accounts.get(accountId);
    if (!account) return undefined;
    let total = Decimal.ZERO;
    const add = (instrument: Instrument, qty: bigint): boolean => {
      const e = this.exposureOf(account, instrument, qty);
      if (e === undefined) return false;
      total = total.add(e);
      return true;
    };
    if (botId === undefined) {
      for (const b of account.books.values()) if (!add(b.instrument, b.qty)) return undefined;
    } else {
      for (const r of account.bots.get(botId)?.values() ?? []) {
        if (!add(r.ledger.instrument, r.ledger.qty)) return undefined;
      }
    }
    return total;
  }

  equity(accountId: string): Decimal | undefined {
    const account = this.accounts.get(accountId);
    return account ? this.valuation(account, this.strictMark, false).equity : undefined;
  }

  freeBalance(accountId: string, currencyCode: string): Decimal | undefined {
    const account = this.accounts.get(accountId);
    if (!account) return undefined;
    if (account.accountType === AccountType.MARGIN && currencyCode === account.baseCurrency.code) {
      const v = this.valuation(account, this.strictMark, false);
      return v.equity === undefined || v.marginUsed === undefined ? undefined : v.equity.sub(v.marginUsed);
    }
    return account.balance(currencyCode);
  }

  totalPnl(scope: RiskScope): Decimal | undefined {
    const { realized, unrealized, fees } = this.pnl(scope);
    return realized && unrealized && fees && realized.add(unrealized).sub(fees);
  }

  // ---- further queries ----

  /** Realized PnL (gross of fees) of a scope in its accounts' base currency. */
  realizedPnl(scope: RiskScope): Decimal | undefined {
    return this.pnl(scope).realized;
  }

  /** Unrealized PnL at the cache's marks; undefined when an open position has no mark. */
  unrealizedPnl(scope: RiskScope): Decimal | undefined {
    return this.pnl(scope).unrealized;
  }

  fees(scope: RiskScope): Decimal | undefined {
    return this.pnl(scope).fees;
  }

  /** The exact cash (CASH) or wallet (MARGIN, without unrealized PnL) balance of one currency. */
  balance(accountId: string, currencyCode: string): Decimal | undefined {
    return this.accounts.get(accountId)?.balance(currencyCode);
  }

  /** Margin posted for open positions in the base currency (zero for CASH accounts). */
  marginUsed(accountId: string): Decimal | undefined {
    const account = this.accounts.get(accountId);
    return account ? this.valuation(account, this.strictMark, false).marginUsed : undefined;
  }

  /** One bot's sub-ledger, open or flat; undefined when the bot never traded the instrument there. */
  position(accountId: string, botId: string, instrumentId: string): PositionSnapshot | undefined {
    const r = this.accounts.get(accountId)?.position(botId, instrumentId);
    return r ? this.snapshot(r) : undefined;
  }

  /** Open positions, optionally narrowed to an account, a bot and/or an instrument. */
  positions(filter: PositionFilter = {}): PositionSnapshot[] {
    const out: PositionSnapshot[] = [];
    const take = (r: PositionRecord): void => {
      if (r.ledger.qty === 0n) return;
      if (filter.accountId !== undefined && r.accountId !== filter.accountId) return;
      if (filter.instrumentId !== undefined && r.instrumentId !== filter.instrumentId) return;
      out.push(this.snapshot(r));
    };
    if (filter.botId !== undefined) {
      for (const r of this.botRecords.get(filter.botId) ?? []) take(r);
      return out;
    }
    const accounts =
      filter.accountId !== undefined ? [this.accounts.get(filter.accountId)] : [...this.accounts.values()];
    for (const a of accounts) {
      if (!a) continue;
      for (const byInstrument of a.bots.values()) for (const r of byInstrument.values()) take(r);
    }
    return out;
  }

  /**
   * A bot's view of its own position for its context: flat when it has none. Unrealized PnL uses the
   * cache's mark, or the last fill price when there is none yet.
   */
  positionView(accountId: string, botId: string, instrumentId: string): PositionView {
    const r = this.accounts.get(accountId)?.position(botId, instrumentId);
    if (!r) {
      const instrument = this.cache.requireInstrument(instrumentId, 'instrumentId');
      const zero = Money.zero(instrument.settlementCurrency);
      return {
        instrumentId: instrument.id,
        side: PositionSide.FLAT,
        signedQty: Decimal.of(0n, instrument.sizePrecision),
        quantity: Quantity.zero(instrument.sizePrecision),
        realizedPnl: zero,
        unrealizedPnl: zero,
        fees: zero,
      };
    }
    const ledger = r.ledger;
    const instrument = ledger.instrument;
    const cur = instrument.settlementCurrency;
    const avg = ledger.avgPxOpenUnits();
    const view: PositionView = {
      instrumentId: r.instrumentId,
      side: sideOf(ledger.qty),
      signedQty: ledger.signedQty,
      quantity: Quantity.fromUnits(abs(ledger.qty), instrument.sizePrecision),
      realizedPnl: Money.of(ledger.realizedPnl, cur),
      unrealizedPnl: Money.of(ledger.unrealizedPnl(this.displayMark(instrument) ?? r.lastPx), cur),
      fees: Money.of(ledger.fees, cur),
    };
    return avg === undefined ? view : { ...view, avgPx: Price.fromUnits(avg, instrument.pricePrecision) };
  }

  /**
   * The account's current state, computed as after a fill (see the class comment on marks). A query
   * must not consume ids (a backtest's event ids would then depend on who looked), so the snapshot's
   * eventId is derived from the account and the time.
   */
  account(accountId: string): AccountState | undefined {
    const account = this.accounts.get(accountId);
    if (!account) return undefined;
    const now = this.clock.now();
    return this.accountState(account, now, now, `${account.accountId}:snapshot:${now}`);
  }

  // ---- internals ----

  private onFillMessage(message: BusMessage): void {
    if (message.type !== 'OrderFilled') {
      throw new ModelError(
        'type',
        `the portfolio consumes OrderFilled on ${Topic.ORDERS_FILLS}, got ${message.type}`,
      );
    }
    this.applyFill(message as OrderFilled);
  }

  /** Quantity units and instrument of one bot's sub-ledger or of the account-wide book. */
  private holding(
    accountId: string,
    instrumentId: string,
    botId: string | undefined,
  ): { qty: bigint; instrument: Instrument } | undefined {
    const account = this.accounts.get(accountId);
    if (!account) return undefined;
    if (botId === undefined) return account.books.get(instrumentId);
    const r = account.position(botId, instrumentId);
    return r ? { qty: r.ledger.qty, instrument: r.ledger.instrument } : undefined;
  }

  /** |qty| × mark × multiplier in the account's base currency; zero when flat. */
  private exposureOf(account: AccountLedger, instrument: Instrument, qty: bigint): Decimal | undefined {
    if (qty === 0n) return Decimal.ZERO;
    const mark = this.strictMark(instrument);
    if (mark === undefined) return undefined;
    const notional = mark.mul(Decimal.of(abs(qty), instrument.sizePrecision)).mul(instrument.multiplier);
    return this.toBase(notional, instrument.quoteCurrency.code, account.baseCurrency.code, this.strictMark);
  }

  private toBase(amount: Decimal, from: string, to: string, mark: MarkSource): Decimal | undefined {
    if (from === to || amount.isZero()) return amount;
    const rate = this.rates.rate(from, to, mark);
    return rate === undefined ? undefined : amount.mul(rate);
  }

  /**
   * Equity and margin in use. With `unknownAsZero` an asset nothing can price counts as 0 (for
   * published snapshots); otherwise the equity is unknown.
   */
  private valuation(account: AccountLedger, mark: MarkSource, unknownAsZero: boolean): Valuation {
    const base = account.baseCurrency.code;
    if (account.accountType === AccountType.CASH) {
      let equity = Decimal.ZERO;
      for (const h of account.balances.values()) {
        const v = this.toBase(h.amount, h.currency.code, base, mark);
        if (v !== undefined) equity = equity.add(v);
        else if (!unknownAsZero) return { equity: undefined, marginUsed: Decimal.ZERO };
      }
      return { equity, marginUsed: Decimal.ZERO };
    }
    let unrealized: Decimal | undefined = Decimal.ZERO;
    let marginUsed: Decimal | undefined = Decimal.ZERO;
    for (const b of account.books.values()) {
      if (b.qty === 0n && b.cost === 0n) continue;
      const m = b.qty === 0n ? Decimal.ZERO : mark(b.instrument);
      if (m === undefined) {
        unrealized = undefined;
        marginUsed = undefined;
        break;
      }
      unrealized = unrealized.add(bookUnrealized(b, m));
      if (b.qty !== 0n) {
        const notional = m
          .mul(Decimal.of(abs(b.qty), b.instrument.sizePrecision))
          .mul(b.instrument.multiplier);
        marginUsed = marginUsed.add(notional.mul(b.instrument.marginInit));
      }
    }
    const equity = unrealized === undefined ? undefined : account.balance(base).add(unrealized);
    return { equity, marginUsed };
  }

  /**
   * Realized, unrealized and fees of a scope, each undefined when unknown: unrealized needs a mark
   * for every open position; any amount needs a rate when it settles outside the base currency;
   * a scope spanning accounts in different base currencies has no common unit at all.
   */
  private pnl(scope: RiskScope): Pnl {
    const unknown: Pnl = { realized: undefined, unrealized: undefined, fees: undefined };
    let records: Iterable<PositionRecord>;
    if (scope.kind === 'account') {
      const account = this.accounts.get(scope.accountId);
      if (!account) return unknown;
      records = allRecords([account]);
    } else if (scope.kind === 'bot') {
      records = this.botRecords.get(scope.botId) ?? [];
    } else {
      records = allRecords(this.accounts.values());
    }
    let base: string | undefined;
    let realized: Decimal | undefined = Decimal.ZERO;
    let unrealized: Decimal | undefined = Decimal.ZERO;
    let fees: Decimal | undefined = Decimal.ZERO;
    const sum = (total: Decimal | undefined, amount: Decimal | undefined): Decimal | undefined =>
      total === undefined || amount === undefined ? undefined : total.add(amount);
    for (const r of records) {
      const code = this.accounts.get(r.accountId)!.baseCurrency.code;
      if (base === undefined) base = code;
      else if (base !== code) return unknown;
      const ledger = r.ledger;
      const settlement = ledger.instrument.settlementCurrency.code;
      realized = sum(realized, this.toBase(ledger.realizedPnl, settlement, code, this.strictMark));
      fees = sum(fees, this.toBase(ledger.fees, settlement, code, this.strictMark));
      if (ledger.qty !== 0n && unrealized !== undefined) {
        const mark = this.strictMark(ledger.instrument);
        const u = mark === undefined ? undefined : ledger.unrealizedPnl(mark);
        unrealized = sum(unrealized, u && this.toBase(u, settlement, code, this.strictMark));
      }
    }
    return { realized, unrealized, fees };
  }

  private accountState(
    account: AccountLedger,
    tsEvent: UnixNanos,
    tsInit: UnixNanos,
    eventId: string = this.ids.id(),
  ): AccountState {
    const base = account.baseCurrency;
    const v = this.valuation(account, this.displayMark, true);
    const equity = v.equity ?? account.balance(base.code);
    const marginUsed = v.marginUsed ?? Decimal.ZERO;
    const margin = account.accountType === AccountType.MARGIN;
    const balances: AccountBalance[] = [];
    for (const h of account.balances.values()) {
      if (margin && h.currency.code === base.code) {
        // Margin balance: wallet + unrealized, of which the posted margin is locked.
        balances.push({
          total: Money.of(equity, h.currency),
          locked: Money.of(marginUsed, h.currency),
          free: Money.of(equity.sub(marginUsed), h.currency),
        });
      } else {
        const total = Money.of(h.amount, h.currency);
        balances.push({ total, locked: Money.zero(h.currency), free: total });
      }
    }
    return {
      type: 'AccountState',
      eventId,
      accountId: account.accountId,
      accountType: account.accountType,
      baseCurrency: base.code,
      balances,
      marginUsed: Money.of(marginUsed, base),
      equity: Money.of(equity, base),
      reported: false,
      tsEvent,
      tsInit,
    };
  }

  private positionEvent(
    type: 'PositionOpened' | 'PositionChanged',
    r: PositionRecord,
    fill: OrderFilled,
    tsInit: UnixNanos,
  ): PositionEvent {
    const ledger = r.ledger;
    const mark = this.displayMark(ledger.instrument) ?? r.lastPx;
    const base = this.eventBase(
      r,
      ledger.qty,
      ledger.cost,
      ledger.avgPxOpenUnits(),
      ledger.unrealizedPnl(mark),
      fill,
      tsInit,
    );
    return { ...base, type };
  }

  private eventBase(
    r: PositionRecord,
    qty: bigint,
    cost: bigint,
    avgUnits: bigint | undefined,
    unrealized: Decimal,
    fill: OrderFilled,
    tsInit: UnixNanos,
  ): PositionEventBase {
    const ledger = r.ledger;
    const instrument = ledger.instrument;
    const cur = instrument.settlementCurrency;
    const avg = avgUnits ?? avgPxUnits(qty, cost) ?? 0n;
    return {
      eventId: this.ids.id(),
      traderId: r.traderId,
      accountId: r.accountId,
      botId: r.botId,
      strategyId: r.strategyId,
      instrumentId: r.instrumentId,
      positionId: r.positionId,
      side: sideOf(qty),
      signedQty: Decimal.of(qty, instrument.sizePrecision),
      quantity: Quantity.fromUnits(abs(qty), instrument.sizePrecision),
      avgPxOpen: Price.fromUnits(avg, instrument.pricePrecision),
      realizedPnl: Money.of(ledger.realizedPnl, cur),
      unrealizedPnl: Money.of(unrealized, cur),
      fees: Money.of(ledger.fees, cur),
      lastPx: r.lastPx,
      tsEvent: fill.tsEvent,
      tsInit,
    };
  }

  private snapshot(r: PositionRecord): PositionSnapshot {
    const ledger = r.ledger;
    const instrument = ledger.instrument;
    const open = ledger.qty !== 0n;
    const mark = open ? this.strictMark(instrument) : Decimal.ZERO;
    const avg = ledger.avgPxOpenUnits();
    return {
      accountId: r.accountId,
      botId: r.botId,
      instrumentId: r.instrumentId,
      positionId: r.positionId,
      traderId: r.traderId,
      strategyId: r.strategyId,
      side: sideOf(ledger.qty),
      signedQty: ledger.signedQty,
      quantity: Quantity.fromUnits(abs(ledger.qty), instrument.sizePrecision),
      cost: ledger.openCost,
      avgPxOpen: avg === undefined ? undefined : Price.fromUnits(avg, instrument.pricePrecision),
      realizedPnl: ledger.realizedPnl,
      unrealizedPnl: mark === undefined ? undefined : ledger.unrealizedPnl(mark),
      fees: ledger.fees,
      settlementCurrency: instrument.settlementCurrency,
      openedAt: open ? r.openedAt : undefined,
      lastPx: r.lastPx,
    };
  }
}

/** CASH accounts hold spot assets only; a MARGIN account settles in its own base currency. */
function checkAccountFits(account: AccountLedger, instrument: Instrument): void {
  if (account.accountType === AccountType.CASH && instrument.kind !== InstrumentKind.SPOT) {
    throw new ModelError(
      'fill.instrumentId',
      `${instrument.id} is a ${instrument.kind} but account ${account.accountId} is a CASH account (spot only)`,
    );
  }
  if (
    account.accountType === AccountType.MARGIN &&
    instrument.settlementCurrency.code !== account.baseCurrency.code
  ) {
    throw new ModelError(
      'fill.instrumentId',
      `${instrument.id} settles in ${instrument.settlementCurrency.code} but margin account ${account.accountId} ` +
        `is in ${account.baseCurrency.code}`,
    );
  }
}

function checkCurrency(value: unknown, field: string): Currency {
  if (value === null || typeof value !== 'object') {
    throw new ModelError(field, `expected a currency, got ${describe(value)}`);
  }
  const c = value as Currency;
  try {
    return currency(c.code, c.precision);
  } catch (err) {
    if (err instanceof ModelError) throw new ModelError(field, err.reason);
    throw err;
  }
}

function* allRecords(accounts: Iterable<AccountLedger>): Generator<PositionRecord> {
  for (const a of accounts) for (const byInstrument of a.bots.values()) yield* byInstrument.values();
}

function bookUnrealized(b: InstrumentBook, mark: Decimal): Decimal {
  return unrealizedOf(b.instrument, b.qty, b.cost, b.costScale, mark);
}

function sideOf(qty: bigint): PositionSide {
  return qty > 0n ? PositionSide.LONG : qty < 0n ? PositionSide.SHORT : PositionSide.FLAT;
}

function abs(n: bigint): bigint {
  return n < 0n ? -n : n;
}

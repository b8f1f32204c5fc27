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
  Rounding,
  currency,
  describe,
  rescaleUnits,
  type AccountBalance,
  type AccountState,
  type Currency,
  type Instrument,
  type InstrumentId,
  type OrderFilled,
  type PositionClosed,
  type PositionEvent,
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
import { AccountLedger, type InstrumentBook, type PositionRecord, type RecordPnl } from './account-ledger.js';
import { AssetRates, type MarkSource } from './asset-rates.js';
import type { PortfolioQueries } from './portfolio-queries.js';
import { MoneyMemo, PositionMoney } from './money-memo.js';
import { PositionLedger, checkAccountingScale, unrealizedOf } from './position-ledger.js';
import { StringSet } from './string-set.js';

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

const UNKNOWN_PNL: Pnl = Object.freeze({ realized: undefined, unrealized: undefined, fees: undefined });

/**
 * A result remembered with the state it was computed from: the portfolio's own version (fills,
 * registrations) and the cache's marks version. Risk asks for the same PnL and equity several times
 * per order and per portfolio event; between two changes the answer cannot differ.
 */
interface Memo<T> {
  version: number;
  marks: number;
  value: T;
}

/** A scope's PnL parts and total, each made on first request (null until then). */
interface PnlValue {
  pnl: Pnl | null;
  total: Decimal | undefined | null;
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
  /** Trade ids applied, per venue (a trade id is unique only at its venue). */
  private readonly seenTrades = new Map<string, StringSet>();
  private readonly lastFillPx = new Map<string, Price>();
  private readonly rates: AssetRates;
  private unsubscribe: (() => void) | undefined;
  /** Moves with every change of positions or accounts; see Memo. */
  private version = 0;
  private globalPnl: Memo<PnlValue> | undefined;
  private readonly accountPnl = new Map<string, Memo<PnlValue>>();
  private readonly botPnl = new Map<string, Memo<PnlValue>>();
  private readonly strictValuations = new Map<string, Memo<Valuation>>();

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
    this.version++;
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
    let venueTrades = this.seenTrades.get(instrument.venue);
    if (venueTrades?.has(fill.tradeId)) return 'duplicate';

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
        money: new PositionMoney(instrument.settlementCurrency),
      };
      account.addPosition(record);
      let list = this.botRecords.get(botId);
      if (!list) this.botRecords.set(botId, (list = []));
      list.push(record);
    }

    // Exact: both were checked against the lot and tick grids, which are at these precisions or coarser.
    const qtyUnits = rescaleUnits(qty.units, qty.scale, instrument.sizePrecision, Rounding.HALF_EVEN);
    const pxUnits = rescaleUnits(px.units, px.scale, instrument.pricePrecision, Rounding.HALF_EVEN);
    const lastPx =
      px instanceof Price && px.scale === instrument.pricePrecision
        ? px
        : Price.fromUnits(pxUnits, instrument.pricePrecision);
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
    if (!venueTrades) this.seenTrades.set(instrument.venue, (venueTrades = new StringSet()));
    venueTrades.add(fill.tradeId);
    this.version++;

    const tsInit = this.clock.now();
    const key = portfolioKey(account.accountId);
    const before = effect.qtyBefore;
    const after = ledger.qty;
    // One division for the average price, shared by the position event and the record.
    const avgNow = ledger.avgPxOpenUnits();
    if (before === 0n) {
      record.openedAt = fill.tsEvent;
      this.bus.publish(
        Topic.PORTFOLIO_UPDATED,
        key,
        this.positionEvent('PositionOpened', record, fill, tsInit, avgNow),
      );
    } else if (after === 0n || before > 0n !== after > 0n) {
      this.bus.publish(Topic.PORTFOLIO_UPDATED, key, this.positionClosed(record, fill, tsInit));
      if (after !== 0n) {
        record.openedAt = fill.tsEvent;
        this.bus.publish(
          Topic.PORTFOLIO_UPDATED,
          key,
          this.positionEvent('PositionOpened', record, fill, tsInit, avgNow),
        );
      }
    } else {
      this.bus.publish(
        Topic.PORTFOLIO_UPDATED,
        key,
        this.positionEvent('PositionChanged', record, fill, tsInit, avgNow),
      );
    }
    if (after !== 0n) record.lastAvgPx = avgNow;
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
    const account = this.accounts.get(accountId);
    if (!account) return Decimal.ZERO;
    if (botId === undefined) {
      const book = account.books.get(instrumentId);
      if (!book) return Decimal.ZERO;
      const d = book.qtyDecimal;
      if (d !== undefined && d.units === book.qty) return d;
      return (book.qtyDecimal = Decimal.of(book.qty, book.instrument.sizePrecision));
    }
    return account.position(botId, instrumentId)?.ledger.signedQty ?? Decimal.ZERO;
  }

  exposure(accountId: string, instrumentId: string, botId?: string): Decimal | undefined {
    const account = this.accounts.get(accountId);
    if (!account) return undefined;
    if (botId === undefined) {
      const book = account.books.get(instrumentId);
      return book ? this.exposureOf(account, book.instrument, book.qty) : Decimal.ZERO;
    }
    const ledger = account.position(botId, instrumentId)?.ledger;
    return ledger ? this.exposureOf(account, ledger.instrument, ledger.qty) : Decimal.ZERO;
  }

  grossExposure(accountId: string, botId?: string): Decimal | undefined {
    const account = this.accounts.get(accountId);
    if (!account) return undefined;
    let total = Decimal.ZERO;
    if (botId === undefined) {
      for (const b of account.books.values()) {
        const e = this.exposureOf(account, b.instrument, b.qty);
        if (e === undefined) return undefined;
        total = total.add(e);
      }
      return total;
    }
    const records = account.bots.get(botId);
    if (records === undefined) return total;
    for (const r of records.values()) {
      const e = this.exposureOf(account, r.ledger.instrument, r.ledger.qty);
      if (e === undefined) return undefined;
      total = total.add(e);
    }
    return total;
  }

  equity(accountId: string): Decimal | undefined {
    const account = this.accounts.get(accountId);
    return account ? this.strictValuation(account).equity : undefined;
  }

  freeBalance(accountId: string, currencyCode: string): Decimal | undefined {
    const account = this.accounts.get(accountId);
    if (!account) return undefined;
    if (account.accountType === AccountType.MARGIN && currencyCode === account.baseCurrency.code) {
      const v = this.strictValuation(account);
      return v.equity === undefined || v.marginUsed === undefined ? undefined : v.equity.sub(v.marginUsed);
    }
    return account.balance(currencyCode);
  }

  totalPnl(scope: RiskScope): Decimal | undefined {
    const memo = this.pnlMemo(scope);
    if (memo === undefined) return this.computeTotal(scope);
    if (memo.total === null) memo.total = this.computeTotal(scope);
    return memo.total;
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
    return account ? this.strictValuation(account).marginUsed : undefined;
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
    const avg = ledger.avgPxOpenUnits();
    // One object per view: avgPx is added in place (after the other fields, as a spread would put it).
    const view: { -readonly [K in keyof PositionView]: PositionView[K] } = {
      instrumentId: r.instrumentId,
      side: sideOf(ledger.qty),
      signedQty: ledger.signedQty,
      quantity: Quantity.fromUnits(abs(ledger.qty), instrument.sizePrecision),
      realizedPnl: r.money.realized.of(ledger.realizedPnl),
      unrealizedPnl: r.money.unrealized.of(ledger.unrealizedPnl(this.displayMark(instrument) ?? r.lastPx)),
      fees: r.money.fees.of(ledger.fees),
    };
    if (avg !== undefined) view.avgPx = Price.fromUnits(avg, instrument.pricePrecision);
    return view;
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

  /** |qty| × mark × multiplier in the account's base currency; zero when flat. */
  private exposureOf(account: AccountLedger, instrument: Instrument, qty: bigint): Decimal | undefined {
    if (qty === 0n) return Decimal.ZERO;
    const mark = this.strictMark(instrument);
    if (mark === undefined) return undefined;
    const notional = notionalUnits(mark, qty, instrument, undefined);
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
        marginUsed = marginUsed.add(notionalUnits(m, b.qty, b.instrument, b.instrument.marginInit));
      }
    }
    const equity = unrealized === undefined ? undefined : account.balance(base).add(unrealized);
    return { equity, marginUsed };
  }

  /**
   * The valuation published events carry (display marks, unpriced assets as 0). For a margin account
   * whose every open instrument has a cache mark it is exactly the strict valuation (a display mark
   * differs from the strict one only where the cache has none), so the remembered one serves both.
   */
  private displayValuation(account: AccountLedger): Valuation {
    if (account.accountType === AccountType.MARGIN) {
      const strict = this.strictValuation(account);
      if (strict.equity !== undefined && strict.marginUsed !== undefined) return strict;
    }
    return this.valuation(account, this.displayMark, true);
  }

  /** The valuation at strict marks (queries), remembered until a fill or a mark changes it. */
  private strictValuation(account: AccountLedger): Valuation {
    const marks = this.cache.marksVersion;
    let memo = this.strictValuations.get(account.accountId);
    if (memo !== undefined && memo.version === this.version && memo.marks === marks) return memo.value;
    const value = this.valuation(account, this.strictMark, false);
    if (memo === undefined) {
      memo = { version: this.version, marks, value };
      this.strictValuations.set(account.accountId, memo);
    } else {
      memo.version = this.version;
      memo.marks = marks;
      memo.value = value;
    }
    return value;
  }

  private pnl(scope: RiskScope): Pnl {
    const memo = this.pnlMemo(scope);
    if (memo === undefined) return this.computePnl(scope);
    return (memo.pnl ??= this.computePnl(scope));
  }

  /**
   * The remembered PnL of a scope, brought up to date. Undefined for a scope with nothing to
   * remember (an unknown account or a bot without positions), so that lookups of arbitrary ids
   * cannot grow the memo.
   */
  private pnlMemo(scope: RiskScope): PnlValue | undefined {
    let memo: Memo<PnlValue> | undefined;
    if (scope.kind === 'global') memo = this.globalPnl;
    else if (scope.kind === 'account') memo = this.accountPnl.get(scope.accountId);
    else memo = this.botPnl.get(scope.botId);
    const marks = this.cache.marksVersion;
    if (memo !== undefined && memo.version === this.version && memo.marks === marks) return memo.value;
    if (memo === undefined) {
      if (scope.kind === 'account' && !this.accounts.has(scope.accountId)) return undefined;
      if (scope.kind === 'bot' && !this.botRecords.has(scope.botId)) return undefined;
    }
    const value: PnlValue = { pnl: null, total: null };
    if (memo === undefined) {
      memo = { version: this.version, marks, value };
      if (scope.kind === 'global') this.globalPnl = memo;
      else if (scope.kind === 'account') this.accountPnl.set(scope.accountId, memo);
      else this.botPnl.set(scope.botId, memo);
    } else {
      memo.version = this.version;
      memo.marks = marks;
      memo.value = value;
    }
    return value;
  }

  /**
   * Realized, unrealized and fees of a scope, each undefined when unknown: unrealized needs a mark
   * for every open position; any amount needs a rate when it settles outside the base currency;
   * a scope spanning accounts in different base currencies has no common unit at all.
   */
  private computePnl(scope: RiskScope): Pnl {
    const sum = new PnlSum(false);
    if (!this.sumScope(sum, scope)) return UNKNOWN_PNL;
    return { realized: sum.realized, unrealized: sum.unrealized, fees: sum.fees };
  }

  /**
   * realized + unrealized − fees of a scope, as Σ over its records of each record's own total (the
   * same exact value as summing the three parts first): a record's total is made once per change and
   * shared by the global, account and bot scopes that contain it.
   */
  private computeTotal(scope: RiskScope): Decimal | undefined {
    const sum = new PnlSum(true);
    return this.sumScope(sum, scope) ? sum.total : undefined;
  }

  /** Adds the records of a scope; false when the scope is unknown or mixes base currencies. */
  private sumScope(sum: PnlSum, scope: RiskScope): boolean {
    if (scope.kind === 'account') {
      const account = this.accounts.get(scope.accountId);
      return account !== undefined && this.addAccountPnl(sum, account);
    }
    if (scope.kind === 'bot') {
      for (const r of this.botRecords.get(scope.botId) ?? []) if (!this.addPnl(sum, r)) return false;
      return true;
    }
    for (const account of this.accounts.values()) if (!this.addAccountPnl(sum, account)) return false;
    return true;
  }

  private addAccountPnl(sum: PnlSum, account: AccountLedger): boolean {
    for (const byInstrument of account.bots.values()) {
      for (const r of byInstrument.values()) if (!this.addPnl(sum, r)) return false;
    }
    return true;
  }

  /** Adds one sub-ledger; false when its account's base currency differs from those added before. */
  private addPnl(sum: PnlSum, r: PositionRecord): boolean {
    const code = this.accounts.get(r.accountId)!.baseCurrency.code;
    if (sum.base === undefined) sum.base = code;
    else if (sum.base !== code) return false;
    const p = this.recordPnl(r, code);
    const open = r.ledger.qty !== 0n;
    if (sum.totalOnly) {
      if (p.total === null) p.total = recordTotal(p, open);
      sum.total = plus(sum.total, p.total);
      return true;
    }
    sum.realized = plus(sum.realized, p.realized);
    sum.fees = plus(sum.fees, p.fees);
    if (open && sum.unrealized !== undefined) sum.unrealized = plus(sum.unrealized, p.unrealized);
    return true;
  }

  /** One record's PnL parts in `code` (its account's base currency), computed once per change. */
  private recordPnl(r: PositionRecord, code: string): RecordPnl {
    const marks = this.cache.marksVersion;
    const memo = r.pnl;
    if (memo !== undefined && memo.version === this.version && memo.marks === marks) return memo;
    const ledger = r.ledger;
    const settlement = ledger.instrument.settlementCurrency.code;
    const realized = this.toBase(ledger.realizedPnl, settlement, code, this.strictMark);
    const fees = this.toBase(ledger.fees, settlement, code, this.strictMark);
    let unrealized: Decimal | undefined;
    if (ledger.qty !== 0n) {
      const mark = this.strictMark(ledger.instrument);
      const u = mark === undefined ? undefined : ledger.unrealizedPnl(mark);
      unrealized = u && this.toBase(u, settlement, code, this.strictMark);
    }
    if (memo === undefined) {
      return (r.pnl = { version: this.version, marks, realized, fees, unrealized, total: null });
    }
    memo.version = this.version;
    memo.marks = marks;
    memo.realized = realized;
    memo.fees = fees;
    memo.unrealized = unrealized;
    memo.total = null;
    return memo;
  }

  private accountState(
    account: AccountLedger,
    tsEvent: UnixNanos,
    tsInit: UnixNanos,
    eventId: string = this.ids.id(),
  ): AccountState {
    const base = account.baseCurrency;
    const margin = account.accountType === AccountType.MARGIN;
    const v = this.displayValuation(account);
    const equity = v.equity ?? account.balance(base.code);
    const marginUsed = v.marginUsed ?? Decimal.ZERO;
    // Money is immutable: the base currency's amounts are made once and shared with its balance line.
    const equityMoney = Money.of(equity, base);
    const marginMoney = Money.of(marginUsed, base);
    const balances: AccountBalance[] = [];
    for (const h of account.balances.values()) {
      if (margin && h.currency.code === base.code) {
        // Margin balance: wallet + unrealized, of which the posted margin is locked.
        const same = h.currency === base;
        balances.push({
          total: same ? equityMoney : Money.of(equity, h.currency),
          locked: same ? marginMoney : Money.of(marginUsed, h.currency),
          free: Money.of(equity.sub(marginUsed), h.currency),
        });
      } else {
        // Most holdings do not move on a given fill (the base asset of another market, the fee asset).
        const memo = (h.money ??= new MoneyMemo(h.currency));
        const total = memo.of(h.amount);
        balances.push({ total, locked: memo.zero, free: total });
      }
    }
    return {
      type: 'AccountState',
      eventId,
      accountId: account.accountId,
      accountType: account.accountType,
      baseCurrency: base.code,
      balances,
      marginUsed: marginMoney,
      equity: equityMoney,
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
    avgPxOpen: bigint | undefined,
  ): PositionEvent {
    const ledger = r.ledger;
    const instrument = ledger.instrument;
    const qty = ledger.qty;
    const mark = this.displayMark(instrument) ?? r.lastPx;
    const avg = avgPxOpen ?? 0n;
    // Built in one literal (not a shared base spread into a second object): one object per event.
    return {
      eventId: this.ids.id(),
      traderId: r.traderId,
      accountId: r.accountId,
      botId: r.botId,
      strategyId: r.strategyId,
      instrumentId: r.instrumentId,
      positionId: r.positionId,
      side: sideOf(qty),
      signedQty: ledger.signedQty,
      quantity: Quantity.fromUnits(abs(qty), instrument.sizePrecision),
      avgPxOpen: Price.fromUnits(avg, instrument.pricePrecision),
      realizedPnl: r.money.realized.of(ledger.realizedPnl),
      unrealizedPnl: r.money.unrealized.of(ledger.unrealizedPnl(mark)),
      fees: r.money.fees.of(ledger.fees),
      lastPx: r.lastPx,
      tsEvent: fill.tsEvent,
      tsInit,
      type,
    };
  }

  /** A position that went flat (or flipped): reported with the average price of the cycle that ended. */
  private positionClosed(r: PositionRecord, fill: OrderFilled, tsInit: UnixNanos): PositionClosed {
    const ledger = r.ledger;
    const instrument = ledger.instrument;
    const avg = r.lastAvgPx ?? 0n;
    return {
      eventId: this.ids.id(),
      traderId: r.traderId,
      accountId: r.accountId,
      botId: r.botId,
      strategyId: r.strategyId,
      instrumentId: r.instrumentId,
      positionId: r.positionId,
      side: PositionSide.FLAT,
      signedQty: Decimal.of(0n, instrument.sizePrecision),
      quantity: Quantity.fromUnits(0n, instrument.sizePrecision),
      avgPxOpen: Price.fromUnits(avg, instrument.pricePrecision),
      realizedPnl: r.money.realized.of(ledger.realizedPnl),
      unrealizedPnl: r.money.unrealized.zero,
      fees: r.money.fees.of(ledger.fees),
      lastPx: r.lastPx,
      tsEvent: fill.tsEvent,
      tsInit,
      type: 'PositionClosed',
      durationNs: fill.tsEvent - r.openedAt,
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

/**
 * Running sums of a PnL computation, of the three parts or (`totalOnly`) of the records' totals; an
 * amount becomes undefined (unknown) for good once a part is.
 */
class PnlSum {
  base: string | undefined = undefined;
  realized: Decimal | undefined = Decimal.ZERO;
  unrealized: Decimal | undefined = Decimal.ZERO;
  fees: Decimal | undefined = Decimal.ZERO;
  total: Decimal | undefined = Decimal.ZERO;

  constructor(readonly totalOnly: boolean) {}
}

/** One record's realized + unrealized (when open) − fees; undefined when a part is unknown. */
function recordTotal(p: RecordPnl, open: boolean): Decimal | undefined {
  if (p.realized === undefined || p.fees === undefined) return undefined;
  if (!open) return p.realized.sub(p.fees);
  return p.unrealized === undefined ? undefined : p.realized.add(p.unrealized).sub(p.fees);
}

function plus(total: Decimal | undefined, amount: Decimal | undefined): Decimal | undefined {
  return total === undefined || amount === undefined ? undefined : total.add(amount);
}

function bookUnrealized(b: InstrumentBook, mark: Decimal): Decimal {
  return unrealizedOf(b.instrument, b.qty, b.cost, b.costScale, mark);
}

/**
 * |qty| × mark × multiplier (× `factor` when given), exact: the product of the Decimal chain
 * mark.mul(|qty|).mul(multiplier).mul(factor), built once from integer units.
 */
function notionalUnits(
  mark: Decimal,
  qty: bigint,
  instrument: Instrument,
  factor: Decimal | undefined,
): Decimal {
  const multiplier = instrument.multiplier;
  let units = mark.units * abs(qty) * multiplier.units;
  let scale = mark.scale + instrument.sizePrecision + multiplier.scale;
  if (factor !== undefined) {
    units *= factor.units;
    scale += factor.scale;
  }
  return Decimal.of(units, scale);
}

function sideOf(qty: bigint): PositionSide {
  return qty > 0n ? PositionSide.LONG : qty < 0n ? PositionSide.SHORT : PositionSide.FLAT;
}

function abs(n: bigint): bigint {
  return n < 0n ? -n : n;
}

import {
  Decimal,
  InstrumentKind,
  Price,
  pow10,
  type AccountId,
  type Currency,
  type Instrument,
  type InstrumentId,
  type Money,
} from '@qubit/model';
import { PositionLedger as CostLedger } from '../portfolio/position-ledger.js';

/**
 * One currency an account holds at the venue, exact (rounded to the currency only when it leaves as
 * Money). Kept as integer units at the finest scale credited so far: a fill adds without allocating.
 */
export class VenueHolding {
  private units = 0n;
  private scale = 0;

  constructor(readonly currency: Currency) {}

  get amount(): Decimal {
    return Decimal.of(this.units, this.scale);
  }

  /** Adds `units` at `scale` decimals (negative to debit). */
  add(units: bigint, scale: number): void {
    if (scale === this.scale) this.units += units;
    else if (scale < this.scale) this.units += units * pow10(this.scale - scale);
    else {
      this.units = this.units * pow10(scale - this.scale) + units;
      this.scale = scale;
    }
  }
}

/** An account's holdings by currency code, in the order the currencies first appeared. */
export type VenueHoldings = Map<string, VenueHolding>;

/** The venue-side net position of one account in one instrument, from the fills the venue made. */
export interface PositionEntry {
  readonly accountId: AccountId;
  readonly instrumentId: InstrumentId;
  /** Size units at `scale` decimals: positive long, negative short. */
  net: bigint;
  readonly scale: number;
  /**
   * Open cost and realized PnL of the account's net position, kept by the Portfolio's own rules so
   * that the venue's balances equal the Portfolio's for the same fills.
   */
  readonly book: CostLedger;
  /** The holdings of the entry's account, so that a fill settles without looking the account up. */
  readonly holdings: VenueHoldings;
}

/** A reported venue position: signed net quantity (long positive). */
export interface VenuePosition {
  readonly accountId: AccountId;
  readonly instrumentId: InstrumentId;
  readonly netQty: Decimal;
  /**
   * Average open price, when the venue reports one (ccxt's `entryPrice`), rounded half-even to the
   * instrument's price precision: what reconciliation adopts a position it did not know at.
   */
  readonly avgPx?: Price;
}

/**
 * Net positions and balances per account. Orders hold their position entry, so a fill updates it
 * without a lookup; reduce-only orders read it to know what they may still reduce.
 *
 * Balances move with every fill as the Portfolio moves them: a spot instrument moves its base asset by
 * ± quantity and its quote currency by ∓ quantity × price × multiplier; any other instrument settles its
 * realized PnL (on the account's net position) in its settlement currency; either way the fee is paid in
 * its own currency. A fill of an account never opened starts it from zero balances.
 */
export class PositionLedger {
  private readonly byAccount = new Map<string, Map<string, PositionEntry>>();
  private readonly holdingsByAccount = new Map<string, VenueHoldings>();

  /** Adds `balances` to the account's holdings (opening it when new). */
  deposit(accountId: AccountId, balances: readonly Money[]): void {
    const holdings = this.holdings(accountId);
    for (const m of balances) holding(holdings, m.currency).add(m.amount.units, m.amount.scale);
  }

  /** The account's holdings, opened empty when unknown. */
  holdings(accountId: AccountId): VenueHoldings {
    let h = this.holdingsByAccount.get(accountId);
    if (!h) this.holdingsByAccount.set(accountId, (h = new Map()));
    return h;
  }

  /** The account's holdings, or undefined when it never held anything (a query must not open accounts). */
  holdingsOf(accountId: AccountId): VenueHoldings | undefined {
    return this.holdingsByAccount.get(accountId);
  }

  /** Every (account, instrument) pair met so far, in the order `entry` first made them. */
  books(): { accountId: AccountId; instrumentId: InstrumentId }[] {
    const out: { accountId: AccountId; instrumentId: InstrumentId }[] = [];
    for (const perInstrument of this.byAccount.values()) {
      for (const e of perInstrument.values())
        out.push({ accountId: e.accountId, instrumentId: e.instrumentId });
    }
    return out;
  }

  /** Accounts with holdings or positions, in the order they first appeared. */
  accounts(): AccountId[] {
    const out = new Set<string>(this.holdingsByAccount.keys());
    for (const a of this.byAccount.keys()) out.add(a);
    return [...out] as AccountId[];
  }

  entry(accountId: AccountId, instrument: Instrument): PositionEntry {
    let perInstrument = this.byAccount.get(accountId);
    if (!perInstrument) {
      perInstrument = new Map();
      this.byAccount.set(accountId, perInstrument);
    }
    let e = perInstrument.get(instrument.id);
    if (!e) {
      e = {
        accountId,
        instrumentId: instrument.id,
        net: 0n,
        scale: instrument.sizePrecision,
        book: new CostLedger(instrument),
        holdings: this.holdings(accountId),
      };
      perInstrument.set(instrument.id, e);
    }
    return e;
  }

  /**
   * Moves the balances of the entry's account for one fill of `qty` units at `px` units (the
   * instrument's precisions). `net` is the caller's: the matching loop moves it before reporting.
   */
  settle(e: PositionEntry, isBuy: boolean, qty: bigint, px: bigint, fee: Money): void {
    const book = e.book;
    const instrument = book.instrument;
    // The book's own fee total is not read here: a shared zero spares an addition per fill.
    const effect = book.apply(isBuy ? 1 : -1, qty, px, NO_FEE);
    const holdings = e.holdings;
    if (instrument.kind === InstrumentKind.SPOT) {
      // quantity × price × multiplier, exactly, at the scale Decimal multiplication would give.
      const m = instrument.multiplier;
      const notional = px * qty * m.units;
      const scale = instrument.pricePrecision + instrument.sizePrecision + m.scale;
      holding(holdings, instrument.quoteCurrency).add(isBuy ? -notional : notional, scale);
      holding(holdings, instrument.baseCurrency).add(isBuy ? qty : -qty, instrument.sizePrecision);
    } else if (effect.realizedUnits !== 0n) {
      holding(holdings, instrument.settlementCurrency).add(effect.realizedUnits, book.realizedScale);
    }
    const f = fee.amount;
    if (f.units !== 0n) holding(holdings, fee.currency).add(-f.units, f.scale);
  }

  /** Open (non-flat) positions of an account, in the order the instruments were first traded. */
  positions(accountId: AccountId): VenuePosition[] {
    const out: VenuePosition[] = [];
    for (const e of this.byAccount.get(accountId)?.values() ?? []) {
      if (e.net === 0n) continue;
      const avg = e.book.avgPxOpenUnits();
      const position: { -readonly [K in keyof VenuePosition]: VenuePosition[K] } = {
        accountId,
        instrumentId: e.instrumentId,
        netQty: Decimal.of(e.net, e.scale),
      };
      if (avg !== undefined) position.avgPx = Price.fromUnits(avg, e.book.instrument.pricePrecision);
      out.push(position);
    }
    return out;
  }
}

const NO_FEE = Decimal.ZERO;

/** The holding of a currency, opened at zero when new (as the Portfolio lists a currency once touched). */
function holding(holdings: VenueHoldings, currency: Currency): VenueHolding {
  let h = holdings.get(currency.code);
  if (!h) holdings.set(currency.code, (h = new VenueHolding(currency)));
  return h;
}

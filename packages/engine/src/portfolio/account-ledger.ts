import {
  Decimal,
  type AccountId,
  type AccountType,
  type BotId,
  type Currency,
  type Instrument,
  type InstrumentId,
  type PositionId,
  type Price,
  type StrategyId,
  type TraderId,
  type UnixNanos,
} from '@qubit/model';
import type { MoneyMemo, PositionMoney } from './money-memo.js';
import { costScaleOf, type PositionLedger } from './position-ledger.js';

/** One asset an account holds, exact (rounded to the currency only when it leaves as Money). */
export interface Holding {
  readonly currency: Currency;
  amount: Decimal;
  /** The Money last published for `amount`, made when an account state first reports this holding. */
  money?: MoneyMemo;
}

/** The account-wide net of one instrument: Σ of the bots' quantity and cost units, kept as fills arrive. */
export interface InstrumentBook {
  readonly instrument: Instrument;
  readonly costScale: number;
  qty: bigint;
  cost: bigint;
  /** `qty` as a Decimal, made when asked and kept while `qty` stays the same (risk asks per order). */
  qtyDecimal?: Decimal;
}

/** A record's PnL parts in its account's base currency, as computed at a portfolio and marks version. */
export interface RecordPnl {
  version: number;
  marks: number;
  realized: Decimal | undefined;
  fees: Decimal | undefined;
  /** Undefined when unknown (no mark); not used when the position is flat. */
  unrealized: Decimal | undefined;
  /** realized + unrealized − fees, made on first request (null until then). */
  total: Decimal | undefined | null;
}

/** One bot's sub-ledger in one instrument, with who owns it and when its current cycle opened. */
export interface PositionRecord {
  readonly accountId: AccountId;
  readonly botId: BotId;
  readonly instrumentId: InstrumentId;
  readonly positionId: PositionId;
  readonly ledger: PositionLedger;
  traderId: TraderId;
  strategyId: StrategyId;
  /** tsEvent of the fill that opened the current (or last) cycle. */
  openedAt: UnixNanos;
  /** avgPxOpen units of the last non-flat state, reported again by PositionClosed. */
  lastAvgPx: bigint | undefined;
  lastPx: Price;
  /** Remembered PnL parts, shared by every scope (global, account, bot) that sums this record. */
  pnl?: RecordPnl;
  /** The Money amounts last published for this position, reused while they have not moved. */
  money: PositionMoney;
}

/**
 * The state of one account: balances by currency, the bots' sub-ledgers and the account-wide net per
 * instrument. The Portfolio is its only writer.
 */
export class AccountLedger {
  readonly balances = new Map<string, Holding>();
  readonly books = new Map<string, InstrumentBook>();
  /** botId → instrumentId → record. */
  readonly bots = new Map<string, Map<string, PositionRecord>>();

  constructor(
    readonly accountId: AccountId,
    readonly accountType: AccountType,
    readonly baseCurrency: Currency,
  ) {}

  balance(code: string): Decimal {
    return this.balances.get(code)?.amount ?? Decimal.ZERO;
  }

  /** Adds a signed amount to a currency's balance, opening the holding at zero if needed. */
  credit(currency: Currency, amount: Decimal): void {
    const h = this.balances.get(currency.code);
    if (h) h.amount = h.amount.add(amount);
    else this.balances.set(currency.code, { currency, amount });
  }

  position(botId: string, instrumentId: string): PositionRecord | undefined {
    return this.bots.get(botId)?.get(instrumentId);
  }

  addPosition(record: PositionRecord): void {
    let byInstrument = this.bots.get(record.botId);
    if (!byInstrument) this.bots.set(record.botId, (byInstrument = new Map()));
    byInstrument.set(record.instrumentId, record);
  }

  book(instrument: Instrument): InstrumentBook {
    let b = this.books.get(instrument.id);
    if (!b)
      this.books.set(
        instrument.id,
        (b = { instrument, costScale: costScaleOf(instrument), qty: 0n, cost: 0n }),
      );
    return b;
  }
}

import { Money, type Currency, type Decimal } from '@qubit/model';

/**
 * The Money of the last amount converted, for one currency. A position's realized PnL, fees and
 * unrealized PnL are published on every fill and in every view, yet most of them have not moved since
 * the last one; Decimals are immutable and the ledger hands back the same object while a value is
 * unchanged, so the same object means the same Money and the rounding to the currency is not redone.
 */
export class MoneyMemo {
  private from: Decimal | undefined;
  private money: Money | undefined;
  private zeroMoney: Money | undefined;

  constructor(readonly currency: Currency) {}

  /** Zero in this currency, made once: a flat position's unrealized PnL, a balance's locked part. */
  get zero(): Money {
    return (this.zeroMoney ??= Money.zero(this.currency));
  }

  of(amount: Decimal): Money {
    if (amount === this.from && this.money !== undefined) return this.money;
    const money = Money.of(amount, this.currency);
    this.from = amount;
    this.money = money;
    return money;
  }
}

/** The three Money amounts a position event or view carries, each remembered on its own. */
export class PositionMoney {
  readonly realized: MoneyMemo;
  readonly unrealized: MoneyMemo;
  readonly fees: MoneyMemo;

  constructor(currency: Currency) {
    this.realized = new MoneyMemo(currency);
    this.unrealized = new MoneyMemo(currency);
    this.fees = new MoneyMemo(currency);
  }
}

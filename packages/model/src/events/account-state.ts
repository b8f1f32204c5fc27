import type { AccountType } from '../enums/account-type.js';
import type { AccountId } from '../identifiers/account-id.js';
import type { Money } from '../numbers/money.js';
import type { UnixNanos } from '../time.js';

/** One currency's balance: total = free + locked. */
export interface AccountBalance {
  readonly total: Money;
  readonly locked: Money;
  readonly free: Money;
}

/** Balances (and margin in use) of an account, as computed by the Portfolio or reported by the venue. */
export interface AccountState {
  readonly type: 'AccountState';
  readonly eventId: string;
  readonly accountId: AccountId;
  readonly accountType: AccountType;
  readonly baseCurrency: string;
  readonly balances: readonly AccountBalance[];
  /** Margin posted for open positions and working orders, in the base currency. */
  readonly marginUsed: Money;
  readonly equity: Money;
  /** True when the numbers came from the venue rather than from our own accounting. */
  readonly reported: boolean;
  readonly tsEvent: UnixNanos;
  readonly tsInit: UnixNanos;
}

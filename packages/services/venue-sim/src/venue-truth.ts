import { SimulatedVenueQueries, type SimulatedVenue, type VenueQueries } from '@qubit/engine';
import type { AccountId, AccountType, Money } from '@qubit/model';

/** An account the venue holds, with what it started with. */
export interface VenueAccountSetup {
  readonly accountId: AccountId;
  readonly accountType: AccountType;
  readonly balances: readonly Money[];
}

/**
 * The venue's answers to the VenueQueries port, in one place: the engine's SimulatedVenueQueries over the
 * running SimulatedVenue (open orders, an order by id — working, or closed and remembered —, fills since a
 * time, positions, balances moved by every fill as the Portfolio moves them), limited to the accounts the
 * venue holds.
 */
export class VenueTruth {
  readonly queries: VenueQueries;
  private readonly accounts: ReadonlySet<string>;

  constructor(venue: SimulatedVenue, accounts: readonly VenueAccountSetup[]) {
    this.queries = new SimulatedVenueQueries(venue);
    this.accounts = new Set(accounts.map((a) => a.accountId));
  }

  hasAccount(accountId: string): boolean {
    return this.accounts.has(accountId);
  }
}

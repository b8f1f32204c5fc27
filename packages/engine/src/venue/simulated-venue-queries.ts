import {
  AccountId,
  ClientOrderId,
  ModelError,
  describe,
  type Money,
  type OrderFilled,
  type UnixNanos,
} from '@qubit/model';
import type { VenueOrderStatus, VenueQueries } from '../ports/venue-queries.js';
import type { VenueOrderReport } from './simulated-venue.js';
import type { SimulatedVenue } from './simulated-venue.js';
import type { VenuePosition } from './position-ledger.js';

/**
 * A SimulatedVenue answering the questions reconciliation asks of a venue (VenueQueries), as a venue's
 * REST API would: open orders, one order by client order id (working, or closed and still remembered:
 * `closedOrderMemory`), fills since a time, positions and balances. Answers are the venue's state at
 * the call. A bad argument is a ModelError naming it; fills cannot be answered by a venue that does
 * not keep them (`keepFills: false`), which is an error rather than an empty (and wrong) answer.
 */
export class SimulatedVenueQueries implements VenueQueries {
  readonly venue: string;

  constructor(private readonly sim: SimulatedVenue) {
    if (sim === null || typeof sim !== 'object' || typeof sim.openOrders !== 'function') {
      throw new ModelError('venue', `expected a SimulatedVenue, got ${describe(sim)}`);
    }
    this.venue = sim.venue;
  }

  fetchOpenOrders(accountId: AccountId): Promise<VenueOrderReport[]> {
    return answer(() => this.sim.openOrders(AccountId(accountId, 'accountId')));
  }

  fetchOrder(accountId: AccountId, clientOrderId: ClientOrderId): Promise<VenueOrderStatus | undefined> {
    return answer(() =>
      this.sim.orderStatus(AccountId(accountId, 'accountId'), ClientOrderId(clientOrderId, 'clientOrderId')),
    );
  }

  fetchFills(accountId: AccountId, since?: UnixNanos): Promise<OrderFilled[]> {
    return answer(() => {
      const account = AccountId(accountId, 'accountId');
      if (since !== undefined && (typeof since !== 'bigint' || since < 0n)) {
        throw new ModelError('since', `must be nanoseconds as a non-negative bigint, got ${describe(since)}`);
      }
      if (!this.sim.config.keepFills) {
        throw new ModelError(
          'venue.config.keepFills',
          `${this.venue} does not keep its fills; it cannot answer fetchFills`,
        );
      }
      const out: OrderFilled[] = [];
      for (const f of this.sim.fills()) {
        if (f.accountId === account && (since === undefined || f.tsEvent >= since)) out.push(f);
      }
      return out;
    });
  }

  fetchPositions(accountId: AccountId): Promise<VenuePosition[]> {
    return answer(() => this.sim.positions(AccountId(accountId, 'accountId')));
  }

  fetchBalances(accountId: AccountId): Promise<Money[]> {
    return answer(() => this.sim.balances(AccountId(accountId, 'accountId')));
  }
}

/** Runs a synchronous answer, turning a thrown error into a rejected promise as a remote venue would. */
function answer<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
}

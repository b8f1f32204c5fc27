import type {
  AccountId,
  ClientOrderId,
  Money,
  OrderFilled,
  OrderStatus,
  Price,
  UnixNanos,
} from '@qubit/model';
import type { VenueOrderReport } from '../venue/simulated-venue.js';
import type { VenuePosition } from '../venue/position-ledger.js';

export type { VenueOrderReport, VenuePosition };

/** An order as the venue knows it, whatever its state: what reconciliation resolves in-flight orders with. */
export interface VenueOrderStatus extends VenueOrderReport {
  readonly status: Extract<
    OrderStatus,
    'ACCEPTED' | 'TRIGGERED' | 'PARTIALLY_FILLED' | 'FILLED' | 'CANCELED' | 'EXPIRED' | 'REJECTED'
  >;
  /** Average price of its fills, when it has any. */
  readonly avgPx?: Price;
}

/**
 * What a venue answers about an account's state, asked on start (and whenever the platform suspects it
 * missed a report): the questions of ccxt's fetchOpenOrders / fetchOrder / fetchMyTrades / fetchPositions /
 * fetchBalance. Every answer is the venue's truth at the time of the call.
 */
export interface VenueQueries {
  readonly venue: string;
  /** Working orders of the account, in the order the venue accepted them. */
  fetchOpenOrders(accountId: AccountId): Promise<VenueOrderReport[]>;
  /** One order by its ClientOrderId, open or closed; undefined when the venue never received it. */
  fetchOrder(accountId: AccountId, clientOrderId: ClientOrderId): Promise<VenueOrderStatus | undefined>;
  /** The account's fills with tsEvent ≥ `since` (all when omitted), oldest first. */
  fetchFills(accountId: AccountId, since?: UnixNanos): Promise<OrderFilled[]>;
  /** Open (non-flat) net positions of the account. */
  fetchPositions(accountId: AccountId): Promise<VenuePosition[]>;
  /** Balance per currency of the account (total, not only the free part). */
  fetchBalances(accountId: AccountId): Promise<Money[]>;
}

import type { UnixNanos } from '@qubit/model';

/**
 * Something the ExecutionEngine refused to act on: a report for an unknown order, an illegal transition,
 * a client order id reused by another command, a journal that failed. Published on `risk.alerts`, keyed
 * by account ('global' when the account is unknown), so that alerting and circuit breakers see it.
 */
export interface ExecutionAnomaly {
  readonly type: 'ExecutionAnomaly';
  /** The order concerned; '*' for a command that spans many orders (CancelAllOrders). */
  readonly clientOrderId: string;
  readonly accountId?: string;
  /** The event or command that could not be applied, e.g. 'OrderFilled' or 'SubmitOrder'. */
  readonly eventType: string;
  readonly reason: string;
  readonly tsEvent: UnixNanos;
}

import type { OrderEvent } from '@qubit/model';

/**
 * The `orders.status` column: seed 000's lower-case words ('new' when a row is made before anything is
 * known), plus 'submitting' for an order journaled but not yet confirmed sent.
 */
export type OrderRowStatus =
  | 'new'
  | 'initialized'
  | 'submitting'
  | 'submitted'
  | 'accepted'
  | 'triggered'
  | 'partially_filled'
  | 'filled'
  | 'denied'
  | 'rejected'
  | 'canceled'
  | 'expired';

const TERMINAL: ReadonlySet<string> = new Set(['filled', 'denied', 'rejected', 'canceled', 'expired']);

const PROGRESS: Readonly<Record<string, number>> = {
  new: 0,
  initialized: 1,
  submitting: 2,
  submitted: 3,
  accepted: 4,
  triggered: 5,
  partially_filled: 6,
};

/** The status an event asks for; undefined for events that do not change it (modifications, refusals of them). */
export function statusOfEvent(event: OrderEvent): OrderRowStatus | undefined {
  switch (event.type) {
    case 'OrderInitialized':
      return 'initialized';
    case 'OrderDenied':
      return 'denied';
    case 'OrderSubmitted':
      return 'submitted';
    case 'OrderAccepted':
      return 'accepted';
    case 'OrderRejected':
      return 'rejected';
    case 'OrderCanceled':
      return 'canceled';
    case 'OrderExpired':
      return 'expired';
    case 'OrderTriggered':
      return 'triggered';
    case 'OrderFilled':
      return 'partially_filled';
    case 'OrderModified':
    case 'OrderModifyRejected':
    case 'OrderCancelRejected':
      return undefined;
  }
}

/**
 * The status after `proposed`: a final status stays final, and a late report (an acceptance after a
 * partial fill) never moves an order back. The journal keeps every event; this column is a summary.
 */
export function advanceStatus(current: string, proposed: OrderRowStatus): string {
  if (TERMINAL.has(current)) return current;
  if (TERMINAL.has(proposed)) return proposed;
  return (PROGRESS[proposed] ?? 0) >= (PROGRESS[current] ?? 0) ? proposed : current;
}

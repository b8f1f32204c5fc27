import type { UnixNanos } from '../time.js';
import type { OrderOwner, OrderTerms } from './order-spec.js';

/** Asks for a new order; it passes both risk stages before the ExecutionEngine journals and sends it. */
export interface SubmitOrder extends OrderOwner, OrderTerms {
  readonly type: 'SubmitOrder';
  readonly commandId: string;
  readonly tsInit: UnixNanos;
}

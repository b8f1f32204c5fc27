import type { CancelAllOrders, CancelOrder, ModifyOrder, OrderEvent, SubmitOrder } from '@qubit/model';

/** Where a venue's execution reports go, already mapped to model events. */
export type ExecutionReportSink = (event: OrderEvent) => void;

/**
 * The port every venue implements: the SimulatedVenue, ccxt adapters, a remote gRPC connector.
 * Calls return at once; outcomes arrive later as OrderAccepted / OrderRejected / OrderFilled / …
 * through the sink given to `connect`. Venue verbs follow ccxt's naming where they exist.
 */
export interface ExecutionClient {
  readonly venue: string;
  connect(sink: ExecutionReportSink): void;
  submitOrder(command: SubmitOrder): void;
  modifyOrder(command: ModifyOrder): void;
  cancelOrder(command: CancelOrder): void;
  cancelAllOrders(command: CancelAllOrders): void;
}

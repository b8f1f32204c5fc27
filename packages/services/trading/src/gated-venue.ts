import type { ExecutionClient, ExecutionReportSink } from '@qubit/engine';
import type { CancelAllOrders, CancelOrder, ModifyOrder, OrderEvent, SubmitOrder } from '@qubit/model';

/**
 * Holds a venue's reports back while the platform recovers. The venue's stream must be connected before
 * reconciliation asks the venue for its state (so nothing that happens between the answer and the live
 * stream is missed), but a report applied before the journal is replayed would meet an order that does not
 * exist yet. So reports are kept in arrival order until `open()`, then delivered; the ones reconciliation
 * already produced are recognised by the execution engine and the portfolio as duplicates.
 */
export class GatedExecutionClient implements ExecutionClient {
  readonly venue: string;
  private sink: ExecutionReportSink | undefined;
  private held: OrderEvent[] | undefined = [];

  constructor(private readonly inner: ExecutionClient) {
    this.venue = inner.venue;
  }

  connect(sink: ExecutionReportSink): void {
    this.sink = sink;
    this.inner.connect((event) => {
      if (this.held) this.held.push(event);
      else sink(event);
    });
  }

  /** Delivers the reports held so far, in order, and every later one at once. */
  open(): number {
    const held = this.held ?? [];
    this.held = undefined;
    for (const event of held) this.sink?.(event);
    return held.length;
  }

  submitOrder(command: SubmitOrder): void {
    this.inner.submitOrder(command);
  }

  modifyOrder(command: ModifyOrder): void {
    this.inner.modifyOrder(command);
  }

  cancelOrder(command: CancelOrder): void {
    this.inner.cancelOrder(command);
  }

  cancelAllOrders(command: CancelAllOrders): void {
    this.inner.cancelAllOrders(command);
  }
}

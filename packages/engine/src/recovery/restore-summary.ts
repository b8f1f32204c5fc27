import type { ClientOrderId } from '@qubit/model';

/** What `TradingNode.restore` rebuilt from the journal. */
export interface RestoreSummary {
  /** Entries read. */
  readonly entries: number;
  /** Commands remembered as carried out, and order events applied. */
  readonly commands: number;
  readonly events: number;
  /** Entries already applied (a journal written at least once may hold repeats); they changed nothing. */
  readonly duplicates: number;
  /** Orders rebuilt, and how many of them are not closed. */
  readonly orders: number;
  readonly openOrders: number;
  /** Orders a venue may know but whose outcome was never journaled (SUBMITTED, PENDING_UPDATE, PENDING_CANCEL). */
  readonly inFlight: readonly ClientOrderId[];
  /** Orders never sent to any venue (INITIALIZED): reconciliation closes them. */
  readonly unsubmitted: readonly ClientOrderId[];
  /** Fills applied to the portfolio, and its open positions after them. */
  readonly fills: number;
  readonly positions: number;
  /**
   * Entries refused, one line each naming the entry (its index and type) and why; nothing of them was
   * applied. A refused fill the order took but the portfolio did not is one too.
   */
  readonly anomalies: readonly string[];
}

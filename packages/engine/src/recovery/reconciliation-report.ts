import {
  Decimal,
  encodeEnvelope,
  type AccountId,
  type BotId,
  type ClientOrderId,
  type InstrumentId,
  type JsonObject,
  type OrderEvent,
  type Price,
  type TradeId,
  type UnixNanos,
} from '@qubit/model';

/**
 * What did not agree: a position (instrument), a balance (currency), an order of ours the venue tells
 * a different story about, an open order at the venue nobody can own (`unknown-order`), or an event
 * the execution engine refused while reconciling (`anomaly`).
 */
export type MismatchKind = 'position' | 'balance' | 'order' | 'unknown-order' | 'anomaly';

export interface ReconciliationMismatch {
  readonly kind: MismatchKind;
  readonly instrumentId?: InstrumentId;
  readonly currency?: string;
  readonly clientOrderId?: ClientOrderId;
  /** Our figure (a quantity, a balance) or state, and the venue's. */
  readonly ours: Decimal | string;
  readonly theirs: Decimal | string;
  /** One line an operator can act on. */
  readonly detail: string;
}

/** Something of the venue's that reconciliation took on, with flagged (reconciliation) events. */
export interface ReconciliationAdoption {
  /** A position we did not hold (adopted with a synthetic fill), or a working order we never journaled. */
  readonly kind: 'position' | 'order';
  readonly instrumentId: InstrumentId;
  /** The synthetic order of an adopted position, or the adopted order. */
  readonly clientOrderId: ClientOrderId;
  readonly botId: BotId;
  /** Signed quantity adopted (long positive) for a position; the order's quantity for an order. */
  readonly quantity: Decimal;
  /** The price a position was adopted at, and where it came from. */
  readonly price?: Price;
  readonly tradeId?: TradeId;
  readonly detail: string;
}

/**
 * The outcome of one reconciliation of an account with its venue: what was emitted (every event is
 * journaled, marked `reconciliation: true`), what was adopted, what did not agree and which bots that
 * blocks. `ok` when nothing disagrees.
 */
export interface ReconciliationReport {
  readonly venue: string;
  readonly accountId: AccountId;
  readonly startedAt: UnixNanos;
  readonly finishedAt: UnixNanos;
  /** The events reconciliation applied, in order. */
  readonly emitted: readonly OrderEvent[];
  readonly adopted: readonly ReconciliationAdoption[];
  readonly mismatches: readonly ReconciliationMismatch[];
  /**
   * Bots that must not start until an operator accepts: those with orders or positions in an instrument
   * that disagrees (or owning an order that does), and every bot of the account when a balance does.
   */
  readonly blockedBots: readonly BotId[];
  readonly ok: boolean;
}

/**
 * The JSON form of a report, for the store and the API: snake_case, decimals and nanoseconds as strings,
 * emitted events in the model's versioned wire envelopes.
 */
export function reconciliationReportToJson(report: ReconciliationReport): JsonObject {
  return {
    venue: report.venue,
    account_id: report.accountId,
    started_at: report.startedAt.toString(),
    finished_at: report.finishedAt.toString(),
    ok: report.ok,
    emitted: report.emitted.map(
      (e) => encodeEnvelope(e, { id: e.eventId, key: e.accountId }) as unknown as JsonObject,
    ),
    adopted: report.adopted.map((a) => {
      const o: JsonObject = {
        kind: a.kind,
        instrument_id: a.instrumentId,
        client_order_id: a.clientOrderId,
        bot_id: a.botId,
        quantity: a.quantity.toString(),
      };
      if (a.price !== undefined) o.price = a.price.toString();
      if (a.tradeId !== undefined) o.trade_id = a.tradeId;
      o.detail = a.detail;
      return o;
    }),
    mismatches: report.mismatches.map((m) => {
      const o: JsonObject = { kind: m.kind };
      if (m.instrumentId !== undefined) o.instrument_id = m.instrumentId;
      if (m.currency !== undefined) o.currency = m.currency;
      if (m.clientOrderId !== undefined) o.client_order_id = m.clientOrderId;
      o.ours = m.ours instanceof Decimal ? m.ours.toString() : m.ours;
      o.theirs = m.theirs instanceof Decimal ? m.theirs.toString() : m.theirs;
      o.detail = m.detail;
      return o;
    }),
    blocked_bots: [...report.blockedBots],
  };
}

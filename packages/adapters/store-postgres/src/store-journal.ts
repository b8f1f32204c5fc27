import type { ExecutionJournal, JournalEntry, JournalReader } from '@qubit/engine';
import {
  Decimal,
  Rounding,
  createWireRegistry,
  decodeEnvelope,
  encodeEnvelope,
  parseInstrumentId,
  type DecodeContext,
  type OrderEvent,
  type OrderFilled,
  type OrderInitialized,
  type SubmitOrder,
  type TradingCommand,
  type UnixNanos,
  type WireRegistry,
} from '@qubit/model';
import { botUuid } from './bot-uuid.js';
import { JournalDecodeError } from './journal-decode-error.js';
import { advanceStatus, statusOfEvent } from './order-row-status.js';
import type { SqlClient } from './sql-client.js';
import { bigintOf, countOf, decimalOf, jsonText, nanosToTimestamp, requireText } from './sql-values.js';
import { StoreError } from './store-error.js';

export interface StoreJournalOptions {
  /** Encodes and decodes entries; the model's codecs when absent. */
  readonly registry?: WireRegistry;
  /** Instruments and currencies for decoding on load (tick and lot grids are then checked too). */
  readonly decodeContext?: DecodeContext;
  /** Rows read per query by `load` (5,000 when absent). */
  readonly pageSize?: number;
}

const COMMAND_TYPES: ReadonlySet<string> = new Set([
  'SubmitOrder',
  'ModifyOrder',
  'CancelOrder',
  'CancelAllOrders',
]);
const EVENT_TYPES: ReadonlySet<string> = new Set([
  'OrderInitialized',
  'OrderDenied',
  'OrderSubmitted',
  'OrderAccepted',
  'OrderRejected',
  'OrderModified',
  'OrderModifyRejected',
  'OrderCanceled',
  'OrderCancelRejected',
  'OrderExpired',
  'OrderTriggered',
  'OrderFilled',
]);

/** Decimals beyond the order quantity's that the average fill price keeps, as the engine's Order.avgPx does. */
const AVG_PX_EXTRA_SCALE = 8;

interface OrderRow {
  id: string;
  qty: string;
  status: string;
  filled_qty: string;
  fill_notional: string;
  provider_order_id: string | null;
  price: string | null;
  trigger_price: string | null;
}

/** Rolls back a transaction whose fill was already stored under another event id; not an error to callers. */
class DuplicateFill extends Error {}

/**
 * The durable write-ahead journal of execution. Each command and each order event is one row of
 * `order_events` holding its wire envelope, committed before the returned promise resolves (the
 * ExecutionEngine awaits it before calling the venue or applying a report). In the same transaction
 * the `orders` row and, for fills, the `executions` row are brought up to date, so the tables never
 * disagree with the journal.
 *
 * Replays change nothing: an entry whose id is already journaled is ignored, and a fill whose
 * (venue, trade id) is already stored is ignored whatever its event id.
 */
export class StoreJournal implements ExecutionJournal, JournalReader {
  private readonly registry: WireRegistry;
  private readonly decodeContext: DecodeContext;
  private readonly pageSize: number;

  constructor(
    private readonly sql: SqlClient,
    options: StoreJournalOptions = {},
  ) {
    this.registry = options.registry ?? createWireRegistry();
    this.decodeContext = options.decodeContext ?? {};
    this.pageSize = options.pageSize ?? 5_000;
    if (!Number.isSafeInteger(this.pageSize) || this.pageSize < 1) {
      throw new StoreError('pageSize', `must be a positive integer, got ${String(options.pageSize)}`);
    }
  }

  async recordCommand(command: TradingCommand): Promise<void> {
    const type = typeOf(command, 'command');
    if (!COMMAND_TYPES.has(type)) throw new StoreError('command.type', `"${type}" is not a trading command`);
    const clientOrderId = 'clientOrderId' in command ? command.clientOrderId : undefined;
    const payload = this.encode(command, command.commandId, command.accountId);
    await this.sql.transaction(async (tx) => {
      const recorded = await insertEntry(tx, {
        id: command.commandId,
        kind: 'command',
        type,
        clientOrderId,
        accountId: command.accountId,
        payload,
        tsNs: command.tsInit,
      });
      if (recorded && command.type === 'SubmitOrder') await upsertSubmitting(tx, command);
    });
  }

  async recordEvent(event: OrderEvent): Promise<void> {
    const type = typeOf(event, 'event');
    if (!EVENT_TYPES.has(type)) throw new StoreError('event.type', `"${type}" is not an order event`);
    const payload = this.encode(event, event.eventId, event.accountId);
    try {
      await this.sql.transaction(async (tx) => {
        const recorded = await insertEntry(tx, {
          id: event.eventId,
          kind: 'event',
          type,
          clientOrderId: event.clientOrderId,
          accountId: event.accountId,
          payload,
          tsNs: event.tsEvent,
        });
        if (recorded) await applyToOrder(tx, event);
      });
    } catch (err) {
      if (err instanceof DuplicateFill) return;
      throw err;
    }
  }

  /** Every entry in journal order, decoded; a row that does not decode is a JournalDecodeError naming its seq. */
  async load(): Promise<JournalEntry[]> {
    const entries: JournalEntry[] = [];
    let after = '0';
    for (;;) {
      const rows = await this.sql.query<{ seq: string; kind: string; payload: unknown }>(
        'SELECT seq, kind, payload FROM order_events WHERE seq > $1 ORDER BY seq LIMIT $2',
        [after, this.pageSize],
      );
      for (const row of rows) entries.push(this.decodeRow(row));
      const last = rows.at(-1);
      if (!last || rows.length < this.pageSize) return entries;
      after = last.seq;
    }
  }

  /** When the newest stored fill of an account at a venue happened (its tsEvent); undefined before any fill. */
  async lastFillTs(venue: string, accountId: string): Promise<UnixNanos | undefined> {
    requireText(venue, 'venue');
    requireText(accountId, 'accountId');
    const rows = await this.sql.query<{ ts: string | null }>(
      'SELECT max(ts_ns) AS ts FROM executions WHERE venue = $1 AND account_id = $2',
      [venue, accountId],
    );
    const ts = rows[0]?.ts;
    return ts === null || ts === undefined ? undefined : bigintOf(ts, 'executions.ts_ns');
  }

  /** How many fills are stored, at one venue and for one account when given. */
  async fillCount(venue?: string, accountId?: string): Promise<number> {
    if (venue !== undefined) requireText(venue, 'venue');
    if (accountId !== undefined) requireText(accountId, 'accountId');
    const rows = await this.sql.query<{ n: string }>(
      `SELECT count(*) AS n FROM executions
        WHERE ($1::text IS NULL OR venue = $1) AND ($2::text IS NULL OR account_id = $2)`,
      [venue ?? null, accountId ?? null],
    );
    return countOf(rows[0]?.n, 'count');
  }

  private encode(message: TradingCommand | OrderEvent, id: string, accountId: string | undefined): string {
    const envelope = encodeEnvelope(message, { id, key: accountId ?? 'global', registry: this.registry });
    return jsonText(envelope, `${message.type}.payload`);
  }

  private decodeRow(row: { seq: string; kind: string; payload: unknown }): JournalEntry {
    const seq = bigintOf(row.seq, 'order_events.seq');
    let message: { type: string };
    try {
      message = decodeEnvelope(row.payload, { ...this.decodeContext, registry: this.registry }).message;
    } catch (err) {
      throw new JournalDecodeError(seq, (err as Error).message, { cause: err });
    }
    const expected = row.kind === 'command' ? COMMAND_TYPES : EVENT_TYPES;
    if (!expected.has(message.type)) {
      throw new JournalDecodeError(seq, `a ${row.kind} row holds a ${message.type}`);
    }
    return message as JournalEntry;
  }
}

function typeOf(message: unknown, what: string): string {
  const type = (message as { type?: unknown } | null)?.type;
  if (typeof type !== 'string')
    throw new StoreError(`${what}.type`, `must be a message type, got ${typeof type}`);
  return type;
}

interface Entry {
  id: string;
  kind: 'command' | 'event';
  type: string;
  clientOrderId: string | undefined;
  accountId: string | undefined;
  payload: string;
  tsNs: UnixNanos;
}

/** Inserts the journal row; false when an entry with this id is already journaled (a replay). */
async function insertEntry(tx: SqlClient, e: Entry): Promise<boolean> {
  const rows = await tx.query(
    `INSERT INTO order_events (event_id, kind, type, client_order_id, account_id, payload, ts_ns)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7)
     ON CONFLICT (event_id) DO NOTHING
     RETURNING seq`,
    [e.id, e.kind, e.type, e.clientOrderId ?? null, e.accountId ?? null, e.payload, e.tsNs.toString()],
  );
  return rows.length > 0;
}

const side = (s: string): string => s.toLowerCase();

/** The orders row of a SubmitOrder: created when the order has none yet, else moved to 'submitting'. */
async function upsertSubmitting(tx: SqlClient, c: SubmitOrder): Promise<void> {
  await tx.query(
    `${INSERT_ORDER}
     ON CONFLICT (client_order_id) DO UPDATE
        SET status = 'submitting', updated_at = now(), ts_last_ns = excluded.ts_last_ns
      WHERE orders.status IN ('new', 'initialized')`,
    orderParams(c, 'submitting', c.tsInit),
  );
}

const INSERT_ORDER = `
INSERT INTO orders (bot_id, symbol, side, qty, price, status, client_order_id, bot_ref, account_id,
  instrument_id, order_type, time_in_force, trigger_price, reduce_only, post_only, strategy_id, trader_id,
  expire_time_ns, reason, ts_last_ns)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)`;

function orderParams(o: SubmitOrder | OrderInitialized, status: string, ts: UnixNanos): unknown[] {
  return [
    botUuid(o.botId),
    parseInstrumentId(o.instrumentId).symbol,
    side(o.side),
    o.quantity.toString(),
    o.price?.toString() ?? null,
    status,
    o.clientOrderId,
    o.botId,
    o.accountId,
    o.instrumentId,
    o.orderType,
    o.timeInForce,
    o.triggerPrice?.toString() ?? null,
    o.reduceOnly,
    o.postOnly,
    o.strategyId,
    o.traderId,
    o.expireTime?.toString() ?? null,
    o.reason,
    ts.toString(),
  ];
}

/**
 * Creates the orders row of an order the journal meets first through an event (one adopted while
 * reconciling), from what the event carries. Only OrderInitialized and OrderFilled carry the side and a
 * quantity that seed 000's NOT NULL columns need; other events of an unknown order are journaled only.
 */
async function createFromEvent(tx: SqlClient, event: OrderEvent): Promise<boolean> {
  if (event.type === 'OrderInitialized') {
    await tx.query(
      `${INSERT_ORDER} ON CONFLICT (client_order_id) DO NOTHING`,
      orderParams(event, 'new', event.tsEvent),
    );
    return true;
  }
  if (event.type === 'OrderFilled') {
    // The order's full quantity is unknown: the fill's stands in, and grows with later fills.
    await tx.query(
      `INSERT INTO orders (bot_id, symbol, side, qty, status, client_order_id, bot_ref, account_id,
         instrument_id, order_type, strategy_id, trader_id, provider_order_id, ts_last_ns)
       VALUES ($1, $2, $3, $4, 'new', $5, $6, $7, $8, $9, $10, $11, $12, $13)
       ON CONFLICT (client_order_id) DO NOTHING`,
      [
        botUuid(event.botId),
        parseInstrumentId(event.instrumentId).symbol,
        side(event.side),
        event.lastQty.toString(),
        event.clientOrderId,
        event.botId,
        event.accountId,
        event.instrumentId,
        event.orderType,
        event.strategyId,
        event.traderId,
        event.venueOrderId,
        event.tsEvent.toString(),
      ],
    );
    return true;
  }
  return false;
}

async function lockOrder(tx: SqlClient, clientOrderId: string): Promise<OrderRow | undefined> {
  const rows = await tx.query<OrderRow>(
    `SELECT id, qty, status, filled_qty, fill_notional, provider_order_id, price, trigger_price
       FROM orders WHERE client_order_id = $1 FOR UPDATE`,
    [clientOrderId],
  );
  return rows[0];
}

/** Brings the orders row (and, for a fill, executions) in line with a newly journaled event. */
async function applyToOrder(tx: SqlClient, event: OrderEvent): Promise<void> {
  let row = await lockOrder(tx, event.clientOrderId);
  if (!row) {
    if (!(await createFromEvent(tx, event))) return;
    row = await lockOrder(tx, event.clientOrderId);
    if (!row)
      throw new StoreError('orders', `the row of ${event.clientOrderId} vanished while it was written`);
  }
  let status = row.status;
  let qty = row.qty;
  let price = row.price;
  let triggerPrice = row.trigger_price;
  let providerOrderId = row.provider_order_id;
  let filledQty = row.filled_qty;
  let fillNotional = row.fill_notional;
  let avgPx: string | undefined;

  if ('venueOrderId' in event && event.venueOrderId !== undefined) providerOrderId = event.venueOrderId;
  if (event.type === 'OrderModified') {
    qty = event.quantity.toString();
    if (event.price !== undefined) price = event.price.toString();
    if (event.triggerPrice !== undefined) triggerPrice = event.triggerPrice.toString();
  }
  if (event.type === 'OrderFilled') {
    await insertExecution(tx, row.id, event);
    const q = decimalOf(row.qty, 'orders.qty');
    const filled = decimalOf(row.filled_qty, 'orders.filled_qty').add(event.lastQty);
    const notional = decimalOf(row.fill_notional, 'orders.fill_notional').add(
      event.lastQty.mul(event.lastPx),
    );
    filledQty = filled.toString();
    fillNotional = notional.toString();
    avgPx = notional.div(filled, q.scale + AVG_PX_EXTRA_SCALE, Rounding.HALF_EVEN).toString();
    // An adopted order's quantity is what has been seen filled; an order is never less than its fills.
    if (filled.gt(q)) qty = filled.toString();
    status = filled.gte(Decimal.parse(qty)) ? 'filled' : advanceStatus(status, 'partially_filled');
  } else {
    const proposed = statusOfEvent(event);
    if (proposed !== undefined) status = advanceStatus(status, proposed);
  }
  await tx.query(
    `UPDATE orders
        SET status = $2, qty = $3, price = $4, trigger_price = $5, provider_order_id = $6,
            filled_qty = $7, fill_notional = $8, avg_px = coalesce($9::numeric, avg_px),
            ts_last_ns = $10, updated_at = now()
      WHERE id = $1`,
    [
      row.id,
      status,
      qty,
      price,
      triggerPrice,
      providerOrderId,
      filledQty,
      fillNotional,
      avgPx ?? null,
      event.tsEvent.toString(),
    ],
  );
}

/** Stores a fill; a (venue, trade id) already stored rolls the whole entry back as a duplicate. */
async function insertExecution(tx: SqlClient, orderId: string, f: OrderFilled): Promise<void> {
  const rows = await tx.query(
    `INSERT INTO executions (order_id, fill_qty, fill_price, fee, filled_at, venue, trade_id, client_order_id,
       account_id, instrument_id, side, fee_currency, liquidity, reconciliation, ts_ns, venue_order_id, event_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
     ON CONFLICT (venue, trade_id) DO NOTHING
     RETURNING id`,
    [
      orderId,
      f.lastQty.toString(),
      f.lastPx.toString(),
      f.fee.amount.toString(),
      nanosToTimestamp(f.tsEvent),
      parseInstrumentId(f.instrumentId).venue,
      f.tradeId,
      f.clientOrderId,
      f.accountId,
      f.instrumentId,
      side(f.side),
      f.fee.currency.code,
      f.liquiditySide,
      f.reconciliation === true,
      f.tsEvent.toString(),
      f.venueOrderId,
      f.eventId,
    ],
  );
  if (rows.length === 0) throw new DuplicateFill();
}

import type { Decimal, UnixNanos } from '@qubit/model';
import type { SqlClient } from './sql-client.js';
import { bigintOf, decimalOf, optDecimalOf, optText, requireLimit, requireText } from './sql-values.js';

/** An `orders` row as the journal keeps it (read side; the journal is the only writer). */
export interface StoredOrder {
  readonly id: string;
  /** botUuid(botRef): seed 000's key. */
  readonly botId: string;
  readonly botRef: string | undefined;
  readonly clientOrderId: string;
  readonly accountId: string | undefined;
  readonly instrumentId: string | undefined;
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  readonly qty: Decimal;
  readonly price: Decimal | undefined;
  readonly triggerPrice: Decimal | undefined;
  readonly orderType: string | undefined;
  readonly timeInForce: string | undefined;
  readonly status: string;
  readonly providerOrderId: string | undefined;
  readonly filledQty: Decimal;
  readonly avgPx: Decimal | undefined;
  readonly reduceOnly: boolean;
  readonly postOnly: boolean;
  readonly strategyId: string | undefined;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** An `executions` row: one fill, unique per (venue, trade id). */
export interface StoredExecution {
  readonly id: string;
  readonly orderId: string;
  readonly clientOrderId: string | undefined;
  readonly venue: string;
  readonly tradeId: string;
  readonly accountId: string | undefined;
  readonly instrumentId: string | undefined;
  readonly side: 'buy' | 'sell' | undefined;
  readonly fillQty: Decimal;
  readonly fillPrice: Decimal;
  readonly fee: Decimal;
  readonly feeCurrency: string | undefined;
  readonly liquidity: string | undefined;
  readonly reconciliation: boolean;
  /** The fill's tsEvent, exact; `filledAt` is the same instant to the microsecond. */
  readonly tsEvent: UnixNanos | undefined;
  readonly filledAt: Date;
}

export interface OrderFilter {
  readonly accountId?: string;
  readonly status?: string;
  /** Newest first; 100 when absent. */
  readonly limit?: number;
}

type Row = Record<string, unknown>;

/** Reads orders and their fills. */
export class OrdersRepository {
  constructor(private readonly sql: SqlClient) {}

  async get(clientOrderId: string): Promise<StoredOrder | undefined> {
    requireText(clientOrderId, 'clientOrderId');
    const rows = await this.sql.query('SELECT * FROM orders WHERE client_order_id = $1', [clientOrderId]);
    return rows[0] && orderOf(rows[0]);
  }

  async list(filter: OrderFilter = {}): Promise<StoredOrder[]> {
    const accountId = optText(filter.accountId, 'accountId');
    const status = optText(filter.status, 'status');
    const limit = requireLimit(filter.limit ?? 100, 'limit');
    const rows = await this.sql.query(
      `SELECT * FROM orders
        WHERE ($1::text IS NULL OR account_id = $1) AND ($2::text IS NULL OR status = $2)
        ORDER BY created_at DESC, client_order_id DESC LIMIT $3`,
      [accountId ?? null, status ?? null, limit],
    );
    return rows.map(orderOf);
  }

  /** The fills of one order, oldest first. */
  async executions(clientOrderId: string): Promise<StoredExecution[]> {
    requireText(clientOrderId, 'clientOrderId');
    const rows = await this.sql.query(
      'SELECT * FROM executions WHERE client_order_id = $1 ORDER BY ts_ns, trade_id',
      [clientOrderId],
    );
    return rows.map(executionOf);
  }
}

const opt = (v: unknown): string | undefined => (v === null || v === undefined ? undefined : String(v));

function orderOf(r: Row): StoredOrder {
  return {
    id: String(r.id),
    botId: String(r.bot_id),
    botRef: opt(r.bot_ref),
    clientOrderId: String(r.client_order_id),
    accountId: opt(r.account_id),
    instrumentId: opt(r.instrument_id),
    symbol: String(r.symbol),
    side: r.side as 'buy' | 'sell',
    qty: decimalOf(r.qty, 'orders.qty'),
    price: optDecimalOf(r.price, 'orders.price'),
    triggerPrice: optDecimalOf(r.trigger_price, 'orders.trigger_price'),
    orderType: opt(r.order_type),
    timeInForce: opt(r.time_in_force),
    status: String(r.status),
    providerOrderId: opt(r.provider_order_id),
    filledQty: decimalOf(r.filled_qty, 'orders.filled_qty'),
    avgPx: optDecimalOf(r.avg_px, 'orders.avg_px'),
    reduceOnly: r.reduce_only === true,
    postOnly: r.post_only === true,
    strategyId: opt(r.strategy_id),
    createdAt: r.created_at as Date,
    updatedAt: r.updated_at as Date,
  };
}

function executionOf(r: Row): StoredExecution {
  return {
    id: String(r.id),
    orderId: String(r.order_id),
    clientOrderId: opt(r.client_order_id),
    venue: String(r.venue),
    tradeId: String(r.trade_id),
    accountId: opt(r.account_id),
    instrumentId: opt(r.instrument_id),
    side: (opt(r.side) as 'buy' | 'sell' | undefined) ?? undefined,
    fillQty: decimalOf(r.fill_qty, 'executions.fill_qty'),
    fillPrice: decimalOf(r.fill_price, 'executions.fill_price'),
    fee: decimalOf(r.fee, 'executions.fee'),
    feeCurrency: opt(r.fee_currency),
    liquidity: opt(r.liquidity),
    reconciliation: r.reconciliation === true,
    tsEvent: r.ts_ns === null || r.ts_ns === undefined ? undefined : bigintOf(r.ts_ns, 'executions.ts_ns'),
    filledAt: r.filled_at as Date,
  };
}

import type { PositionSnapshot } from '@qubit/engine';
import {
  AccountId,
  BotId,
  InstrumentId,
  PositionId,
  PositionSideValues,
  Price,
  Quantity,
  StrategyId,
  TraderId,
  currency,
  type PositionSide,
} from '@qubit/model';
import { botUuid } from './bot-uuid.js';
import type { SqlClient } from './sql-client.js';
import { bigintOf, decimalOf, optDecimalOf, requireText } from './sql-values.js';
import { StoreError } from './store-error.js';

const UPSERT = `
INSERT INTO positions (account_id, bot_ref, instrument_id, signed_qty, avg_px, realized_pnl, currency, updated_at,
  bot_id, trader_id, strategy_id, position_id, side, quantity, cost, unrealized_pnl, fees, currency_precision,
  opened_at_ns, last_px)
VALUES ($1, $2, $3, $4, $5, $6, $7, now(), $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
ON CONFLICT (account_id, bot_ref, instrument_id) DO UPDATE SET
  signed_qty = excluded.signed_qty, avg_px = excluded.avg_px, realized_pnl = excluded.realized_pnl,
  currency = excluded.currency, updated_at = now(), bot_id = excluded.bot_id, trader_id = excluded.trader_id,
  strategy_id = excluded.strategy_id, position_id = excluded.position_id, side = excluded.side,
  quantity = excluded.quantity, cost = excluded.cost, unrealized_pnl = excluded.unrealized_pnl,
  fees = excluded.fees, currency_precision = excluded.currency_precision, opened_at_ns = excluded.opened_at_ns,
  last_px = excluded.last_px`;

/**
 * The portfolio's latest position per (account, bot, instrument): a projection for queries, written by
 * the single writer of fills. The journal is the record; a restart rebuilds the portfolio from it and
 * writes a fresh snapshot here. Amounts are exact, in the settlement currency.
 */
export class PositionsRepository {
  constructor(private readonly sql: SqlClient) {}

  async upsert(p: PositionSnapshot): Promise<void> {
    const params = paramsOf(p);
    await this.sql.query(UPSERT, params);
  }

  /**
   * Makes the account's rows exactly `positions` in one transaction: rows of positions absent from the
   * list (closed and forgotten since) are removed.
   */
  async replaceAccount(accountId: string, positions: readonly PositionSnapshot[]): Promise<void> {
    const account = AccountId(accountId, 'accountId');
    const params = positions.map((p, i) => {
      if (p.accountId !== account) {
        throw new StoreError(
          `positions[${i}].accountId`,
          `is ${p.accountId}, not the account ${account} being replaced`,
        );
      }
      return paramsOf(p, `positions[${i}]`);
    });
    await this.sql.transaction(async (tx) => {
      await tx.query('DELETE FROM positions WHERE account_id = $1', [account]);
      for (const p of params) await tx.query(UPSERT, p);
    });
  }

  /** The account's positions, by bot then instrument. */
  async list(accountId: string): Promise<PositionSnapshot[]> {
    requireText(accountId, 'accountId');
    const rows = await this.sql.query(
      'SELECT * FROM positions WHERE account_id = $1 ORDER BY bot_ref, instrument_id',
      [accountId],
    );
    return rows.map(snapshotOf);
  }

  async get(accountId: string, botId: string, instrumentId: string): Promise<PositionSnapshot | undefined> {
    requireText(accountId, 'accountId');
    requireText(botId, 'botId');
    requireText(instrumentId, 'instrumentId');
    const rows = await this.sql.query(
      'SELECT * FROM positions WHERE account_id = $1 AND bot_ref = $2 AND instrument_id = $3',
      [accountId, botId, instrumentId],
    );
    return rows[0] && snapshotOf(rows[0]);
  }
}

function paramsOf(p: PositionSnapshot, field = 'position'): unknown[] {
  if (typeof p !== 'object' || p === null) throw new StoreError(field, 'must be a position snapshot');
  AccountId(p.accountId, `${field}.accountId`);
  InstrumentId(p.instrumentId, `${field}.instrumentId`);
  if (!PositionSideValues.includes(p.side)) {
    throw new StoreError(
      `${field}.side`,
      `must be one of ${PositionSideValues.join(', ')}, got ${String(p.side)}`,
    );
  }
  return [
    p.accountId,
    p.botId,
    p.instrumentId,
    p.signedQty.toString(),
    p.avgPxOpen?.toString() ?? null,
    p.realizedPnl.toString(),
    p.settlementCurrency.code,
    botUuid(p.botId, `${field}.botId`),
    p.traderId,
    p.strategyId,
    p.positionId,
    p.side,
    p.quantity.toString(),
    p.cost.toString(),
    p.unrealizedPnl?.toString() ?? null,
    p.fees.toString(),
    p.settlementCurrency.precision,
    p.openedAt?.toString() ?? null,
    p.lastPx.toString(),
  ];
}

function snapshotOf(r: Record<string, unknown>): PositionSnapshot {
  const avgPx = r.avg_px;
  const unrealized = optDecimalOf(r.unrealized_pnl, 'positions.unrealized_pnl');
  const openedAt = r.opened_at_ns;
  return {
    accountId: AccountId(r.account_id, 'positions.account_id'),
    botId: BotId(r.bot_ref, 'positions.bot_ref'),
    instrumentId: InstrumentId(r.instrument_id, 'positions.instrument_id'),
    positionId: PositionId(r.position_id, 'positions.position_id'),
    traderId: TraderId(r.trader_id, 'positions.trader_id'),
    strategyId: StrategyId(r.strategy_id, 'positions.strategy_id'),
    side: r.side as PositionSide,
    signedQty: decimalOf(r.signed_qty, 'positions.signed_qty'),
    quantity: Quantity.from(decimalOf(r.quantity, 'positions.quantity'), 'positions.quantity'),
    cost: decimalOf(r.cost, 'positions.cost'),
    ...(avgPx !== null && avgPx !== undefined
      ? { avgPxOpen: Price.from(decimalOf(avgPx, 'positions.avg_px'), 'positions.avg_px') }
      : {}),
    realizedPnl: decimalOf(r.realized_pnl, 'positions.realized_pnl'),
    ...(unrealized !== undefined ? { unrealizedPnl: unrealized } : {}),
    fees: decimalOf(r.fees, 'positions.fees'),
    settlementCurrency: currency(String(r.currency), Number(r.currency_precision)),
    ...(openedAt !== null && openedAt !== undefined
      ? { openedAt: bigintOf(openedAt, 'positions.opened_at_ns') }
      : {}),
    lastPx: Price.from(decimalOf(r.last_px, 'positions.last_px'), 'positions.last_px'),
  };
}

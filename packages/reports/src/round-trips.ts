import { Decimal, ModelError, OrderSide, Rounding } from '@qubit/model';
import type { OrderFilled, UnixNanos } from '@qubit/model';
import type { TradeSide, TradeStatus } from './backtest-report.js';
import type { ReportInput } from './report-input.js';

/** Decimals an average price carries beyond the fills' own price precision (then trailing zeros go). */
export const AVG_PRICE_EXTRA_DECIMALS = 4;

/**
 * One round trip of one bot on one instrument, with exact numbers. All amounts are in the base currency.
 *
 * - `quantity`: the largest absolute position reached during the trade.
 * - `entryPrice`: Σ(q·p) / Σq over the opening fills; `exitPrice` the same over the closing fills (absent
 *   when nothing was closed yet). Both rounded half-even to the price precision + 4 decimals.
 * - `fees`: Σ the fees of its fills; a fill that flips the position gives the closing trade the share
 *   `fee × closed / filled` (half-even at the fee's precision) and the new trade the rest, so no fee is lost.
 * - `pnl`: exact and net of fees: `dir × (Σ closing q·p − Σ opening q·p) × multiplier − fees` for a closed
 *   trade (dir +1 long, −1 short). An open trade also counts what is still open at `markPrice`:
 *   `dir × (Σ closing q·p + open × mark − Σ opening q·p) × multiplier − fees`.
 * - `entryNotional`: Σ opening q·p × multiplier, the denominator of the trade's return.
 */
export interface RoundTrip {
  /** 1-based, in the order the trades opened. */
  readonly id: number;
  readonly botId: string;
  readonly instrumentId: string;
  readonly side: TradeSide;
  readonly status: TradeStatus;
  readonly entryNs: UnixNanos;
  readonly exitNs: UnixNanos | undefined;
  readonly quantity: Decimal;
  /** What is still open at the end (zero for a closed trade). */
  readonly openQuantity: Decimal;
  readonly entryPrice: Decimal;
  readonly exitPrice: Decimal | undefined;
  /** The price an open trade is valued at: the instrument's last bar close at or before `end`, else its last fill. */
  readonly markPrice: Decimal | undefined;
  readonly fees: Decimal;
  readonly pnl: Decimal;
  readonly entryNotional: Decimal;
  readonly entryReason: string | undefined;
  readonly exitReason: string | undefined;
  /** Precision of the fills' prices and quantities, for printing. */
  readonly priceScale: number;
  readonly quantityScale: number;
}

interface OpenTrade {
  readonly id: number;
  readonly botId: string;
  readonly instrumentId: string;
  readonly dir: 1 | -1;
  readonly entryNs: UnixNanos;
  readonly multiplier: Decimal;
  readonly entryReason: string | undefined;
  position: Decimal;
  maxQuantity: Decimal;
  openQty: Decimal;
  openNotional: Decimal;
  closeQty: Decimal;
  closeNotional: Decimal;
  fees: Decimal;
  priceScale: number;
  quantityScale: number;
  exitNs?: UnixNanos;
  exitReason?: string | undefined;
}

/**
 * Splits the fills into round trips per (bot, instrument): a trade opens when the position leaves flat and
 * closes when it returns to flat; a fill that crosses zero closes one trade and opens the next with the rest.
 * Trades still open after the last fill are returned with status "open", valued at their mark.
 */
export function computeRoundTrips(input: ReportInput): RoundTrip[] {
  const open = new Map<string, OpenTrade>();
  const done: OpenTrade[] = [];
  const lastFillPx = new Map<string, Decimal>();
  const multipliers = new Map<string, Decimal>();
  let nextId = 1;

  const multiplierOf = (instrumentId: string, at: string): Decimal => {
    const known = multipliers.get(instrumentId);
    if (known !== undefined) return known;
    const instrument = input.instruments?.(instrumentId);
    const m = instrument?.multiplier ?? Decimal.ONE;
    if (!(m instanceof Decimal) || !m.isPositive()) {
      throw new ModelError(`instruments(${instrumentId}).multiplier`, 'must be a positive Decimal');
    }
    const settlement = instrument?.settlementCurrency;
    if (settlement !== undefined && settlement.code !== input.baseCurrency.code) {
      throw new ModelError(
        `${at}.instrumentId`,
        `${instrumentId} settles in ${settlement.code}, not the base currency ${input.baseCurrency.code}`,
      );
    }
    multipliers.set(instrumentId, m);
    return m;
  };

  input.fills.forEach((fill, i) => {
    const at = `fills[${i}]`;
    const key = `${fill.botId}\u0000${fill.instrumentId}`;
    const dir: 1 | -1 = fill.side === OrderSide.BUY ? 1 : -1;
    const reason = input.reasons(fill.clientOrderId);
    lastFillPx.set(fill.instrumentId, fill.lastPx);
    const fee = fill.fee.amount;
    let trade = open.get(key);

    if (trade === undefined || trade.dir === dir) {
      trade ??= startTrade(nextId++, fill, dir, multiplierOf(fill.instrumentId, at), reason, open, key);
      addOpening(trade, fill, fill.lastQty, fee);
      return;
    }
    if (fill.lastQty.lte(trade.position)) {
      addClosing(trade, fill, fill.lastQty, fee);
      if (trade.position.isZero()) finish(trade, fill, reason, open, key, done);
      return;
    }
    // A flip: close what is open, then open the other way with the rest, sharing the fee by quantity.
    const closed = trade.position;
    const closingFee = fee.mul(closed).div(fill.lastQty, fee.scale, Rounding.HALF_EVEN);
    addClosing(trade, fill, closed, closingFee);
    finish(trade, fill, reason, open, key, done);
    const next = startTrade(nextId++, fill, dir, trade.multiplier, reason, open, key);
    addOpening(next, fill, fill.lastQty.sub(closed), fee.sub(closingFee));
  });

  const trips = [...done, ...open.values()].sort((a, b) => a.id - b.id);
  return trips.map((t) => freeze(t, input, lastFillPx));
}

function startTrade(
  id: number,
  fill: OrderFilled,
  dir: 1 | -1,
  multiplier: Decimal,
  reason: string | undefined,
  open: Map<string, OpenTrade>,
  key: string,
): OpenTrade {
  const trade: OpenTrade = {
    id,
    botId: fill.botId,
    instrumentId: fill.instrumentId,
    dir,
    entryNs: fill.tsEvent,
    multiplier,
    entryReason: reason,
    position: Decimal.ZERO,
    maxQuantity: Decimal.ZERO,
    openQty: Decimal.ZERO,
    openNotional: Decimal.ZERO,
    closeQty: Decimal.ZERO,
    closeNotional: Decimal.ZERO,
    fees: Decimal.ZERO,
    priceScale: fill.lastPx.scale,
    quantityScale: fill.lastQty.scale,
  };
  open.set(key, trade);
  return trade;
}

function addOpening(trade: OpenTrade, fill: OrderFilled, qty: Decimal, fee: Decimal): void {
  note(trade, fill, fee);
  trade.openQty = trade.openQty.add(qty);
  trade.openNotional = trade.openNotional.add(qty.mul(fill.lastPx));
  trade.position = trade.position.add(qty);
  trade.maxQuantity = trade.maxQuantity.max(trade.position);
}

function addClosing(trade: OpenTrade, fill: OrderFilled, qty: Decimal, fee: Decimal): void {
  note(trade, fill, fee);
  trade.closeQty = trade.closeQty.add(qty);
  trade.closeNotional = trade.closeNotional.add(qty.mul(fill.lastPx));
  trade.position = trade.position.sub(qty);
}

function note(trade: OpenTrade, fill: OrderFilled, fee: Decimal): void {
  trade.fees = trade.fees.add(fee);
  trade.priceScale = Math.max(trade.priceScale, fill.lastPx.scale);
  trade.quantityScale = Math.max(trade.quantityScale, fill.lastQty.scale);
}

function finish(
  trade: OpenTrade,
  fill: OrderFilled,
  reason: string | undefined,
  open: Map<string, OpenTrade>,
  key: string,
  done: OpenTrade[],
): void {
  trade.exitNs = fill.tsEvent;
  trade.exitReason = reason;
  open.delete(key);
  done.push(trade);
}

function freeze(t: OpenTrade, input: ReportInput, lastFillPx: ReadonlyMap<string, Decimal>): RoundTrip {
  const closed = t.position.isZero();
  const markPrice = closed ? undefined : (lastClose(input, t.instrumentId) ?? lastFillPx.get(t.instrumentId));
  // Every open trade has at least one fill of its instrument, so a mark always exists here.
  const heldValue = markPrice === undefined ? Decimal.ZERO : t.position.mul(markPrice);
  const gross = t.closeNotional.add(heldValue).sub(t.openNotional).mul(t.multiplier);
  const pnl = (t.dir === 1 ? gross : gross.neg()).sub(t.fees);
  const avgScale = t.priceScale + AVG_PRICE_EXTRA_DECIMALS;
  return {
    id: t.id,
    botId: t.botId,
    instrumentId: t.instrumentId,
    side: t.dir === 1 ? 'long' : 'short',
    status: closed ? 'closed' : 'open',
    entryNs: t.entryNs,
    exitNs: closed ? t.exitNs : undefined,
    quantity: t.maxQuantity,
    openQuantity: t.position,
    entryPrice: t.openNotional.div(t.openQty, avgScale, Rounding.HALF_EVEN),
    exitPrice: t.closeQty.isZero()
      ? undefined
      : t.closeNotional.div(t.closeQty, avgScale, Rounding.HALF_EVEN),
    markPrice,
    fees: t.fees,
    pnl,
    entryNotional: t.openNotional.mul(t.multiplier),
    entryReason: t.entryReason,
    exitReason: closed ? t.exitReason : undefined,
    priceScale: t.priceScale,
    quantityScale: t.quantityScale,
  };
}

/** The close of the instrument's last bar at or before the end of the run. */
function lastClose(input: ReportInput, instrumentId: string): Decimal | undefined {
  const series = input.prices.find((p) => p.instrumentId === instrumentId);
  if (series === undefined) return undefined;
  for (let i = series.bars.length - 1; i >= 0; i--) {
    const bar = series.bars[i]!;
    if (bar.ts <= input.end) return bar.close;
  }
  return undefined;
}

import { Decimal, ModelError, Rounding, divRound, pow10, type Instrument } from '@qubit/model';

/** Extra decimals the open cost keeps beyond price × size precision, so that a partial close loses nothing visible. */
export const COST_EXTRA_DECIMALS = 8;

/** The largest scale a Decimal may be built with (model `checkScale`). */
const MAX_DECIMAL_SCALE = 38;

const COST_SHIFT = 10n ** BigInt(COST_EXTRA_DECIMALS);

/** pricePrecision + sizePrecision + 8: the scale of a position's open cost, and of the only rounding. */
export function costScaleOf(instrument: Instrument): number {
  return instrument.pricePrecision + instrument.sizePrecision + COST_EXTRA_DECIMALS;
}

/** Refuses an instrument whose exact PnL would need more decimals than a Decimal can carry. */
export function checkAccountingScale(instrument: Instrument, field: string): void {
  const scale = costScaleOf(instrument) + instrument.multiplier.scale;
  if (scale > MAX_DECIMAL_SCALE) {
    throw new ModelError(
      field,
      `${instrument.id} needs ${scale} decimals for exact PnL (price ${instrument.pricePrecision} + size ` +
        `${instrument.sizePrecision} + ${COST_EXTRA_DECIMALS} + multiplier ${instrument.multiplier.scale}), more than ${MAX_DECIMAL_SCALE}`,
    );
  }
}

/** What one fill did to a position: enough to publish events and move balances. */
export interface FillEffect {
  /** Signed quantity units (size precision) before the fill. */
  readonly qtyBefore: bigint;
  /** Open cost units (cost scale) before the fill. */
  readonly costBefore: bigint;
  /** Quantity units taken off the existing position (0 when the fill added to it or opened it). */
  readonly closedQty: bigint;
  /** Quantity units that opened or added in the fill's direction. */
  readonly openedQty: bigint;
  /** Realized PnL of this fill, × multiplier, in realized-scale units. */
  readonly realizedUnits: bigint;
}

/**
 * The exact accounting of one net position (one account, one bot, one instrument).
 *
 * State: `signedQty` (long > 0, short < 0) and `cost` = Σ signed qty × price of the part still open
 * (negative for shorts), both exact. A fill of side s (+1 BUY, −1 SELL), quantity q and price p:
 *
 * - flat or same direction: signedQty += s·q; cost += s·q·p.
 * - opposite direction: closeQty = min(q, |signedQty|);
 *   removed = cost × closeQty / |signedQty|, exactly `cost` when closeQty = |signedQty|, otherwise
 *   rounded HALF_EVEN to COST_SCALE = pricePrecision + sizePrecision + 8 decimals. That is the only
 *   rounding anywhere: the remainder stays in `cost`, so nothing drifts and a closed position has cost 0.
 *   realized += (sign(pos)·p·closeQty − removed) × multiplier; signedQty −= sign(pos)·closeQty;
 *   cost −= removed. Any rest q − closeQty then opens the other way as in the first case.
 *
 * Derived (never stored): unrealized = (mark × signedQty − cost) × multiplier, exact;
 * avgPxOpen = |cost| / |signedQty| rounded HALF_EVEN to pricePrecision, for display only.
 * Fees are summed separately (settlement currency); realized is gross of fees and
 * totalPnl = realized + unrealized − fees. Realized PnL and fees accumulate over the life of the
 * sub-ledger, across open/close cycles.
 *
 * Internally quantities are integer units at size precision, cost at COST_SCALE and realized PnL at
 * COST_SCALE + multiplier decimals, so every step is one bigint operation.
 */
export class PositionLedger {
  readonly costScale: number;
  readonly realizedScale: number;
  private readonly multiplierUnits: bigint;
  private qtyUnits = 0n;
  private costUnits = 0n;
  private realized = 0n;
  private feeTotal: Decimal;
  private qtyDecimal: Decimal | undefined;
  private realizedDecimal: Decimal | undefined;
  private unrealizedMemo: { mark: Decimal; qty: bigint; cost: bigint; value: Decimal } | undefined;

  constructor(readonly instrument: Instrument) {
    checkAccountingScale(instrument, 'instrument');
    this.costScale = costScaleOf(instrument);
    this.realizedScale = this.costScale + instrument.multiplier.scale;
    this.multiplierUnits = instrument.multiplier.units;
    this.feeTotal = Decimal.of(0n, instrument.settlementCurrency.precision);
  }

  /**
   * Applies one fill given in integer units: `qty` at size precision (> 0), `px` at price precision.
   * The caller has checked both against the instrument's grid.
   */
  apply(side: 1 | -1, qty: bigint, px: bigint, fee: Decimal): FillEffect {
    const qtyBefore = this.qtyUnits;
    const costBefore = this.costUnits;
    let rest = qty;
    let closedQty = 0n;
    let realizedUnits = 0n;
    if (qtyBefore !== 0n && qtyBefore > 0n !== side > 0) {
      const long = qtyBefore > 0n;
      const abs = long ? qtyBefore : -qtyBefore;
      closedQty = rest < abs ? rest : abs;
      const removed =
        closedQty === abs ? costBefore : divRound(costBefore * closedQty, abs, Rounding.HALF_EVEN);
      const proceeds = px * closedQty * COST_SHIFT;
      realizedUnits = ((long ? proceeds : -proceeds) - removed) * this.multiplierUnits;
      this.realized += realizedUnits;
      this.qtyUnits = long ? qtyBefore - closedQty : qtyBefore + closedQty;
      this.costUnits = costBefore - removed;
      rest -= closedQty;
    }
    if (rest > 0n) {
      const signed = side > 0 ? rest : -rest;
      this.qtyUnits += signed;
      this.costUnits += signed * px * COST_SHIFT;
    }
    this.feeTotal = this.feeTotal.add(fee);
    return { qtyBefore, costBefore, closedQty, openedQty: rest, realizedUnits };
  }

  /** Signed quantity in units of size precision. */
  get qty(): bigint {
    return this.qtyUnits;
  }

  /** Open cost in units of `costScale`. */
  get cost(): bigint {
    return this.costUnits;
  }

  get signedQty(): Decimal {
    // Kept while the quantity stays the same: risk reads it for every order.
    const d = this.qtyDecimal;
    if (d !== undefined && d.units === this.qtyUnits) return d;
    return (this.qtyDecimal = Decimal.of(this.qtyUnits, this.instrument.sizePrecision));
  }

  get openCost(): Decimal {
    return Decimal.of(this.costUnits, this.costScale);
  }

  get realizedPnl(): Decimal {
    const d = this.realizedDecimal;
    if (d !== undefined && d.units === this.realized) return d;
    return (this.realizedDecimal = Decimal.of(this.realized, this.realizedScale));
  }

  get fees(): Decimal {
    return this.feeTotal;
  }

  /** (mark × signedQty − cost) × multiplier, exact; zero when flat whatever the mark. */
  unrealizedPnl(mark: Decimal): Decimal {
    // Asked for again with the same mark and position (an event and a query after the same fill).
    const m = this.unrealizedMemo;
    if (m !== undefined && m.mark === mark && m.qty === this.qtyUnits && m.cost === this.costUnits)
      return m.value;
    const value = unrealizedOf(this.instrument, this.qtyUnits, this.costUnits, this.costScale, mark);
    if (m === undefined) this.unrealizedMemo = { mark, qty: this.qtyUnits, cost: this.costUnits, value };
    else {
      m.mark = mark;
      m.qty = this.qtyUnits;
      m.cost = this.costUnits;
      m.value = value;
    }
    return value;
  }

  /** Price units (price precision) of |cost| / |signedQty|, HALF_EVEN; undefined when flat. */
  avgPxOpenUnits(): bigint | undefined {
    return avgPxUnits(this.qtyUnits, this.costUnits);
  }
}

/** (mark × qty − cost) × multiplier for integer qty/cost units; exact. */
export function unrealizedOf(
  instrument: Instrument,
  qtyUnits: bigint,
  costUnits: bigint,
  costScale: number,
  mark: Decimal,
): Decimal {
  if (qtyUnits === 0n && costUnits === 0n) return Decimal.ZERO;
  // On integer units, with the scales the Decimal steps mark.mul(qty).sub(cost).mul(multiplier) give.
  const valueScale = mark.scale + instrument.sizePrecision;
  const scale = valueScale > costScale ? valueScale : costScale;
  let value = mark.units * qtyUnits;
  if (scale > valueScale) value *= pow10(scale - valueScale);
  const cost = scale > costScale ? costUnits * pow10(scale - costScale) : costUnits;
  const multiplier = instrument.multiplier;
  return Decimal.of((value - cost) * multiplier.units, scale + multiplier.scale);
}

/** |cost| / |qty| at price precision: cost is at price + size + 8 decimals, so divide by qty × 10^8. */
export function avgPxUnits(qtyUnits: bigint, costUnits: bigint): bigint | undefined {
  if (qtyUnits === 0n) return undefined;
  const q = qtyUnits < 0n ? -qtyUnits : qtyUnits;
  const c = costUnits < 0n ? -costUnits : costUnits;
  return divRound(c, q * COST_SHIFT, Rounding.HALF_EVEN);
}

import { OrderSide, Rounding, type Decimal } from '@qubit/sdk';

export type GridMode = 'long' | 'neutral';

/**
 * The grid's geometry: price lines `reference + j × step` for integer j, the levels quoted on each side,
 * optional price bounds and the largest inventory the grid may hold (in whole orders).
 */
export interface LadderSpec {
  readonly mode: GridMode;
  readonly reference: Decimal;
  readonly step: Decimal;
  readonly size: Decimal;
  readonly levels: number;
  /** Most orders' worth of inventory (long, or short in neutral mode) the opening orders may build. */
  readonly maxUnits: number;
  readonly lower?: Decimal;
  readonly upper?: Decimal;
}

/** One order the grid wants resting: line `index`, and whether it reduces the inventory (a take-profit). */
export interface Rung {
  readonly side: OrderSide;
  readonly index: number;
  readonly price: Decimal;
  readonly closing: boolean;
}

export interface Ladder {
  /** The line the price sits on when the inventory is zero. */
  readonly anchor: number;
  /** The line with no order: anchor − inventory in whole orders. Buys rest below it, sells above. */
  readonly pivot: number;
  /** Inventory in whole orders, signed (truncated toward zero while an order is partly filled). */
  readonly units: number;
  readonly rungs: readonly Rung[];
}

export function linePrice(spec: LadderSpec, index: number): Decimal {
  return spec.reference.add(spec.step.mulInt(index));
}

/** The line a price sits on, or undefined when it is between lines (an order the grid did not place). */
export function lineIndex(spec: LadderSpec, price: Decimal): number | undefined {
  const diff = price.sub(spec.reference);
  if (!diff.isMultipleOf(spec.step)) return undefined;
  return Number(diff.div(spec.step, 0, Rounding.DOWN).units);
}

/**
 * The orders the grid wants for a given position: the whole state of a grid is its pivot, and the pivot
 * follows from the position alone (each fill moves it one line), which is why a restarted bot can rebuild
 * its grid from `ctx.position()` and its open orders without having seen the fills.
 *
 * Opening orders (they grow the inventory) are quoted on the lines inside the levels and the bounds, at most
 * `maxUnits` of inventory deep. Closing orders — one per unit held, one spacing beyond the line it was
 * bought or sold on, back toward the anchor — are always quoted, even outside the bounds: a take-profit of
 * something already held is never withheld. In long mode no opening sell exists, so the inventory never goes
 * short; the anchor is one line above the highest buy line, so the highest buy's take-profit sits there.
 */
export function buildLadder(spec: LadderSpec, position: Decimal): Ladder {
  const units = Number(position.div(spec.size, 0, Rounding.DOWN).units);
  const [lo, hi] = openingRange(spec);
  const anchor =
    spec.mode === 'long' ? (lo <= hi ? hi + 1 : 0) : Math.min(Math.max(0, lo - 1), Math.max(hi + 1, lo - 1));
  const pivot = anchor - units;
  const rungs: Rung[] = [];
  const push = (side: OrderSide, index: number, closing: boolean): boolean => {
    const price = linePrice(spec, index);
    if (!price.isPositive()) return false;
    rungs.push({ side, index, price, closing });
    return true;
  };
  // Closing orders first, nearest the pivot first: |units| of them between the pivot and the anchor.
  for (let j = pivot + 1; j <= anchor; j++) push(OrderSide.SELL, j, true);
  for (let j = pivot - 1; j >= anchor; j--) push(OrderSide.BUY, j, true);
  // Opening buys below min(pivot, anchor), nearest first, while inventory room lasts.
  let room = spec.maxUnits - Math.max(0, units);
  for (let j = Math.min(pivot, anchor) - 1; j >= lo && room > 0; j--) {
    if (j > hi) continue;
    if (!push(OrderSide.BUY, j, false)) break;
    room--;
  }
  if (spec.mode === 'neutral') {
    room = spec.maxUnits - Math.max(0, -units);
    for (let j = Math.max(pivot, anchor) + 1; j <= hi && room > 0; j++) {
      if (j < lo) continue;
      push(OrderSide.SELL, j, false);
      room--;
    }
  }
  return { anchor, pivot, units, rungs };
}

/** The lines opening orders may use: the levels around the reference, clipped by the bounds. */
export function openingRange(spec: LadderSpec): [number, number] {
  let lo = -spec.levels;
  let hi = spec.mode === 'long' ? -1 : spec.levels;
  if (spec.lower)
    lo = Math.max(lo, Number(spec.lower.sub(spec.reference).div(spec.step, 0, Rounding.CEIL).units));
  if (spec.upper)
    hi = Math.min(hi, Number(spec.upper.sub(spec.reference).div(spec.step, 0, Rounding.FLOOR).units));
  return [lo, hi];
}

import { Decimal, OrderSide, type Bar } from '@qubit/model';
import type { BotRunResult } from './run-bot.js';

/** One trade from flat back to flat, as the tests of this bot read a run. */
export interface RoundTrip {
  readonly side: 'long' | 'short';
  readonly entryReason: string;
  readonly exitReason: string;
  /** When the entry was decided (the close of the signal bar) and when the exit was. */
  readonly entryDecidedAt: bigint;
  readonly exitDecidedAt: bigint;
  readonly entryPx: Decimal;
  readonly exitPx: Decimal;
  /** The exit order's type and its trigger or limit price when it filled (after any modification). */
  readonly exitOrderType: string;
  readonly exitLevel?: Decimal;
  /** When the exit filled (the venue time: a bar's open time for a bar-driven fill). */
  readonly exitFilledAt: bigint;
  /** Net of fees, in the settlement currency. */
  readonly pnl: Decimal;
}

/**
 * Cuts a run's fills into round trips (flat → position → flat), with the reason of the orders that
 * opened and closed each one. Reasons and decision times come from the SubmitOrders the bot produced.
 */
export function roundTrips(r: BotRunResult): RoundTrip[] {
  const orders = new Map(r.intents.map((i) => [i.clientOrderId as string, i]));
  // A resting exit may have been moved (a trailing stop): its level is the last one the venue confirmed.
  const levels = new Map<string, Decimal | undefined>();
  for (const i of r.intents) levels.set(i.clientOrderId, i.triggerPrice ?? i.price);
  for (const e of r.orderEvents) {
    if (e.type === 'OrderModified') levels.set(e.clientOrderId, e.triggerPrice ?? e.price);
  }
  const trips: RoundTrip[] = [];
  let net = Decimal.ZERO;
  let cash = Decimal.ZERO;
  let open: { side: 'long' | 'short'; reason: string; decided: bigint; px: Decimal } | undefined;
  for (const f of r.fills) {
    const order = orders.get(f.clientOrderId);
    if (!order) throw new Error(`fill of unknown order ${f.clientOrderId}`);
    const delta = f.side === OrderSide.BUY ? f.lastQty : f.lastQty.neg();
    if (net.isZero()) {
      open = {
        side: delta.isPositive() ? 'long' : 'short',
        reason: order.reason,
        decided: order.tsInit,
        px: f.lastPx,
      };
      cash = Decimal.ZERO;
    }
    net = net.add(delta);
    cash = cash.sub(delta.mul(f.lastPx).mul(r.instrument.multiplier)).sub(f.fee.amount);
    if (net.isZero() && open) {
      trips.push({
        side: open.side,
        entryReason: open.reason,
        exitReason: order.reason,
        entryDecidedAt: open.decided,
        exitDecidedAt: order.tsInit,
        entryPx: open.px,
        exitPx: f.lastPx,
        exitOrderType: order.orderType,
        exitLevel: levels.get(f.clientOrderId),
        exitFilledAt: f.tsEvent,
        pnl: cash,
      });
      open = undefined;
    }
  }
  return trips;
}

/** Bars by their close time (tsEvent), which is when a bot decides on them. */
export function barsByClose(bars: readonly Bar[]): Map<bigint, number> {
  return new Map(bars.map((b, i) => [b.tsEvent, i]));
}

/** Trades, win rate and net PnL of a run, for the real-data tests to print. */
export function summary(trips: readonly RoundTrip[]): { trades: number; winRate: number; netPnl: string } {
  const wins = trips.filter((t) => t.pnl.isPositive()).length;
  const net = trips.reduce((s, t) => s.add(t.pnl), Decimal.ZERO);
  return {
    trades: trips.length,
    winRate: trips.length === 0 ? 0 : wins / trips.length,
    netPnl: net.toString(),
  };
}

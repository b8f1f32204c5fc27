import { Decimal, ModelError } from '@qubit/model';
import { BarPath } from './fill-model.js';

/** Fee rates that replace the instrument's own (0.001 = 0.1 % of notional; negative maker rates are rebates). */
export interface FeeOverride {
  readonly maker?: Decimal;
  readonly taker?: Decimal;
}

/** How the SimulatedVenue behaves. Every field has a default (in brackets). */
export interface SimulatedVenueConfig {
  /**
   * [0n] Nanoseconds between a command's call and the moment it takes effect at the venue, scheduled
   * with `clock.setTimer`. With 0 a command takes effect synchronously inside the call.
   */
  readonly latencyNs: bigint;
  /**
   * ['OHLC'] The order in which a bar is assumed to have visited its prices. 'OHLC' is the adaptive
   * path: the extreme nearer the open first (a tie goes high first on a bar closing at or above its
   * open), see fill-model.ts. 'HIGH_FIRST' and
   * 'LOW_FIRST' fix one path for every bar (useful to bound how much a result depends on the guess).
   */
  readonly barPath: BarPath;
  /**
   * [0] Ticks of adverse slippage added to MARKET and STOP_MARKET fills on bars and trade ticks (buys
   * pay more, sells receive less, never below one tick). Book fills slip naturally by walking levels.
   */
  readonly slippageTicks: number;
  /** [undefined] Maker and/or taker rates that replace the instrument's `makerFee` / `takerFee`. */
  readonly feeOverride: FeeOverride | undefined;
  /**
   * [true] Partial fills are limited by visible size: book levels, quote sizes, trade sizes. When false
   * a taker fills its whole quantity at the best price and a crossed resting order fills completely.
   */
  readonly useVisibleVolume: boolean;
  /** [true] Orders and modifies outside the instrument's sessions, or of a type its session does not take, are rejected (MARKET_CLOSED). */
  readonly rejectOutsideSession: boolean;
  /** [true] Check tick grid, lot size, min/max quantity, min/max notional and the price band. */
  readonly enforceRules: boolean;
  /**
   * [true] For an instrument driven by quote ticks, the quote is the book's only level on each side
   * with the quoted sizes. When false quotes give prices only and the touch has unlimited depth.
   */
  readonly bookLevelsFromQuotes: boolean;
  /**
   * [undefined = no limit] Share of a bar's volume (0..1] our orders may fill per bar. Bars carry no
   * depth, so by default an order reached by the bar's path fills completely.
   */
  readonly barVolumeShare: Decimal | undefined;
  /** [true] Keep every fill for `fills()`; turn off for very long runs that only need the events. */
  readonly keepFills: boolean;
  /**
   * [100 000] How many closed orders (filled, canceled, expired, rejected) the venue remembers for
   * `orderStatus` (fetchOrder), oldest forgotten first; 0 remembers none.
   */
  readonly closedOrderMemory: number;
}

export const DEFAULT_SIMULATED_VENUE_CONFIG: SimulatedVenueConfig = Object.freeze({
  latencyNs: 0n,
  barPath: BarPath.OHLC,
  slippageTicks: 0,
  feeOverride: undefined,
  useVisibleVolume: true,
  rejectOutsideSession: true,
  enforceRules: true,
  bookLevelsFromQuotes: true,
  barVolumeShare: undefined,
  keepFills: true,
  closedOrderMemory: 100_000,
});

/** Fills in the defaults and checks every given field; errors name the field (`config.latencyNs`). */
export function resolveVenueConfig(partial: Partial<SimulatedVenueConfig> = {}): SimulatedVenueConfig {
  const c: SimulatedVenueConfig = { ...DEFAULT_SIMULATED_VENUE_CONFIG, ...stripUndefined(partial) };
  if (typeof c.latencyNs !== 'bigint' || c.latencyNs < 0n) {
    throw new ModelError(
      'config.latencyNs',
      `must be a non-negative bigint of nanoseconds, got ${String(c.latencyNs)}`,
    );
  }
  if (!Object.values(BarPath).includes(c.barPath)) {
    throw new ModelError(
      'config.barPath',
      `"${String(c.barPath)}" is not one of ${Object.values(BarPath).join(', ')}`,
    );
  }
  if (!Number.isInteger(c.slippageTicks) || c.slippageTicks < 0) {
    throw new ModelError(
      'config.slippageTicks',
      `must be a non-negative integer, got ${String(c.slippageTicks)}`,
    );
  }
  if (!Number.isSafeInteger(c.closedOrderMemory) || c.closedOrderMemory < 0) {
    throw new ModelError(
      'config.closedOrderMemory',
      `must be a non-negative integer, got ${String(c.closedOrderMemory)}`,
    );
  }
  if (c.feeOverride !== undefined) {
    for (const k of ['maker', 'taker'] as const) {
      const v = c.feeOverride[k];
      if (v !== undefined && !(v instanceof Decimal)) {
        throw new ModelError(
          `config.feeOverride.${k}`,
          'must be a Decimal rate such as Decimal.parse("0.0002")',
        );
      }
    }
  }
  if (c.barVolumeShare !== undefined) {
    if (
      !(c.barVolumeShare instanceof Decimal) ||
      !c.barVolumeShare.isPositive() ||
      c.barVolumeShare.gt(Decimal.ONE)
    ) {
      throw new ModelError('config.barVolumeShare', 'must be a Decimal in (0, 1]');
    }
  }
  for (const k of [
    'useVisibleVolume',
    'rejectOutsideSession',
    'enforceRules',
    'bookLevelsFromQuotes',
    'keepFills',
  ] as const) {
    if (typeof c[k] !== 'boolean')
      throw new ModelError(`config.${k}`, `must be true or false, got ${String(c[k])}`);
  }
  return Object.freeze(c);
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

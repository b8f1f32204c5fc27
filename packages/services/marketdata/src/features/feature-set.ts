import type { BarType, InstrumentId, UnixNanos } from '@qubit/model';

/**
 * The indicators of one series at one closed bar, published on `features.indicators` (keyed by
 * instrument) and stored. A value is null while its indicator is still warming up, so a consumer can
 * tell "not yet" from a number. Indicator values are floats: they are signals, never money.
 */
export interface FeatureSet {
  readonly type: 'FeatureSet';
  readonly instrumentId: InstrumentId;
  readonly barType: BarType;
  /** The close time of the bar they were computed on. */
  readonly tsEvent: UnixNanos;
  readonly tsInit: UnixNanos;
  readonly values: Readonly<Record<string, number | null>>;
}

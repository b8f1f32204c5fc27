import type { BarType, Instrument, PriceType } from '@qubit/model';
import type { OnOffGrid } from './instrument-grid.js';
import type { DataKind } from './layout.js';
import type { EpochUnit } from './timestamps.js';

/** How to read a market data file. Everything but the instrument is detected when absent. */
export interface LoadOptions {
  /** The instrument the data is for: prices and sizes are converted to its tick and lot. */
  readonly instrument: Instrument;
  /** What the file must hold; a file of another kind is an error. Also picks between headerless layouts. */
  readonly kind?: DataKind;
  /** Bar type of a bar file; inferred from the spacing of the timestamps when absent. */
  readonly barType?: BarType | string;
  /** Price type of inferred bar types; else BID / ASK when the file name says so, else LAST. */
  readonly priceType?: PriceType;
  /**
   * Zone of wall-clock times written without an offset: an IANA name or a fixed offset ("+07:00").
   * Default: the layout's own convention (HistData: -05:00), Asia/Ho_Chi_Minh for Vietnamese venues
   * (HNX, HOSE, HSX, UPCOM), else UTC. Numeric epochs and times with an offset are never shifted.
   */
  readonly timeZone?: string;
  /** Unit of numeric timestamps; else from the column name (timestamp_ms…) or from their magnitude. */
  readonly timestampUnit?: EpochUnit;
  /**
   * Whether bar timestamps mark the bar's open or its close. Default: open, unless the column is a
   * close time (close_time) or every stamp ends in .999 (the last millisecond of the bar).
   */
  readonly timestampAt?: 'open' | 'close';
  /** A price or size off the instrument's grid: an error (default) or rounded half-even. */
  readonly onOffGrid?: OnOffGrid;
  /** Sort rows (stably) by time instead of rejecting a file whose rows are out of order. */
  readonly sort?: boolean;
  /** A second bar at the same time or a repeated trade id: an error (default), or dropped when identical. */
  readonly duplicates?: 'error' | 'drop-identical';
  /** Reject bars whose high/low do not bound open and close (default true). */
  readonly checkOhlc?: boolean;
  /** Names for the columns of a file without a header. */
  readonly columns?: readonly string[];
  /** CSV field separator; guessed when absent. */
  readonly delimiter?: string;
  /** Size given to both sides of quotes from files that carry none (TrueFX, HistData); default zero. */
  readonly defaultQuoteSize?: string;
}

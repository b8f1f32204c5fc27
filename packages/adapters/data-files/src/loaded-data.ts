import type { Bar, BarType, QuoteTick, TradeTick, UnixNanos } from '@qubit/model';
import type { BookData } from './book-building.js';
import type { DataKind } from './layout.js';

interface LoadedBase {
  /** The file as given (or the directory, for a directory load). */
  readonly file: string;
  /** The layout recognised (see Layout.format), or "directory". */
  readonly format: string;
  /** Data rows read: CSV rows, JSON records, JSONL lines (book rows group into fewer messages). */
  readonly rows: number;
  /** tsEvent of the first and last item. */
  readonly first: UnixNanos;
  readonly last: UnixNanos;
  /** The zone wall-clock times were read in, when the file had any without an offset. */
  readonly timeZone: string | undefined;
  /** Everything that was inferred or not read exactly as written (bar type, zone, rounding, defaults). */
  readonly notes: readonly string[];
}

export interface LoadedBars extends LoadedBase {
  readonly kind: 'bars';
  readonly data: readonly Bar[];
  readonly barType: BarType;
}

export interface LoadedTrades extends LoadedBase {
  readonly kind: 'trades';
  readonly data: readonly TradeTick[];
}

export interface LoadedQuotes extends LoadedBase {
  readonly kind: 'quotes';
  readonly data: readonly QuoteTick[];
}

export interface LoadedBook extends LoadedBase {
  readonly kind: 'book';
  readonly data: readonly BookData[];
}

/** A whole file, loaded: never partial, the data in time order. */
export type LoadedData = LoadedBars | LoadedTrades | LoadedQuotes | LoadedBook;

export type { DataKind };

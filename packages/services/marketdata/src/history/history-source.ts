import type { Bar, BarType, InstrumentId, UnixNanos } from '@qubit/model';

/** One request to a venue for the bars of a series: those lying wholly inside [from, to), on the bar grid. */
export interface HistoryRequest {
  readonly instrumentId: InstrumentId;
  readonly barType: BarType;
  readonly from: UnixNanos;
  readonly to: UnixNanos;
  /** `done` of `total` bar slots asked about so far, `bars` received. */
  readonly onProgress?: (progress: { bars: number; done: number; total: number }) => void;
}

/** What a venue answered. */
export interface HistoryAnswer {
  /** Closed bars, stamped at their close, in time order. */
  readonly bars: readonly Bar[];
  /**
   * The span the answer is complete for: the request's, or shorter at its end when it reaches past the
   * venue's last closed bar. A span without bars (a weekend, a halt) is complete too.
   */
  readonly covered: { readonly from: UnixNanos; readonly to: UnixNanos };
}

/**
 * Where the historical cache gets what the store lacks: a venue's OHLCV history (the app wires ccxt's
 * `fetchOhlcvRange` in), so the market data service never depends on a venue library.
 */
export interface HistorySource {
  /** The venue, for messages ("binance"). */
  readonly name: string;
  fetchBars(request: HistoryRequest): Promise<HistoryAnswer>;
}

/**
 * The venue could not give the history asked for. As ccxt's two roots: `network` (unreachable, rate limited,
 * timed out; may succeed later) or `exchange` (the venue refused the request or answered with nonsense; will
 * not). Nothing of the failed request is recorded as covered.
 */
export class HistoryFetchError extends Error {
  override readonly name = 'HistoryFetchError';
  constructor(
    readonly source: string,
    readonly kind: 'network' | 'exchange',
    readonly series: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`history of ${series} from ${source} (${kind} error): ${reason}`, options);
  }

  get retryable(): boolean {
    return this.kind === 'network';
  }
}

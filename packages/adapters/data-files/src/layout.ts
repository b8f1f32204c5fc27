import { DataFileError } from './data-file-error.js';
import { normalizeName, type RawTable } from './raw-table.js';
import { epochUnitByMagnitude, isDateTimeText } from './timestamps.js';

/** What a file holds. */
export type DataKind = 'bars' | 'trades' | 'quotes' | 'book';

/**
 * A recognised file layout. `format` names it in results and errors:
 * bars: ohlcv-csv / ohlcv-json (freqtrade) / ohlcv-feather (pandas Arrow), binance-kline-csv;
 * trades: trades-csv (nautilus Binance, freqtrade), kraken-trades-csv, tardis-trades-csv, freqtrade-trades-json,
 * ccxt-trades-json, trades-json; quotes: quotes-csv (TrueFX, nautilus Binance), histdata-quotes-csv,
 * tardis-quotes-csv; book: tardis-book-snapshot-csv, tardis-incremental-l2-csv, binance-depth-csv,
 * bybit-orderbook-jsonl.
 */
export interface Layout {
  readonly format: string;
  readonly kind: DataKind;
  /** Normalized column names, in file order. */
  readonly names: readonly string[];
  /** A zone this layout's wall-clock times are known to be in, when the file does not say. */
  readonly defaultTimeZone?: { readonly zone: string; readonly why: string };
}

const BINANCE_KLINE = [
  'open_time',
  'open',
  'high',
  'low',
  'close',
  'volume',
  'close_time',
  'quote_volume',
  'trades',
  'taker_buy_base_volume',
  'taker_buy_quote_volume',
  'ignore',
];

/** Recognises a table's layout from its header, or, without one, from its width and first values. */
export function detectLayout(table: RawTable, file: string, wanted: DataKind | undefined): Layout {
  const layout = table.header ? fromHeader(table, file) : headerless(table, file, wanted);
  if (wanted !== undefined && wanted !== layout.kind) {
    throw new DataFileError(file, undefined, `holds ${layout.kind} (${layout.format}), not ${wanted}`);
  }
  return layout;
}

function headerless(table: RawTable, file: string, wanted: DataKind | undefined): Layout {
  const first = table.records[0];
  if (!first) throw new DataFileError(file, undefined, 'has no data rows');
  const f = first.fields.map((x) => x.trim());
  const width = f.length;
  const epoch = epochUnitByMagnitude(f[0] ?? '') !== undefined;
  if (width === 12 && epoch) return { format: 'binance-kline-csv', kind: 'bars', names: BINANCE_KLINE };
  if (width === 4 && /^\d{8} \d{6,}$/.test(f[0] ?? '')) {
    return {
      format: 'histdata-quotes-csv',
      kind: 'quotes',
      names: ['timestamp', 'bid', 'ask', 'volume'],
      defaultTimeZone: { zone: '-05:00', why: 'HistData stamps ticks in EST without daylight saving' },
    };
  }
  if (width === 3 && (epoch || isDateTimeText(f[0] ?? ''))) {
    return wanted === 'quotes'
      ? { format: 'quotes-csv', kind: 'quotes', names: ['timestamp', 'bid', 'ask'] }
      : { format: 'kraken-trades-csv', kind: 'trades', names: ['timestamp', 'price', 'volume'] };
  }
  if ((width === 5 || width === 6) && (epoch || isDateTimeText(f[0] ?? ''))) {
    return {
      format: 'ohlcv-csv',
      kind: 'bars',
      names: ['timestamp', 'open', 'high', 'low', 'close', 'volume'].slice(0, width),
    };
  }
  throw new DataFileError(
    file,
    first.at,
    `has no header and ${width} columns, which matches no layout I know; pass columns: [...] to name them`,
  );
}

function fromHeader(table: RawTable, file: string): Layout {
  const names = table.header!.map(normalizeName);
  const has = (...n: string[]): boolean => n.every((x) => names.includes(x));
  const any = (...n: string[]): boolean => n.some((x) => names.includes(x));
  const suffix = table.container;
  if (has('exchange', 'symbol', 'timestamp', 'local_timestamp')) {
    if (has('asks[0].price') || has('bids[0].price'))
      return { format: 'tardis-book-snapshot-csv', kind: 'book', names };
    if (has('is_snapshot', 'side', 'price', 'amount'))
      return { format: 'tardis-incremental-l2-csv', kind: 'book', names };
    if (has('ask_price', 'bid_price')) return { format: 'tardis-quotes-csv', kind: 'quotes', names };
    if (has('price', 'amount')) return { format: 'tardis-trades-csv', kind: 'trades', names };
  }
  if (has('update_type', 'side', 'price', 'qty') && any('first_update_id', 'last_update_id')) {
    return { format: 'binance-depth-csv', kind: 'book', names };
  }
  if (has('open', 'high', 'low', 'close')) return { format: `ohlcv-${suffix}`, kind: 'bars', names };
  if (any(...BID_NAMES) && any(...ASK_NAMES)) return { format: `quotes-${suffix}`, kind: 'quotes', names };
  if (any(...PRICE_NAMES) && any(...SIZE_NAMES)) {
    const format =
      table.container !== 'json'
        ? `trades-${suffix}`
        : has('info', 'datetime')
          ? 'ccxt-trades-json'
          : names.join(',') === 'timestamp,id,type,side,price,amount,cost'
            ? 'freqtrade-trades-json'
            : 'trades-json';
    return { format, kind: 'trades', names };
  }
  throw new DataFileError(
    file,
    undefined,
    `columns ${names.join(',')} match no market-data layout (bars need open, high, low, close; trades a price and ` +
      `a quantity/amount; quotes a bid and an ask)`,
  );
}

export const BID_NAMES = ['bid', 'bid_price', 'best_bid', 'bidprice', 'bid_px'];
export const ASK_NAMES = ['ask', 'ask_price', 'best_ask', 'askprice', 'ask_px', 'offer'];
export const BID_SIZE_NAMES = ['bid_size', 'bid_amount', 'bid_qty', 'bid_volume', 'bidsize', 'bid_sz'];
export const ASK_SIZE_NAMES = ['ask_size', 'ask_amount', 'ask_qty', 'ask_volume', 'asksize', 'ask_sz'];
export const PRICE_NAMES = ['price', 'px'];
export const SIZE_NAMES = ['quantity', 'qty', 'amount', 'size', 'volume'];

import { parseCsv, type CsvOptions } from './csv-reader.js';
import { DataFileError, type DataFileLocation } from './data-file-error.js';
import { parseDecimalText } from './decimal-text.js';
import { isDateTimeText, isTimeOfDayText, type EpochUnit } from './timestamps.js';

/** One data record as text fields, and where it came from. */
export interface RawRecord {
  readonly at: DataFileLocation;
  readonly fields: readonly string[];
}

/** A file reduced to named text columns, whatever its container (CSV, JSON array, Arrow). */
export interface RawTable {
  /** Column names as written (or as the layout defines them for files without a header). */
  readonly header: readonly string[] | undefined;
  readonly records: readonly RawRecord[];
  readonly container: 'csv' | 'json' | 'feather';
  /** Epoch units the container states (Arrow timestamp columns), by column index. */
  readonly columnUnits?: ReadonlyMap<number, EpochUnit>;
}

/** Lower case, white space and dashes as underscores: "Adj Close" → "adj_close". */
export function normalizeName(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
}

/** Text that a data row (rather than a header) holds: numbers, dates, booleans, blanks. */
function isDataLike(field: string): boolean {
  const t = field.trim();
  if (t === '' || /^(true|false|none|nan|null)$/i.test(t)) return true;
  return parseDecimalText(t) !== undefined || isDateTimeText(t);
}

export function tableFromCsv(
  text: string,
  file: string,
  options: CsvOptions & { columns?: readonly string[] },
): RawTable {
  const rows = parseCsv(text, file, options);
  const records: RawRecord[] = rows.map((r) => ({ at: { line: r.line }, fields: r.fields }));
  if (options.columns) return { header: options.columns, records, container: 'csv' };
  const first = records[0];
  if (first === undefined || first.fields.every(isDataLike))
    return { header: undefined, records, container: 'csv' };
  let header: string[] = first.fields.map((f) => f.trim());
  const data = records.slice(1);
  // backtrader's intraday files name one "Date" column but write date and time as two fields.
  const second = data[0];
  const names = header.map(normalizeName);
  if (
    second !== undefined &&
    second.fields.length === header.length + 1 &&
    names.includes('date') &&
    !names.includes('time') &&
    isTimeOfDayText(second.fields[names.indexOf('date') + 1] ?? '')
  ) {
    const i = names.indexOf('date');
    header = [...header.slice(0, i + 1), 'Time', ...header.slice(i + 1)];
  }
  return { header, records: data, container: 'csv' };
}

/** Fixed layouts of JSON arrays of arrays, recognised by their length and content. */
const FREQTRADE_OHLCV = ['timestamp', 'open', 'high', 'low', 'close', 'volume'];
const FREQTRADE_TRADES = ['timestamp', 'id', 'type', 'side', 'price', 'amount', 'cost'];

export function tableFromJsonArray(items: unknown[], file: string): RawTable {
  const first = items[0];
  if (first === undefined) return { header: undefined, records: [], container: 'json' };
  if (Array.isArray(first)) {
    const header =
      first.length === 6
        ? FREQTRADE_OHLCV
        : first.length === 7 && typeof first[3] === 'string'
          ? FREQTRADE_TRADES
          : undefined;
    if (!header) {
      throw new DataFileError(
        file,
        { record: 1 },
        `a JSON array of ${first.length}-element arrays is not a layout I know`,
      );
    }
    const records = items.map((item, i): RawRecord => {
      if (!Array.isArray(item) || item.length !== header.length) {
        throw new DataFileError(
          file,
          { record: i + 1 },
          `expected an array of ${header.length} values like the first record`,
        );
      }
      return { at: { record: i + 1 }, fields: item.map(cellText) };
    });
    return { header, records, container: 'json' };
  }
  if (first !== null && typeof first === 'object') {
    const header = Object.keys(first);
    const records = items.map((item, i): RawRecord => {
      if (item === null || typeof item !== 'object' || Array.isArray(item)) {
        throw new DataFileError(file, { record: i + 1 }, 'expected an object like the first record');
      }
      const o = item as Record<string, unknown>;
      return { at: { record: i + 1 }, fields: header.map((k) => cellText(o[k])) };
    });
    return { header, records, container: 'json' };
  }
  throw new DataFileError(file, { record: 1 }, 'expected a JSON array of arrays or of objects');
}

/** JSON values as the text a CSV would hold; numbers through their shortest round-trip form. */
function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return '[object]';
}

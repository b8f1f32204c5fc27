import {
  InstrumentKind,
  MAX_SCALE,
  ModelError,
  Rounding,
  formatUnits,
  instrumentFromSpec,
  type Decimal,
  type Instrument,
  type InstrumentSpec,
} from '@qubit/model';
import { basename } from 'node:path';
import { DataFileError } from './data-file-error.js';
import { isFloatNoiseOf, isMissing, looksLikeFloatNoise, parseDecimalText } from './decimal-text.js';
import {
  ASK_NAMES,
  ASK_SIZE_NAMES,
  BID_NAMES,
  BID_SIZE_NAMES,
  PRICE_NAMES,
  SIZE_NAMES,
  type DataKind,
  type Layout,
} from './layout.js';
import { tableOf } from './parse-market-data.js';
import type { RawTable } from './raw-table.js';
import { readFileBytes, readFileBytesSync } from './read-file-bytes.js';

export interface InstrumentGuessOptions {
  /** Instrument id; default `<symbol>.<venue>` with the symbol from a symbol column or the file name. */
  readonly id?: string;
  /** Venue of the default id; default the tardis exchange column (BINANCE_FUTURES…), else SIM. */
  readonly venue?: string;
  readonly instrumentKind?: InstrumentKind;
  /** Default: the halves of a "BASE/QUOTE" symbol, else BASE and QUOTE. */
  readonly baseCurrency?: string;
  readonly quoteCurrency?: string;
  readonly kind?: DataKind;
  readonly columns?: readonly string[];
  readonly delimiter?: string;
}

/** A proposed instrument for a file whose venue instrument is not shipped. */
export interface InstrumentGuess {
  readonly spec: InstrumentSpec;
  readonly instrument: Instrument;
  readonly format: string;
  readonly kind: DataKind;
  /** Most decimals any price / size of the file carries (float noise removed). */
  readonly pricePrecision: number;
  readonly sizePrecision: number;
  readonly rows: number;
}

/**
 * Proposes a tick and lot from the decimals the data carries: tick 10^-p where p is the most decimals
 * of any price, lot likewise from sizes (1 when the file has none). A float printed in full
 * (0.07745453000000001) counts with the fewest decimals that reproduce it within float noise (the same
 * test the loader applies), so the guess loads the file with the default onOffGrid 'error'. The true
 * venue grid may be coarser: this is a proposal, not the venue's rule.
 */
export async function loadInstrumentGuess(
  file: string,
  options: InstrumentGuessOptions = {},
): Promise<InstrumentGuess> {
  return guessInstrument(await readFileBytes(file), file, options);
}

export function loadInstrumentGuessSync(file: string, options: InstrumentGuessOptions = {}): InstrumentGuess {
  return guessInstrument(readFileBytesSync(file), file, options);
}

export function guessInstrument(
  bytes: Uint8Array,
  file: string,
  options: InstrumentGuessOptions = {},
): InstrumentGuess {
  const { table, layout } = tableOf(bytes, file, options);
  if (table.records.length === 0) throw new DataFileError(file, undefined, 'has no data rows');
  const { prices, sizes, symbol, venue } =
    layout.format === 'bybit-orderbook-jsonl' ? bybitValues(table) : tableValues(table, layout);
  const pricePrecision = precisionOf(prices, file, 'price');
  const sizePrecision = precisionOf(sizes, file, 'size', 0);
  const sym = sanitizeSymbol(
    symbol ?? basename(file).replace(/\.(csv|json|jsonl|feather|arrow)(\.gz)?$/i, ''),
  );
  const id = options.id ?? `${sym}.${options.venue ?? venue ?? 'SIM'}`;
  const [base, quote] = sym.includes('/') ? sym.split('/') : [];
  const spec: InstrumentSpec = {
    id,
    kind: options.instrumentKind ?? InstrumentKind.SPOT,
    base_currency: options.baseCurrency ?? currencyOr(base, 'BASE'),
    quote_currency: options.quoteCurrency ?? currencyOr(quote, 'QUOTE'),
    tick_size: formatUnits(1n, pricePrecision),
    lot_size: formatUnits(1n, sizePrecision),
  };
  let instrument: Instrument;
  try {
    instrument = instrumentFromSpec(spec);
  } catch (e) {
    if (e instanceof ModelError)
      throw new DataFileError(file, undefined, `cannot build a guessed instrument: ${e.message}`);
    throw e;
  }
  return {
    spec,
    instrument,
    format: layout.format,
    kind: layout.kind,
    pricePrecision,
    sizePrecision,
    rows: table.records.length,
  };
}

function tableValues(
  table: RawTable,
  layout: Layout,
): { prices: string[]; sizes: string[]; symbol?: string; venue?: string } {
  const names = layout.names;
  const cols = (wanted: readonly string[]): number[] =>
    names.flatMap((n, i) => (wanted.includes(n) ? [i] : []));
  const matching = (re: RegExp): number[] => names.flatMap((n, i) => (re.test(n) ? [i] : []));
  let priceCols: number[];
  let sizeCols: number[];
  switch (layout.kind) {
    case 'bars':
      priceCols = cols(['open', 'high', 'low', 'close', 'o', 'h', 'l', 'c']);
      sizeCols = cols(['volume', 'vol', 'v']);
      break;
    case 'quotes':
      priceCols = cols([...BID_NAMES, ...ASK_NAMES]);
      sizeCols = cols([...BID_SIZE_NAMES, ...ASK_SIZE_NAMES]);
      break;
    case 'trades':
      priceCols = cols(PRICE_NAMES).slice(0, 1);
      sizeCols = cols(SIZE_NAMES).slice(0, 1);
      break;
    case 'book':
      priceCols = [...cols(['price']), ...matching(/^(asks|bids)\[\d+\]\.price$/)];
      sizeCols = [...cols(['qty', 'amount']), ...matching(/^(asks|bids)\[\d+\]\.amount$/)];
      break;
  }
  const values = (c: number[]): string[] => table.records.flatMap((r) => c.map((i) => r.fields[i] ?? ''));
  const first = table.records[0]!;
  const symbolCol = names.indexOf('symbol');
  const exchangeCol = names.indexOf('exchange');
  const venue =
    exchangeCol >= 0
      ? first.fields[exchangeCol]
          ?.trim()
          .toUpperCase()
          .replace(/[^A-Z0-9]+/g, '_')
      : undefined;
  return {
    prices: values(priceCols),
    sizes: values(sizeCols),
    ...(symbolCol >= 0 ? { symbol: first.fields[symbolCol]?.trim() } : {}),
    ...(venue ? { venue } : {}),
  };
}

function bybitValues(table: RawTable): {
  prices: string[];
  sizes: string[];
  symbol?: string;
  venue?: string;
} {
  const prices: string[] = [];
  const sizes: string[] = [];
  let symbol: string | undefined;
  for (const r of table.records) {
    const data = (
      JSON.parse(r.fields[0] ?? '{}') as { data?: { s?: string; b?: string[][]; a?: string[][] } }
    ).data;
    symbol ??= data?.s;
    for (const [p, q] of [...(data?.b ?? []), ...(data?.a ?? [])]) {
      prices.push(p ?? '');
      sizes.push(q ?? '');
    }
  }
  return { prices, sizes, venue: 'BYBIT', ...(symbol ? { symbol } : {}) };
}

/** Most decimals among `values`; `whenNone` when the file has none (a size-less file lots in ones). */
function precisionOf(values: string[], file: string, what: string, whenNone?: number): number {
  let max = 0;
  let seen = 0;
  for (const v of values) {
    if (isMissing(v)) continue;
    const d = parseDecimalText(v);
    if (d === undefined) continue;
    seen++;
    max = Math.max(max, decimalsOf(v, d));
  }
  if (seen === 0 && whenNone !== undefined) return whenNone;
  if (seen === 0) throw new DataFileError(file, undefined, `has no ${what} values to guess a grid from`);
  if (max > MAX_SCALE)
    throw new DataFileError(file, undefined, `has ${what}s with ${max} decimals, more than ${MAX_SCALE}`);
  return max;
}

/** Decimals a value needs: as written, or for a full float print the fewest that reproduce it. */
function decimalsOf(text: string, d: Decimal): number {
  const exact = d.normalize().scale;
  if (!looksLikeFloatNoise(text)) return exact;
  for (let s = 0; s < exact; s++) {
    const r = d.rescale(s, Rounding.HALF_EVEN);
    if (!r.isZero() && isFloatNoiseOf(d, r)) return s;
  }
  return exact;
}

function sanitizeSymbol(s: string): string {
  const clean = s
    .replace(/[^A-Za-z0-9_/:-]+/g, '_')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 64);
  return clean === '' ? 'DATA' : clean;
}

function currencyOr(code: string | undefined, fallback: string): string {
  return code !== undefined && /^[A-Z0-9]{2,12}$/.test(code) ? code : fallback;
}

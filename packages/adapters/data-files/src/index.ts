// Loads recorded market data files into model bars, ticks and books (an adapter: it reads the disk).
export * from './data-file-error.js';
export * from './instrument-guess.js';
export * from './load-market-data-dir.js';
export * from './load-market-data-file.js';
export type { LoadOptions } from './load-options.js';
export type * from './loaded-data.js';
export type { BookData } from './book-building.js';
export type { DataKind, Layout } from './layout.js';
export type { OnOffGrid } from './instrument-grid.js';
export type { EpochUnit } from './timestamps.js';
export { parseMarketData } from './parse-market-data.js';
export { parseCsv, type CsvRecord, type CsvOptions } from './csv-reader.js';

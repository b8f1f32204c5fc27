import type { LoadOptions } from './load-options.js';
import type { LoadedData } from './loaded-data.js';
import { parseMarketData } from './parse-market-data.js';
import { readFileBytes, readFileBytesSync } from './read-file-bytes.js';

/**
 * Loads one recorded market data file (CSV, CSV.gz, JSON, JSON.gz, JSONL, Arrow feather) for an
 * instrument. The layout is detected from header and content; the whole file is rejected with a
 * DataFileError (file:line: reason) when any row is bad, so nothing half-loaded is ever returned.
 */
export async function loadMarketDataFile(file: string, options: LoadOptions): Promise<LoadedData> {
  return parseMarketData(await readFileBytes(file), file, options);
}

/** loadMarketDataFile without the event loop: for scripts and tests. */
export function loadMarketDataFileSync(file: string, options: LoadOptions): LoadedData {
  return parseMarketData(readFileBytesSync(file), file, options);
}

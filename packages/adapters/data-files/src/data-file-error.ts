import { ModelError } from '@qubit/model';

/** Where in a file a problem sits: a physical line of a text file, or a record of a JSON array / Arrow table. */
export interface DataFileLocation {
  /** 1-based line of a text file (CSV, JSONL). */
  readonly line?: number;
  /** 1-based record of a JSON array or an Arrow table, where lines mean nothing. */
  readonly record?: number;
}

/**
 * Thrown when a market data file cannot be loaded: unreadable, of an unknown layout, or holding a bad row.
 * The whole file is rejected; nothing is returned half-loaded. The message reads
 * `path/to/file.csv:1234: column "close": "abc" is not a decimal number`.
 */
export class DataFileError extends ModelError {
  override readonly name: string = 'DataFileError';
  readonly line: number | undefined;
  readonly record: number | undefined;

  constructor(
    readonly file: string,
    at: DataFileLocation | undefined,
    reason: string,
    readonly column?: string,
  ) {
    super(locationText(file, at), column === undefined ? reason : `column "${column}": ${reason}`);
    this.line = at?.line;
    this.record = at?.record;
  }
}

function locationText(file: string, at: DataFileLocation | undefined): string {
  if (at?.line !== undefined) return `${file}:${at.line}`;
  if (at?.record !== undefined) return `${file}: record ${at.record}`;
  return file;
}

import { nanosToIso, type UnixNanos } from '@qubit/model';
import { DataFileError, type DataFileLocation } from './data-file-error.js';

export interface Stamped {
  readonly ts: UnixNanos;
  readonly at: DataFileLocation;
}

/**
 * Rows must come in time order (equal times allowed here; readers decide what a duplicate is). With
 * `sort` they are sorted instead, stably, so rows at the same time keep their file order.
 */
export function inTimeOrder<T extends Stamped>(rows: T[], file: string, sort: boolean): T[] {
  if (sort) return rows.slice().sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
  for (let i = 1; i < rows.length; i++) {
    const prev = rows[i - 1]!;
    const row = rows[i]!;
    if (row.ts < prev.ts) {
      throw new DataFileError(
        file,
        row.at,
        `time ${nanosToIso(row.ts)} is before ${nanosToIso(prev.ts)} of the previous row${where(prev.at)}; ` +
          'rows must be in time order (pass sort: true to sort them)',
      );
    }
  }
  return rows;
}

export function where(at: DataFileLocation): string {
  if (at.line !== undefined) return ` (line ${at.line})`;
  if (at.record !== undefined) return ` (record ${at.record})`;
  return '';
}

import { ModelError, nanosToIso, type UnixNanos } from '@qubit/model';
import { CellError } from './cell-error.js';
import { DataFileError, type DataFileLocation } from './data-file-error.js';
import { InstrumentGrid } from './instrument-grid.js';
import type { Layout } from './layout.js';
import type { LoadOptions } from './load-options.js';
import type { RawRecord, RawTable } from './raw-table.js';
import { resolveTimeZone, type TimeZoneRule } from './time-zone.js';
import {
  epochToNanos,
  epochUnitByMagnitude,
  hasExplicitOffset,
  isEpochText,
  isTimeOfDayText,
  parseDateTime,
  type EpochUnit,
} from './timestamps.js';

/** Venues whose data is stamped in Vietnam local time. */
const VIETNAM_VENUES = new Set(['HNX', 'HOSE', 'HSX', 'UPCOM']);

/** Timestamp columns in order of preference: exact epochs first, then the usual names. */
export const TIME_NAMES = [
  'timestamp_ns',
  'timestamp_us',
  'timestamp_ms',
  'ts_event',
  'timestamp',
  'timestamp_utc',
  'open_time',
  'time',
  'datetime',
  'date',
  'ts',
  'close_time',
];

/** Reads one time column (or a date column plus a time column) as exact nanoseconds. */
export interface TimeColumn {
  readonly name: string;
  read(record: RawRecord): UnixNanos;
}

/** Everything a row reader needs: the file, its layout, the instrument grid and cell-level error wrapping. */
export class ReadContext {
  readonly grid: InstrumentGrid;
  readonly notes: string[] = [];
  private zone: { rule: TimeZoneRule; why: string } | undefined;
  /** Set once a wall-clock time without an offset has been read through the zone. */
  zoneUsed: string | undefined;

  constructor(
    readonly file: string,
    readonly table: RawTable,
    readonly layout: Layout,
    readonly options: LoadOptions,
  ) {
    this.grid = new InstrumentGrid(options.instrument, options.onOffGrid ?? 'error');
  }

  /** Index of the first of `names` present, or undefined. */
  find(names: readonly string[]): number | undefined {
    for (const n of names) {
      const i = this.layout.names.indexOf(n);
      if (i >= 0) return i;
    }
    return undefined;
  }

  require(names: readonly string[], what: string): number {
    const i = this.find(names);
    if (i === undefined) {
      throw new DataFileError(this.file, undefined, `has no ${what} column (looked for ${names.join(', ')})`);
    }
    return i;
  }

  name(index: number): string {
    return this.table.header?.[index] ?? this.layout.names[index] ?? `#${index + 1}`;
  }

  cell(record: RawRecord, index: number): string {
    const v = record.fields[index];
    if (v === undefined)
      throw this.error(record.at, `has ${record.fields.length} fields, column ${index + 1} is missing`);
    return v;
  }

  /** Runs a conversion on one cell and turns its failure into an error naming file, line and column. */
  convert<T>(record: RawRecord, index: number, fn: (text: string) => T): T {
    const text = this.cell(record, index);
    try {
      return fn(text);
    } catch (e) {
      if (e instanceof CellError || (e instanceof ModelError && !(e instanceof DataFileError))) {
        throw new DataFileError(
          this.file,
          record.at,
          e instanceof ModelError ? e.reason : e.message,
          this.name(index),
        );
      }
      throw e;
    }
  }

  error(at: DataFileLocation | undefined, reason: string, column?: string): DataFileError {
    return new DataFileError(this.file, at, reason, column);
  }

  checkWidth(record: RawRecord): void {
    const want = this.layout.names.length;
    const got = record.fields.length;
    if (got === want) return;
    if (got > want && record.fields.slice(want).every((f) => f.trim() === '')) return;
    throw this.error(
      record.at,
      `has ${got} fields where the ${this.table.header ? 'header' : 'layout'} has ${want}`,
    );
  }

  /** The time column of this layout among `names`, read as epoch or date-time as its first value shows. */
  timeColumn(names: readonly string[] = TIME_NAMES): TimeColumn {
    let index = this.require(names, 'timestamp');
    let name = this.layout.names[index]!;
    const first = this.table.records[0];
    // A date column and a time-of-day column (backtrader, many broker exports) make one timestamp.
    const dateIndex = this.layout.names.indexOf('date');
    const todIndex = this.layout.names.indexOf('time');
    let timeIndex = -1;
    if (
      (name === 'date' || name === 'time') &&
      dateIndex >= 0 &&
      todIndex >= 0 &&
      isTimeOfDayText(first?.fields[todIndex] ?? '')
    ) {
      index = dateIndex;
      name = 'date';
      timeIndex = todIndex;
    }
    const sample = first === undefined ? '' : (first.fields[index] ?? '').trim();
    if (timeIndex < 0 && isEpochText(sample)) {
      const unit = this.epochUnit(index, name, sample);
      const checkMagnitude =
        this.options.timestampUnit === undefined &&
        !this.table.columnUnits?.has(index) &&
        !unitFromName(name);
      return {
        name,
        read: (record) =>
          this.convert(record, index, (text) => {
            if (checkMagnitude && epochUnitByMagnitude(text) !== unit) {
              throw new CellError(`"${text}" is not in ${unitWord(unit)} like the first row`);
            }
            return epochToNanos(text, unit);
          }),
      };
    }
    return {
      name,
      read: (record) =>
        this.convert(record, index, (text) => {
          const full = timeIndex < 0 ? text : `${text.trim()} ${this.cell(record, timeIndex).trim()}`;
          if (!hasExplicitOffset(full)) this.noteZoneUse();
          return parseDateTime(full, this.zoneRule());
        }),
    };
  }

  private epochUnit(index: number, name: string, sample: string): EpochUnit {
    const unit =
      this.options.timestampUnit ??
      this.table.columnUnits?.get(index) ??
      unitFromName(name) ??
      epochUnitByMagnitude(sample);
    if (unit === undefined)
      throw this.error(this.table.records[0]?.at, `"${sample}" is not an epoch timestamp`, this.name(index));
    return unit;
  }

  zoneRule(): TimeZoneRule {
    if (this.zone) return this.zone.rule;
    const o = this.options;
    const venue = o.instrument.venue;
    const [zone, why] =
      o.timeZone !== undefined
        ? [o.timeZone, 'timeZone option']
        : this.layout.defaultTimeZone
          ? [this.layout.defaultTimeZone.zone, this.layout.defaultTimeZone.why]
          : VIETNAM_VENUES.has(venue)
            ? ['Asia/Ho_Chi_Minh', `venue ${venue} is in Vietnam, UTC+7`]
            : ['UTC', 'no timeZone option'];
    this.zone = { rule: resolveTimeZone(zone), why };
    return this.zone.rule;
  }

  private noteZoneUse(): void {
    if (this.zoneUsed !== undefined) return;
    const rule = this.zoneRule();
    this.zoneUsed = rule.name;
    this.notes.push(`wall-clock times without an offset read as ${rule.name} (${this.zone!.why})`);
  }

  iso(ns: UnixNanos): string {
    return nanosToIso(ns);
  }

  /** Notes on values that were not read exactly as written. */
  gridNotes(): void {
    if (this.grid.rounded > 0)
      this.notes.push(`${this.grid.rounded} values rounded to the instrument grid (onOffGrid: 'round')`);
    if (this.grid.floatNoise > 0) {
      this.notes.push(
        `${this.grid.floatNoise} values printed as full floats (e.g. 0.07745453000000001) read as their grid value`,
      );
    }
  }
}

function unitFromName(name: string): EpochUnit | undefined {
  const m = /_(s|ms|us|ns)$/.exec(name);
  return m ? (m[1] as EpochUnit) : undefined;
}

function unitWord(unit: EpochUnit): string {
  return { s: 'seconds', ms: 'milliseconds', us: 'microseconds', ns: 'nanoseconds' }[unit];
}

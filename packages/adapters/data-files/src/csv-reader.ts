import { DataFileError } from './data-file-error.js';

/** One CSV record and the line it starts on (a quoted field may span lines). */
export interface CsvRecord {
  readonly line: number;
  readonly fields: string[];
}

export interface CsvOptions {
  /** Field separator; guessed from the first non-blank line (comma, tab, then semicolon) when absent. */
  readonly delimiter?: string;
}

/**
 * Reads RFC 4180 CSV: quoted fields with doubled quotes and embedded line breaks, LF, CRLF or CR line
 * ends, a UTF-8 byte-order mark, blank lines (skipped: files often end with one). Fields are not
 * trimmed; the caller decides what white space means.
 */
export function parseCsv(text: string, file: string, options: CsvOptions = {}): CsvRecord[] {
  let start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  // Classic Mac line ends: without any LF, a CR is the line break.
  if (text.indexOf('\n') < 0 && text.indexOf('\r') >= 0) text = text.replace(/\r/g, '\n');
  const n = text.length;
  const delimiter = options.delimiter ?? guessDelimiter(text, start);
  if (delimiter.length !== 1)
    throw new DataFileError(file, undefined, `CSV delimiter must be one character, got "${delimiter}"`);
  const records: CsvRecord[] = [];
  let line = 1;
  while (start < n) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = n;
    const raw = text.charCodeAt(end - 1) === 13 ? text.slice(start, end - 1) : text.slice(start, end);
    if (raw.indexOf('"') < 0) {
      if (raw.trim() !== '') records.push({ line, fields: raw.split(delimiter) });
      start = end + 1;
      line++;
      continue;
    }
    const parsed = parseQuotedRecord(text, start, delimiter, file, line);
    records.push({ line, fields: parsed.fields });
    line += parsed.lines;
    start = parsed.next;
  }
  return records;
}

function parseQuotedRecord(
  text: string,
  from: number,
  delimiter: string,
  file: string,
  line: number,
): { fields: string[]; next: number; lines: number } {
  const n = text.length;
  const fields: string[] = [];
  let field = '';
  let fieldStart = true;
  let inQuotes = false;
  let lines = 1;
  let j = from;
  while (j < n) {
    const c = text[j]!;
    if (inQuotes) {
      if (c === '"') {
        if (text[j + 1] === '"') {
          field += '"';
          j += 2;
        } else {
          inQuotes = false;
          j++;
        }
      } else {
        if (c === '\n') lines++;
        field += c;
        j++;
      }
      continue;
    }
    if (c === '"' && fieldStart) {
      inQuotes = true;
      fieldStart = false;
      j++;
    } else if (c === delimiter) {
      fields.push(field);
      field = '';
      fieldStart = true;
      j++;
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[j + 1] === '\n') j++;
      j++;
      fields.push(field);
      return { fields, next: j, lines };
    } else {
      field += c;
      fieldStart = false;
      j++;
    }
  }
  if (inQuotes) throw new DataFileError(file, { line }, 'a quoted field is never closed');
  fields.push(field);
  return { fields, next: n, lines };
}

function guessDelimiter(text: string, start: number): string {
  let end = text.indexOf('\n', start);
  if (end < 0) end = text.length;
  const first = text.slice(start, end);
  if (first.includes(',')) return ',';
  if (first.includes('\t')) return '\t';
  if (first.includes(';')) return ';';
  return ',';
}

import { describe, expect, it } from 'vitest';
import { parseCsv } from './csv-reader.js';
import { dataFileError } from './test-support.js';

describe('parseCsv', () => {
  it('splits plain rows and numbers them by line', () => {
    expect(parseCsv('a,b\n1,2\n3,4\n', 'f.csv')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['1', '2'] },
      { line: 3, fields: ['3', '4'] },
    ]);
  });

  it('reads quoted fields holding delimiters, doubled quotes and line breaks, keeping later line numbers right', () => {
    const rows = parseCsv('id,note\n1,"a, b"\n2,"say ""hi"""\n3,"two\nlines"\n4,x\n', 'f.csv');
    expect(rows.map((r) => r.fields)).toEqual([
      ['id', 'note'],
      ['1', 'a, b'],
      ['2', 'say "hi"'],
      ['3', 'two\nlines'],
      ['4', 'x'],
    ]);
    expect(rows.map((r) => r.line)).toEqual([1, 2, 3, 4, 6]);
  });

  it('accepts CRLF line ends, including inside a quoted row', () => {
    expect(parseCsv('a,b\r\n"1",2\r\n3,4\r\n', 'f.csv').map((r) => r.fields)).toEqual([
      ['a', 'b'],
      ['1', '2'],
      ['3', '4'],
    ]);
  });

  it('accepts classic Mac CR-only line ends', () => {
    expect(parseCsv('a,b\r1,2\r', 'f.csv').map((r) => r.fields)).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
  });

  it('drops a UTF-8 byte-order mark so the first column name is clean', () => {
    expect(parseCsv('\uFEFFtimestamp,bid\n1,2\n', 'f.csv')[0]!.fields[0]).toBe('timestamp');
  });

  it('skips blank lines, such as the blank trailing line most files end with', () => {
    const rows = parseCsv('a\n1\n\n2\n\n\n', 'f.csv');
    expect(rows.map((r) => [r.line, r.fields[0]])).toEqual([
      [1, 'a'],
      [2, '1'],
      [4, '2'],
    ]);
  });

  it('keeps empty fields, including a quoted empty one', () => {
    expect(parseCsv(',x,""\n', 'f.csv')[0]!.fields).toEqual(['', 'x', '']);
  });

  it('guesses tab and semicolon separators and honours an explicit one', () => {
    expect(parseCsv('a\tb\n1\t2\n', 'f.csv')[1]!.fields).toEqual(['1', '2']);
    expect(parseCsv('a;b\n1;2\n', 'f.csv')[1]!.fields).toEqual(['1', '2']);
    expect(parseCsv('a|b\n1|2\n', 'f.csv', { delimiter: '|' })[1]!.fields).toEqual(['1', '2']);
  });

  it('rejects a quoted field that is never closed, naming the line it opens on', () => {
    const e = dataFileError(() => parseCsv('a,b\n1,2\n3,"oops\n4,5\n', 'data/x.csv'));
    expect(e.message).toBe('data/x.csv:3: a quoted field is never closed');
    expect(e.line).toBe(3);
  });
});

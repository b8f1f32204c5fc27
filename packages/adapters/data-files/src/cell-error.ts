/**
 * A single value that cannot be read. Raised by the value parsers, which do not know where the value
 * came from; the row readers catch it and rethrow a DataFileError naming the file, line and column.
 */
export class CellError extends Error {
  override readonly name: string = 'CellError';
}

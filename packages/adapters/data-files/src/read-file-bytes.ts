import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gunzip, gunzipSync } from 'node:zlib';
import { DataFileError } from './data-file-error.js';

const gunzipAsync = promisify(gunzip);

/** gzip is recognised by its magic bytes, not by the name: a .csv.gz and a gzipped .csv both load. */
function isGzip(b: Uint8Array): boolean {
  return b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;
}

function readError(file: string, e: unknown): DataFileError {
  const code = (e as { code?: string }).code;
  return new DataFileError(
    file,
    undefined,
    `cannot be read: ${code ?? (e instanceof Error ? e.message : String(e))}`,
  );
}

/** The file's bytes, gunzipped when gzip-compressed. */
export function readFileBytesSync(file: string): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw readError(file, e);
  }
  if (!isGzip(bytes)) return bytes;
  try {
    return gunzipSync(bytes);
  } catch (e) {
    throw new DataFileError(
      file,
      undefined,
      `is not valid gzip: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
}

export async function readFileBytes(file: string): Promise<Uint8Array> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (e) {
    throw readError(file, e);
  }
  if (!isGzip(bytes)) return bytes;
  try {
    return await gunzipAsync(bytes);
  } catch (e) {
    throw new DataFileError(
      file,
      undefined,
      `is not valid gzip: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
}

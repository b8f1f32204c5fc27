import { instrumentFromSpec, type Instrument, type InstrumentSpec } from '@qubit/model';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DataFileError } from './data-file-error.js';

/** A scratch directory for fixture files; `cleanup` removes it. Tests only. */
export class FixtureDir {
  readonly path = mkdtempSync(join(tmpdir(), 'qubit-data-files-'));

  /** Writes a fixture (gzipped when the name ends in .gz) and returns its path. */
  write(name: string, content: string | Uint8Array): string {
    const p = join(this.path, name);
    const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    writeFileSync(p, name.endsWith('.gz') ? gzipSync(bytes) : bytes);
    return p;
  }

  cleanup(): void {
    rmSync(this.path, { recursive: true, force: true });
  }
}

export function testInstrument(
  id: string,
  tick: string,
  lot: string,
  extra: Partial<InstrumentSpec> = {},
): Instrument {
  return instrumentFromSpec({
    id,
    kind: 'SPOT',
    base_currency: 'BASE',
    quote_currency: 'QUOTE',
    tick_size: tick,
    lot_size: lot,
    ...extra,
  });
}

/** The DataFileError a call throws; fails the test when it throws something else or nothing. */
export function dataFileError(fn: () => unknown): DataFileError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DataFileError) return e;
    throw new Error(`expected a DataFileError, got ${String(e)}`);
  }
  throw new Error('expected the call to throw');
}

export function lines(...rows: string[]): string {
  return rows.join('\n') + '\n';
}

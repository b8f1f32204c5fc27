import { DataFileError } from './data-file-error.js';
import { decompressLz4Frame } from './lz4-frame.js';
import type { RawRecord, RawTable } from './raw-table.js';
import type { EpochUnit } from './timestamps.js';

const MAGIC = 'ARROW1';

/** True when the bytes are an Arrow IPC file (Feather v2), as pandas' to_feather writes. */
export function isArrowFile(bytes: Uint8Array): boolean {
  return bytes.length >= 12 && String.fromCharCode(...bytes.subarray(0, 6)) === MAGIC;
}

// Arrow's flatbuffer enums (Schema.fbs, Message.fbs) for the types that tabular market data uses.
const TYPE_INT = 2;
const TYPE_FLOAT = 3;
const TYPE_UTF8 = 5;
const TYPE_BOOL = 6;
const TYPE_TIMESTAMP = 10;
const TYPE_LARGE_UTF8 = 20;
const HEADER_RECORD_BATCH = 3;
const CODEC_LZ4_FRAME = 0;
const TIME_UNITS: readonly EpochUnit[] = ['s', 'ms', 'us', 'ns'];

interface Column {
  readonly name: string;
  readonly type: number;
  readonly bitWidth: number;
  readonly signed: boolean;
  readonly unit?: EpochUnit;
}

/**
 * Reads an Arrow IPC file (Feather v2) with flat columns of integers, floats, booleans, strings and
 * timestamps, uncompressed or LZ4-frame compressed, into text cells: floats through their shortest
 * round-trip form (as Python prints them), timestamps as epoch integers in their declared unit.
 * Dictionary-encoded and nested columns and ZSTD compression are refused with a clear error.
 */
export function readFeather(bytes: Uint8Array, file: string): RawTable {
  const fail = (why: string): never => {
    throw new DataFileError(file, undefined, `Arrow file: ${why}`);
  };
  try {
    const fb = new FlatBuffer(bytes);
    if (String.fromCharCode(...bytes.subarray(bytes.length - 6)) !== MAGIC)
      fail('missing end magic (truncated file?)');
    const footerLength = fb.i32(bytes.length - 10);
    const footerStart = bytes.length - 10 - footerLength;
    if (footerLength <= 0 || footerStart < 8) fail('bad footer length');
    const footer = fb.root(footerStart);
    const schema = footer.table(1) ?? fail('no schema');
    const columns = schema.tables(1).map((f): Column => {
      const name = f.string(0) ?? '';
      if (f.table(4)) fail(`column "${name}" is dictionary-encoded, which is not supported`);
      const type = f.u8(2);
      const t = f.table(3);
      switch (type) {
        case TYPE_INT:
          return { name, type, bitWidth: t?.i32(0) ?? 0, signed: t?.bool(1) ?? false };
        case TYPE_FLOAT: {
          const precision = t?.i16(0) ?? 0;
          if (precision !== 2 && precision !== 1) fail(`column "${name}" is a half-precision float`);
          return { name, type, bitWidth: precision === 2 ? 64 : 32, signed: true };
        }
        case TYPE_TIMESTAMP:
          return {
            name,
            type,
            bitWidth: 64,
            signed: true,
            unit: TIME_UNITS[t?.i16(0) ?? 0] ?? fail('bad time unit'),
          };
        case TYPE_UTF8:
        case TYPE_LARGE_UTF8:
        case TYPE_BOOL:
          return { name, type, bitWidth: 0, signed: false };
        default:
          return fail(`column "${name}" has Arrow type ${type}, which is not supported`);
      }
    });
    const cells: string[][] = columns.map(() => []);
    for (const block of footer.structs(3, 24)) {
      const offset = Number(fb.i64(block));
      const metaLength = fb.i32(block + 8);
      const bodyStart = offset + metaLength;
      const msgStart = fb.u32(offset) === 0xffffffff ? offset + 8 : offset + 4;
      const message = fb.root(msgStart);
      if (message.u8(1) !== HEADER_RECORD_BATCH) fail('a record-batch block holds another message');
      const batch = message.table(2) ?? fail('empty record batch');
      const length = Number(batch.i64(0));
      const nodes = batch.structs(1, 16);
      const buffers = batch.structs(2, 16);
      const compression = batch.table(3);
      const codec = compression ? compression.i8(0) : undefined;
      if (codec !== undefined && codec !== CODEC_LZ4_FRAME) fail('ZSTD compression is not supported');
      let b = 0;
      const buffer = (): Uint8Array => {
        const at = buffers[b++] ?? fail('too few buffers');
        const start = bodyStart + Number(fb.i64(at));
        const raw = bytes.subarray(start, start + Number(fb.i64(at + 8)));
        if (codec === undefined || raw.length === 0) return raw;
        const size = Number(new DataView(raw.buffer, raw.byteOffset, 8).getBigInt64(0, true));
        return size === -1 ? raw.subarray(8) : decompressLz4Frame(raw.subarray(8), size);
      };
      columns.forEach((col, c) => {
        const node = nodes[c] ?? fail('too few field nodes');
        if (Number(fb.i64(node)) !== length) fail(`column "${col.name}" length differs from the batch`);
        const nulls = Number(fb.i64(node + 8));
        const validity = buffer();
        const valid = (k: number): boolean =>
          nulls === 0 || validity.length === 0 || (validity[k >> 3]! & (1 << (k & 7))) !== 0;
        const out = cells[c]!;
        if (col.type === TYPE_UTF8 || col.type === TYPE_LARGE_UTF8) {
          const offsets = view(buffer());
          const data = buffer();
          const wide = col.type === TYPE_LARGE_UTF8;
          const at = (k: number): number =>
            wide ? Number(offsets.getBigInt64(k * 8, true)) : offsets.getInt32(k * 4, true);
          const decoder = new TextDecoder();
          for (let k = 0; k < length; k++)
            out.push(valid(k) ? decoder.decode(data.subarray(at(k), at(k + 1))) : '');
        } else if (col.type === TYPE_BOOL) {
          const data = buffer();
          for (let k = 0; k < length; k++)
            out.push(valid(k) ? String((data[k >> 3]! & (1 << (k & 7))) !== 0) : '');
        } else {
          const data = view(buffer());
          const read =
            reader(col, data) ?? fail(`column "${col.name}" has an unsupported width ${col.bitWidth}`);
          for (let k = 0; k < length; k++) out.push(valid(k) ? read(k) : '');
        }
      });
    }
    const rowCount = cells[0]?.length ?? 0;
    const records: RawRecord[] = [];
    for (let r = 0; r < rowCount; r++)
      records.push({ at: { record: r + 1 }, fields: cells.map((col) => col[r]!) });
    const columnUnits = new Map<number, EpochUnit>();
    columns.forEach((c, i) => c.unit && columnUnits.set(i, c.unit));
    return { header: columns.map((c) => c.name), records, container: 'feather', columnUnits };
  } catch (e) {
    if (e instanceof DataFileError) throw e;
    return fail(e instanceof Error ? e.message : String(e));
  }
}

function view(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

function reader(col: Column, d: DataView): ((k: number) => string) | undefined {
  if (col.type === TYPE_FLOAT) {
    return col.bitWidth === 64
      ? (k) => String(d.getFloat64(k * 8, true))
      : (k) => String(d.getFloat32(k * 4, true));
  }
  switch (col.bitWidth) {
    case 8:
      return col.signed ? (k) => String(d.getInt8(k)) : (k) => String(d.getUint8(k));
    case 16:
      return col.signed ? (k) => String(d.getInt16(k * 2, true)) : (k) => String(d.getUint16(k * 2, true));
    case 32:
      return col.signed ? (k) => String(d.getInt32(k * 4, true)) : (k) => String(d.getUint32(k * 4, true));
    case 64:
      return col.signed
        ? (k) => String(d.getBigInt64(k * 8, true))
        : (k) => String(d.getBigUint64(k * 8, true));
    default:
      return undefined;
  }
}

/** Just enough of the flatbuffers wire format to walk Arrow's footer and message tables. */
class FlatBuffer {
  private readonly dv: DataView;

  constructor(readonly bytes: Uint8Array) {
    this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  u8(at: number): number {
    return this.dv.getUint8(at);
  }
  i8(at: number): number {
    return this.dv.getInt8(at);
  }
  u16(at: number): number {
    return this.dv.getUint16(at, true);
  }
  i16(at: number): number {
    return this.dv.getInt16(at, true);
  }
  i32(at: number): number {
    return this.dv.getInt32(at, true);
  }
  u32(at: number): number {
    return this.dv.getUint32(at, true);
  }
  i64(at: number): bigint {
    return this.dv.getBigInt64(at, true);
  }

  root(at: number): FbTable {
    return new FbTable(this, at + this.u32(at));
  }
}

class FbTable {
  private readonly vtable: number;
  private readonly vtableSize: number;

  constructor(
    private readonly fb: FlatBuffer,
    private readonly pos: number,
  ) {
    this.vtable = pos - fb.i32(pos);
    this.vtableSize = fb.u16(this.vtable);
  }

  /** Absolute position of field `i`, or 0 when the field is absent (default value). */
  private field(i: number): number {
    const o = 4 + 2 * i;
    const rel = o < this.vtableSize ? this.fb.u16(this.vtable + o) : 0;
    return rel === 0 ? 0 : this.pos + rel;
  }

  u8(i: number): number {
    const p = this.field(i);
    return p === 0 ? 0 : this.fb.u8(p);
  }
  i8(i: number): number {
    const p = this.field(i);
    return p === 0 ? 0 : this.fb.i8(p);
  }
  bool(i: number): boolean {
    return this.u8(i) !== 0;
  }
  i16(i: number): number {
    const p = this.field(i);
    return p === 0 ? 0 : this.fb.i16(p);
  }
  i32(i: number): number {
    const p = this.field(i);
    return p === 0 ? 0 : this.fb.i32(p);
  }
  i64(i: number): bigint {
    const p = this.field(i);
    return p === 0 ? 0n : this.fb.i64(p);
  }

  table(i: number): FbTable | undefined {
    const p = this.field(i);
    return p === 0 ? undefined : new FbTable(this.fb, p + this.fb.u32(p));
  }

  string(i: number): string | undefined {
    const p = this.field(i);
    if (p === 0) return undefined;
    const s = p + this.fb.u32(p);
    return new TextDecoder().decode(this.fb.bytes.subarray(s + 4, s + 4 + this.fb.u32(s)));
  }

  private vector(i: number): { start: number; length: number } {
    const p = this.field(i);
    if (p === 0) return { start: 0, length: 0 };
    const v = p + this.fb.u32(p);
    return { start: v + 4, length: this.fb.u32(v) };
  }

  tables(i: number): FbTable[] {
    const { start, length } = this.vector(i);
    return Array.from({ length }, (_, k) => {
      const e = start + 4 * k;
      return new FbTable(this.fb, e + this.fb.u32(e));
    });
  }

  /** Absolute positions of the elements of a vector of structs of `size` bytes. */
  structs(i: number, size: number): number[] {
    const { start, length } = this.vector(i);
    return Array.from({ length }, (_, k) => start + size * k);
  }
}

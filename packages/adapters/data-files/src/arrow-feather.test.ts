import { afterAll, describe, expect, it } from 'vitest';
import { isArrowFile, readFeather } from './arrow-feather.js';
import { loadMarketDataFileSync } from './load-market-data-file.js';
import { dataFileError, FixtureDir, testInstrument } from './test-support.js';

// A minimal Arrow IPC file writer, independent of the reader, so the reader is tested on files
// laid out as the Arrow spec (Schema.fbs, Message.fbs, File.fbs) describes them.

type Scalar = { kind: 'u8' | 'i8' | 'bool' | 'i16' | 'i32' | 'i64'; v: number | bigint };
type Obj =
  | { t: 'table'; fields: Array<Scalar | { kind: 'ref'; obj: Obj } | null> }
  | { t: 'string'; s: string }
  | { t: 'tables'; items: Obj[] }
  | { t: 'structs'; bytes: number[]; count: number };

const SIZES = { u8: 1, i8: 1, bool: 1, i16: 2, i32: 4, ref: 4, i64: 8 } as const;

class FbWriter {
  private readonly b: number[] = [0, 0, 0, 0];

  finish(root: Obj): Uint8Array {
    this.patch(0, this.place(root));
    while (this.b.length % 8) this.b.push(0);
    return new Uint8Array(this.b);
  }

  private align(n: number, extra = 0): void {
    while ((this.b.length + extra) % n) this.b.push(0);
  }

  private put(kind: keyof typeof SIZES, v: number | bigint): void {
    const dv = new DataView(new ArrayBuffer(8));
    if (kind === 'i64') dv.setBigInt64(0, BigInt(v), true);
    else if (kind === 'i32' || kind === 'ref') dv.setInt32(0, Number(v), true);
    else if (kind === 'i16') dv.setInt16(0, Number(v), true);
    else dv.setUint8(0, Number(v) & 0xff);
    for (let i = 0; i < SIZES[kind]; i++) this.b.push(dv.getUint8(i));
  }

  private patch(at: number, target: number): void {
    const rel = target - at;
    for (let i = 0; i < 4; i++) this.b[at + i] = (rel >>> (8 * i)) & 0xff;
  }

  private place(obj: Obj): number {
    switch (obj.t) {
      case 'string': {
        this.align(4);
        const pos = this.b.length;
        const bytes = [...new TextEncoder().encode(obj.s)];
        this.put('i32', bytes.length);
        this.b.push(...bytes, 0);
        return pos;
      }
      case 'structs': {
        this.align(8, 4);
        const pos = this.b.length;
        this.put('i32', obj.count);
        this.b.push(...obj.bytes);
        return pos;
      }
      case 'tables': {
        this.align(4);
        const pos = this.b.length;
        this.put('i32', obj.items.length);
        const slots = obj.items.map(() => {
          const at = this.b.length;
          this.put('i32', 0);
          return at;
        });
        obj.items.forEach((item, i) => this.patch(slots[i]!, this.place(item)));
        return pos;
      }
      case 'table': {
        // Inline layout: the vtable offset, then each present field at its natural alignment.
        const offsets: number[] = [];
        let size = 4;
        for (const f of obj.fields) {
          if (f === null) {
            offsets.push(0);
            continue;
          }
          const s = SIZES[f.kind];
          while (size % s) size++;
          offsets.push(size);
          size += s;
        }
        this.align(2);
        const vtable = this.b.length;
        this.put('i16', 4 + 2 * obj.fields.length);
        this.put('i16', size);
        offsets.forEach((o) => this.put('i16', o));
        this.align(8);
        const pos = this.b.length;
        this.put('i32', pos - vtable);
        const refs: Array<[number, Obj]> = [];
        obj.fields.forEach((f, i) => {
          if (f === null) return;
          while (this.b.length < pos + offsets[i]!) this.b.push(0);
          if (f.kind === 'ref') {
            refs.push([this.b.length, f.obj]);
            this.put('ref', 0);
          } else this.put(f.kind, f.v);
        });
        while (this.b.length < pos + size) this.b.push(0);
        for (const [at, child] of refs) this.patch(at, this.place(child));
        return pos;
      }
    }
  }
}

const table = (...fields: Array<Scalar | { kind: 'ref'; obj: Obj } | null>): Obj => ({ t: 'table', fields });
const ref = (obj: Obj): { kind: 'ref'; obj: Obj } => ({ kind: 'ref', obj });
const i64le = (v: bigint): number[] => {
  const dv = new DataView(new ArrayBuffer(8));
  dv.setBigInt64(0, v, true);
  return [...new Uint8Array(dv.buffer)];
};
const i32le = (v: number): number[] => [v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >>> 24) & 0xff];

type Column =
  | { name: string; type: 'f64'; values: Array<number | null> }
  | { name: string; type: 'i64'; values: Array<bigint | null> }
  | { name: string; type: 'ts'; unit: number; values: Array<bigint | null> }
  | { name: string; type: 'utf8'; values: Array<string | null> }
  | { name: string; type: 'bool'; values: Array<boolean | null> };

function typeOf(c: Column): [number, Obj] {
  switch (c.type) {
    case 'f64':
      return [3, table({ kind: 'i16', v: 2 })];
    case 'i64':
      return [2, table({ kind: 'i32', v: 64 }, { kind: 'bool', v: 1 })];
    case 'ts':
      return [10, table({ kind: 'i16', v: c.unit }, ref({ t: 'string', s: 'UTC' }))];
    case 'utf8':
      return [5, table()];
    case 'bool':
      return [6, table()];
  }
}

/** An LZ4 frame holding the bytes as one literal-only block. */
function lz4(bytes: number[]): number[] {
  const n = bytes.length;
  const len: number[] =
    n < 15 ? [n << 4] : [0xf0, ...new Array<number>(Math.floor((n - 15) / 255)).fill(255), (n - 15) % 255];
  const block = [...len, ...bytes];
  return [0x04, 0x22, 0x4d, 0x18, 0x60, 0x40, 0x00, ...i32le(block.length), ...block, 0, 0, 0, 0];
}

function bitmap(flags: boolean[]): number[] {
  const out = new Array<number>(Math.ceil(flags.length / 8)).fill(0);
  flags.forEach((f, i) => f && (out[i >> 3]! |= 1 << (i & 7)));
  return out;
}

function columnBuffers(c: Column): { nulls: number; buffers: number[][] } {
  const present = c.values.map((v) => v !== null);
  const nulls = present.filter((p) => !p).length;
  const validity = nulls === 0 ? [] : bitmap(present);
  const data: number[] = [];
  if (c.type === 'f64') {
    for (const v of c.values) {
      const dv = new DataView(new ArrayBuffer(8));
      dv.setFloat64(0, v ?? 0, true);
      data.push(...new Uint8Array(dv.buffer));
    }
  } else if (c.type === 'i64' || c.type === 'ts') {
    for (const v of c.values) data.push(...i64le(v ?? 0n));
  } else if (c.type === 'bool') {
    data.push(...bitmap(c.values.map((v) => v === true)));
  } else {
    const offsets = [0];
    for (const v of c.values) {
      data.push(...new TextEncoder().encode(v ?? ''));
      offsets.push(data.length);
    }
    return { nulls, buffers: [validity, offsets.flatMap(i32le), data] };
  }
  return { nulls, buffers: [validity, data] };
}

function writeFeather(batches: Column[][], options: { compression?: 'lz4' | 'zstd' } = {}): Uint8Array {
  const schemaColumns = batches[0]!;
  const schema = table(
    { kind: 'i16', v: 0 },
    ref({
      t: 'tables',
      items: schemaColumns.map((c) => {
        const [typeId, type] = typeOf(c);
        return table(
          ref({ t: 'string', s: c.name }),
          { kind: 'bool', v: 1 },
          { kind: 'u8', v: typeId },
          ref(type),
          null,
          ref({ t: 'tables', items: [] }),
        );
      }),
    }),
  );
  const out: number[] = [...new TextEncoder().encode('ARROW1'), 0, 0];
  const blocks: number[] = [];
  for (const cols of batches) {
    const body: number[] = [];
    const nodes: number[] = [];
    const buffers: number[] = [];
    for (const c of cols) {
      const { nulls, buffers: bufs } = columnBuffers(c);
      nodes.push(...i64le(BigInt(c.values.length)), ...i64le(BigInt(nulls)));
      for (const raw of bufs) {
        const stored =
          raw.length === 0 || !options.compression ? raw : [...i64le(BigInt(raw.length)), ...lz4(raw)];
        buffers.push(...i64le(BigInt(body.length)), ...i64le(BigInt(stored.length)));
        body.push(...stored);
        while (body.length % 8) body.push(0);
      }
    }
    const compression = options.compression
      ? ref(table({ kind: 'i8', v: options.compression === 'lz4' ? 0 : 1 }, { kind: 'i8', v: 0 }))
      : null;
    const batch = table(
      { kind: 'i64', v: BigInt(cols[0]!.values.length) },
      ref({ t: 'structs', bytes: nodes, count: nodes.length / 16 }),
      ref({ t: 'structs', bytes: buffers, count: buffers.length / 16 }),
      compression,
    );
    const meta = new FbWriter().finish(
      table({ kind: 'i16', v: 4 }, { kind: 'u8', v: 3 }, ref(batch), { kind: 'i64', v: BigInt(body.length) }),
    );
    const offset = out.length;
    out.push(...i32le(-1), ...i32le(meta.length), ...meta);
    blocks.push(
      ...i64le(BigInt(offset)),
      ...i32le(8 + meta.length),
      0,
      0,
      0,
      0,
      ...i64le(BigInt(body.length)),
    );
    out.push(...body);
  }
  const footer = new FbWriter().finish(
    table(
      { kind: 'i16', v: 4 },
      ref(schema),
      null,
      ref({ t: 'structs', bytes: blocks, count: blocks.length / 24 }),
    ),
  );
  out.push(...footer, ...i32le(footer.length), ...new TextEncoder().encode('ARROW1'));
  return new Uint8Array(out);
}

const dir = new FixtureDir();
afterAll(() => dir.cleanup());
const inst = testInstrument('ETHBTC.SIM', '0.00000001', '0.00000001');
const T0 = 1_515_560_100_000_000_000n;
const FIVE_MIN = 300_000_000_000n;

function ohlcv(n: number, from = 0): Column[] {
  const ts = Array.from({ length: n }, (_, i) => T0 + BigInt(from + i) * FIVE_MIN);
  const px = Array.from({ length: n }, (_, i) => 0.0984 + (from + i) * 0.0001);
  return [
    { name: 'date', type: 'ts', unit: 3, values: ts },
    { name: 'open', type: 'f64', values: px },
    { name: 'high', type: 'f64', values: px.map((p) => p + 0.001) },
    { name: 'low', type: 'f64', values: px.map((p) => p - 0.001) },
    { name: 'close', type: 'f64', values: px },
    { name: 'volume', type: 'f64', values: px.map((_, i) => (i === 1 ? null : 1820.54447418)) },
  ];
}

describe('Arrow feather files', () => {
  it('reads an uncompressed pandas-style OHLCV table, its timestamps in their declared unit', () => {
    const bytes = writeFeather([ohlcv(3)]);
    expect(isArrowFile(bytes)).toBe(true);
    const t = readFeather(bytes, 'x.feather');
    expect(t.header).toEqual(['date', 'open', 'high', 'low', 'close', 'volume']);
    expect(t.records[0]!.fields).toEqual([
      '1515560100000000000',
      '0.0984',
      '0.0994',
      '0.0974',
      '0.0984',
      '1820.54447418',
    ]);
    expect(t.records[1]!.fields[5]).toBe('');
    expect(t.columnUnits?.get(0)).toBe('ns');
    expect(t.records[2]!.at).toEqual({ record: 3 });
  });

  it('loads LZ4-compressed feather bars exactly like the uncompressed file, float prints read on the grid', () => {
    const plain = loadMarketDataFileSync(dir.write('plain.feather', writeFeather([ohlcv(3)])), {
      instrument: inst,
    });
    const lz = loadMarketDataFileSync(
      dir.write('lz4.feather', writeFeather([ohlcv(3)], { compression: 'lz4' })),
      { instrument: inst },
    );
    expect(lz.format).toBe('ohlcv-feather');
    expect(lz.data).toEqual(plain.data);
    if (lz.kind !== 'bars') throw new Error('expected bars');
    expect(lz.data.map((b) => b.open.toString())).toEqual(['0.09840000', '0.09850000', '0.09860000']);
    expect(lz.data[1]!.volume.toString()).toBe('0.00000000');
    expect(lz.barType.step).toBe(5);
    expect(lz.first).toBe(T0 + FIVE_MIN);
  });

  it('joins several record batches in order', () => {
    const r = loadMarketDataFileSync(
      dir.write('batches.feather', writeFeather([ohlcv(2), ohlcv(2, 2)], { compression: 'lz4' })),
      { instrument: inst },
    );
    expect(r.rows).toBe(4);
    expect(r.last).toBe(T0 + 4n * FIVE_MIN);
  });

  it('reads string, integer, boolean and millisecond timestamp columns (a trade table)', () => {
    const cols: Column[] = [
      { name: 'timestamp', type: 'ts', unit: 1, values: [1_570_752_011_620n, 1_570_752_028_907n] },
      { name: 'id', type: 'i64', values: [13519807n, 13519810n] },
      { name: 'side', type: 'utf8', values: ['sell', 'buy'] },
      { name: 'price', type: 'f64', values: [0.00141342, 0.00141379] },
      { name: 'amount', type: 'f64', values: [23, 581] },
      { name: 'buyer_maker', type: 'bool', values: [true, false] },
    ];
    const r = loadMarketDataFileSync(
      dir.write('trades.feather', writeFeather([cols], { compression: 'lz4' })),
      { instrument: inst },
    );
    if (r.kind !== 'trades') throw new Error('expected trades');
    expect(r.data.map((t) => [t.tradeId, t.aggressorSide, t.price.toString(), t.tsEvent])).toEqual([
      ['13519807', 'SELLER', '0.00141342', 1_570_752_011_620_000_000n],
      ['13519810', 'BUYER', '0.00141379', 1_570_752_028_907_000_000n],
    ]);
  });

  it('refuses ZSTD compression and a truncated file, naming the file', () => {
    expect(
      dataFileError(() => readFeather(writeFeather([ohlcv(2)], { compression: 'zstd' }), 'z.feather'))
        .message,
    ).toBe('z.feather: Arrow file: ZSTD compression is not supported');
    const whole = writeFeather([ohlcv(2)]);
    expect(
      dataFileError(() => readFeather(whole.subarray(0, whole.length - 3), 't.feather')).message,
    ).toContain('t.feather: Arrow file:');
  });
});

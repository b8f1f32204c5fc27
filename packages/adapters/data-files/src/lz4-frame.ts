/**
 * Decompresses one LZ4 frame (the format of `lz4 -c` and of Arrow IPC's LZ4_FRAME buffer compression)
 * into exactly `size` bytes. Linked and independent blocks, stored (uncompressed) blocks, content size,
 * dictionary id and checksum fields are all read; checksums are skipped, not verified: a corrupt
 * stream still fails on its structure or on the size it must produce.
 */
export function decompressLz4Frame(src: Uint8Array, size: number): Uint8Array {
  const fail = (why: string): never => {
    throw new Error(`corrupt LZ4 frame: ${why}`);
  };
  const u32 = (i: number): number => {
    if (i + 4 > src.length) fail('truncated');
    return (src[i]! | (src[i + 1]! << 8) | (src[i + 2]! << 16) | (src[i + 3]! << 24)) >>> 0;
  };
  if (u32(0) !== 0x184d2204) fail('bad magic number');
  const flg = src[4] ?? fail('truncated');
  if (flg >> 6 !== 1) fail(`unsupported version ${flg >> 6}`);
  const blockChecksum = (flg & 0x10) !== 0;
  const contentSize = (flg & 0x08) !== 0;
  const contentChecksum = (flg & 0x04) !== 0;
  const dictId = (flg & 0x01) !== 0;
  if (dictId) fail('dictionaries are not supported');
  let i = 7 + (contentSize ? 8 : 0); // magic, FLG, BD, [content size], HC
  const out = new Uint8Array(size);
  let o = 0;
  for (;;) {
    const word = u32(i);
    i += 4;
    if (word === 0) break;
    const length = word & 0x7fffffff;
    const end = i + length;
    if (end > src.length) fail('block runs past the end');
    if ((word & 0x80000000) !== 0) {
      if (o + length > size) fail('more data than announced');
      out.set(src.subarray(i, end), o);
      o += length;
    } else {
      o = decodeBlock(src, i, end, out, o, fail);
    }
    i = end + (blockChecksum ? 4 : 0);
  }
  if (contentChecksum) i += 4;
  if (o !== size) fail(`produced ${o} bytes, expected ${size}`);
  return out;
}

function decodeBlock(
  src: Uint8Array,
  i: number,
  end: number,
  out: Uint8Array,
  o: number,
  fail: (why: string) => never,
): number {
  while (i < end) {
    const token = src[i++]!;
    let literals = token >> 4;
    if (literals === 15) {
      let b: number;
      do {
        if (i >= end) fail('truncated literal length');
        b = src[i++]!;
        literals += b;
      } while (b === 255);
    }
    if (i + literals > end || o + literals > out.length) fail('literals overrun');
    out.set(src.subarray(i, i + literals), o);
    i += literals;
    o += literals;
    if (i >= end) break; // the last sequence has literals only
    if (i + 2 > end) fail('truncated match offset');
    const offset = src[i]! | (src[i + 1]! << 8);
    i += 2;
    if (offset === 0 || offset > o) fail('match offset out of range');
    let match = token & 15;
    if (match === 15) {
      let b: number;
      do {
        if (i >= end) fail('truncated match length');
        b = src[i++]!;
        match += b;
      } while (b === 255);
    }
    match += 4;
    if (o + match > out.length) fail('match overrun');
    // Byte by byte: a match may overlap the bytes it is producing (run-length style).
    for (let k = 0; k < match; k++, o++) out[o] = out[o - offset]!;
  }
  return o;
}

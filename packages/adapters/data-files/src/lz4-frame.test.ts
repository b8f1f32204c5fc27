import { describe, expect, it } from 'vitest';
import { decompressLz4Frame } from './lz4-frame.js';

const HEADER = [0x04, 0x22, 0x4d, 0x18, 0x60, 0x40, 0x00]; // magic, FLG (v1, independent blocks), BD, HC
const END = [0, 0, 0, 0];
const u32 = (n: number): number[] => [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff];
const text = (b: Uint8Array): string => new TextDecoder().decode(b);
const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));

describe('decompressLz4Frame', () => {
  it('expands an overlapping match (a run) after literals', () => {
    // "abc", then copy 9 bytes from 3 back: "abcabcabcabc".
    const block = [0x35, ...ascii('abc'), 0x03, 0x00];
    const frame = new Uint8Array([...HEADER, ...u32(block.length), ...block, ...END]);
    expect(text(decompressLz4Frame(frame, 12))).toBe('abcabcabcabc');
  });

  it('reads extended literal and match lengths', () => {
    const literals = 'x'.repeat(20); // 15 + 5
    const block = [0xff, 5, ...ascii(literals), 0x01, 0x00, 2]; // match 15 + 2 + 4 = 21 more x
    const frame = new Uint8Array([...HEADER, ...u32(block.length), ...block, ...END]);
    expect(text(decompressLz4Frame(frame, 41))).toBe('x'.repeat(41));
  });

  it('copies stored blocks and skips block checksums and the content size field', () => {
    const header = [0x04, 0x22, 0x4d, 0x18, 0x78, 0x40, ...new Array<number>(8).fill(0), 0x00]; // block checksums, content size
    const frame = new Uint8Array([...header, ...u32(0x80000003), ...ascii('hey'), 1, 2, 3, 4, ...END]);
    expect(text(decompressLz4Frame(frame, 3))).toBe('hey');
  });

  it('refuses bad magic, a wrong size and a match reaching before the start', () => {
    expect(() => decompressLz4Frame(new Uint8Array([1, 2, 3, 4, 5, 6, 7]), 0)).toThrow('bad magic');
    const block = [0x30, ...ascii('abc')];
    const frame = new Uint8Array([...HEADER, ...u32(block.length), ...block, ...END]);
    expect(() => decompressLz4Frame(frame, 4)).toThrow('produced 3 bytes, expected 4');
    const far = [0x10, ...ascii('a'), 0x05, 0x00];
    expect(() =>
      decompressLz4Frame(new Uint8Array([...HEADER, ...u32(far.length), ...far, ...END]), 10),
    ).toThrow('out of range');
  });
});

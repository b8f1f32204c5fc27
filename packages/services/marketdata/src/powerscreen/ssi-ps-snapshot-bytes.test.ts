import { createWireRegistry, decodeEnvelope, fromJson, toJson } from '@qubit/model';
import { describe, expect, it } from 'vitest';
import { SsiPsSnapshotBytesCodec, type SsiPsSnapshotBytes } from './ssi-ps-snapshot-bytes.js';

const registry = createWireRegistry().registerCodec(SsiPsSnapshotBytesCodec);
const message: SsiPsSnapshotBytes = {
  type: 'SsiPsSnapshotBytes',
  code: 'FPT',
  payload: Uint8Array.from([0x0a, 0x03, 0x46, 0x50, 0x54, 0xff, 0x00]),
  tsEvent: 1_795_576_503_250_000_000n,
  tsInit: 1_795_576_503_300_000_000n,
};

describe('SsiPsSnapshotBytes on the wire', () => {
  it('travels in an envelope with its bytes as base64 and comes back byte for byte', () => {
    const text = toJson(message, { id: 'ps-1', key: 'FPT', registry });
    expect(JSON.parse(text)).toMatchObject({
      type: 'SsiPsSnapshotBytes',
      v: 1,
      payload: { payload: 'CgNGUFT/AA==' },
    });
    expect(fromJson(text, { registry }).message).toEqual(message);
  });

  it('refuses a payload that is not base64, naming the field', () => {
    const envelope = JSON.parse(toJson(message, { id: 'ps-2', key: 'FPT', registry })) as {
      payload: { payload: string };
    };
    envelope.payload.payload = 'not base64!';
    expect(() => decodeEnvelope(envelope, { registry })).toThrow('payload.payload: is not base64 text');
  });
});

import { Fields, ModelError, wireSchema, type UnixNanos, type WireCodec } from '@qubit/model';

/**
 * On `ssi_ps` (key: the code): one encoded `markets.v1.SsiPsSnapshot`. The in-memory bus carries objects,
 * so the protobuf bytes travel wrapped; on Kafka the wrapper is an envelope whose payload holds them in
 * base64. The header repeats the code and times so a consumer can route and order without decoding.
 */
export interface SsiPsSnapshotBytes {
  readonly type: 'SsiPsSnapshotBytes';
  readonly code: string;
  /** The protobuf encoding of the snapshot (`toBinary(SsiPsSnapshotSchema, …)`). */
  readonly payload: Uint8Array;
  /** The exchange's time of the snapshot, UTC nanoseconds. */
  readonly tsEvent: UnixNanos;
  /** When the producer published it, UTC nanoseconds. */
  readonly tsInit: UnixNanos;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export const SsiPsSnapshotBytesCodec: WireCodec<SsiPsSnapshotBytes> = {
  type: 'SsiPsSnapshotBytes',
  v: 1,
  encode: (m) => ({
    code: m.code,
    payload: Buffer.from(m.payload.buffer, m.payload.byteOffset, m.payload.byteLength).toString('base64'),
    ts_event: m.tsEvent.toString(),
    ts_init: m.tsInit.toString(),
  }),
  decode(payload, ctx, path) {
    const f = Fields.of(payload, path, ctx);
    return {
      type: 'SsiPsSnapshotBytes',
      code: f.get('code', wireSchema.nonEmptyStr),
      payload: f.get('payload', base64Bytes),
      tsEvent: f.get('ts_event', wireSchema.nanos),
      tsInit: f.get('ts_init', wireSchema.nanos),
    };
  },
};

/** Base64 text as bytes; Buffer would skip characters outside the alphabet instead of refusing them. */
function base64Bytes(v: unknown, path: string): Uint8Array {
  if (typeof v !== 'string') return wireSchema.invalid(path, 'base64 text', v);
  if (v.length % 4 !== 0 || !BASE64.test(v)) throw new ModelError(path, 'is not base64 text');
  return Uint8Array.from(Buffer.from(v, 'base64'));
}

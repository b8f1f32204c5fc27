import type { UnixNanos } from '../time.js';
import type { DecodeContext, JsonObject } from './schema.js';

/** What any message must offer to travel in an envelope: its type and its timestamps. */
export interface WireMessageLike {
  readonly type: string;
  /** Commands have no event time; the envelope then uses `tsInit` for `ts_event`. */
  readonly tsEvent?: UnixNanos;
  readonly tsInit: UnixNanos;
}

/**
 * The schema of one message type at one version: `encode` maps the camelCase model object to its
 * snake_case JSON payload, `decode` maps a payload back, checking it and naming the field on error.
 */
export interface WireCodec<M extends WireMessageLike = WireMessageLike> {
  readonly type: M['type'];
  readonly v: number;
  encode(message: M): JsonObject;
  /** `path` is where the payload sits (`payload` inside an envelope) and prefixes every error field. */
  decode(payload: unknown, ctx: DecodeContext, path: string): M;
}

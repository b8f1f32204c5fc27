import { ModelError } from '../errors.js';
import type { UnixNanos } from '../time.js';
import type { WireMessageLike } from './codec.js';
import { createWireRegistry, type WireRegistry } from './registry.js';
import {
  Fields,
  int,
  nanos,
  nonEmptyStr,
  optStr,
  str,
  type DecodeContext,
  type JsonObject,
} from './schema.js';
import { WireDecodeError } from './wire-decode-error.js';
import type { WireMessage } from './wire-message.js';

/** What crosses a process boundary (ARCHITECTURE.md §4), exactly as it is written in JSON. */
export interface Envelope {
  type: string;
  v: number;
  id: string;
  key: string;
  /** Nanoseconds as a decimal string: when the message's event happened (its creation, for commands). */
  ts_event: string;
  /** Nanoseconds as a decimal string: when the envelope was made. */
  ts_init: string;
  correlation_id?: string;
  causation_id?: string;
  payload: JsonObject;
}

/** The envelope's header as TypeScript reads it. */
export interface EnvelopeMeta {
  readonly type: string;
  readonly v: number;
  readonly id: string;
  readonly key: string;
  readonly tsEvent: UnixNanos;
  readonly tsInit: UnixNanos;
  readonly correlationId?: string;
  readonly causationId?: string;
}

export interface EncodeOptions {
  /** A unique id for this envelope (from the IdGenerator): consumers deduplicate on it. */
  readonly id: string;
  /** The partition key; per-key order is what the bus guarantees. */
  readonly key: string;
  /** When the envelope was made; the message's own `tsInit` when absent. */
  readonly tsInit?: UnixNanos;
  readonly correlationId?: string;
  readonly causationId?: string;
  /** The model registry when absent. */
  readonly registry?: WireRegistry;
}

export interface EnvelopeDecodeContext extends DecodeContext {
  /** The model registry when absent. */
  readonly registry?: WireRegistry;
}

export interface DecodedEnvelope<M extends WireMessageLike = WireMessage> {
  readonly envelope: EnvelopeMeta;
  readonly message: M;
}

// Sealed, so this shared default is a constant rather than a mutable singleton.
const MODEL_REGISTRY = createWireRegistry().seal();

/** Wraps `message` in an envelope at its type's current version; the result is ready for JSON.stringify. */
export function encodeEnvelope(message: WireMessageLike, options: EncodeOptions): Envelope {
  const codec = (options.registry ?? MODEL_REGISTRY).encoderFor(message.type);
  if (typeof options.id !== 'string' || options.id.length === 0) {
    throw new ModelError('id', `an envelope needs a non-empty id (encoding ${message.type})`);
  }
  if (typeof options.key !== 'string')
    throw new ModelError('key', `an envelope needs a key (encoding ${message.type})`);
  // Built in wire order with the optional ids before the payload, so a logged envelope reads header first.
  const envelope = {
    type: message.type,
    v: codec.v,
    id: options.id,
    key: options.key,
    ts_event: (message.tsEvent ?? message.tsInit).toString(),
    ts_init: (options.tsInit ?? message.tsInit).toString(),
  } as Envelope;
  if (options.correlationId !== undefined) envelope.correlation_id = options.correlationId;
  if (options.causationId !== undefined) envelope.causation_id = options.causationId;
  envelope.payload = codec.encode(message);
  return envelope;
}

/**
 * Checks and decodes an envelope (an object, or its JSON text). Every failure is a WireDecodeError whose
 * `field` names what was wrong (`type`, `v`, `payload.deltas[3].price`…) and whose `type` is the
 * message type when it could be read.
 */
export function decodeEnvelope<M extends WireMessageLike = WireMessage>(
  json: unknown,
  ctx: EnvelopeDecodeContext = {},
): DecodedEnvelope<M> {
  const raw = typeof json === 'string' ? parseJson(json) : json;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new WireDecodeError(
      undefined,
      'envelope',
      `expected an object, got ${raw === null ? 'null' : Array.isArray(raw) ? 'an array' : typeof raw}`,
    );
  }
  let type: string | undefined;
  try {
    const f = Fields.of(raw, '', ctx);
    type = f.get('type', nonEmptyStr);
    const codec = (ctx.registry ?? MODEL_REGISTRY).decoderFor(type, f.get('v', int));
    const envelope: { -readonly [K in keyof EnvelopeMeta]: EnvelopeMeta[K] } = {
      type,
      v: codec.v,
      id: f.get('id', nonEmptyStr),
      key: f.get('key', str),
      tsEvent: f.get('ts_event', nanos),
      tsInit: f.get('ts_init', nanos),
    };
    const correlationId = f.get('correlation_id', optStr);
    if (correlationId !== undefined) envelope.correlationId = correlationId;
    const causationId = f.get('causation_id', optStr);
    if (causationId !== undefined) envelope.causationId = causationId;
    const message = codec.decode((raw as Record<string, unknown>).payload, ctx, 'payload') as M;
    return { envelope, message };
  } catch (e) {
    if (e instanceof WireDecodeError) throw e;
    if (e instanceof ModelError) throw new WireDecodeError(type, e.field, e.reason, { cause: e });
    throw e;
  }
}

/** The JSON text of `message` in its envelope. */
export function toJson(message: WireMessageLike, options: EncodeOptions): string {
  return JSON.stringify(encodeEnvelope(message, options));
}

/** Decodes the JSON text of an envelope; text that is not JSON is a WireDecodeError on `envelope`. */
export function fromJson<M extends WireMessageLike = WireMessage>(
  text: string,
  ctx: EnvelopeDecodeContext = {},
): DecodedEnvelope<M> {
  if (typeof text !== 'string') throw new WireDecodeError(undefined, 'envelope', 'expected JSON text');
  return decodeEnvelope<M>(text, ctx);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new WireDecodeError(undefined, 'envelope', `is not valid JSON: ${(e as Error).message}`, {
      cause: e,
    });
  }
}

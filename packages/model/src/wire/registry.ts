import { ModelError } from '../errors.js';
import type { WireCodec, WireMessageLike } from './codec.js';
import { ACCOUNT_CODECS } from './codecs/account-codecs.js';
import { COMMAND_CODECS } from './codecs/command-codecs.js';
import { MARKET_DATA_CODECS } from './codecs/market-data-codecs.js';
import { ORDER_EVENT_CODECS } from './codecs/order-event-codecs.js';
import { POSITION_CODECS } from './codecs/position-codecs.js';
import { RISK_CODECS } from './codecs/risk-codecs.js';
import { WireDecodeError } from './wire-decode-error.js';
import type { WireMessageType } from './wire-message.js';

/** The codecs of every model message, at their current versions. */
export const MODEL_CODECS = [
  ...MARKET_DATA_CODECS,
  ...COMMAND_CODECS,
  ...ORDER_EVENT_CODECS,
  ...POSITION_CODECS,
  ...ACCOUNT_CODECS,
  ...RISK_CODECS,
] as const;

// Fails to compile when a model message type is added without a codec.
type Uncovered = Exclude<WireMessageType, (typeof MODEL_CODECS)[number]['type']>;
const everyModelTypeHasACodec: [Uncovered] extends [never] ? true : Uncovered = true;
void everyModelTypeHasACodec;

interface Versions {
  /** The newest version: what encoding writes. */
  current: WireCodec;
  readonly byVersion: Map<number, WireCodec>;
}

/**
 * Maps a message type to its schemas, one per version. Encoding writes the newest version; decoding
 * accepts every registered version, so a consumer can read what older producers still send.
 * Later packages add their own types (BotStatusChanged…) with `registerCodec`.
 */
export class WireRegistry {
  private readonly types = new Map<string, Versions>();
  private sealed = false;

  registerCodec<M extends WireMessageLike>(codec: WireCodec<M>): this {
    if (this.sealed) throw new ModelError('codec', `this registry is sealed; cannot add ${codec.type}`);
    if (typeof codec.type !== 'string' || codec.type.length === 0) {
      throw new ModelError('codec.type', 'must be a non-empty string');
    }
    if (!Number.isSafeInteger(codec.v) || codec.v < 1) {
      throw new ModelError('codec.v', `must be a positive integer, got ${codec.v} for ${codec.type}`);
    }
    const c = codec as unknown as WireCodec;
    const known = this.types.get(codec.type);
    if (!known) {
      this.types.set(codec.type, { current: c, byVersion: new Map([[codec.v, c]]) });
      return this;
    }
    if (known.byVersion.has(codec.v)) {
      throw new ModelError('codec.v', `${codec.type} already has a codec for version ${codec.v}`);
    }
    known.byVersion.set(codec.v, c);
    if (codec.v > known.current.v) known.current = c;
    return this;
  }

  /** Refuses further registrations, so a registry shared by default cannot be changed behind anyone's back. */
  seal(): this {
    this.sealed = true;
    return this;
  }

  has(type: string): boolean {
    return this.types.has(type);
  }

  /** Registered types, in registration order. */
  typeNames(): string[] {
    return [...this.types.keys()];
  }

  /** The codec that encodes `type` (its newest version); an unregistered type is a programming error. */
  encoderFor(type: string): WireCodec {
    const known = this.types.get(type);
    if (!known) throw new ModelError('type', `no codec is registered for message type "${type}"`);
    return known.current;
  }

  /** The codec that decodes `type` at version `v`, or a WireDecodeError naming `type` or `v`. */
  decoderFor(type: string, v: number): WireCodec {
    const known = this.types.get(type);
    if (!known) throw new WireDecodeError(type, 'type', `unknown message type "${type}"`);
    const codec = known.byVersion.get(v);
    if (!codec) {
      const versions = [...known.byVersion.keys()].sort((a, b) => a - b).join(', ');
      throw new WireDecodeError(type, 'v', `${type} has no schema version ${v} (known: ${versions})`);
    }
    return codec;
  }
}

/** A fresh registry holding the codecs of every model message; extend it with `registerCodec`. */
export function createWireRegistry(): WireRegistry {
  const registry = new WireRegistry();
  for (const codec of MODEL_CODECS) registry.registerCodec(codec as WireCodec);
  return registry;
}

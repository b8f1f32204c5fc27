import { describe, expect, it } from 'vitest';
import type { UnixNanos } from '../time.js';
import type { WireCodec } from './codec.js';
import { TradeTickCodec } from './codecs/market-data-codecs.js';
import { decodeEnvelope, encodeEnvelope } from './envelope.js';
import { WireRegistry, createWireRegistry } from './registry.js';
import { Fields, bool, nanos, nonEmptyStr, str } from './schema.js';
import { WireDecodeError } from './wire-decode-error.js';

/** The kind of message a later package (the supervisor) adds. */
interface BotStatusChanged {
  readonly type: 'BotStatusChanged';
  readonly botId: string;
  readonly status: string;
  readonly tsEvent: UnixNanos;
  readonly tsInit: UnixNanos;
}

const V1: WireCodec<BotStatusChanged> = {
  type: 'BotStatusChanged',
  v: 1,
  encode: (m) => ({
    bot_id: m.botId,
    status: m.status,
    ts_event: m.tsEvent.toString(),
    ts_init: m.tsInit.toString(),
  }),
  decode(payload, ctx, path) {
    const f = Fields.of(payload, path, ctx);
    return {
      type: 'BotStatusChanged',
      botId: f.get('bot_id', nonEmptyStr),
      status: f.get('status', str),
      tsEvent: f.get('ts_event', nanos),
      tsInit: f.get('ts_init', nanos),
    };
  },
};

// Version 2 renamed `status` to `state` and added `healthy`.
const V2: WireCodec<BotStatusChanged> = {
  type: 'BotStatusChanged',
  v: 2,
  encode: (m) => ({
    bot_id: m.botId,
    state: m.status,
    healthy: true,
    ts_event: m.tsEvent.toString(),
    ts_init: m.tsInit.toString(),
  }),
  decode(payload, ctx, path) {
    const f = Fields.of(payload, path, ctx);
    f.get('healthy', bool);
    return {
      type: 'BotStatusChanged',
      botId: f.get('bot_id', nonEmptyStr),
      status: f.get('state', str),
      tsEvent: f.get('ts_event', nanos),
      tsInit: f.get('ts_init', nanos),
    };
  },
};

const STATUS: BotStatusChanged = {
  type: 'BotStatusChanged',
  botId: 'bot-7',
  status: 'RUNNING',
  tsEvent: 5n,
  tsInit: 6n,
};
const OPTS = { id: 'e-1', key: 'bot-7' };

describe('WireRegistry', () => {
  it('lets a later package add a message type and round-trip it', () => {
    const registry = createWireRegistry().registerCodec(V1);
    const env = encodeEnvelope(STATUS, { ...OPTS, registry });
    expect(env).toMatchObject({
      type: 'BotStatusChanged',
      v: 1,
      payload: { bot_id: 'bot-7', status: 'RUNNING' },
    });
    expect(decodeEnvelope<BotStatusChanged>(env, { registry }).message).toEqual(STATUS);
  });

  it('encodes with the newest version and still decodes the older one', () => {
    const registry = createWireRegistry().registerCodec(V2).registerCodec(V1);
    const v2 = encodeEnvelope(STATUS, { ...OPTS, registry });
    expect(v2.v).toBe(2);
    expect(decodeEnvelope(v2, { registry }).message).toEqual(STATUS);
    const v1 = encodeEnvelope(STATUS, { ...OPTS, registry: createWireRegistry().registerCodec(V1) });
    expect(decodeEnvelope(v1, { registry }).message).toEqual(STATUS);
    expect(() => decodeEnvelope({ ...v1, v: 3 }, { registry })).toThrow(
      'v: BotStatusChanged has no schema version 3 (known: 1, 2)',
    );
  });

  it('refuses a second codec for the same type and version', () => {
    expect(() => createWireRegistry().registerCodec(TradeTickCodec)).toThrow(
      'codec.v: TradeTick already has a codec for version 1',
    );
  });

  it('refuses a codec with a version below 1 or without a type', () => {
    expect(() => new WireRegistry().registerCodec({ ...V1, v: 0 })).toThrow(
      'codec.v: must be a positive integer',
    );
    expect(() => new WireRegistry().registerCodec({ ...V1, type: '' as 'BotStatusChanged' })).toThrow(
      'codec.type: must be a non-empty string',
    );
  });

  it('refuses registrations once sealed', () => {
    expect(() => createWireRegistry().seal().registerCodec(V1)).toThrow('codec: this registry is sealed');
  });

  it('keeps registrations out of the default registry', () => {
    createWireRegistry().registerCodec(V1);
    const env = encodeEnvelope(STATUS, { ...OPTS, registry: new WireRegistry().registerCodec(V1) });
    const err = (() => {
      try {
        decodeEnvelope(env);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(WireDecodeError);
    expect((err as WireDecodeError).field).toBe('type');
  });

  it('wraps a payload error of an added type with its type', () => {
    const registry = createWireRegistry().registerCodec(V1);
    const env = encodeEnvelope(STATUS, { ...OPTS, registry });
    try {
      decodeEnvelope({ ...env, payload: { ...env.payload, bot_id: '' } }, { registry });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(WireDecodeError);
      expect((e as WireDecodeError).type).toBe('BotStatusChanged');
      expect((e as WireDecodeError).message).toBe('payload.bot_id: must not be empty');
    }
  });
});

import { describe, expect, it } from 'vitest';
import { ModelError } from '../errors.js';
import { decodeEnvelope, encodeEnvelope, fromJson, toJson, type Envelope } from './envelope.js';
import { createWireRegistry } from './registry.js';
import { WITH_INSTRUMENTS, firstDifference, sampleMessages } from './test-support.js';
import { WireDecodeError } from './wire-decode-error.js';

const OPTS = { id: 'env-1', key: 'BINANCE-main' };

function tradeEnvelope(): Envelope {
  const tick = sampleMessages().find((m) => m.type === 'TradeTick');
  if (!tick) throw new Error('no TradeTick sample');
  return encodeEnvelope(tick, OPTS);
}

/** Decodes and returns the error, failing the test when decoding succeeds. */
function decodeError(json: unknown): WireDecodeError {
  try {
    decodeEnvelope(json, WITH_INSTRUMENTS);
  } catch (e) {
    expect(e).toBeInstanceOf(WireDecodeError);
    expect(e).toBeInstanceOf(ModelError);
    return e as WireDecodeError;
  }
  throw new Error('decoding succeeded');
}

describe('envelope round trip', () => {
  it('has a sample for every type the model registry knows', () => {
    const sampled = new Set<string>(sampleMessages().map((m) => m.type));
    expect(
      createWireRegistry()
        .typeNames()
        .filter((t) => !sampled.has(t)),
    ).toEqual([]);
  });

  for (const message of sampleMessages()) {
    it(`decodes what it encodes for ${message.type} (${'eventId' in message ? message.eventId : 'commandId' in message ? message.commandId : 'data'})`, () => {
      const envelope = encodeEnvelope(message, OPTS);
      expect(firstDifference(decodeEnvelope(envelope).message, message)).toBeUndefined();
      expect(firstDifference(decodeEnvelope(envelope, WITH_INSTRUMENTS).message, message)).toBeUndefined();
    });

    it(`survives the JSON text path for ${message.type}`, () => {
      const text = toJson(message, OPTS);
      expect(typeof JSON.parse(text)).toBe('object');
      expect(firstDifference(fromJson(text, WITH_INSTRUMENTS).message, message)).toBeUndefined();
      expect(firstDifference(decodeEnvelope(text).message, message)).toBeUndefined();
    });
  }

  it('produces an envelope that JSON.stringify keeps whole', () => {
    for (const message of sampleMessages()) {
      const envelope = encodeEnvelope(message, OPTS);
      expect(JSON.parse(JSON.stringify(envelope))).toEqual(envelope);
    }
  });
});

describe('envelope header', () => {
  it('writes type, version 1, id, key and the timestamps as nanosecond strings', () => {
    const env = tradeEnvelope();
    expect(env).toMatchObject({
      type: 'TradeTick',
      v: 1,
      id: 'env-1',
      key: 'BINANCE-main',
      ts_event: '1700000000000000000',
      ts_init: '1700000000000001000',
    });
    expect(Object.keys(env)).toEqual(['type', 'v', 'id', 'key', 'ts_event', 'ts_init', 'payload']);
  });

  it('uses tsInit for ts_event when the message is a command', () => {
    const submit = sampleMessages().find((m) => m.type === 'SubmitOrder');
    if (!submit) throw new Error('no SubmitOrder sample');
    const env = encodeEnvelope(submit, { ...OPTS, tsInit: 1_800_000_000_000_000_000n });
    expect(env.ts_event).toBe('1700000000000000000');
    expect(env.ts_init).toBe('1800000000000000000');
  });

  it('carries correlation and causation ids and decodes the header to camelCase', () => {
    const tick = sampleMessages()[0];
    if (!tick) throw new Error('no sample');
    const env = encodeEnvelope(tick, { ...OPTS, correlationId: 'corr-9', causationId: 'cause-8' });
    expect(env.correlation_id).toBe('corr-9');
    expect(env.causation_id).toBe('cause-8');
    expect(decodeEnvelope(env).envelope).toEqual({
      type: 'TradeTick',
      v: 1,
      id: 'env-1',
      key: 'BINANCE-main',
      tsEvent: 1_700_000_000_000_000_000n,
      tsInit: 1_700_000_000_000_001_000n,
      correlationId: 'corr-9',
      causationId: 'cause-8',
    });
  });

  it('refuses to encode without an id or for a type nobody registered', () => {
    const tick = sampleMessages()[0];
    if (!tick) throw new Error('no sample');
    expect(() => encodeEnvelope(tick, { id: '', key: 'k' })).toThrow('id: an envelope needs a non-empty id');
    expect(() => encodeEnvelope({ type: 'Nope', tsInit: 1n }, OPTS)).toThrow(
      'type: no codec is registered for message type "Nope"',
    );
  });
});

describe('envelope rejections', () => {
  it('rejects an unknown type, naming type', () => {
    const err = decodeError({ ...tradeEnvelope(), type: 'TradeTock' });
    expect(err.field).toBe('type');
    expect(err.type).toBe('TradeTock');
    expect(err.message).toBe('type: unknown message type "TradeTock"');
  });

  it('rejects a version the type does not have, naming v', () => {
    const err = decodeError({ ...tradeEnvelope(), v: 2 });
    expect(err.field).toBe('v');
    expect(err.type).toBe('TradeTick');
    expect(err.message).toBe('v: TradeTick has no schema version 2 (known: 1)');
  });

  it('rejects a version that is not an integer', () => {
    expect(decodeError({ ...tradeEnvelope(), v: '1' }).message).toBe('v: expected an integer, got "1"');
    expect(decodeError({ ...tradeEnvelope(), v: 1.5 }).message).toBe('v: must be a safe integer, got 1.5');
  });

  it('rejects a missing header field, naming it', () => {
    for (const field of ['type', 'v', 'id', 'key', 'ts_event', 'ts_init'] as const) {
      const env: Partial<Envelope> = { ...tradeEnvelope() };
      delete env[field];
      const err = decodeError(env);
      expect(err.field).toBe(field);
      expect(err.reason).toBe('is required');
    }
  });

  it('rejects a missing or malformed payload', () => {
    const { payload: _payload, ...rest } = tradeEnvelope();
    expect(decodeError(rest).message).toBe('payload: is required');
    expect(decodeError({ ...rest, payload: [1] }).message).toBe('payload: expected an object, got an array');
  });

  it('rejects a missing payload field, naming it with its path and carrying the type', () => {
    const env = tradeEnvelope();
    const { size: _size, ...payload } = env.payload;
    const err = decodeError({ ...env, payload });
    expect(err.message).toBe('payload.size: is required');
    expect(err.type).toBe('TradeTick');
    expect(err.cause).toBeInstanceOf(ModelError);
  });

  it('rejects timestamps that are not whole nanoseconds', () => {
    expect(decodeError({ ...tradeEnvelope(), ts_event: '1.7e18' }).message).toBe(
      'ts_event: "1.7e18" is not a whole number of nanoseconds (a string of digits)',
    );
    expect(decodeError({ ...tradeEnvelope(), ts_init: 1.7e18 }).message).toBe(
      'ts_init: must be nanoseconds as a string of digits, got the inexact number 1700000000000000000',
    );
    expect(decodeError({ ...tradeEnvelope(), ts_init: '-5' }).field).toBe('ts_init');
  });

  it('rejects text that is not JSON, and JSON that is not an object', () => {
    expect(decodeError('{"type":').field).toBe('envelope');
    expect(() => fromJson('nope')).toThrow(/^envelope: is not valid JSON/);
    expect(decodeError('[1,2]').message).toBe('envelope: expected an object, got an array');
    expect(decodeError(null).message).toBe('envelope: expected an object, got null');
  });

  it('reads an unknown envelope field as a harmless addition', () => {
    const env = { ...tradeEnvelope(), trace: 'x' };
    expect(decodeEnvelope(env).message.type).toBe('TradeTick');
  });
});

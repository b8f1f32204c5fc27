import { describe, expect, it } from 'vitest';
import { decodeEnvelope, encodeEnvelope, type Envelope } from '../envelope.js';
import { sampleMessages } from '../test-support.js';
import type { WireDecodeError } from '../wire-decode-error.js';

function envelopes(): Envelope[] {
  return sampleMessages()
    .filter((m) => m.type === 'TradingStateChanged')
    .map((m) => encodeEnvelope(m, { id: 'e-1', key: 'global' }));
}

function errorOf(json: unknown): WireDecodeError {
  try {
    decodeEnvelope(json);
  } catch (e) {
    return e as WireDecodeError;
  }
  throw new Error('decoding succeeded');
}

describe('risk codecs', () => {
  it('writes each risk scope with snake_case ids', () => {
    expect(envelopes().map((e) => e.payload.scope)).toEqual([
      { kind: 'global' },
      { kind: 'account', account_id: 'BINANCE-main' },
      { kind: 'bot', bot_id: 'bot-7' },
    ]);
  });

  it('names an unknown scope kind and a scope missing its id', () => {
    const [env] = envelopes();
    if (!env) throw new Error('no sample');
    expect(errorOf({ ...env, payload: { ...env.payload, scope: { kind: 'desk' } } }).message).toBe(
      'payload.scope.kind: "desk" is not one of global, account, bot',
    );
    expect(errorOf({ ...env, payload: { ...env.payload, scope: { kind: 'bot' } } }).message).toBe(
      'payload.scope.bot_id: is required',
    );
  });

  it('rejects an unknown trading state', () => {
    const [env] = envelopes();
    if (!env) throw new Error('no sample');
    expect(errorOf({ ...env, payload: { ...env.payload, previous: 'PAUSED' } }).message).toBe(
      'payload.previous: "PAUSED" is not one of ACTIVE, REDUCING, HALTED',
    );
  });
});

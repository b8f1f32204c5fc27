import { describe, expect, it } from 'vitest';
import type { PositionClosed } from '../../index.js';
import { decodeEnvelope, encodeEnvelope, type Envelope } from '../envelope.js';
import { WITH_INSTRUMENTS, sampleMessages } from '../test-support.js';
import type { WireDecodeError } from '../wire-decode-error.js';

function envelopeOf(type: string): Envelope {
  const message = sampleMessages().find((m) => m.type === type);
  if (!message) throw new Error(`no ${type} sample`);
  return encodeEnvelope(message, { id: 'e-1', key: 'BINANCE-main' });
}

function withPayload(env: Envelope, patch: Record<string, unknown>): unknown {
  return { ...env, payload: { ...env.payload, ...patch } };
}

function errorOf(json: unknown): WireDecodeError {
  try {
    decodeEnvelope(json, WITH_INSTRUMENTS);
  } catch (e) {
    return e as WireDecodeError;
  }
  throw new Error('decoding succeeded');
}

describe('position codecs', () => {
  it('writes a signed quantity, money and the duration of a closed position', () => {
    expect(envelopeOf('PositionClosed').payload).toMatchObject({
      position_id: 'BTCUSDT-PERP.BINANCE-bot-7',
      side: 'SHORT',
      signed_qty: '-0.250',
      quantity: '0.250',
      avg_px_open: '42000.1234',
      realized_pnl: { amount: '-12.50000000', currency: 'USDT' },
      duration_ns: '3600000000000',
    });
  });

  it('does not hold the average entry price to the tick grid', () => {
    const { message } = decodeEnvelope<PositionClosed>(envelopeOf('PositionClosed'), WITH_INSTRUMENTS);
    expect(message.avgPxOpen.toString()).toBe('42000.1234');
  });

  it('rejects a negative position quantity', () => {
    expect(errorOf(withPayload(envelopeOf('PositionChanged'), { quantity: '-0.250' })).message).toBe(
      'payload.quantity: must not be negative, got -0.250',
    );
  });

  it('names a missing duration and a bad position side', () => {
    const env = envelopeOf('PositionClosed');
    const { duration_ns: _gone, ...payload } = env.payload;
    expect(errorOf({ ...env, payload }).message).toBe('payload.duration_ns: is required');
    expect(errorOf(withPayload(envelopeOf('PositionOpened'), { side: 'SIDEWAYS' })).field).toBe(
      'payload.side',
    );
    expect(errorOf(withPayload(envelopeOf('PositionOpened'), { unrealized_pnl: '3.25' })).message).toBe(
      'payload.unrealized_pnl: expected an object, got "3.25"',
    );
  });
});

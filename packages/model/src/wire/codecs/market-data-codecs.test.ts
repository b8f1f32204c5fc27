import { describe, expect, it } from 'vitest';
import type { OrderBookDeltas, TradeTick } from '../../index.js';
import { decodeEnvelope, encodeEnvelope, type Envelope } from '../envelope.js';
import { WITH_INSTRUMENTS, sampleMessages } from '../test-support.js';
import type { WireDecodeError } from '../wire-decode-error.js';

function envelopeOf(type: string, index = 0): Envelope {
  const message = sampleMessages().filter((m) => m.type === type)[index];
  if (!message) throw new Error(`no ${type} sample`);
  return encodeEnvelope(message, { id: 'e-1', key: 'BINANCE:BTCUSDT' });
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

describe('market data codecs', () => {
  it('writes a trade tick with snake_case names, decimal strings and nanosecond strings', () => {
    expect(envelopeOf('TradeTick').payload).toEqual({
      instrument_id: 'BTCUSDT.BINANCE',
      price: '42000.10',
      size: '0.01500',
      aggressor_side: 'BUYER',
      trade_id: '3141592653',
      ts_event: '1700000000000000000',
      ts_init: '1700000000000001000',
    });
  });

  it('writes a bar type as its string form', () => {
    expect(envelopeOf('Bar').payload.bar_type).toBe('BTCUSDT-PERP.BINANCE-1-MINUTE-LAST');
  });

  it('reads JSON numbers for prices when a producer sends them', () => {
    const { message } = decodeEnvelope<TradeTick>(withPayload(envelopeOf('TradeTick'), { price: 42000.1 }));
    expect(message.price.toString()).toBe('42000.1');
  });

  it('names the exact delta whose price is off the tick grid', () => {
    const env = envelopeOf('OrderBookDeltas');
    const deltas = [
      ...(env.payload.deltas as object[]),
      { action: 'ADD', side: 'BUY', price: '41999.995', size: '1' },
    ];
    const err = errorOf(withPayload(env, { deltas }));
    expect(err.message).toBe(
      'payload.deltas[3].price: 41999.995 is not on the tick grid of BTCUSDT.BINANCE (tick 0.01)',
    );
    expect(err.type).toBe('OrderBookDeltas');
  });

  it('accepts off-grid prices when no instrument lookup is given', () => {
    const env = envelopeOf('OrderBookDeltas');
    const deltas = [{ action: 'ADD', side: 'BUY', price: '41999.995', size: '0.000001' }];
    const { message } = decodeEnvelope<OrderBookDeltas>(withPayload(env, { deltas }));
    expect(message.deltas[0]?.price.toString()).toBe('41999.995');
  });

  it('accepts off-grid prices of an instrument the lookup does not know', () => {
    const env = envelopeOf('TradeTick');
    const json = withPayload(env, { instrument_id: 'DOGEUSDT.BINANCE', price: '0.123456789' });
    expect(decodeEnvelope<TradeTick>(json, WITH_INSTRUMENTS).message.price.toString()).toBe('0.123456789');
  });

  it('names an unknown book action and side', () => {
    const env = envelopeOf('OrderBookDeltas');
    const deltas = [{ action: 'REPLACE', side: 'BUY', price: '1', size: '1' }];
    expect(errorOf(withPayload(env, { deltas })).message).toBe(
      'payload.deltas[0].action: "REPLACE" is not one of ADD, UPDATE, DELETE, CLEAR',
    );
  });

  it('checks both sides of a quote against the grids of its instrument', () => {
    const env = envelopeOf('QuoteTick');
    expect(errorOf(withPayload(env, { ask_price: '1312.55' })).message).toBe(
      'payload.ask_price: 1312.55 is not on the tick grid of VN30F1M.HNX (tick 0.1)',
    );
    expect(errorOf(withPayload(env, { bid_size: '1.5' })).message).toBe(
      'payload.bid_size: 1.5 is not a multiple of the lot size of VN30F1M.HNX (lot 1)',
    );
  });

  it('checks OHLC against the grid of the instrument named by the bar type, but not the volume', () => {
    const env = envelopeOf('Bar');
    expect(errorOf(withPayload(env, { high: '42010.05' })).message).toBe(
      'payload.high: 42010.05 is not on the tick grid of BTCUSDT-PERP.BINANCE (tick 0.10)',
    );
    expect(() => decodeEnvelope(withPayload(env, { volume: '0.0001' }), WITH_INSTRUMENTS)).not.toThrow();
  });

  it('names a malformed bar type', () => {
    expect(errorOf(withPayload(envelopeOf('Bar'), { bar_type: 'BTCUSDT.BINANCE-1-WEEK-LAST' })).message).toBe(
      'payload.bar_type.aggregation: "WEEK" is not one of TICK, VOLUME, SECOND, MINUTE, HOUR, DAY',
    );
    expect(errorOf(withPayload(envelopeOf('Bar'), { bar_type: 7 })).message).toBe(
      'payload.bar_type: expected a string, got 7',
    );
  });

  it('names the snapshot level whose size is off the lot grid or negative', () => {
    const env = envelopeOf('OrderBookSnapshot');
    expect(errorOf(withPayload(env, { asks: [{ price: '1312.5', size: '0.5' }] })).message).toBe(
      'payload.asks[0].size: 0.5 is not a multiple of the lot size of VN30F1M.HNX (lot 1)',
    );
    expect(errorOf(withPayload(env, { bids: [{ price: '1312.4', size: '-1' }] })).message).toBe(
      'payload.bids[0].size: must not be negative, got -1',
    );
  });

  it('rejects NaN and Infinity prices given as numbers, naming the field', () => {
    const env = envelopeOf('TradeTick');
    expect(errorOf(withPayload(env, { price: Number.NaN })).message).toBe(
      'payload.price: must be a finite number, got NaN',
    );
    expect(errorOf(withPayload(env, { size: Number.POSITIVE_INFINITY })).message).toBe(
      'payload.size: must be a finite number, got Infinity',
    );
  });

  it('rejects a negative or fractional sequence', () => {
    const env = envelopeOf('OrderBookDeltas');
    expect(errorOf(withPayload(env, { sequence: -1 })).message).toBe(
      'payload.sequence: must not be negative, got -1',
    );
    expect(errorOf(withPayload(env, { sequence: 1.5 })).message).toBe(
      'payload.sequence: must be a safe integer, got 1.5',
    );
  });

  it('rejects an invalid instrument id, naming it', () => {
    expect(errorOf(withPayload(envelopeOf('TradeTick'), { instrument_id: 'BTCUSDT' })).field).toBe(
      'payload.instrument_id',
    );
  });
});

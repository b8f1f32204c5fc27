import { describe, expect, it } from 'vitest';
import { decodeEnvelope, encodeEnvelope, type Envelope } from '../envelope.js';
import { sampleMessages } from '../test-support.js';
import type { WireDecodeError } from '../wire-decode-error.js';

function envelopeOf(): Envelope {
  const message = sampleMessages().find((m) => m.type === 'AccountState');
  if (!message) throw new Error('no AccountState sample');
  return encodeEnvelope(message, { id: 'e-1', key: 'BINANCE-main' });
}

function errorOf(json: unknown): WireDecodeError {
  try {
    decodeEnvelope(json);
  } catch (e) {
    return e as WireDecodeError;
  }
  throw new Error('decoding succeeded');
}

describe('account codecs', () => {
  it('writes balances as money objects', () => {
    expect(envelopeOf().payload.balances).toEqual([
      {
        total: { amount: '1000.00000000', currency: 'USDT' },
        locked: { amount: '250.50000000', currency: 'USDT' },
        free: { amount: '749.50000000', currency: 'USDT' },
      },
      {
        total: { amount: '0.50000000', currency: 'BTC' },
        locked: { amount: '0.00000000', currency: 'BTC' },
        free: { amount: '0.50000000', currency: 'BTC' },
      },
    ]);
  });

  it('names the balance and part whose money is malformed', () => {
    const env = envelopeOf();
    const balances = [
      {
        total: { amount: '1', currency: 'USDT' },
        locked: { amount: '0', currency: 'USDT' },
        free: { amount: '1', currency: 'USDT' },
      },
      {
        total: { amount: '1', currency: 'BTC' },
        locked: { amount: '0', currency: 'BTC' },
        free: { amount: '0.123456789', currency: 'BTC' },
      },
    ];
    expect(errorOf({ ...env, payload: { ...env.payload, balances } }).message).toBe(
      'payload.balances[1].free.amount: "0.123456789" has 9 decimals, more than the precision of BTC (8)',
    );
  });

  it('rejects an unknown account type and a malformed base currency', () => {
    const env = envelopeOf();
    expect(errorOf({ ...env, payload: { ...env.payload, account_type: 'PRIME' } }).message).toBe(
      'payload.account_type: "PRIME" is not one of CASH, MARGIN',
    );
    expect(errorOf({ ...env, payload: { ...env.payload, base_currency: 'usdt' } }).field).toBe(
      'payload.base_currency',
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AccountId,
  BotId,
  ClientOrderId,
  OrderSideValues,
  OrderTypeValues,
  Price,
  Quantity,
  StrategyId,
  TimeInForceValues,
  TraderId,
  type Instrument,
  type SubmitOrder,
} from '../../index.js';
import { decodeEnvelope, encodeEnvelope, fromJson, toJson, type Envelope } from '../envelope.js';
import { INSTRUMENTS, WITH_INSTRUMENTS, firstDifference, sampleMessages } from '../test-support.js';
import type { WireDecodeError } from '../wire-decode-error.js';

const OPTS = { id: 'e-1', key: 'BINANCE-main' };

function envelopeOf(type: string, index = 0): Envelope {
  const message = sampleMessages().filter((m) => m.type === type)[index];
  if (!message) throw new Error(`no ${type} sample`);
  return encodeEnvelope(message, OPTS);
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

/** A multiple of `step`, sometimes written with extra trailing zeros, so that scales vary too. */
function onGrid(step: Price | Quantity, maxSteps: bigint): fc.Arbitrary<{ units: bigint; scale: number }> {
  return fc
    .tuple(fc.bigInt({ min: 0n, max: maxSteps }), fc.integer({ min: 0, max: 2 }))
    .map(([n, extra]) => ({ units: n * step.units * 10n ** BigInt(extra), scale: step.scale + extra }));
}

const nanosArb = fc.bigInt({ min: 0n, max: 2n ** 63n - 1n });

function submitOrderArb(instrument: Instrument): fc.Arbitrary<SubmitOrder> {
  const price = onGrid(instrument.tickSize, 10n ** 9n).map(({ units, scale }) =>
    Price.fromUnits(units, scale),
  );
  const qty = onGrid(instrument.lotSize, 10n ** 9n).map(({ units, scale }) =>
    Quantity.fromUnits(units, scale),
  );
  return fc
    .record(
      {
        commandId: fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme' }),
        traderId: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,20}$/).map((s) => TraderId(s)),
        accountId: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,20}$/).map((s) => AccountId(s)),
        botId: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_-]{0,20}$/).map((s) => BotId(s)),
        strategyId: fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,20}$/).map((s) => StrategyId(s)),
        clientOrderId: fc.stringMatching(/^[A-Za-z0-9_-]{1,32}$/).map((s) => ClientOrderId(s)),
        side: fc.constantFrom(...OrderSideValues),
        orderType: fc.constantFrom(...OrderTypeValues),
        quantity: qty,
        price,
        triggerPrice: price,
        timeInForce: fc.constantFrom(...TimeInForceValues),
        expireTime: nanosArb,
        postOnly: fc.boolean(),
        reduceOnly: fc.boolean(),
        reason: fc.string({ maxLength: 30, unit: 'grapheme' }),
        tsInit: nanosArb,
      },
      {
        requiredKeys: [
          'commandId',
          'traderId',
          'accountId',
          'botId',
          'strategyId',
          'clientOrderId',
          'side',
          'orderType',
          'quantity',
          'timeInForce',
          'postOnly',
          'reduceOnly',
          'reason',
          'tsInit',
        ],
      },
    )
    .map((r): SubmitOrder => ({ type: 'SubmitOrder', instrumentId: instrument.id, ...r }));
}

describe('command codecs', () => {
  it('round-trips random valid SubmitOrders through objects and JSON text', () => {
    const arb = fc.constantFrom(...INSTRUMENTS).chain(submitOrderArb);
    fc.assert(
      fc.property(arb, (order) => {
        const viaObject = decodeEnvelope(encodeEnvelope(order, OPTS), WITH_INSTRUMENTS).message;
        const viaText = fromJson(toJson(order, OPTS), WITH_INSTRUMENTS).message;
        expect(firstDifference(viaObject, order)).toBeUndefined();
        expect(firstDifference(viaText, order)).toBeUndefined();
      }),
      { numRuns: 200 },
    );
  });

  it('writes a SubmitOrder with snake_case names and leaves absent options out', () => {
    expect(envelopeOf('SubmitOrder', 1).payload).toEqual({
      trader_id: 'QUBIT-001',
      account_id: 'SSI-derivatives',
      bot_id: 'bot-7',
      strategy_id: 'sma-cross',
      instrument_id: 'VN30F1M.HNX',
      client_order_id: 'Q-bot7-exit-000002',
      command_id: 'cmd-2',
      side: 'SELL',
      order_type: 'MARKET',
      quantity: '2',
      time_in_force: 'IOC',
      post_only: false,
      reduce_only: false,
      reason: '',
      ts_init: '1700000000000000000',
    });
    const full = envelopeOf('SubmitOrder').payload;
    expect(full).toMatchObject({
      price: '42100.00',
      trigger_price: '42050.00',
      expire_time: '1700086400000000000',
    });
  });

  it('rejects a negative quantity, naming the field and the value', () => {
    const err = errorOf(withPayload(envelopeOf('SubmitOrder'), { quantity: '-1' }));
    expect(err.message).toBe('payload.quantity: must not be negative, got -1');
    expect(err.field).toBe('payload.quantity');
    expect(err.type).toBe('SubmitOrder');
  });

  it('rejects a price off the tick grid of the instrument', () => {
    expect(errorOf(withPayload(envelopeOf('SubmitOrder'), { price: '42000.123' })).message).toBe(
      'payload.price: 42000.123 is not on the tick grid of BTCUSDT.BINANCE (tick 0.01)',
    );
    expect(errorOf(withPayload(envelopeOf('SubmitOrder'), { trigger_price: '42000.001' })).field).toBe(
      'payload.trigger_price',
    );
  });

  it('rejects a quantity off the lot grid of the instrument', () => {
    expect(errorOf(withPayload(envelopeOf('SubmitOrder'), { quantity: '0.000015' })).message).toBe(
      'payload.quantity: 0.000015 is not a multiple of the lot size of BTCUSDT.BINANCE (lot 0.00001)',
    );
  });

  it('leaves order semantics to the RiskEngine: a LIMIT order without a price still decodes', () => {
    const { price: _price, ...payload } = envelopeOf('SubmitOrder').payload;
    const { message } = decodeEnvelope<SubmitOrder>(
      { ...envelopeOf('SubmitOrder'), payload },
      WITH_INSTRUMENTS,
    );
    expect(message.price).toBeUndefined();
    expect('price' in message).toBe(false);
  });

  it('names each missing required field of a SubmitOrder', () => {
    const env = envelopeOf('SubmitOrder');
    for (const key of [
      'command_id',
      'client_order_id',
      'side',
      'order_type',
      'quantity',
      'time_in_force',
      'post_only',
      'reduce_only',
      'reason',
      'ts_init',
    ]) {
      const { [key]: _gone, ...payload } = env.payload;
      expect(errorOf({ ...env, payload }).message).toBe(`payload.${key}: is required`);
    }
  });

  it('names an invalid identifier and enum value', () => {
    expect(errorOf(withPayload(envelopeOf('SubmitOrder'), { client_order_id: 'x'.repeat(33) })).field).toBe(
      'payload.client_order_id',
    );
    expect(errorOf(withPayload(envelopeOf('SubmitOrder'), { time_in_force: 'GTX' })).message).toBe(
      'payload.time_in_force: "GTX" is not one of GTC, IOC, FOK, GTD, DAY',
    );
  });

  it('checks ModifyOrder prices and quantities against the grid', () => {
    expect(errorOf(withPayload(envelopeOf('ModifyOrder'), { price: '1.001' })).field).toBe('payload.price');
    expect(errorOf(withPayload(envelopeOf('ModifyOrder'), { quantity: '-0.1' })).message).toBe(
      'payload.quantity: must not be negative, got -0.1',
    );
  });

  it('reads a CancelAllOrders scope with only the ids it was given', () => {
    const { message } = decodeEnvelope(envelopeOf('CancelAllOrders', 1));
    expect(Object.keys(message).sort()).toEqual(['commandId', 'reason', 'traderId', 'tsInit', 'type']);
    expect(errorOf(withPayload(envelopeOf('CancelAllOrders'), { side: 'BOTH' })).field).toBe('payload.side');
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AccountId,
  BotId,
  ClientOrderId,
  Decimal,
  LiquiditySideValues,
  Money,
  OrderSideValues,
  OrderTypeValues,
  PositionId,
  Price,
  Quantity,
  StrategyId,
  TradeId,
  TraderId,
  VenueOrderId,
  type Instrument,
  type OrderFilled,
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

const nanosArb = fc.bigInt({ min: 0n, max: 2n ** 63n - 1n });
const printable = fc.stringMatching(/^[\x21-\x7e]{1,40}$/);

function orderFilledArb(instrument: Instrument): fc.Arbitrary<OrderFilled> {
  const steps = fc.tuple(fc.bigInt({ min: 1n, max: 10n ** 9n }), fc.integer({ min: 0, max: 2 }));
  const lastPx = steps.map(([n, extra]) =>
    Price.fromUnits(n * instrument.tickSize.units * 10n ** BigInt(extra), instrument.tickSize.scale + extra),
  );
  const lastQty = steps.map(([n, extra]) =>
    Quantity.fromUnits(n * instrument.lotSize.units * 10n ** BigInt(extra), instrument.lotSize.scale + extra),
  );
  // Fees are charged in the quote or base currency and may be negative (maker rebates).
  const fee = fc
    .tuple(
      fc.constantFrom(instrument.quoteCurrency, instrument.baseCurrency),
      fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }),
    )
    .map(([cur, units]) => Money.of(Decimal.of(units, cur.precision), cur));
  return fc
    .record(
      {
        eventId: fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme' }),
        traderId: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,20}$/).map((s) => TraderId(s)),
        accountId: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,20}$/).map((s) => AccountId(s)),
        botId: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_-]{0,20}$/).map((s) => BotId(s)),
        strategyId: fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,20}$/).map((s) => StrategyId(s)),
        clientOrderId: fc.stringMatching(/^[A-Za-z0-9_-]{1,32}$/).map((s) => ClientOrderId(s)),
        tsEvent: nanosArb,
        tsInit: nanosArb,
        reconciliation: fc.boolean(),
        venueOrderId: printable.map((s) => VenueOrderId(s)),
        tradeId: printable.map((s) => TradeId(s)),
        positionId: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,60}$/).map((s) => PositionId(s)),
        side: fc.constantFrom(...OrderSideValues),
        orderType: fc.constantFrom(...OrderTypeValues),
        lastQty,
        lastPx,
        fee,
        liquiditySide: fc.constantFrom(...LiquiditySideValues),
      },
      {
        requiredKeys: [
          'eventId',
          'traderId',
          'accountId',
          'botId',
          'strategyId',
          'clientOrderId',
          'tsEvent',
          'tsInit',
          'venueOrderId',
          'tradeId',
          'side',
          'orderType',
          'lastQty',
          'lastPx',
          'fee',
          'liquiditySide',
        ],
      },
    )
    .map((r): OrderFilled => ({ type: 'OrderFilled', instrumentId: instrument.id, ...r }));
}

describe('order event codecs', () => {
  it('round-trips random valid OrderFilled events through objects and JSON text', () => {
    const arb = fc.constantFrom(...INSTRUMENTS).chain(orderFilledArb);
    fc.assert(
      fc.property(arb, (fill) => {
        const viaObject = decodeEnvelope(encodeEnvelope(fill, OPTS), WITH_INSTRUMENTS).message;
        const viaText = fromJson(toJson(fill, OPTS), WITH_INSTRUMENTS).message;
        expect(firstDifference(viaObject, fill)).toBeUndefined();
        expect(firstDifference(viaText, fill)).toBeUndefined();
      }),
      { numRuns: 200 },
    );
  });

  it('writes a fill with snake_case names and the fee as amount and currency', () => {
    expect(envelopeOf('OrderFilled').payload).toEqual({
      trader_id: 'QUBIT-001',
      account_id: 'BINANCE-main',
      bot_id: 'bot-7',
      strategy_id: 'sma-cross',
      instrument_id: 'BTCUSDT.BINANCE',
      client_order_id: 'Q-bot7-entry-000001',
      event_id: 'evt-15',
      ts_event: '1700000000000000015',
      ts_init: '1700000000000000020',
      venue_order_id: '8389765521',
      trade_id: '3141592653',
      position_id: 'BTCUSDT.BINANCE-bot-7',
      side: 'BUY',
      order_type: 'LIMIT',
      last_qty: '0.00500',
      last_px: '42000.00',
      fee: { amount: '0.00000500', currency: 'BTC' },
      liquidity_side: 'MAKER',
    });
  });

  it('uses ts_event of the event for the envelope', () => {
    expect(envelopeOf('OrderFilled').ts_event).toBe('1700000000000000015');
  });

  it('rejects a fill price off the tick grid and a fill quantity off the lot grid', () => {
    expect(errorOf(withPayload(envelopeOf('OrderFilled'), { last_px: '42000.005' })).message).toBe(
      'payload.last_px: 42000.005 is not on the tick grid of BTCUSDT.BINANCE (tick 0.01)',
    );
    expect(errorOf(withPayload(envelopeOf('OrderFilled', 1), { last_qty: '0.5' })).message).toBe(
      'payload.last_qty: 0.5 is not a multiple of the lot size of VN30F1M.HNX (lot 1)',
    );
  });

  it('rejects a negative fill quantity and a fee with too many decimals', () => {
    expect(errorOf(withPayload(envelopeOf('OrderFilled'), { last_qty: -1 })).message).toBe(
      'payload.last_qty: must not be negative, got -1',
    );
    expect(
      errorOf(withPayload(envelopeOf('OrderFilled', 1), { fee: { amount: '0.5', currency: 'VND' } })).message,
    ).toBe('payload.fee.amount: "0.5" has 1 decimals, more than the precision of VND (0)');
  });

  it('rejects a fill without its trade id, naming the field', () => {
    const env = envelopeOf('OrderFilled');
    const { trade_id: _gone, ...payload } = env.payload;
    expect(errorOf({ ...env, payload }).message).toBe('payload.trade_id: is required');
  });

  it('checks the terms of OrderInitialized and the new terms of OrderModified against the grid', () => {
    expect(errorOf(withPayload(envelopeOf('OrderInitialized'), { price: '42000.001' })).field).toBe(
      'payload.price',
    );
    expect(errorOf(withPayload(envelopeOf('OrderModified'), { trigger_price: '1.005' })).field).toBe(
      'payload.trigger_price',
    );
    expect(errorOf(withPayload(envelopeOf('OrderModified', 1), { quantity: '1.5' })).field).toBe(
      'payload.quantity',
    );
  });

  it('rejects a denial from a stage other than 1 or 2, and an unknown reason code', () => {
    expect(errorOf(withPayload(envelopeOf('OrderDenied'), { stage: 3 })).message).toBe(
      'payload.stage: 3 is not one of 1, 2',
    );
    expect(errorOf(withPayload(envelopeOf('OrderDenied'), { reason_code: 'BAD_MOOD' })).field).toBe(
      'payload.reason_code',
    );
    expect(
      errorOf(withPayload(envelopeOf('OrderRejected'), { reason_code: 'NOTIONAL_ABOVE_MAX' })).field,
    ).toBe('payload.reason_code');
  });

  it('writes and reads the reconciliation flag only when it is set', () => {
    expect('reconciliation' in envelopeOf('OrderSubmitted').payload).toBe(false);
    expect(envelopeOf('OrderSubmitted', 1).payload.reconciliation).toBe(true);
    expect(errorOf(withPayload(envelopeOf('OrderSubmitted'), { reconciliation: 'yes' })).field).toBe(
      'payload.reconciliation',
    );
  });

  it('rejects an empty event id', () => {
    expect(errorOf(withPayload(envelopeOf('OrderAccepted'), { event_id: '' })).message).toBe(
      'payload.event_id: must not be empty',
    );
  });
});

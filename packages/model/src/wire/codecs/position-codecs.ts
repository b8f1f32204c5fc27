import { PositionSideValues } from '../../enums/position-side.js';
import type {
  PositionChanged,
  PositionClosed,
  PositionEvent,
  PositionEventBase,
  PositionOpened,
} from '../../events/position-events.js';
import { PositionId } from '../../identifiers/position-id.js';
import type { WireCodec } from '../codec.js';
import {
  Fields,
  decimal,
  encodeMoney,
  enumOf,
  ident,
  money,
  nanos,
  nonEmptyStr,
  price,
  quantity,
  type JsonObject,
  type Mutable,
} from '../schema.js';
import { accountId, botId, instrumentId, strategyId, traderId } from './order-fields.js';

const positionId = ident(PositionId);
const positionSide = enumOf(PositionSideValues);

function encodePosition(m: PositionEventBase): JsonObject {
  return {
    event_id: m.eventId,
    trader_id: m.traderId,
    account_id: m.accountId,
    bot_id: m.botId,
    strategy_id: m.strategyId,
    instrument_id: m.instrumentId,
    position_id: m.positionId,
    side: m.side,
    signed_qty: m.signedQty.toString(),
    quantity: m.quantity.toString(),
    avg_px_open: m.avgPxOpen.toString(),
    realized_pnl: encodeMoney(m.realizedPnl),
    unrealized_pnl: encodeMoney(m.unrealizedPnl),
    fees: encodeMoney(m.fees),
    last_px: m.lastPx.toString(),
    ts_event: m.tsEvent.toString(),
    ts_init: m.tsInit.toString(),
  };
}

/**
 * No grid checks here: the average entry price is a rounded quotient and the last price may be a mid or
 * a mark, neither of which need lie on the tick grid; the quantity is a sum of fills already checked.
 */
function decodePosition<T extends PositionEvent['type']>(
  f: Fields,
  type: T,
): PositionEventBase & { type: T } {
  return {
    type,
    eventId: f.get('event_id', nonEmptyStr),
    traderId: f.get('trader_id', traderId),
    accountId: f.get('account_id', accountId),
    botId: f.get('bot_id', botId),
    strategyId: f.get('strategy_id', strategyId),
    instrumentId: f.get('instrument_id', instrumentId),
    positionId: f.get('position_id', positionId),
    side: f.get('side', positionSide),
    signedQty: f.get('signed_qty', decimal),
    quantity: f.get('quantity', quantity),
    avgPxOpen: f.get('avg_px_open', price),
    realizedPnl: f.get('realized_pnl', money),
    unrealizedPnl: f.get('unrealized_pnl', money),
    fees: f.get('fees', money),
    lastPx: f.get('last_px', price),
    tsEvent: f.get('ts_event', nanos),
    tsInit: f.get('ts_init', nanos),
  };
}

export const PositionOpenedCodec: WireCodec<PositionOpened> = {
  type: 'PositionOpened',
  v: 1,
  encode: encodePosition,
  decode: (payload, ctx, path) => decodePosition(Fields.of(payload, path, ctx), 'PositionOpened'),
};

export const PositionChangedCodec: WireCodec<PositionChanged> = {
  type: 'PositionChanged',
  v: 1,
  encode: encodePosition,
  decode: (payload, ctx, path) => decodePosition(Fields.of(payload, path, ctx), 'PositionChanged'),
};

export const PositionClosedCodec: WireCodec<PositionClosed> = {
  type: 'PositionClosed',
  v: 1,
  encode(m) {
    const p = encodePosition(m);
    p.duration_ns = m.durationNs.toString();
    return p;
  },
  decode(payload, ctx, path) {
    const f = Fields.of(payload, path, ctx);
    const m = decodePosition(f, 'PositionClosed') as Mutable<PositionClosed>;
    m.durationNs = f.get('duration_ns', nanos);
    return m;
  },
};

export const POSITION_CODECS = [PositionOpenedCodec, PositionChangedCodec, PositionClosedCodec] as const;

import { barTypeToString, parseBarType } from '../../data/bar-type.js';
import type { Bar } from '../../data/bar.js';
import type { BookLevel, OrderBookDelta, OrderBookDeltas, OrderBookSnapshot } from '../../data/order-book.js';
import type { QuoteTick } from '../../data/quote-tick.js';
import type { TradeTick } from '../../data/trade-tick.js';
import { AggressorSideValues } from '../../enums/aggressor-side.js';
import { BookActionValues } from '../../enums/book-action.js';
import { OrderSideValues } from '../../enums/order-side.js';
import { InstrumentId } from '../../identifiers/instrument-id.js';
import { TradeId } from '../../identifiers/trade-id.js';
import type { Instrument } from '../../instruments/instrument.js';
import type { WireCodec } from '../codec.js';
import {
  Fields,
  array,
  enumOf,
  ident,
  instrumentFor,
  nanos,
  nonNegativeInt,
  quantity,
  str,
  type DecodeContext,
  type JsonObject,
  type Reader,
} from '../schema.js';

const instrumentId = ident(InstrumentId);
const tradeId = ident(TradeId);
const aggressorSide = enumOf(AggressorSideValues);
const bookAction = enumOf(BookActionValues);
const orderSide = enumOf(OrderSideValues);

export const TradeTickCodec: WireCodec<TradeTick> = {
  type: 'TradeTick',
  v: 1,
  encode: (m) => ({
    instrument_id: m.instrumentId,
    price: m.price.toString(),
    size: m.size.toString(),
    aggressor_side: m.aggressorSide,
    trade_id: m.tradeId,
    ts_event: m.tsEvent.toString(),
    ts_init: m.tsInit.toString(),
  }),
  decode(payload, ctx, path) {
    const f = Fields.of(payload, path, ctx);
    const id = f.get('instrument_id', instrumentId);
    const instrument = instrumentFor(ctx, id);
    return {
      type: 'TradeTick',
      instrumentId: id,
      price: f.price('price', instrument),
      size: f.quantity('size', instrument),
      aggressorSide: f.get('aggressor_side', aggressorSide),
      tradeId: f.get('trade_id', tradeId),
      tsEvent: f.get('ts_event', nanos),
      tsInit: f.get('ts_init', nanos),
    };
  },
};

export const QuoteTickCodec: WireCodec<QuoteTick> = {
  type: 'QuoteTick',
  v: 1,
  encode: (m) => ({
    instrument_id: m.instrumentId,
    bid_price: m.bidPrice.toString(),
    ask_price: m.askPrice.toString(),
    bid_size: m.bidSize.toString(),
    ask_size: m.askSize.toString(),
    ts_event: m.tsEvent.toString(),
    ts_init: m.tsInit.toString(),
  }),
  decode(payload, ctx, path) {
    const f = Fields.of(payload, path, ctx);
    const id = f.get('instrument_id', instrumentId);
    const instrument = instrumentFor(ctx, id);
    return {
      type: 'QuoteTick',
      instrumentId: id,
      bidPrice: f.price('bid_price', instrument),
      askPrice: f.price('ask_price', instrument),
      bidSize: f.quantity('bid_size', instrument),
      askSize: f.quantity('ask_size', instrument),
      tsEvent: f.get('ts_event', nanos),
      tsInit: f.get('ts_init', nanos),
    };
  },
};

export const BarCodec: WireCodec<Bar> = {
  type: 'Bar',
  v: 1,
  encode: (m) => ({
    bar_type: barTypeToString(m.barType),
    open: m.open.toString(),
    high: m.high.toString(),
    low: m.low.toString(),
    close: m.close.toString(),
    volume: m.volume.toString(),
    ts_event: m.tsEvent.toString(),
    ts_init: m.tsInit.toString(),
  }),
  decode(payload, ctx, path) {
    const f = Fields.of(payload, path, ctx);
    const barTypePath = f.at('bar_type');
    const barType = parseBarType(f.get('bar_type', str), barTypePath);
    const instrument = instrumentFor(ctx, barType.instrumentId);
    return {
      type: 'Bar',
      barType,
      open: f.price('open', instrument),
      high: f.price('high', instrument),
      low: f.price('low', instrument),
      close: f.price('close', instrument),
      // Volume is a sum reported by the venue (sometimes in other units), so it is not held to the lot grid.
      volume: f.get('volume', quantity),
      tsEvent: f.get('ts_event', nanos),
      tsInit: f.get('ts_init', nanos),
    };
  },
};

function encodeLevels(levels: readonly BookLevel[]): JsonObject[] {
  const out = new Array<JsonObject>(levels.length);
  for (let i = 0; i < levels.length; i++) {
    const l = levels[i] as BookLevel;
    out[i] = { price: l.price.toString(), size: l.size.toString() };
  }
  return out;
}

function levelReader(instrument: Instrument | undefined): Reader<BookLevel> {
  return (v, path, ctx: DecodeContext) => {
    const f = Fields.of(v, path, ctx);
    return { price: f.price('price', instrument), size: f.quantity('size', instrument) };
  };
}

function deltaReader(instrument: Instrument | undefined): Reader<OrderBookDelta> {
  return (v, path, ctx: DecodeContext) => {
    const f = Fields.of(v, path, ctx);
    return {
      action: f.get('action', bookAction),
      side: f.get('side', orderSide),
      price: f.price('price', instrument),
      size: f.quantity('size', instrument),
    };
  };
}

export const OrderBookDeltasCodec: WireCodec<OrderBookDeltas> = {
  type: 'OrderBookDeltas',
  v: 1,
  encode(m) {
    const deltas = new Array<JsonObject>(m.deltas.length);
    for (let i = 0; i < m.deltas.length; i++) {
      const d = m.deltas[i] as OrderBookDelta;
      deltas[i] = { action: d.action, side: d.side, price: d.price.toString(), size: d.size.toString() };
    }
    return {
      instrument_id: m.instrumentId,
      deltas,
      sequence: m.sequence,
      ts_event: m.tsEvent.toString(),
      ts_init: m.tsInit.toString(),
    };
  },
  decode(payload, ctx, path) {
    const f = Fields.of(payload, path, ctx);
    const id = f.get('instrument_id', instrumentId);
    const instrument = instrumentFor(ctx, id);
    return {
      type: 'OrderBookDeltas',
      instrumentId: id,
      deltas: f.get('deltas', array(deltaReader(instrument))),
      sequence: f.get('sequence', nonNegativeInt),
      tsEvent: f.get('ts_event', nanos),
      tsInit: f.get('ts_init', nanos),
    };
  },
};

export const OrderBookSnapshotCodec: WireCodec<OrderBookSnapshot> = {
  type: 'OrderBookSnapshot',
  v: 1,
  encode: (m) => ({
    instrument_id: m.instrumentId,
    bids: encodeLevels(m.bids),
    asks: encodeLevels(m.asks),
    sequence: m.sequence,
    ts_event: m.tsEvent.toString(),
    ts_init: m.tsInit.toString(),
  }),
  decode(payload, ctx, path) {
    const f = Fields.of(payload, path, ctx);
    const id = f.get('instrument_id', instrumentId);
    const levels = array(levelReader(instrumentFor(ctx, id)));
    return {
      type: 'OrderBookSnapshot',
      instrumentId: id,
      bids: f.get('bids', levels),
      asks: f.get('asks', levels),
      sequence: f.get('sequence', nonNegativeInt),
      tsEvent: f.get('ts_event', nanos),
      tsInit: f.get('ts_init', nanos),
    };
  },
};

export const MARKET_DATA_CODECS = [
  TradeTickCodec,
  QuoteTickCodec,
  BarCodec,
  OrderBookDeltasCodec,
  OrderBookSnapshotCodec,
] as const;

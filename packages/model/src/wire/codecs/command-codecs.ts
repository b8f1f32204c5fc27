import type { CancelAllOrders } from '../../commands/cancel-all-orders.js';
import type { CancelOrder } from '../../commands/cancel-order.js';
import type { ModifyOrder } from '../../commands/modify-order.js';
import type { SubmitOrder } from '../../commands/submit-order.js';
import type { WireCodec } from '../codec.js';
import { Fields, nanos, nonEmptyStr, optional, str, type JsonObject, type Mutable } from '../schema.js';
import {
  accountId,
  botId,
  encodeOwner,
  encodeTerms,
  instrumentId,
  optVenueOrderId,
  orderSide,
  readOwner,
  readTerms,
  traderId,
} from './order-fields.js';

export const SubmitOrderCodec: WireCodec<SubmitOrder> = {
  type: 'SubmitOrder',
  v: 1,
  encode(m) {
    const p = encodeOwner(m);
    p.command_id = m.commandId;
    encodeTerms(m, p);
    p.ts_init = m.tsInit.toString();
    return p;
  },
  decode(payload, ctx, path) {
    const f = Fields.of(payload, path, ctx);
    const m = { type: 'SubmitOrder', commandId: f.get('command_id', nonEmptyStr) } as Mutable<SubmitOrder>;
    readTerms(f, readOwner(f, m), m);
    m.tsInit = f.get('ts_init', nanos);
    return m;
  },
};

export const ModifyOrderCodec: WireCodec<ModifyOrder> = {
  type: 'ModifyOrder',
  v: 1,
  encode(m) {
    const p = encodeOwner(m);
    p.command_id = m.commandId;
    if (m.venueOrderId !== undefined) p.venue_order_id = m.venueOrderId;
    if (m.quantity !== undefined) p.quantity = m.quantity.toString();
    if (m.price !== undefined) p.price = m.price.toString();
    if (m.triggerPrice !== undefined) p.trigger_price = m.triggerPrice.toString();
    p.ts_init = m.tsInit.toString();
    return p;
  },
  decode(payload, ctx, path) {
    const f = Fields.of(payload, path, ctx);
    const m = { type: 'ModifyOrder', commandId: f.get('command_id', nonEmptyStr) } as Mutable<ModifyOrder>;
    const instrument = readOwner(f, m);
    const venueOrderId = f.get('venue_order_id', optVenueOrderId);
    if (venueOrderId !== undefined) m.venueOrderId = venueOrderId;
    const quantity = f.optQuantity('quantity', instrument);
    if (quantity !== undefined) m.quantity = quantity;
    const price = f.optPrice('price', instrument);
    if (price !== undefined) m.price = price;
    const triggerPrice = f.optPrice('trigger_price', instrument);
    if (triggerPrice !== undefined) m.triggerPrice = triggerPrice;
    m.tsInit = f.get('ts_init', nanos);
    return m;
  },
};

export const CancelOrderCodec: WireCodec<CancelOrder> = {
  type: 'CancelOrder',
  v: 1,
  encode(m) {
    const p = encodeOwner(m);
    p.command_id = m.commandId;
    if (m.venueOrderId !== undefined) p.venue_order_id = m.venueOrderId;
    p.ts_init = m.tsInit.toString();
    return p;
  },
  decode(payload, ctx, path) {
    const f = Fields.of(payload, path, ctx);
    const m = { type: 'CancelOrder', commandId: f.get('command_id', nonEmptyStr) } as Mutable<CancelOrder>;
    readOwner(f, m);
    const venueOrderId = f.get('venue_order_id', optVenueOrderId);
    if (venueOrderId !== undefined) m.venueOrderId = venueOrderId;
    m.tsInit = f.get('ts_init', nanos);
    return m;
  },
};

const optAccountId = optional(accountId);
const optBotId = optional(botId);
const optInstrumentId = optional(instrumentId);
const optOrderSide = optional(orderSide);

export const CancelAllOrdersCodec: WireCodec<CancelAllOrders> = {
  type: 'CancelAllOrders',
  v: 1,
  encode(m) {
    const p: JsonObject = { command_id: m.commandId, trader_id: m.traderId };
    if (m.accountId !== undefined) p.account_id = m.accountId;
    if (m.botId !== undefined) p.bot_id = m.botId;
    if (m.instrumentId !== undefined) p.instrument_id = m.instrumentId;
    if (m.side !== undefined) p.side = m.side;
    p.reason = m.reason;
    p.ts_init = m.tsInit.toString();
    return p;
  },
  decode(payload, ctx, path) {
    const f = Fields.of(payload, path, ctx);
    const m: Mutable<CancelAllOrders> = {
      type: 'CancelAllOrders',
      commandId: f.get('command_id', nonEmptyStr),
      traderId: f.get('trader_id', traderId),
      reason: f.get('reason', str),
      tsInit: f.get('ts_init', nanos),
    };
    const account = f.get('account_id', optAccountId);
    if (account !== undefined) m.accountId = account;
    const bot = f.get('bot_id', optBotId);
    if (bot !== undefined) m.botId = bot;
    const instrument = f.get('instrument_id', optInstrumentId);
    if (instrument !== undefined) m.instrumentId = instrument;
    const side = f.get('side', optOrderSide);
    if (side !== undefined) m.side = side;
    return m;
  },
};

export const COMMAND_CODECS = [
  SubmitOrderCodec,
  ModifyOrderCodec,
  CancelOrderCodec,
  CancelAllOrdersCodec,
] as const;

import type { Decimal } from '@qubit/model';
import {
  AccountId,
  ClientOrderId,
  InstrumentId,
  ModelError,
  VenueOrderId,
  barTypeToString,
  decodeEnvelope,
  encodeEnvelope,
  parseBarType,
  wireSchema,
  type BarType,
  type DecodeContext,
  type JsonObject,
  type JsonValue,
  type Money,
  type OrderFilled,
  type Price,
  type Quantity,
  type SubmitOrder,
  type TradingCommand,
  type UnixNanos,
  type WireMessageLike,
} from '@qubit/model';
import type { RestingKind } from './order-matcher.js';
import type { ClosedStatus } from './sim-order.js';

const { Fields, array, bool, decimal, enumOf, ident, money, nanos, nonEmptyStr, nonNegativeInt, optional } =
  wireSchema;

/** What drives an instrument's matching (MatchDriver), by name. */
export type MatchDriverName = 'NONE' | 'BARS' | 'TRADES' | 'QUOTES' | 'BOOK';
export const MATCH_DRIVER_NAMES: readonly MatchDriverName[] = ['NONE', 'BARS', 'TRADES', 'QUOTES', 'BOOK'];

/** One book level; `unlimited` is a level without depth (quotes read as prices only). */
export interface BookLevelState {
  readonly price: Price;
  readonly size: Quantity | 'unlimited';
}

/** The matching state of one instrument. */
export interface MatcherState {
  readonly instrumentId: InstrumentId;
  readonly driver: MatchDriverName;
  /** The bar type that drives a bar-driven instrument. */
  readonly barType?: BarType;
  /** The last trade price or bar close. */
  readonly lastPrice?: Price;
  /** Best first. Sizes are what is left after our own fills consumed some. */
  readonly bids: readonly BookLevelState[];
  readonly asks: readonly BookLevelState[];
  /** Working orders waiting for the next print, and IOC/FOK and marketable-on-arrival orders, in order. */
  readonly takers: readonly ClientOrderId[];
  readonly immediate: readonly ClientOrderId[];
  readonly fresh: readonly ClientOrderId[];
}

/** A working order: the command that placed it and what the venue has done with it since. */
export interface WorkingOrderState {
  readonly command: SubmitOrder;
  readonly venueOrderId: VenueOrderId;
  /** Time priority (lower is earlier). */
  readonly seq: number;
  /** Current terms (a modify may have changed them). */
  readonly quantity: Quantity;
  readonly price?: Price;
  readonly triggerPrice?: Price;
  readonly filledQty: Quantity;
  /** Σ price × quantity of its fills, exact. */
  readonly fillCost: Decimal;
  readonly triggered: boolean;
  readonly takerOnArrival: boolean;
  readonly resting: RestingKind;
  /** Its DAY/GTD expiry, and the venue's timer count when it was set. */
  readonly expireAt?: UnixNanos;
  readonly expirySeq?: number;
}

/** A closed order the venue still remembers for fetchOrder. */
export interface ClosedOrderState {
  readonly command: SubmitOrder;
  readonly venueOrderId: VenueOrderId;
  readonly status: ClosedStatus;
  readonly quantity: Quantity;
  readonly price?: Price;
  readonly triggerPrice?: Price;
  readonly filledQty: Quantity;
  readonly fillCost: Decimal;
  readonly triggered: boolean;
}

/** A command still waiting out the venue's latency. */
export interface PendingCommandState {
  /** Its number, which names its timer. */
  readonly commandNo: number;
  readonly at: UnixNanos;
  readonly timerSeq: number;
  readonly command: TradingCommand;
}

export interface SimulatedVenueCounters {
  readonly orders: number;
  readonly trades: number;
  readonly commands: number;
  readonly rejects: number;
  readonly seq: number;
  readonly timers: number;
}

/**
 * Everything a SimulatedVenue needs to continue exactly where another left off (see
 * `SimulatedVenue.exportState` and `SimulatedVenue.restore`). Positions and balances are rebuilt from
 * the starting balances and the fills; `balances` is what they must come to, checked on restore.
 * The config is not part of it: a venue is restored with the options it ran with.
 */
export interface SimulatedVenueState {
  readonly venue: string;
  /** Clock time of the export. */
  readonly exportedAt: UnixNanos;
  readonly counters: SimulatedVenueCounters;
  /** The last event id the venue drew from its IdGenerator. */
  readonly lastEventId?: string;
  readonly accounts: readonly { readonly accountId: AccountId; readonly balances: readonly Money[] }[];
  /** Exact balances per account and currency at the export. */
  readonly balances: readonly {
    readonly accountId: AccountId;
    readonly amounts: readonly { readonly currency: string; readonly amount: Decimal }[];
  }[];
  /** (account, instrument) pairs in the order the venue first met them: the order positions are listed in. */
  readonly books: readonly { readonly accountId: AccountId; readonly instrumentId: InstrumentId }[];
  readonly referencePrices: readonly { readonly instrumentId: InstrumentId; readonly price: Price }[];
  readonly matchers: readonly MatcherState[];
  /** In the order they were accepted. */
  readonly working: readonly WorkingOrderState[];
  /** Oldest first. */
  readonly closed: readonly ClosedOrderState[];
  readonly pending: readonly PendingCommandState[];
  /** Every fill, oldest first. */
  readonly fills: readonly OrderFilled[];
}

/** The `format` of the JSON form, and its version. */
export const SIMULATED_VENUE_STATE_FORMAT = 'qubit.simulated-venue-state';
export const SIMULATED_VENUE_STATE_VERSION = 1;

/**
 * The JSON form of a venue state: decimals and nanoseconds as strings, commands and fills in the
 * model's versioned wire envelopes.
 */
export function simulatedVenueStateToJson(state: SimulatedVenueState): JsonObject {
  return {
    format: SIMULATED_VENUE_STATE_FORMAT,
    version: SIMULATED_VENUE_STATE_VERSION,
    venue: state.venue,
    exported_at: state.exportedAt.toString(),
    counters: { ...state.counters },
    ...(state.lastEventId !== undefined ? { last_event_id: state.lastEventId } : {}),
    accounts: state.accounts.map((a) => ({
      account_id: a.accountId,
      balances: a.balances.map((m) => wireSchema.encodeMoney(m)),
    })),
    balances: state.balances.map((b) => ({
      account_id: b.accountId,
      amounts: b.amounts.map((x) => ({ currency: x.currency, amount: x.amount.toString() })),
    })),
    books: state.books.map((b) => ({ account_id: b.accountId, instrument_id: b.instrumentId })),
    reference_prices: state.referencePrices.map((r) => ({
      instrument_id: r.instrumentId,
      price: r.price.toString(),
    })),
    matchers: state.matchers.map(matcherToJson),
    working: state.working.map((w) => {
      const o: JsonObject = {
        command: envelopeOf(w.command, w.command.commandId),
        venue_order_id: w.venueOrderId,
        seq: w.seq,
        ...termsToJson(w),
        taker_on_arrival: w.takerOnArrival,
        resting: w.resting,
      };
      if (w.expireAt !== undefined) o.expire_at = w.expireAt.toString();
      if (w.expirySeq !== undefined) o.expiry_seq = w.expirySeq;
      return o;
    }),
    closed: state.closed.map((c) => ({
      command: envelopeOf(c.command, c.command.commandId),
      venue_order_id: c.venueOrderId,
      status: c.status,
      ...termsToJson(c),
    })),
    pending: state.pending.map((p) => ({
      command_no: p.commandNo,
      at: p.at.toString(),
      timer_seq: p.timerSeq,
      command: envelopeOf(p.command, p.command.commandId),
    })),
    fills: state.fills.map((f) => envelopeOf(f, f.eventId)),
  };
}

/**
 * Reads the JSON form back (an object, or its text). Anything wrong is a ModelError naming the field
 * (`state.working[2].filled_qty`, `state.fills[7].payload.last_px`); `ctx` may give instruments, so that
 * prices and quantities are checked against their grids.
 */
export function simulatedVenueStateFromJson(json: unknown, ctx: DecodeContext = {}): SimulatedVenueState {
  let raw = json;
  if (typeof json === 'string') {
    try {
      raw = JSON.parse(json) as unknown;
    } catch (e) {
      throw new ModelError('state', `is not JSON: ${(e as Error).message}`);
    }
  }
  const f = Fields.of(raw, 'state', ctx);
  const format = f.get('format', nonEmptyStr);
  if (format !== SIMULATED_VENUE_STATE_FORMAT) {
    throw new ModelError(f.at('format'), `"${format}" is not ${SIMULATED_VENUE_STATE_FORMAT}`);
  }
  const version = f.get('version', nonNegativeInt);
  if (version !== SIMULATED_VENUE_STATE_VERSION) {
    throw new ModelError(
      f.at('version'),
      `version ${version} is not supported (this build reads ${SIMULATED_VENUE_STATE_VERSION})`,
    );
  }
  const c = f.fields('counters');
  const lastEventId = f.get('last_event_id', optional(nonEmptyStr));
  return {
    venue: f.get('venue', nonEmptyStr),
    exportedAt: f.get('exported_at', nanos),
    counters: {
      orders: c.get('orders', nonNegativeInt),
      trades: c.get('trades', nonNegativeInt),
      commands: c.get('commands', nonNegativeInt),
      rejects: c.get('rejects', nonNegativeInt),
      seq: c.get('seq', nonNegativeInt),
      timers: c.get('timers', nonNegativeInt),
    },
    ...(lastEventId !== undefined ? { lastEventId } : {}),
    accounts: f.get(
      'accounts',
      array((v, path, cx) => {
        const a = Fields.of(v, path, cx);
        return {
          accountId: a.get('account_id', ident(AccountId)),
          balances: a.get('balances', array(money)),
        };
      }),
    ),
    balances: f.get(
      'balances',
      array((v, path, cx) => {
        const b = Fields.of(v, path, cx);
        return {
          accountId: b.get('account_id', ident(AccountId)),
          amounts: b.get(
            'amounts',
            array((x, p, cc) => {
              const a = Fields.of(x, p, cc);
              return {
                currency: a.get('currency', wireSchema.currencyCode),
                amount: a.get('amount', decimal),
              };
            }),
          ),
        };
      }),
    ),
    books: f.get(
      'books',
      array((v, path, cx) => {
        const b = Fields.of(v, path, cx);
        return {
          accountId: b.get('account_id', ident(AccountId)),
          instrumentId: b.get('instrument_id', ident(InstrumentId)),
        };
      }),
    ),
    referencePrices: f.get(
      'reference_prices',
      array((v, path, cx) => {
        const r = Fields.of(v, path, cx);
        const instrumentId = r.get('instrument_id', ident(InstrumentId));
        return { instrumentId, price: r.price('price', cx.instruments?.(instrumentId)) };
      }),
    ),
    matchers: f.get('matchers', array(readMatcher)),
    working: f.get(
      'working',
      array((v, path, cx) => {
        const w = Fields.of(v, path, cx);
        const command = w.get('command', envelopeReader<SubmitOrder>(['SubmitOrder']));
        const expireAt = w.get('expire_at', optional(nanos));
        const expirySeq = w.get('expiry_seq', optional(nonNegativeInt));
        const out: WorkingOrderState = {
          command,
          venueOrderId: w.get('venue_order_id', ident(VenueOrderId)),
          seq: w.get('seq', nonNegativeInt),
          ...readTerms(w, command),
          takerOnArrival: w.get('taker_on_arrival', bool),
          resting: w.get('resting', enumOf<RestingKind>(['limit', 'stop', 'none'])),
          ...(expireAt !== undefined ? { expireAt } : {}),
          ...(expirySeq !== undefined ? { expirySeq } : {}),
        };
        return out;
      }),
    ),
    closed: f.get(
      'closed',
      array((v, path, cx) => {
        const w = Fields.of(v, path, cx);
        const command = w.get('command', envelopeReader<SubmitOrder>(['SubmitOrder']));
        return {
          command,
          venueOrderId: w.get('venue_order_id', ident(VenueOrderId)),
          status: w.get('status', enumOf<ClosedStatus>(['FILLED', 'CANCELED', 'EXPIRED', 'REJECTED'])),
          ...readTerms(w, command),
        };
      }),
    ),
    pending: f.get(
      'pending',
      array((v, path, cx) => {
        const p = Fields.of(v, path, cx);
        return {
          commandNo: p.get('command_no', nonNegativeInt),
          at: p.get('at', nanos),
          timerSeq: p.get('timer_seq', nonNegativeInt),
          command: p.get(
            'command',
            envelopeReader<TradingCommand>(['SubmitOrder', 'ModifyOrder', 'CancelOrder', 'CancelAllOrders']),
          ),
        };
      }),
    ),
    fills: f.get('fills', array(envelopeReader<OrderFilled>(['OrderFilled']))),
  };
}

function envelopeOf(message: WireMessageLike & { readonly accountId?: string }, id: string): JsonObject {
  return encodeEnvelope(message, { id, key: message.accountId ?? '' }) as unknown as JsonObject;
}

/** Reads a model message in its wire envelope, of one of `types`; errors are prefixed with `path`. */
function envelopeReader<M extends WireMessageLike>(types: readonly string[]): wireSchema.Reader<M> {
  return (v, path, ctx) => {
    let message: WireMessageLike;
    try {
      message = decodeEnvelope(v, ctx).message;
    } catch (e) {
      if (e instanceof ModelError) throw new ModelError(`${path}.${e.field}`, e.reason);
      throw e;
    }
    if (!types.includes(message.type)) {
      throw new ModelError(`${path}.type`, `expected ${types.join(' or ')}, got ${message.type}`);
    }
    return message as M;
  };
}

function termsToJson(t: {
  readonly quantity: Quantity;
  readonly price?: Price;
  readonly triggerPrice?: Price;
  readonly filledQty: Quantity;
  readonly fillCost: Decimal;
  readonly triggered: boolean;
}): JsonObject {
  const o: JsonObject = { quantity: t.quantity.toString() };
  if (t.price !== undefined) o.price = t.price.toString();
  if (t.triggerPrice !== undefined) o.trigger_price = t.triggerPrice.toString();
  o.filled_qty = t.filledQty.toString();
  o.fill_cost = t.fillCost.toString();
  o.triggered = t.triggered;
  return o;
}

function readTerms(
  w: wireSchema.Fields,
  command: SubmitOrder,
): {
  quantity: Quantity;
  price?: Price;
  triggerPrice?: Price;
  filledQty: Quantity;
  fillCost: Decimal;
  triggered: boolean;
} {
  const instrument = w.ctx.instruments?.(command.instrumentId);
  const price = w.optPrice('price', instrument);
  const triggerPrice = w.optPrice('trigger_price', instrument);
  return {
    quantity: w.quantity('quantity', instrument),
    ...(price !== undefined ? { price } : {}),
    ...(triggerPrice !== undefined ? { triggerPrice } : {}),
    filledQty: w.quantity('filled_qty', instrument),
    fillCost: w.get('fill_cost', decimal),
    triggered: w.get('triggered', bool),
  };
}

function matcherToJson(m: MatcherState): JsonObject {
  const level = (l: BookLevelState): JsonValue => [
    l.price.toString(),
    l.size === 'unlimited' ? 'unlimited' : l.size.toString(),
  ];
  const o: JsonObject = { instrument_id: m.instrumentId, driver: m.driver };
  if (m.barType !== undefined) o.bar_type = barTypeToString(m.barType);
  if (m.lastPrice !== undefined) o.last_price = m.lastPrice.toString();
  o.bids = m.bids.map(level);
  o.asks = m.asks.map(level);
  o.takers = [...m.takers];
  o.immediate = [...m.immediate];
  o.fresh = [...m.fresh];
  return o;
}

const readMatcher: wireSchema.Reader<MatcherState> = (v, path, ctx) => {
  const m = Fields.of(v, path, ctx);
  const instrumentId = m.get('instrument_id', ident(InstrumentId));
  const instrument = ctx.instruments?.(instrumentId);
  const barTypeText = m.get('bar_type', optional(nonEmptyStr));
  const lastPrice = m.optPrice('last_price', instrument);
  const level: wireSchema.Reader<BookLevelState> = (x, p, cx) => {
    if (!Array.isArray(x) || x.length !== 2) {
      throw new ModelError(p, 'expected [price, size]');
    }
    const size: unknown = x[1];
    return {
      price: wireSchema.onTick(wireSchema.price(x[0], `${p}[0]`, cx), instrument, `${p}[0]`),
      size: size === 'unlimited' ? 'unlimited' : wireSchema.quantity(size, `${p}[1]`, cx),
    };
  };
  const ids = array(ident(ClientOrderId));
  return {
    instrumentId,
    driver: m.get('driver', enumOf(MATCH_DRIVER_NAMES)),
    ...(barTypeText !== undefined ? { barType: parseBarType(barTypeText, m.at('bar_type')) } : {}),
    ...(lastPrice !== undefined ? { lastPrice } : {}),
    bids: m.get('bids', array(level)),
    asks: m.get('asks', array(level)),
    takers: m.get('takers', ids),
    immediate: m.get('immediate', ids),
    fresh: m.get('fresh', ids),
  };
};

import type {
  ExecutionClient,
  ExecutionReportSink,
  VenueOrderReport,
  VenueOrderStatus,
  VenuePosition,
  VenueQueries,
} from '@qubit/engine';
import { Backoff, type BackoffOptions } from '@qubit/engine';
import {
  ModelError,
  WireDecodeError,
  decodeEnvelope,
  instrumentFromSpec,
  toJson,
  wireSchema,
  type AccountId,
  type CancelAllOrders,
  type CancelOrder,
  type ClientOrderId,
  type DecodeContext,
  type Instrument,
  type InstrumentSpec,
  type MarketData,
  type ModifyOrder,
  type Money,
  type OrderEvent,
  type OrderFilled,
  type SubmitOrder,
  type TradingCommand,
  type UnixNanos,
  type WireRegistry,
} from '@qubit/model';
import WebSocket from 'ws';
import {
  Routes,
  parseServerMessage,
  type StreamServerMessage,
  type SubscribeMessage,
  type VenueSimStats,
} from './protocol.js';
import {
  decodeBalances,
  decodeFills,
  decodeOpenOrders,
  decodeOrder,
  decodePositions,
} from './query-codecs.js';
import { ExchangeError, NetworkError, type VenueErrorContext } from './venue-errors.js';

/** Reconnect delays of the venue link: 100 ms doubling to 5 s (a venue process restarts in seconds). */
const RECONNECT_DEFAULTS = { initialMs: 100, maxMs: 5000 };

export interface RemoteVenueClientOptions {
  /** The venue's base address, e.g. "http://127.0.0.1:7070" (what `qubit venue sim` prints). */
  readonly url: string;
  /** The venue's name, e.g. "BINANCE"; the stream's hello must name the same venue. */
  readonly venue: string;
  /** Stream only these accounts' reports (all when absent). */
  readonly accounts?: readonly string[];
  /** Stream reconnection: exponential backoff with jitter (default 100 ms doubling up to 5 s). */
  readonly reconnect?: BackoffOptions;
  /** Each HTTP request gives up after this long (default 5000 ms). */
  readonly requestTimeoutMs?: number;
  /** Instruments for decoding (prices checked on their tick grid); syntax only when absent. */
  readonly instruments?: (id: string) => Instrument | undefined;
  /** The wire registry; the model's when absent. */
  readonly registry?: WireRegistry;
  /** The jitter source of reconnection delays (tests pass a seeded one). */
  readonly random?: () => number;
}

/** Told when the stream goes up (subscribed, reports flowing) or down. */
export type ConnectionListener = (up: boolean) => void;
export type MarketDataListener = (datum: MarketData) => void;
/**
 * Told of every failure that has no caller to throw to: a command POST that failed (NetworkError or
 * ExchangeError, with the command), a stream frame that did not decode (WireDecodeError), a refusal sent on
 * the stream (ExchangeError), or an error thrown by the report sink or a listener (as thrown).
 */
export type ErrorListener = (error: Error, command?: TradingCommand) => void;

const ORDER_EVENT_TYPES: ReadonlySet<string> = new Set([
  'OrderAccepted',
  'OrderRejected',
  'OrderModified',
  'OrderModifyRejected',
  'OrderCanceled',
  'OrderCancelRejected',
  'OrderExpired',
  'OrderTriggered',
  'OrderFilled',
]);
const MARKET_DATA_TYPES: ReadonlySet<string> = new Set([
  'QuoteTick',
  'TradeTick',
  'Bar',
  'OrderBookDeltas',
  'OrderBookSnapshot',
]);
/** Cancels reduce risk, so they are worth a few more tries; the venue ignores a commandId it already has. */
const CANCEL_ATTEMPTS = 3;
/** Queries change nothing at the venue, so they are asked again after a network failure. */
const QUERY_ATTEMPTS = 3;

/**
 * A venue in another process (`qubit venue sim`, or any server speaking docs/venue-sim.md), as the
 * ExecutionClient and VenueQueries ports.
 *
 * Commands are POSTed and the calls return at once; their outcomes arrive on the WebSocket as order
 * reports, delivered to the sink in the venue's sequence order. A SubmitOrder whose POST fails is reported
 * to `onError` and never retried: the order stays in flight until reconciliation asks the venue for it by
 * its ClientOrderId (a retry could place it twice when the first request did arrive). After a dropped
 * stream the client reconnects with backoff and asks for the reports made since the last one it
 * delivered, so a venue or network blip loses none while the venue still holds them.
 */
export class RemoteVenueClient implements ExecutionClient, VenueQueries {
  readonly venue: string;
  private readonly baseUrl: string;
  private readonly streamUrl: string;
  private readonly accounts: readonly string[] | undefined;
  private readonly timeoutMs: number;
  private readonly ctx: DecodeContext & { readonly registry?: WireRegistry };
  private readonly registry: WireRegistry | undefined;
  private readonly backoff: Backoff;
  private readonly stopAll = new AbortController();
  private readonly connectionListeners = new Set<ConnectionListener>();
  private readonly marketListeners = new Set<MarketDataListener>();
  private readonly errorListeners = new Set<ErrorListener>();
  private readonly inFlight = new Set<Promise<void>>();
  private sink: ExecutionReportSink | undefined;
  private socket: WebSocket | undefined;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private up = false;
  private closed = false;
  /** One NetworkError per outage: a venue that is down for a minute is one report, not hundreds. */
  private outageReported = false;
  /** The venue history the sequence numbers belong to, and the last report delivered from it. */
  private incarnation: string | undefined;
  private lastSeq: bigint | undefined;
  /** Reports are delivered only once the venue has confirmed the subscription (see onHello). */
  private subscribed = false;
  private waiters: (() => void)[] = [];

  constructor(options: RemoteVenueClientOptions) {
    if (options === null || typeof options !== 'object') {
      throw new ModelError('options', 'expected { url, venue, accounts?, reconnect? }');
    }
    let base: URL;
    try {
      base = new URL(options.url);
    } catch {
      throw new ModelError(
        'options.url',
        `"${String(options.url)}" is not a URL such as http://127.0.0.1:7070`,
      );
    }
    if (base.protocol !== 'http:' && base.protocol !== 'https:') {
      throw new ModelError('options.url', `must be an http:// or https:// address, got "${options.url}"`);
    }
    if (typeof options.venue !== 'string' || options.venue.length === 0) {
      throw new ModelError('options.venue', 'must name the venue, e.g. "BINANCE"');
    }
    if (options.accounts !== undefined) {
      if (!Array.isArray(options.accounts))
        throw new ModelError('options.accounts', 'must be an array of AccountIds');
      options.accounts.forEach((a, i) => wireSchema.nonEmptyStr(a, `options.accounts[${i}]`, {}));
    }
    const timeoutMs = options.requestTimeoutMs ?? 5000;
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
      throw new ModelError(
        'options.requestTimeoutMs',
        `must be a positive number of milliseconds, got ${timeoutMs}`,
      );
    }
    this.venue = options.venue;
    this.baseUrl = base.origin + base.pathname.replace(/\/+$/, '');
    this.streamUrl = `${base.protocol === 'https:' ? 'wss:' : 'ws:'}//${base.host}${base.pathname.replace(/\/+$/, '')}${Routes.stream}`;
    this.accounts = options.accounts ? [...options.accounts] : undefined;
    this.timeoutMs = timeoutMs;
    this.registry = options.registry;
    this.ctx = {
      ...(options.instruments !== undefined ? { instruments: options.instruments } : {}),
      ...(options.registry !== undefined ? { registry: options.registry } : {}),
    };
    this.backoff = new Backoff(
      options.reconnect ?? {},
      RECONNECT_DEFAULTS,
      options.random ?? Math.random,
      'options.reconnect',
    );
  }

  // ---- ExecutionClient -------------------------------------------------------------------------

  /** Starts the stream; reports go to `sink` from then on. */
  connect(sink: ExecutionReportSink): void {
    if (typeof sink !== 'function')
      throw new ModelError('sink', 'expected a function that takes order events');
    if (this.closed) throw new ModelError('sink', `${this.venue}: the client is closed`);
    if (this.sink) throw new ModelError('sink', `${this.venue}: connect was already called`);
    this.sink = sink;
    this.openSocket();
  }

  submitOrder(command: SubmitOrder): void {
    this.requireConnected('submitOrder');
    this.post('submitOrder', command, command.clientOrderId, 1);
  }

  modifyOrder(command: ModifyOrder): void {
    this.requireConnected('modifyOrder');
    this.post('modifyOrder', command, command.clientOrderId, 1);
  }

  cancelOrder(command: CancelOrder): void {
    this.requireConnected('cancelOrder');
    this.post('cancelOrder', command, command.clientOrderId, CANCEL_ATTEMPTS);
  }

  cancelAllOrders(command: CancelAllOrders): void {
    this.requireConnected('cancelAllOrders');
    this.post('cancelAllOrders', command, command.accountId ?? command.traderId, CANCEL_ATTEMPTS);
  }

  // ---- listeners -------------------------------------------------------------------------------

  /** Returns a function that removes the listener. */
  onConnectionChange(listener: ConnectionListener): () => void {
    return this.listen(this.connectionListeners, listener, 'onConnectionChange');
  }

  onMarketData(listener: MarketDataListener): () => void {
    return this.listen(this.marketListeners, listener, 'onMarketData');
  }

  /** Without a listener, failures are written to the console rather than lost. */
  onError(listener: ErrorListener): () => void {
    return this.listen(this.errorListeners, listener, 'onError');
  }

  /** True while the stream is subscribed. */
  get connected(): boolean {
    return this.up;
  }

  /** Resolves once the stream is up (at once when it is). */
  whenConnected(): Promise<void> {
    if (this.up) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Resolves when every command POST made so far has been answered (or has failed). */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Stops reconnecting, waits for the commands in flight, then closes the stream. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.reconnectTimer !== undefined) clearTimeout(this.reconnectTimer);
    await this.settled();
    this.stopAll.abort();
    const socket = this.socket;
    this.socket = undefined;
    if (socket && socket.readyState !== WebSocket.CLOSED) {
      await new Promise<void>((resolve) => {
        socket.once('close', () => resolve());
        socket.close(1000, 'client closed');
        // A peer that never answers the close handshake must not hold close() forever.
        setTimeout(() => {
          socket.terminate();
          resolve();
        }, 1000).unref();
      });
    }
    this.setUp(false);
  }

  // ---- VenueQueries ----------------------------------------------------------------------------

  async fetchOpenOrders(accountId: AccountId): Promise<VenueOrderReport[]> {
    const c = this.context('fetchOpenOrders', accountId);
    const { body } = await this.get(c, Routes.openOrders(accountId));
    return this.decode(c, () => decodeOpenOrders(body, this.ctx));
  }

  async fetchOrder(
    accountId: AccountId,
    clientOrderId: ClientOrderId,
  ): Promise<VenueOrderStatus | undefined> {
    const c = this.context('fetchOrder', clientOrderId);
    const { status, body } = await this.get(c, Routes.order(accountId, clientOrderId), true);
    if (status === 404) return undefined;
    return this.decode(c, () => decodeOrder(body, this.ctx));
  }

  async fetchFills(accountId: AccountId, since?: UnixNanos): Promise<OrderFilled[]> {
    const c = this.context('fetchFills', accountId);
    if (since !== undefined && (typeof since !== 'bigint' || since < 0n)) {
      throw new ModelError('since', `must be non-negative nanoseconds (a bigint), got ${String(since)}`);
    }
    const { body } = await this.get(c, Routes.fills(accountId, since));
    return this.decode(c, () => decodeFills(body, this.ctx));
  }

  async fetchPositions(accountId: AccountId): Promise<VenuePosition[]> {
    const c = this.context('fetchPositions', accountId);
    const { body } = await this.get(c, Routes.positions(accountId));
    return this.decode(c, () => decodePositions(body, this.ctx));
  }

  async fetchBalances(accountId: AccountId): Promise<Money[]> {
    const c = this.context('fetchBalances', accountId);
    const { body } = await this.get(c, Routes.balances(accountId));
    return this.decode(c, () => decodeBalances(body, this.ctx));
  }

  /** The instruments the venue lists. */
  async fetchInstruments(): Promise<Instrument[]> {
    const c = this.context('fetchInstruments');
    const { body } = await this.get(c, Routes.instruments);
    return this.decode(c, () => {
      const specs = wireSchema.Fields.of(body, '', {}).get(
        'instruments',
        wireSchema.array((v) => v),
      );
      return specs.map((s, i) => instrumentFromSpec(s as InstrumentSpec, `instruments[${i}]`));
    });
  }

  /** The venue's counters (what the fault-injection test checks). */
  async fetchStats(): Promise<VenueSimStats> {
    const c = this.context('fetchStats');
    const { body } = await this.get(c, Routes.stats);
    return this.decode(c, () => {
      const f = wireSchema.Fields.of(body, '', {});
      return {
        submits: f.get('submits', wireSchema.nonNegativeInt),
        distinctClientOrderIds: f.get('distinctClientOrderIds', wireSchema.nonNegativeInt),
        duplicateSubmits: f.get('duplicateSubmits', wireSchema.array(wireSchema.str)),
        fills: f.get('fills', wireSchema.nonNegativeInt),
        uptimeMs: f.get('uptimeMs', wireSchema.nonNegativeInt),
      };
    });
  }

  // ---- commands --------------------------------------------------------------------------------

  private post(operation: string, command: TradingCommand, subject: string, attempts: number): void {
    let body: string;
    try {
      body = toJson(command, {
        id: command.commandId,
        key: 'accountId' in command && command.accountId !== undefined ? command.accountId : command.traderId,
        ...(this.registry !== undefined ? { registry: this.registry } : {}),
      });
    } catch (e) {
      this.report(e as Error, command);
      return;
    }
    const c = this.context(operation, subject);
    const task = this.postWithRetries(c, body, command, attempts).finally(() => this.inFlight.delete(task));
    this.inFlight.add(task);
  }

  private async postWithRetries(
    c: VenueErrorContext,
    body: string,
    command: TradingCommand,
    attempts: number,
  ): Promise<void> {
    const backoff = new Backoff({ initialMs: 50, maxMs: 1000 }, RECONNECT_DEFAULTS, Math.random);
    for (let attempt = 1; ; attempt++) {
      try {
        await this.request(c, Routes.commands, { method: 'POST', body });
        return;
      } catch (e) {
        const retry = e instanceof NetworkError && attempt < attempts && !this.closed;
        if (!retry) {
          this.report(e as Error, command);
          return;
        }
        await new Promise((r) => setTimeout(r, backoff.next()));
      }
    }
  }

  // ---- HTTP ------------------------------------------------------------------------------------

  /**
   * A query, tried up to QUERY_ATTEMPTS times on a NetworkError: asking again changes nothing at the venue,
   * and a connection the venue dropped when it restarted should not fail the first question asked after.
   */
  private async get(
    c: VenueErrorContext,
    path: string,
    notFoundIsAnswer = false,
  ): Promise<{ status: number; body: unknown }> {
    const backoff = new Backoff({ initialMs: 50, maxMs: 500 }, RECONNECT_DEFAULTS, Math.random);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.request(c, path, { method: 'GET' }, notFoundIsAnswer);
      } catch (e) {
        if (!(e instanceof NetworkError) || attempt >= QUERY_ATTEMPTS || this.stopAll.signal.aborted) throw e;
        await new Promise((r) => setTimeout(r, backoff.next()));
      }
    }
  }

  /** One request: a NetworkError when there is no answer or a 5xx, an ExchangeError for any other non-2xx. */
  private async request(
    c: VenueErrorContext,
    path: string,
    init: { method: 'GET' | 'POST'; body?: string },
    notFoundIsAnswer = false,
  ): Promise<{ status: number; body: unknown }> {
    if (this.stopAll.signal.aborted) throw new NetworkError(c, 'the client is closed');
    const signal = AbortSignal.any([AbortSignal.timeout(this.timeoutMs), this.stopAll.signal]);
    let response: Response;
    let text: string;
    try {
      response = await fetch(this.baseUrl + path, {
        method: init.method,
        ...(init.body !== undefined
          ? { body: init.body, headers: { 'content-type': 'application/json' } }
          : {}),
        signal,
      });
      text = await response.text();
    } catch (e) {
      const timedOut = (e as Error).name === 'TimeoutError';
      const reason = timedOut
        ? `no answer within ${this.timeoutMs} ms`
        : `${this.baseUrl} is unreachable: ${causeText(e)}`;
      throw new NetworkError(c, reason, { timedOut, cause: e });
    }
    const status = response.status;
    let body: unknown;
    try {
      body = text.length === 0 ? undefined : (JSON.parse(text) as unknown);
    } catch {
      body = undefined;
    }
    if (status >= 200 && status < 300) return { status, body };
    if (status === 404 && notFoundIsAnswer) return { status, body };
    const reason = errorText(body) ?? (text.slice(0, 200) || response.statusText);
    if (status >= 500) throw new NetworkError(c, `HTTP ${status}: ${reason}`, { status });
    throw new ExchangeError(c, status, `HTTP ${status}: ${reason}`);
  }

  private decode<T>(c: VenueErrorContext, read: () => T): T {
    try {
      return read();
    } catch (e) {
      if (e instanceof ModelError) {
        throw new ExchangeError(c, undefined, `the venue's answer does not decode: ${e.message}`, {
          cause: e,
        });
      }
      throw e;
    }
  }

  // ---- the stream ------------------------------------------------------------------------------

  private openSocket(): void {
    if (this.closed) return;
    this.subscribed = false;
    const socket = new WebSocket(this.streamUrl, { handshakeTimeout: this.timeoutMs });
    this.socket = socket;
    socket.on('message', (data) => {
      if (this.socket === socket) this.onFrame(rawText(data));
    });
    socket.on('error', (err) => {
      if (this.socket !== socket || this.outageReported || this.closed) return;
      this.outageReported = true;
      this.report(
        new NetworkError(this.context('stream'), `${this.streamUrl}: ${causeText(err)}`, { cause: err }),
      );
    });
    socket.on('close', () => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      this.setUp(false);
      this.scheduleReconnect();
    });
  }

  private scheduleReconnect(): void {
    if (this.closed || this.reconnectTimer !== undefined) return;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.openSocket();
    }, this.backoff.next());
  }

  private onFrame(text: string): void {
    let msg: StreamServerMessage;
    try {
      msg = parseServerMessage(text);
    } catch (e) {
      this.report(asDecodeError(e));
      return;
    }
    switch (msg.kind) {
      case 'hello':
        return this.onHello(msg.venue, msg.incarnation, BigInt(msg.last_seq));
      case 'subscribed':
        this.subscribed = true;
        this.outageReported = false;
        this.backoff.reset();
        return this.setUp(true);
      case 'report':
        return this.onReport(BigInt(msg.seq), msg.envelope);
      case 'market':
        return this.onMarket(msg.envelope);
      case 'error':
        return this.report(new ExchangeError(this.context('stream'), undefined, msg.error));
    }
  }

  /**
   * Subscribes from the last report delivered (or, on a first connection or a new venue history, from the
   * venue's last report now). Until the venue confirms, live reports are dropped: everything after that
   * point is sent again, in order, right after the confirmation.
   */
  private onHello(venue: string, incarnation: string, lastSeq: bigint): void {
    if (venue !== this.venue) {
      this.report(
        new ExchangeError(
          this.context('stream'),
          undefined,
          `the venue at ${this.baseUrl} is ${venue}, not ${this.venue}`,
        ),
      );
      this.socket?.close(1000, 'wrong venue');
      return;
    }
    if (this.incarnation !== undefined && this.incarnation !== incarnation) {
      this.report(
        new ExchangeError(
          this.context('stream'),
          undefined,
          `the venue's history changed (incarnation ${this.incarnation} → ${incarnation}); reports made before it restarted on a new data directory are lost, reconcile`,
        ),
      );
      this.lastSeq = undefined;
    }
    this.incarnation = incarnation;
    if (this.lastSeq === undefined || this.lastSeq > lastSeq) this.lastSeq = lastSeq;
    const subscribe: SubscribeMessage = {
      kind: 'subscribe',
      accounts: this.accounts ? [...this.accounts] : null,
      after: this.lastSeq.toString(),
    };
    this.socket?.send(JSON.stringify(subscribe));
  }

  private onReport(seq: bigint, envelope: unknown): void {
    if (!this.subscribed) return;
    if (this.lastSeq !== undefined && seq <= this.lastSeq) return;
    this.lastSeq = seq;
    let event: OrderEvent;
    try {
      const { message } = decodeEnvelope(envelope, this.ctx);
      if (!ORDER_EVENT_TYPES.has(message.type)) {
        throw new WireDecodeError(
          message.type,
          'type',
          `a report must be an order event, got ${message.type}`,
        );
      }
      event = message as OrderEvent;
    } catch (e) {
      this.report(asDecodeError(e));
      return;
    }
    try {
      this.sink?.(event);
    } catch (e) {
      this.report(e as Error);
    }
  }

  private onMarket(envelope: unknown): void {
    let datum: MarketData;
    try {
      const { message } = decodeEnvelope(envelope, this.ctx);
      if (!MARKET_DATA_TYPES.has(message.type)) {
        throw new WireDecodeError(
          message.type,
          'type',
          `market data must be a quote, trade, bar or book, got ${message.type}`,
        );
      }
      datum = message as MarketData;
    } catch (e) {
      this.report(asDecodeError(e));
      return;
    }
    for (const listener of this.marketListeners) {
      try {
        listener(datum);
      } catch (e) {
        this.report(e as Error);
      }
    }
  }

  // ---- plumbing --------------------------------------------------------------------------------

  private setUp(up: boolean): void {
    if (this.up === up) return;
    this.up = up;
    if (up) {
      const waiters = this.waiters;
      this.waiters = [];
      for (const w of waiters) w();
    }
    for (const listener of this.connectionListeners) {
      try {
        listener(up);
      } catch (e) {
        this.report(e as Error);
      }
    }
  }

  private report(error: Error, command?: TradingCommand): void {
    if (this.errorListeners.size === 0) {
      console.error(`${this.venue} remote venue: ${error.message}`);
      return;
    }
    for (const listener of this.errorListeners) {
      try {
        listener(error, command);
      } catch (e) {
        console.error(`${this.venue} remote venue: an onError listener threw: ${(e as Error).message}`);
      }
    }
  }

  private listen<T>(set: Set<T>, listener: T, name: string): () => void {
    if (typeof listener !== 'function') throw new ModelError(name, 'expected a function');
    set.add(listener);
    return () => set.delete(listener);
  }

  private context(operation: string, subject?: string): VenueErrorContext {
    return subject !== undefined
      ? { venue: this.venue, operation, subject }
      : { venue: this.venue, operation };
  }

  private requireConnected(verb: string): void {
    if (!this.sink) throw new ModelError('sink', `${this.venue}: call connect(sink) before ${verb}`);
    if (this.closed) throw new ModelError('sink', `${this.venue}: ${verb} after close()`);
  }
}

function rawText(data: WebSocket.RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}

function errorText(body: unknown): string | undefined {
  if (typeof body === 'object' && body !== null && typeof (body as { error?: unknown }).error === 'string') {
    return (body as { error: string }).error;
  }
  return undefined;
}

/** fetch wraps the socket error (ECONNREFUSED…) in a TypeError whose cause says what happened. */
function causeText(e: unknown): string {
  const err = e as { message?: string; cause?: { code?: string; message?: string } };
  const cause = err.cause?.code ?? err.cause?.message;
  return cause !== undefined ? `${err.message ?? String(e)} (${cause})` : (err.message ?? String(e));
}

function asDecodeError(e: unknown): Error {
  if (e instanceof WireDecodeError) return e;
  if (e instanceof ModelError) return new WireDecodeError(undefined, e.field, e.reason, { cause: e });
  return e as Error;
}

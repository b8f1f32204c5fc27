import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AccountId,
  BotId,
  ClientOrderId,
  Currencies,
  InstrumentId,
  Money,
  Price,
  Quantity,
  StrategyId,
  TradeId,
  TraderId,
  VenueOrderId,
  WireDecodeError,
  encodeEnvelope,
  type CancelOrder,
  type OrderEvent,
  type OrderFilled,
  type SubmitOrder,
  type TradingCommand,
} from '@qubit/model';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { RemoteVenueClient } from './remote-venue-client.js';
import { ExchangeError, NetworkError } from './venue-errors.js';

const ACCOUNT = AccountId('ACC-1');

/** A stand-in venue: answers each request with `answer`, records what it got, and serves a stream. */
class FakeVenue {
  readonly requests: { method: string; url: string; body: string }[] = [];
  readonly subscribes: unknown[] = [];
  readonly sockets = new Set<WebSocket>();
  answer: (req: { method: string; url: string; body: string }) => { status: number; body: unknown } | 'hang' =
    () => ({
      status: 202,
      body: { accepted: true },
    });
  lastSeq = 0n;
  private readonly server: Server;
  private readonly wss = new WebSocketServer({ noServer: true });
  port = 0;

  constructor() {
    this.server = createServer((req, res) => this.onRequest(req, res));
    this.server.on('upgrade', (req, socket, head) =>
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        this.sockets.add(ws);
        ws.on('close', () => this.sockets.delete(ws));
        ws.on('message', (d: Buffer) => {
          this.subscribes.push(JSON.parse(d.toString()));
          ws.send(JSON.stringify({ kind: 'subscribed', accounts: null, replayed: 0 }));
        });
        ws.send(
          JSON.stringify({
            kind: 'hello',
            venue: 'BINANCE',
            incarnation: 'abc',
            last_seq: this.lastSeq.toString(),
          }),
        );
      }),
    );
  }

  async listen(port = 0): Promise<string> {
    await new Promise<void>((r) => this.server.listen(port, '127.0.0.1', r));
    this.port = (this.server.address() as AddressInfo).port;
    return `http://127.0.0.1:${this.port}`;
  }

  send(frame: unknown): void {
    const text = typeof frame === 'string' ? frame : JSON.stringify(frame);
    for (const ws of this.sockets) ws.send(text);
  }

  report(event: OrderEvent): void {
    this.lastSeq++;
    this.send({
      kind: 'report',
      seq: this.lastSeq.toString(),
      envelope: encodeEnvelope(event, { id: event.eventId, key: event.accountId }),
    });
  }

  async close(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    this.wss.close();
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const r = { method: req.method ?? '', url: req.url ?? '', body };
      this.requests.push(r);
      const a = this.answer(r);
      if (a === 'hang') return;
      res.writeHead(a.status, { 'content-type': 'application/json' });
      res.end(typeof a.body === 'string' ? a.body : JSON.stringify(a.body));
    });
  }
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function fake(): Promise<{ venue: FakeVenue; url: string }> {
  const venue = new FakeVenue();
  const url = await venue.listen();
  cleanups.push(() => venue.close());
  return { venue, url };
}

function client(
  url: string,
  over: Partial<ConstructorParameters<typeof RemoteVenueClient>[0]> = {},
): RemoteVenueClient {
  const c = new RemoteVenueClient({
    url,
    venue: 'BINANCE',
    reconnect: { initialMs: 10, maxMs: 40 },
    requestTimeoutMs: 300,
    ...over,
  });
  cleanups.push(() => c.close());
  return c;
}

function submit(id = 'O-1'): SubmitOrder {
  return {
    type: 'SubmitOrder',
    commandId: `cmd-${id}`,
    traderId: TraderId('T-1'),
    accountId: ACCOUNT,
    botId: BotId('bot-1'),
    strategyId: StrategyId('s-1'),
    instrumentId: InstrumentId('BTCUSDT.BINANCE'),
    clientOrderId: ClientOrderId(id),
    side: 'BUY',
    orderType: 'MARKET',
    quantity: Quantity.from('0.01'),
    timeInForce: 'GTC',
    postOnly: false,
    reduceOnly: false,
    reason: 'test',
    tsInit: 1n,
  };
}

function filled(seq: number): OrderFilled {
  return {
    type: 'OrderFilled',
    traderId: TraderId('T-1'),
    accountId: ACCOUNT,
    botId: BotId('bot-1'),
    strategyId: StrategyId('s-1'),
    instrumentId: InstrumentId('BTCUSDT.BINANCE'),
    clientOrderId: ClientOrderId(`O-${seq}`),
    eventId: `E-${seq}`,
    tsEvent: 5n,
    tsInit: 5n,
    venueOrderId: VenueOrderId(`V-${seq}`),
    tradeId: TradeId(`T-${seq}`),
    side: 'BUY',
    orderType: 'MARKET',
    lastQty: Quantity.from('0.01'),
    lastPx: Price.from('60000.00'),
    fee: Money.of('0.6', Currencies.USDT),
    liquiditySide: 'TAKER',
  };
}

async function until<T>(what: string, probe: () => T | undefined | false, timeoutMs = 3000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('RemoteVenueClient', () => {
  it('reports a SubmitOrder whose POST failed and never sends it again', async () => {
    const { venue, url } = await fake();
    venue.answer = () => ({ status: 503, body: { error: 'busy' } });
    const c = client(url);
    const errors: [Error, TradingCommand | undefined][] = [];
    c.onError((e, cmd) => errors.push([e, cmd]));
    c.connect(() => {});
    const order = submit();
    c.submitOrder(order);
    await c.settled();
    await new Promise((r) => setTimeout(r, 100));
    expect(venue.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(errors).toHaveLength(1);
    const [error, command] = errors[0]!;
    expect(error).toBeInstanceOf(NetworkError);
    expect(error.message).toBe('BINANCE submitOrder O-1: HTTP 503: busy');
    expect((error as NetworkError).status).toBe(503);
    expect(command).toBe(order);
  });

  it('reports an unreachable venue as a NetworkError and a refusal as an ExchangeError', async () => {
    const { venue, url } = await fake();
    const c = client(url);
    const errors: Error[] = [];
    c.onError((e) => errors.push(e));
    c.connect(() => {});
    venue.answer = () => ({
      status: 409,
      body: { error: 'SubmitOrder O-1 was already received by BINANCE' },
    });
    c.submitOrder(submit());
    await c.settled();
    expect(errors[0]).toBeInstanceOf(ExchangeError);
    expect((errors[0] as ExchangeError).status).toBe(409);

    const gone = client('http://127.0.0.1:1');
    const goneErrors: Error[] = [];
    gone.onError((e) => goneErrors.push(e));
    gone.connect(() => {});
    gone.submitOrder(submit('O-2'));
    await gone.settled();
    const submitError = goneErrors.find((e) => e.message.includes('submitOrder'));
    expect(submitError).toBeInstanceOf(NetworkError);
    expect(submitError!.message).toMatch(/BINANCE submitOrder O-2: http:\/\/127\.0\.0\.1:1 is unreachable/);
  });

  it('retries a CancelOrder after a server error, with the same commandId', async () => {
    const { venue, url } = await fake();
    let calls = 0;
    venue.answer = () =>
      ++calls < 3 ? { status: 500, body: { error: 'boom' } } : { status: 202, body: { accepted: true } };
    const c = client(url);
    const errors: Error[] = [];
    c.onError((e) => errors.push(e));
    c.connect(() => {});
    const cancel: CancelOrder = {
      type: 'CancelOrder',
      commandId: 'cancel-1',
      traderId: TraderId('T-1'),
      accountId: ACCOUNT,
      botId: BotId('bot-1'),
      strategyId: StrategyId('s-1'),
      instrumentId: InstrumentId('BTCUSDT.BINANCE'),
      clientOrderId: ClientOrderId('O-1'),
      tsInit: 1n,
    };
    c.cancelOrder(cancel);
    await c.settled();
    const posts = venue.requests.filter((r) => r.method === 'POST');
    expect(posts).toHaveLength(3);
    expect(new Set(posts.map((p) => (JSON.parse(p.body) as { id: string }).id))).toEqual(
      new Set(['cancel-1']),
    );
    expect(errors).toEqual([]);
  });

  it('times out a query with a NetworkError and refuses an answer that does not decode', async () => {
    const { venue, url } = await fake();
    const c = client(url);
    venue.answer = () => 'hang';
    const timeout = await c.fetchOpenOrders(ACCOUNT).catch((e: unknown) => e);
    expect(timeout).toBeInstanceOf(NetworkError);
    expect((timeout as NetworkError).timedOut).toBe(true);
    venue.answer = () => ({ status: 200, body: { orders: [{ account_id: 'ACC-1' }] } });
    const bad = await c.fetchOpenOrders(ACCOUNT).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ExchangeError);
    expect((bad as Error).message).toContain(
      "the venue's answer does not decode: orders[0].instrument_id: is required",
    );
    venue.answer = () => ({ status: 404, body: { error: 'order X was never received' } });
    expect(await c.fetchOrder(ACCOUNT, ClientOrderId('X'))).toBeUndefined();
    await expect(c.fetchBalances(ACCOUNT)).rejects.toBeInstanceOf(ExchangeError);
    expect(venue.requests.at(-1)!.url).toBe('/v1/accounts/ACC-1/balances');
  });

  it('reports undecodable stream frames without throwing and keeps delivering', async () => {
    const { venue, url } = await fake();
    const c = client(url);
    const errors: Error[] = [];
    const got: OrderEvent[] = [];
    c.onError((e) => errors.push(e));
    c.connect((e) => got.push(e));
    await c.whenConnected();
    venue.send('not json');
    venue.send({ kind: 'report', seq: '1', envelope: { type: 'OrderFilled', v: 1 } });
    venue.lastSeq = 1n;
    venue.report(filled(2));
    await until('the good report', () => got.length === 1);
    expect(got[0]!.eventId).toBe('E-2');
    expect(errors).toHaveLength(2);
    expect(errors.every((e) => e instanceof WireDecodeError)).toBe(true);
    expect(errors[1]!.message).toContain('id: is required');
  });

  it('reconnects with backoff and resumes from the last report it delivered', async () => {
    const { venue, url } = await fake();
    const c = client(url);
    const changes: boolean[] = [];
    const got: OrderEvent[] = [];
    c.onConnectionChange((up) => changes.push(up));
    c.connect((e) => got.push(e));
    await c.whenConnected();
    venue.report(filled(1));
    venue.report(filled(2));
    await until('two reports', () => got.length === 2);
    expect(venue.subscribes[0]).toEqual({ kind: 'subscribe', accounts: null, after: '0' });
    for (const ws of venue.sockets) ws.terminate();
    await until('down', () => changes.includes(false));
    await until('up again', () => changes.filter((u) => u).length === 2);
    expect(venue.subscribes[1]).toEqual({ kind: 'subscribe', accounts: null, after: '2' });
    // A report the venue sends again (its replay overlaps what was delivered) is not delivered twice.
    venue.lastSeq = 1n;
    venue.report(filled(2));
    venue.report(filled(3));
    await until('the third report', () => got.length === 3);
    expect(got.map((e) => e.eventId)).toEqual(['E-1', 'E-2', 'E-3']);
  });

  it('refuses bad options and commands before connect, naming them', () => {
    expect(() => new RemoteVenueClient({ url: 'ftp://x', venue: 'BINANCE' })).toThrow(
      'options.url: must be an http:// or https:// address',
    );
    expect(() => new RemoteVenueClient({ url: 'http://x', venue: '' })).toThrow('options.venue');
    expect(
      () => new RemoteVenueClient({ url: 'http://x', venue: 'B', reconnect: { initialMs: 100, maxMs: 10 } }),
    ).toThrow('options.reconnect.maxMs: must be at least initialMs (100), got 10');
    const c = new RemoteVenueClient({ url: 'http://127.0.0.1:1', venue: 'BINANCE' });
    expect(() => c.submitOrder(submit())).toThrow('sink: BINANCE: call connect(sink) before submitOrder');
  });
});

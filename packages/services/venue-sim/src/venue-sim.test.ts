import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AccountId,
  BTCUSDT_BINANCE,
  BotId,
  ClientOrderId,
  Currencies,
  InstrumentId,
  Money,
  Price,
  Quantity,
  StrategyId,
  TraderId,
  instrumentFromSpec,
  toJson,
  type OrderEvent,
  type OrderFilled,
  type QuoteTick,
  type SubmitOrder,
} from '@qubit/model';
import { RemoteVenueClient, type StreamServerMessage } from '@qubit/venue-remote';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { SNAPSHOT_FILE } from './venue-snapshot.js';
import { LOG_FILE, startVenueSim, type RunningVenueSim, type VenueSimOptions } from './venue-sim.js';

const BTC = instrumentFromSpec(BTCUSDT_BINANCE);
const ACCOUNT = AccountId('SIM-1');
const OTHER = AccountId('SIM-2');

const dirs: string[] = [];
const running: { close(): Promise<void> }[] = [];

afterEach(async () => {
  for (const r of running.splice(0).reverse()) await r.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'qubit-venue-sim-'));
  dirs.push(d);
  return d;
}

function options(dataDir: string, over: Partial<VenueSimOptions> = {}): VenueSimOptions {
  return {
    dataDir,
    venue: 'BINANCE',
    instruments: [BTC],
    accounts: [
      { accountId: ACCOUNT, accountType: 'CASH', balances: [Money.of('100000', Currencies.USDT)] },
      { accountId: OTHER, accountType: 'CASH', balances: [Money.of('5000', Currencies.USDT)] },
    ],
    market: { seed: 7, startPrice: { 'BTCUSDT.BINANCE': '60000' }, quoteIntervalMs: 150 },
    log: () => {},
    ...over,
  };
}

async function start(dataDir: string, over: Partial<VenueSimOptions> = {}): Promise<RunningVenueSim> {
  const sim = await startVenueSim(options(dataDir, over));
  running.push(sim);
  return sim;
}

/** A connected client that records every report, quote and error. */
async function connect(url: string): Promise<{
  client: RemoteVenueClient;
  reports: OrderEvent[];
  quotes: QuoteTick[];
  errors: Error[];
}> {
  const client = new RemoteVenueClient({ url, venue: 'BINANCE', reconnect: { initialMs: 20, maxMs: 100 } });
  running.push(client);
  const reports: OrderEvent[] = [];
  const quotes: QuoteTick[] = [];
  const errors: Error[] = [];
  client.onError((e) => errors.push(e));
  client.onMarketData((d) => {
    if (d.type === 'QuoteTick') quotes.push(d);
  });
  client.connect((e) => reports.push(e));
  await client.whenConnected();
  return { client, reports, quotes, errors };
}

let orderNo = 0;
function submit(over: Partial<SubmitOrder> = {}): SubmitOrder {
  const n = ++orderNo;
  return {
    type: 'SubmitOrder',
    commandId: `cmd-${n}-${Date.now()}`,
    traderId: TraderId('TRADER-1'),
    accountId: ACCOUNT,
    botId: BotId('bot-1'),
    strategyId: StrategyId('strat-1'),
    instrumentId: InstrumentId('BTCUSDT.BINANCE'),
    clientOrderId: ClientOrderId(`O-${n}-${Date.now() % 1_000_000}`),
    side: 'BUY',
    orderType: 'MARKET',
    quantity: Quantity.from('0.01000'),
    timeInForce: 'GTC',
    postOnly: false,
    reduceOnly: false,
    reason: 'test',
    tsInit: 1n,
    ...over,
  };
}

async function until<T>(what: string, probe: () => T | undefined | false, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Waits for a fresh quote, so that an order sent now reaches the venue before the next one. */
async function freshQuote(quotes: QuoteTick[]): Promise<QuoteTick> {
  const seen = quotes.length;
  return until('a quote', () => quotes.length > seen && quotes[quotes.length - 1]);
}

async function post(url: string, body: string): Promise<{ status: number; body: { error?: string } }> {
  const res = await fetch(`${url}/v1/commands`, { method: 'POST', body });
  return { status: res.status, body: (await res.json()) as { error?: string } };
}

const envelopeOf = (cmd: SubmitOrder): string => toJson(cmd, { id: cmd.commandId, key: cmd.accountId });
const tick = (n: number): Price => Price.from(BTC.tickSize.mulInt(n));

describe('venue sim', () => {
  it('fills a market order at the quote and streams the reports', async () => {
    const sim = await start(tempDir());
    const { client, reports, quotes } = await connect(sim.url);
    const quote = await freshQuote(quotes);
    const order = submit();
    client.submitOrder(order);
    const fill = await until('the fill', () =>
      reports.find(
        (e): e is OrderFilled => e.type === 'OrderFilled' && e.clientOrderId === order.clientOrderId,
      ),
    );
    expect(reports.map((e) => e.type)).toEqual(['OrderAccepted', 'OrderFilled']);
    expect(fill.lastPx.eq(quote.askPrice)).toBe(true);
    expect(fill.lastQty.eq(order.quantity)).toBe(true);
    expect(fill.liquiditySide).toBe('TAKER');
    expect(fill.tradeId).toBe('BINANCE-T1');
    expect(sim.stats()).toMatchObject({
      submits: 1,
      distinctClientOrderIds: 1,
      duplicateSubmits: [],
      fills: 1,
    });
  });

  it('rests a limit order until the walk crosses it, then fills it as maker at its price', async () => {
    const sim = await start(tempDir(), {
      market: {
        seed: 11,
        startPrice: { 'BTCUSDT.BINANCE': '60000' },
        quoteIntervalMs: 150,
        volatility: 0.001,
      },
    });
    const { client, reports, quotes } = await connect(sim.url);
    const q = await freshQuote(quotes);
    // One below the bid and one above the ask: a step of the walk (σ ≈ 6,000 ticks) crosses one of them.
    const buy = submit({ orderType: 'LIMIT', price: Price.from(q.bidPrice.sub(tick(20))) });
    const sell = submit({ orderType: 'LIMIT', side: 'SELL', price: Price.from(q.askPrice.add(tick(20))) });
    client.submitOrder(buy);
    client.submitOrder(sell);
    await until('both accepted', () => reports.filter((e) => e.type === 'OrderAccepted').length === 2);
    expect(reports.some((e) => e.type === 'OrderFilled')).toBe(false);
    expect((await client.fetchOpenOrders(ACCOUNT)).map((o) => o.clientOrderId).sort()).toEqual(
      [buy.clientOrderId, sell.clientOrderId].sort(),
    );
    const fill = await until('a fill', () => reports.find((e): e is OrderFilled => e.type === 'OrderFilled'));
    const order = fill.clientOrderId === buy.clientOrderId ? buy : sell;
    expect(fill.lastPx.eq(order.price!)).toBe(true);
    expect(fill.liquiditySide).toBe('MAKER');
    const crossing = quotes.find((x) => x.tsEvent >= fill.tsEvent);
    if (crossing) {
      expect(
        order.side === 'BUY' ? crossing.askPrice.lte(order.price!) : crossing.bidPrice.gte(order.price!),
      ).toBe(true);
    }
    expect((await client.fetchOrder(ACCOUNT, order.clientOrderId))?.status).toBe('FILLED');
  });

  it('refuses a SubmitOrder whose ClientOrderId it already received with 409 and applies it once', async () => {
    const sim = await start(tempDir());
    const { client, reports } = await connect(sim.url);
    const order = submit();
    expect((await post(sim.url, envelopeOf(order))).status).toBe(202);
    const again = await post(sim.url, envelopeOf({ ...order, commandId: `${order.commandId}-retry` }));
    expect(again.status).toBe(409);
    expect(again.body.error).toContain(order.clientOrderId);
    await until('the fill', () => reports.some((e) => e.type === 'OrderFilled'));
    await new Promise((r) => setTimeout(r, 100));
    expect(reports.filter((e) => e.type === 'OrderAccepted')).toHaveLength(1);
    expect(await client.fetchFills(ACCOUNT)).toHaveLength(1);
    expect(sim.stats()).toMatchObject({
      submits: 2,
      distinctClientOrderIds: 1,
      duplicateSubmits: [order.clientOrderId],
    });
  });

  it('answers 400 naming the field for a bad body and changes nothing', async () => {
    const sim = await start(tempDir());
    const { client } = await connect(sim.url);
    const good = JSON.parse(envelopeOf(submit())) as { payload: Record<string, unknown> };
    const cases: [string, string][] = [
      [
        JSON.stringify({ ...good, payload: { ...good.payload, quantity: '-1' } }),
        'payload.quantity: must not be negative, got -1',
      ],
      ['{"type": "SubmitOrder"', 'envelope: is not valid JSON'],
      [
        JSON.stringify({ ...good, payload: { ...good.payload, price: '60000.001', order_type: 'LIMIT' } }),
        'payload.price',
      ],
      [
        JSON.stringify({ ...good, payload: { ...good.payload, account_id: 'NOPE' } }),
        'payload.account_id: account NOPE is not open',
      ],
      [JSON.stringify({ ...good, type: 'QuoteTick' }), 'payload'],
    ];
    for (const [body, error] of cases) {
      const res = await post(sim.url, body);
      expect(res.status, body).toBe(400);
      expect(res.body.error).toContain(error);
    }
    expect(sim.stats()).toMatchObject({ submits: 0, distinctClientOrderIds: 0, fills: 0 });
    expect(await client.fetchOpenOrders(ACCOUNT)).toEqual([]);
    const health = (await (await fetch(`${sim.url}/v1/health`)).json()) as { last_seq: string };
    expect(health.last_seq).toBe('0');
  });

  it('answers the queries: open orders, an order by id, fills since, positions and balances', async () => {
    const sim = await start(tempDir());
    const { client, reports, quotes } = await connect(sim.url);
    const q = await freshQuote(quotes);
    const market = submit({ quantity: Quantity.from('0.05000') });
    const resting = submit({
      orderType: 'LIMIT',
      price: Price.from(q.bidPrice.mul(Price.from('0.5')).roundToStep(BTC.tickSize)),
    });
    client.submitOrder(market);
    const fill = await until('the fill', () =>
      reports.find((e): e is OrderFilled => e.type === 'OrderFilled'),
    );
    client.submitOrder(resting);
    await until('the limit accepted', () =>
      reports.some((e) => e.type === 'OrderAccepted' && e.clientOrderId === resting.clientOrderId),
    );

    const open = await client.fetchOpenOrders(ACCOUNT);
    expect(open.map((o) => o.clientOrderId)).toEqual([resting.clientOrderId]);
    expect(open[0]!.price!.eq(resting.price!)).toBe(true);
    expect(await client.fetchOpenOrders(OTHER)).toEqual([]);

    const filled = await client.fetchOrder(ACCOUNT, market.clientOrderId);
    expect(filled).toMatchObject({ status: 'FILLED', clientOrderId: market.clientOrderId });
    expect(filled!.filledQty.eq(market.quantity)).toBe(true);
    expect(filled!.avgPx!.eq(fill.lastPx)).toBe(true);
    expect((await client.fetchOrder(ACCOUNT, resting.clientOrderId))?.status).toBe('ACCEPTED');
    expect(await client.fetchOrder(ACCOUNT, ClientOrderId('NEVER-SENT'))).toBeUndefined();

    expect((await client.fetchFills(ACCOUNT)).map((f) => f.tradeId)).toEqual([fill.tradeId]);
    expect(await client.fetchFills(ACCOUNT, fill.tsEvent + 1n)).toEqual([]);
    expect(await client.fetchFills(OTHER)).toEqual([]);

    const positions = await client.fetchPositions(ACCOUNT);
    expect(positions).toHaveLength(1);
    expect(positions[0]!.netQty.eq(market.quantity)).toBe(true);

    const notional = fill.lastPx.mul(fill.lastQty);
    const balances = new Map((await client.fetchBalances(ACCOUNT)).map((m) => [m.currency.code, m.amount]));
    expect(
      balances
        .get('USDT')!
        .eq(Money.of(Price.from('100000').sub(notional).sub(fill.fee.amount), Currencies.USDT).amount),
    ).toBe(true);
    expect(balances.get('BTC')!.eq(market.quantity)).toBe(true);
    expect((await client.fetchBalances(OTHER)).map(String)).toEqual(['5000.00000000 USDT']);

    const unknown = await fetch(`${sim.url}/v1/accounts/NOBODY/balances`);
    expect(unknown.status).toBe(404);
    await expect(client.fetchPositions(AccountId('NOBODY'))).rejects.toThrow(
      /ExchangeError|account NOBODY is not open/,
    );
  });

  it('answers 410, not 404, for an order it received but no longer remembers', async () => {
    const sim = await start(tempDir(), { config: { closedOrderMemory: 1 } });
    const { client, reports } = await connect(sim.url);
    const first = submit();
    client.submitOrder(first);
    client.submitOrder(submit());
    await until('two fills', () => reports.filter((e) => e.type === 'OrderFilled').length === 2);
    const err = await client.fetchOrder(ACCOUNT, first.clientOrderId).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'ExchangeError', status: 410 });
    expect((err as Error).message).toContain(`order ${first.clientOrderId} was received by BINANCE`);
  });

  it.each([
    ['its last snapshot', 10_000],
    ['its log alone', 0],
  ])(
    'restarts from %s with its orders, fills, balances and received ids, and continues its ids',
    async (_, snapshotIntervalMs) => {
      const dir = tempDir();
      const first = await start(dir, { snapshotIntervalMs });
      const a = await connect(first.url);
      const q = await freshQuote(a.quotes);
      const filled = submit();
      const resting = submit({
        orderType: 'LIMIT',
        price: Price.from(q.bidPrice.mul(Price.from('0.5')).roundToStep(BTC.tickSize)),
      });
      a.client.submitOrder(filled);
      a.client.submitOrder(resting);
      await until('three reports', () => a.reports.length === 3);
      const before = {
        open: await a.client.fetchOpenOrders(ACCOUNT),
        fills: await a.client.fetchFills(ACCOUNT),
        balances: (await a.client.fetchBalances(ACCOUNT)).map(String),
        positions: await a.client.fetchPositions(ACCOUNT),
      };
      await a.client.close();
      await first.close();
      expect(readFileSync(join(dir, SNAPSHOT_FILE), { flag: 'a+' }).length > 0).toBe(snapshotIntervalMs > 0);

      const warnings: string[] = [];
      const second = await start(dir, { snapshotIntervalMs, log: (l) => warnings.push(l) });
      expect(warnings.join('\n')).toContain(
        snapshotIntervalMs > 0 ? 'rebuilt from the snapshot and' : 'rebuilt from',
      );
      const b = await connect(second.url);
      expect(await b.client.fetchOpenOrders(ACCOUNT)).toEqual(before.open);
      expect(await b.client.fetchFills(ACCOUNT)).toEqual(before.fills);
      expect((await b.client.fetchBalances(ACCOUNT)).map(String)).toEqual(before.balances);
      expect(await b.client.fetchPositions(ACCOUNT)).toEqual(before.positions);
      expect(second.stats()).toMatchObject({ submits: 2, distinctClientOrderIds: 2, fills: 1 });
      // The received ids survive: the same ClientOrderId is still a duplicate.
      expect((await post(second.url, envelopeOf({ ...filled, commandId: 'again' }))).status).toBe(409);
      // The counters go on: the next order and trade get new ids, and no event id repeats.
      const next = submit();
      b.client.submitOrder(next);
      const fill = await until('the new fill', () =>
        b.reports.find((e): e is OrderFilled => e.type === 'OrderFilled'),
      );
      expect(fill.tradeId).toBe('BINANCE-T2');
      expect(fill.venueOrderId).toBe('SIM-BINANCE-3');
      const eventIds = [...a.reports, ...b.reports].map((e) => e.eventId);
      expect(new Set(eventIds).size).toBe(eventIds.length);
    },
  );

  it('restores a crash image from the snapshot plus the log written after it', async () => {
    const dir = tempDir();
    const sim = await start(dir, { snapshotIntervalMs: 30 });
    const a = await connect(sim.url);
    a.client.submitOrder(submit());
    await until('the first fill', () => a.reports.length === 2);
    const snapshot = join(dir, SNAPSHOT_FILE);
    await until('a snapshot', () => {
      try {
        return statSync(snapshot).size > 0;
      } catch {
        return false;
      }
    });
    // A crash before the next snapshot leaves this one beside a log that goes on after it.
    const snapshotNow = readFileSync(snapshot);
    const q = await freshQuote(a.quotes);
    const resting = submit({
      orderType: 'LIMIT',
      price: Price.from(q.bidPrice.mul(Price.from('0.5')).roundToStep(BTC.tickSize)),
    });
    a.client.submitOrder(resting);
    a.client.submitOrder(submit({ side: 'SELL' }));
    await until('five reports', () => a.reports.length === 5);
    // kill -9 now: the image is whatever is on disk, as the 202s and the reports promised.
    const image = tempDir();
    cpSync(join(dir, LOG_FILE), join(image, LOG_FILE));
    writeFileSync(join(image, SNAPSHOT_FILE), snapshotNow);
    const covered = (JSON.parse(snapshotNow.toString()) as { log_bytes: number }).log_bytes;
    expect(covered).toBeLessThan(statSync(join(image, LOG_FILE)).size);

    const warnings: string[] = [];
    const restored = await start(image, { log: (l) => warnings.push(l) });
    expect(warnings.find((w) => w.includes('rebuilt'))).toMatch(
      /rebuilt from the snapshot and [1-9]\d* log lines: 3 orders received, 2 fills, last report 5/,
    );
    const b = await connect(restored.url);
    expect(await b.client.fetchOpenOrders(ACCOUNT)).toEqual(await a.client.fetchOpenOrders(ACCOUNT));
    expect(await b.client.fetchFills(ACCOUNT)).toEqual(await a.client.fetchFills(ACCOUNT));
    expect((await b.client.fetchBalances(ACCOUNT)).map(String)).toEqual(
      (await a.client.fetchBalances(ACCOUNT)).map(String),
    );
    expect(await b.client.fetchPositions(ACCOUNT)).toEqual([]);
  });

  it('ignores a snapshot that does not fit its log, with a warning, and replays the whole log', async () => {
    const dir = tempDir();
    const first = await start(dir);
    const a = await connect(first.url);
    a.client.submitOrder(submit());
    await until('the fill', () => a.reports.length === 2);
    const fills = await a.client.fetchFills(ACCOUNT);
    await a.client.close();
    await first.close();
    writeFileSync(join(dir, SNAPSHOT_FILE), '{"format":"qubit.venue-sim-snapshot","version":1}');
    const warnings: string[] = [];
    const second = await start(dir, { log: (l) => warnings.push(l) });
    expect(warnings[0]).toMatch(
      /ignoring the snapshot .*snapshot\.incarnation: is required.*replaying the whole log/,
    );
    const b = await connect(second.url);
    expect(await b.client.fetchFills(ACCOUNT)).toEqual(fills);
  });

  it('drops a torn last log line with a warning and keeps everything before it', async () => {
    const dir = tempDir();
    const first = await start(dir);
    const a = await connect(first.url);
    a.client.submitOrder(submit());
    await until('the fill', () => a.reports.some((e) => e.type === 'OrderFilled'));
    const fills = await a.client.fetchFills(ACCOUNT);
    await a.client.close();
    await first.close();
    appendFileSync(join(dir, LOG_FILE), '{"kind":"command","at":"17000000000000000');

    const warnings: string[] = [];
    const second = await start(dir, { log: (l) => warnings.push(l) });
    expect(warnings.some((w) => w.includes('dropped a torn last line'))).toBe(true);
    const b = await connect(second.url);
    expect(await b.client.fetchFills(ACCOUNT)).toEqual(fills);
    // The torn bytes are gone: the log ends with a whole line again.
    expect(readFileSync(join(dir, LOG_FILE), 'utf8').endsWith('\n')).toBe(true);
  });

  it('makes on restart the reports of a command logged just before a crash', async () => {
    const dir = tempDir();
    const first = await start(dir);
    const a = await connect(first.url);
    await freshQuote(a.quotes);
    const order = submit();
    a.client.submitOrder(order);
    await until('the fill', () => a.reports.some((e) => e.type === 'OrderFilled'));
    await a.client.close();
    await first.close();
    // A crash between writing the command and writing its reports: cut the log after the command line.
    const path = join(dir, LOG_FILE);
    const lines = readFileSync(path, 'utf8').split('\n');
    const cmd = lines.findIndex((l) => l.startsWith('{"kind":"command"'));
    writeFileSync(path, lines.slice(0, cmd + 1).join('\n') + '\n');

    const second = await start(dir);
    const b = await connect(second.url);
    expect((await b.client.fetchOrder(ACCOUNT, order.clientOrderId))?.status).toBe('FILLED');
    expect(await b.client.fetchFills(ACCOUNT)).toHaveLength(1);
    expect(readFileSync(path, 'utf8')).toContain('"kind":"event"');
  });

  it('refuses to start on a log begun with other accounts, naming them', async () => {
    const dir = tempDir();
    await (await start(dir)).close();
    running.length = 0;
    await expect(
      startVenueSim(options(dir, { accounts: [{ accountId: ACCOUNT, accountType: 'CASH', balances: [] }] })),
    ).rejects.toThrow(/accounts: .* was begun with SIM-1 \(CASH: 100000\.00000000 USDT\)/);
  });

  it('reconnects its clients after a restart, and resumes a stream from a report sequence number', async () => {
    const dir = tempDir();
    const first = await start(dir);
    const a = await connect(first.url);
    const changes: boolean[] = [];
    a.client.onConnectionChange((up) => changes.push(up));
    a.client.submitOrder(submit());
    await until('two reports', () => a.reports.length === 2);
    await first.close();
    await until('down', () => changes.includes(false));

    const second = await start(dir, { port: first.port });
    await until('up again', () => changes[changes.length - 1] === true, 10_000);
    const order = submit();
    a.client.submitOrder(order);
    await until('the new reports', () => a.reports.length === 4);
    expect(a.reports.map((e) => e.type)).toEqual([
      'OrderAccepted',
      'OrderFilled',
      'OrderAccepted',
      'OrderFilled',
    ]);
    expect(a.errors.filter((e) => e.name !== 'NetworkError')).toEqual([]);

    // A raw stream that asks for everything after report 1 gets reports 2..4 in order, then live ones.
    const ws = new WebSocket(second.url.replace('http', 'ws') + '/v1/stream');
    const got: StreamServerMessage[] = [];
    ws.on('message', (d: Buffer) => got.push(JSON.parse(d.toString()) as StreamServerMessage));
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ kind: 'subscribe', accounts: [ACCOUNT], after: '1' }));
    ws.send('{"kind":"subscribe","after":"x"}');
    await until('replayed', () => got.some((m) => m.kind === 'error'));
    ws.close();
    expect(got[0]).toMatchObject({ kind: 'hello', venue: 'BINANCE', last_seq: '4' });
    expect(got.filter((m) => m.kind === 'report').map((m) => (m as { seq: string }).seq)).toEqual([
      '2',
      '3',
      '4',
    ]);
    expect(got.find((m) => m.kind === 'subscribed')).toMatchObject({ accounts: [ACCOUNT], replayed: 3 });
    expect(got.find((m) => m.kind === 'error')).toMatchObject({ error: expect.stringContaining('after') });
  });
});

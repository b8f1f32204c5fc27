import {
  Decimal,
  OrderSide,
  OrderStatus,
  OrderType,
  TradeId,
  decodeEnvelope,
  type OrderEvent,
  type OrderFilled,
} from '@qubit/model';
import { describe, expect, it } from 'vitest';
import type { ExecutionJournal } from '../ports/execution-journal.js';
import type { JournalEntry } from '../ports/journal-entry.js';
import { reconcile } from './reconcile.js';
import { reconciliationReportToJson } from './reconciliation-report.js';
import type { RecordingJournal } from './recovery-test-support.js';
import {
  ACCOUNT,
  PERP,
  manualOrder,
  placeOrder,
  platform,
  print,
  world,
  type World,
} from './recovery-test-support.js';

/** Runs `before` on a platform, "kills" it, and restarts a new one from its journal against the same venue. */
function restart(w: World, entries: readonly JournalEntry[], journal?: ExecutionJournal) {
  const after = platform(w, journal);
  const summary = after.node.restore(entries);
  return { ...after, summary };
}

const types = (events: readonly OrderEvent[]): string[] => events.map((e) => e.type);

describe('reconcile', () => {
  it('accepts and fills an order the venue took while its acknowledgement was lost (case a)', async () => {
    const w = world();
    const before = platform(w);
    before.node.start();
    before.link.delivering = false; // the platform dies right after sending
    const cmd = placeOrder(before.node, { price: '42000.0' });
    print(w, '42000.0', '0.004'); // filled in part while it is down

    const after = restart(w, (before.journal as RecordingJournal).entries);
    expect(after.summary.inFlight).toEqual([cmd.clientOrderId]);
    const report = await reconcile(after.node, w.queries, ACCOUNT);

    expect(types(report.emitted)).toEqual(['OrderAccepted', 'OrderFilled']);
    expect(report.emitted.every((e) => e.reconciliation === true)).toBe(true);
    const order = after.node.cache.order(cmd.clientOrderId)!;
    expect(order.status).toBe(OrderStatus.PARTIALLY_FILLED);
    expect(order.venueOrderId).toBe(w.venue.openOrders()[0]!.venueOrderId);
    expect(after.node.portfolio.netQty(ACCOUNT, PERP.id).toString()).toBe('0.004');
    expect(report.ok).toBe(true);
    expect(report.mismatches).toEqual([]);
    // Journaled first, like a live report: the journal now ends with exactly what was emitted.
    const entries = (after.journal as RecordingJournal).entries;
    expect(entries.slice(-2)).toEqual(report.emitted);
  });

  it('emits a fill made while the platform was down, with the venue trade id (case b)', async () => {
    const w = world();
    const before = platform(w);
    before.node.start();
    const cmd = placeOrder(before.node, { price: '42000.0' });
    expect(before.node.cache.order(cmd.clientOrderId)!.status).toBe(OrderStatus.ACCEPTED);
    before.link.delivering = false;
    print(w, '41990.0');
    const venueFill = w.venue.fills()[0]!;

    const after = restart(w, (before.journal as RecordingJournal).entries);
    expect(after.summary.inFlight).toEqual([]);
    expect(after.summary.openOrders).toBe(1);
    const report = await reconcile(after.node, w.queries, ACCOUNT);

    expect(types(report.emitted)).toEqual(['OrderFilled']);
    const fill = report.emitted[0] as OrderFilled;
    expect(fill.tradeId).toBe(venueFill.tradeId);
    expect(fill.lastPx.eq(venueFill.lastPx)).toBe(true);
    expect(fill.tsEvent).toBe(venueFill.tsEvent);
    expect(fill.reconciliation).toBe(true);
    expect(after.node.cache.order(cmd.clientOrderId)!.status).toBe(OrderStatus.FILLED);
    expect(after.node.portfolio.netQty(ACCOUNT, PERP.id).toString()).toBe('0.010');
    expect(report.ok).toBe(true);
  });

  it('rejects an order journaled but never received, and never sends it again (case c)', async () => {
    const w = world();
    const before = platform(w);
    before.node.start();
    before.link.sending = false; // journaled SUBMITTED, then the platform dies before the request leaves
    const cmd = placeOrder(before.node, { price: '42000.0' });
    expect(before.link.sent).toEqual([]);

    const after = restart(w, (before.journal as RecordingJournal).entries);
    expect(after.summary.inFlight).toEqual([cmd.clientOrderId]);
    const report = await reconcile(after.node, w.queries, ACCOUNT);

    expect(types(report.emitted)).toEqual(['OrderRejected']);
    expect((report.emitted[0] as { reason: string }).reason).toMatch(/never reached BINANCE.*not sent again/);
    expect(after.node.cache.order(cmd.clientOrderId)!.status).toBe(OrderStatus.REJECTED);
    expect(after.link.sent).toEqual([]);
    expect(w.venue.orderStatus(ACCOUNT, cmd.clientOrderId)).toBeUndefined();
    // A redelivered approval after the restart does not send it either.
    after.node.start();
    after.node.bus.publish('trades.approved', ACCOUNT, cmd);
    expect(after.link.sent).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it('closes an order that was initialized but never submitted, without sending it', async () => {
    const w = world();
    const before = platform(w);
    before.node.start();
    const cmd = placeOrder(before.node, { price: '42000.0' });
    const entries = (before.journal as RecordingJournal).entries;
    // Killed after the order was created, before the approved command was journaled.
    const cut = entries.findIndex((e) => e.type === 'SubmitOrder');
    const after = restart(w, entries.slice(0, cut));
    expect(after.summary.unsubmitted).toEqual([cmd.clientOrderId]);
    const report = await reconcile(after.node, w.queries, ACCOUNT);
    expect(types(report.emitted)).toEqual(['OrderRejected']);
    expect((report.emitted[0] as { reason: string }).reason).toMatch(/never submitted/);
    expect(after.link.sent).toEqual([]);
  });

  it('adopts a position the venue holds and we do not with a flagged synthetic fill (case d)', async () => {
    const w = world();
    const before = platform(w);
    before.node.start();
    before.link.delivering = false;
    manualOrder(w, { clientOrderId: 'HAND-1', qty: '0.020' }); // placed by hand at the venue
    print(w, '41000.0');
    expect(w.venue.positions(ACCOUNT)[0]!.netQty.toString()).toBe('0.020');

    const after = restart(w, (before.journal as RecordingJournal).entries);
    const report = await reconcile(after.node, w.queries, ACCOUNT);

    expect(types(report.emitted)).toEqual([
      'OrderInitialized',
      'OrderSubmitted',
      'OrderAccepted',
      'OrderFilled',
    ]);
    expect(report.emitted.every((e) => e.reconciliation === true && e.botId === 'reconciliation')).toBe(true);
    const fill = report.emitted[3] as OrderFilled;
    expect(fill.tradeId).toBe('RECON-BINANCE-1');
    expect(fill.lastPx.toString()).toBe('41000.00');
    expect(fill.fee.isZero()).toBe(true);
    expect(report.adopted).toEqual([
      expect.objectContaining({
        kind: 'position',
        instrumentId: PERP.id,
        botId: 'reconciliation',
        tradeId: TradeId('RECON-BINANCE-1'),
      }),
    ]);
    expect(report.adopted[0]!.quantity.toString()).toBe('0.020');
    expect(after.node.portfolio.netQty(ACCOUNT, PERP.id).toString()).toBe('0.020');
    expect(report.ok).toBe(true);

    // A second reconciliation finds nothing left to do.
    const again = await reconcile(after.node, w.queries, ACCOUNT);
    expect(again.emitted).toEqual([]);
    expect(again.ok).toBe(true);
  });

  it('reports a balance the venue moved (a fee on a hand-placed order) and blocks every bot of the account', async () => {
    const w = world({ feeOverride: { taker: Decimal.parse('0.0005') } });
    const before = platform(w);
    before.node.start();
    placeOrder(before.node, { price: '30000.0', botId: 'bot-1' }); // a working order of bot-1
    before.link.delivering = false;
    manualOrder(w, { clientOrderId: 'HAND-2', qty: '0.020' });
    print(w, '41000.0');

    const after = restart(w, (before.journal as RecordingJournal).entries);
    const report = await reconcile(after.node, w.queries, ACCOUNT);

    expect(report.ok).toBe(false);
    expect(report.mismatches).toEqual([expect.objectContaining({ kind: 'balance', currency: 'USDT' })]);
    const m = report.mismatches[0]!;
    expect((m.ours as Decimal).toString()).toBe('100000.00000000');
    // 0.020 × 41000 × 0.0005 = 0.41 USDT of taker fee
    expect((m.theirs as Decimal).eq(Decimal.parse('99999.59'))).toBe(true);
    expect([...report.blockedBots].sort()).toEqual(['bot-1', 'reconciliation']);
  });

  it('reports a position we hold that the venue does not, and leaves it as it is (case e)', async () => {
    const w = world();
    const before = platform(w);
    before.node.start();
    placeOrder(before.node, { price: '42000.0' });
    print(w, '42000.0');
    expect(before.node.portfolio.netQty(ACCOUNT, PERP.id).toString()).toBe('0.010');

    // Restarted against a venue that knows nothing of it (another account, a venue that lost its state).
    const other = world();
    const after = restart(other, (before.journal as RecordingJournal).entries);
    const report = await reconcile(after.node, other.queries, ACCOUNT);

    expect(report.emitted).toEqual([]);
    expect(report.mismatches).toHaveLength(1);
    const m = report.mismatches[0]!;
    expect(m).toMatchObject({ kind: 'position', instrumentId: PERP.id });
    expect((m.ours as Decimal).toString()).toBe('0.010');
    expect((m.theirs as Decimal).isZero()).toBe(true);
    expect(m.detail).toMatch(/holds 0.010 BTCUSDT-PERP.BINANCE here but the venue holds none/);
    expect(after.node.portfolio.netQty(ACCOUNT, PERP.id).toString()).toBe('0.010');
    expect(report.blockedBots).toEqual(['bot-1']);
    expect(report.ok).toBe(false);
  });

  it('adopts a working order we never journaled when it names its owner (case f)', async () => {
    const w = world();
    const before = platform(w);
    before.node.start();
    before.link.delivering = false;
    manualOrder(w, { clientOrderId: 'ADOPT-1', type: OrderType.LIMIT, price: '40000.0', botId: 'bot-7' });

    const after = restart(w, (before.journal as RecordingJournal).entries);
    const report = await reconcile(after.node, w.queries, ACCOUNT);

    expect(types(report.emitted)).toEqual(['OrderInitialized', 'OrderSubmitted', 'OrderAccepted']);
    expect(report.emitted.every((e) => e.reconciliation === true)).toBe(true);
    const order = after.node.cache.order('ADOPT-1')!;
    expect(order.status).toBe(OrderStatus.ACCEPTED);
    expect(order.botId).toBe('bot-7');
    expect(order.price?.toString()).toBe('40000.00');
    expect(report.adopted).toEqual([
      expect.objectContaining({ kind: 'order', clientOrderId: 'ADOPT-1', botId: 'bot-7' }),
    ]);
    expect(after.node.orderIds.describe('ADOPT-1')).toEqual({ botId: 'bot-7', reason: 'reconcile' });
    expect(report.ok).toBe(true);
  });

  it('reports a working order of another trader as a mismatch instead of adopting it', async () => {
    const w = world();
    const before = platform(w);
    before.link.delivering = false;
    manualOrder(w, {
      clientOrderId: 'FOREIGN-1',
      type: OrderType.LIMIT,
      price: '40000.0',
      traderId: 'OTHER',
    });

    const after = restart(w, (before.journal as RecordingJournal).entries);
    const report = await reconcile(after.node, w.queries, ACCOUNT);
    expect(report.emitted).toEqual([]);
    expect(report.mismatches).toEqual([
      expect.objectContaining({ kind: 'unknown-order', clientOrderId: 'FOREIGN-1', instrumentId: PERP.id }),
    ]);
    expect(report.mismatches[0]!.detail).toMatch(/belongs to trader OTHER/);
    expect(after.node.cache.order('FOREIGN-1')).toBeUndefined();
  });

  it('answers a cancel the venue carried out with OrderCanceled, and one it never received with OrderCancelRejected', async () => {
    const w = world();
    const before = platform(w);
    before.node.start();
    const kept = placeOrder(before.node, { price: '40000.0' });
    const gone = placeOrder(before.node, { price: '39000.0' });
    before.link.delivering = false; // the cancel of `gone` reaches the venue, its answer does not
    before.node.execution.cancelAll({
      traderId: kept.traderId,
      accountId: ACCOUNT,
      instrumentId: PERP.id,
      reason: 'x',
    });
    expect(w.venue.openOrders()).toEqual([]);
    const after = restart(w, (before.journal as RecordingJournal).entries);
    expect(after.summary.inFlight).toEqual([kept.clientOrderId, gone.clientOrderId]);
    expect(after.node.cache.order(kept.clientOrderId)!.status).toBe(OrderStatus.PENDING_CANCEL);
    const report = await reconcile(after.node, w.queries, ACCOUNT);
    expect(types(report.emitted)).toEqual(['OrderCanceled', 'OrderCanceled']);
    expect(after.node.cache.order(gone.clientOrderId)!.status).toBe(OrderStatus.CANCELED);

    // Now a cancel that never left the platform: the order is still working at the venue.
    const w2 = world();
    const b2 = platform(w2);
    b2.node.start();
    const order = placeOrder(b2.node, { price: '40000.0' });
    b2.link.sending = false;
    b2.node.execution.cancelAll({ traderId: order.traderId, accountId: ACCOUNT, reason: 'x' });
    const a2 = restart(w2, (b2.journal as RecordingJournal).entries);
    expect(a2.node.cache.order(order.clientOrderId)!.status).toBe(OrderStatus.PENDING_CANCEL);
    const r2 = await reconcile(a2.node, w2.queries, ACCOUNT);
    expect(types(r2.emitted)).toEqual(['OrderCancelRejected']);
    expect(a2.node.cache.order(order.clientOrderId)!.status).toBe(OrderStatus.ACCEPTED);
    expect(r2.ok).toBe(true);
  });

  it('asks for every fill when the venue says an order filled more than the fills since the last one give', async () => {
    const w = world();
    const before = platform(w);
    before.node.start();
    const old = placeOrder(before.node, { price: '42000.0' });
    before.link.delivering = false;
    print(w, '42000.0', '0.004'); // missed
    before.link.delivering = true;
    const late = placeOrder(before.node, { side: OrderSide.SELL, price: '43000.0' });
    w.clock.advanceTo(w.clock.now() + 3_600_000_000_000n);
    print(w, '43000.0'); // seen an hour later
    expect(before.node.cache.order(late.clientOrderId)!.status).toBe(OrderStatus.FILLED);

    const after = restart(w, (before.journal as RecordingJournal).entries);
    const report = await reconcile(after.node, w.queries, ACCOUNT, { fillLookbackNs: 1_000_000_000n });
    expect(types(report.emitted)).toEqual(['OrderFilled']);
    expect(after.node.cache.order(old.clientOrderId)!.filledQty.toString()).toBe('0.004');
    expect(report.ok).toBe(true);
  });

  it('works the same with a journal that answers asynchronously', async () => {
    const w = world();
    const before = platform(w);
    before.node.start();
    before.link.delivering = false;
    placeOrder(before.node, { price: '42000.0' });
    print(w, '41990.0');
    const entries: JournalEntry[] = [];
    const asyncJournal: ExecutionJournal = {
      recordCommand: (c) => new Promise<void>((r) => setTimeout(() => (entries.push(c), r()), 1)),
      recordEvent: (e) => new Promise<void>((r) => setTimeout(() => (entries.push(e), r()), 1)),
    };
    const after = restart(w, (before.journal as RecordingJournal).entries, asyncJournal);
    const report = await reconcile(after.node, w.queries, ACCOUNT);
    expect(types(report.emitted)).toEqual(['OrderAccepted', 'OrderFilled']);
    expect(entries).toEqual(report.emitted);
    expect(after.node.portfolio.netQty(ACCOUNT, PERP.id).toString()).toBe('0.010');
  });

  it('reports an event the execution engine refuses as a mismatch instead of throwing', async () => {
    const w = world();
    const before = platform(w);
    before.node.start();
    const cmd = placeOrder(before.node, { price: '42000.0' });
    before.link.delivering = false;
    print(w, '41990.0');
    // A venue whose fill report says more was filled than the order's quantity.
    const queries = {
      ...w.queries,
      venue: w.queries.venue,
      fetchOpenOrders: (a: typeof ACCOUNT) => w.queries.fetchOpenOrders(a),
      fetchOrder: (a: typeof ACCOUNT, id: typeof cmd.clientOrderId) => w.queries.fetchOrder(a, id),
      fetchPositions: (a: typeof ACCOUNT) => w.queries.fetchPositions(a),
      fetchBalances: (a: typeof ACCOUNT) => w.queries.fetchBalances(a),
      fetchFills: async (a: typeof ACCOUNT, since?: bigint) =>
        (await w.queries.fetchFills(a, since)).map((f) => ({
          ...f,
          lastQty: f.lastQty.mulInt(2),
        })) as OrderFilled[],
    };
    const after = restart(w, (before.journal as RecordingJournal).entries);
    const report = await reconcile(after.node, queries, ACCOUNT);
    // Not adopted as a position of the venue's either: an order of ours in it disagrees.
    expect(types(report.emitted)).toEqual([]);
    expect(report.ok).toBe(false);
    expect(report.mismatches.map((m) => m.kind)).toEqual(['order', 'position', 'anomaly']);
    expect(report.mismatches[1]!.detail).toMatch(/not adopted: an order of ours in it disagrees/);
    expect(report.mismatches.find((m) => m.kind === 'anomaly')!.detail).toMatch(
      new RegExp(`refused OrderFilled for ${cmd.clientOrderId}: fill of 0.020 would take filled`),
    );
    expect(report.blockedBots).toEqual(['bot-1']);
  });

  it('refuses bad arguments before doing anything', async () => {
    const w = world();
    const { node } = platform(w);
    await expect(reconcile(node, w.queries, 'NOPE' as typeof ACCOUNT)).rejects.toThrow(/accountId.*NOPE/);
    await expect(reconcile(node, w.queries, '' as typeof ACCOUNT)).rejects.toThrow(/accountId/);
    await expect(
      reconcile(node, { ...w.queries, venue: 'KRAKEN', fetchOrder: w.queries.fetchOrder } as never, ACCOUNT),
    ).rejects.toThrow(/queries/);
    await expect(reconcile(node, w.queries, ACCOUNT, { fillLookbackNs: -1n })).rejects.toThrow(
      /options.fillLookbackNs/,
    );
  });

  it('writes its report as JSON with decimals as strings and events in wire envelopes', async () => {
    const w = world();
    const before = platform(w);
    before.link.delivering = false;
    manualOrder(w, { clientOrderId: 'HAND-3', qty: '0.020' });
    print(w, '41000.0');
    const after = restart(w, (before.journal as RecordingJournal).entries);
    const report = await reconcile(after.node, w.queries, ACCOUNT);
    const json = JSON.parse(JSON.stringify(reconciliationReportToJson(report))) as Record<string, unknown>;
    expect(json).toMatchObject({
      venue: 'BINANCE',
      account_id: ACCOUNT,
      ok: true,
      started_at: report.startedAt.toString(),
      adopted: [{ kind: 'position', quantity: '0.020', price: '41000.00', trade_id: 'RECON-BINANCE-1' }],
      mismatches: [],
      blocked_bots: [],
    });
    const emitted = json.emitted as unknown[];
    expect(emitted.map((e) => decodeEnvelope(e).message)).toEqual(report.emitted);
  });
});

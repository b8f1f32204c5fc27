import {
  Money,
  OrderSide,
  OrderStatus,
  TradeId,
  VenueOrderId,
  type OrderDenied,
  type OrderFilled,
} from '@qubit/model';
import { describe, expect, it } from 'vitest';
import { Topic } from '../bus/topics.js';
import { parseClientOrderId } from '../execution/client-order-id-generator.js';
import type { JournalEntry } from '../ports/journal-entry.js';
import { riskConfigFromJson } from '../risk/risk-limits.js';
import type { RecordingJournal } from './recovery-test-support.js';
import {
  ACCOUNT,
  PERP,
  orderCommand,
  placeOrder,
  platform,
  print,
  world,
  type World,
} from './recovery-test-support.js';

/** A platform that traded a while: one order filled, one in part, one working, one pending cancel, one unanswered. */
function history(w: World) {
  const before = platform(w);
  before.node.start();
  const filled = placeOrder(before.node, { price: '42000.0' });
  print(w, '42000.0');
  const partial = placeOrder(before.node, { side: OrderSide.SELL, price: '43000.0' });
  print(w, '43000.0', '0.004');
  const working = placeOrder(before.node, { side: OrderSide.SELL, price: '44000.0', botId: 'bot-2' });
  const canceling = placeOrder(before.node, { price: '39000.0', botId: 'bot-2' });
  before.link.delivering = false;
  before.node.execution.cancelAll({
    traderId: canceling.traderId,
    accountId: ACCOUNT,
    botId: canceling.botId,
    instrumentId: PERP.id,
    side: OrderSide.BUY,
    reason: 'x',
  });
  const unanswered = placeOrder(before.node, { price: '38000.0' });
  return {
    before,
    entries: (before.journal as RecordingJournal).entries,
    orders: { filled, partial, working, canceling, unanswered },
  };
}

describe('TradingNode.restore', () => {
  it('rebuilds orders, positions and balances as they were, without journaling, publishing or calling the venue', () => {
    const w = world();
    const { before, entries, orders } = history(w);
    const after = platform(w);
    const published: string[] = [];
    for (const topic of [Topic.ORDERS_PLACED, Topic.ORDERS_UPDATED, Topic.ORDERS_FILLS]) {
      after.node.bus.subscribe(topic, 'watch', (m) => published.push(`${topic} ${m.type}`));
    }

    const summary = after.node.restore(entries);

    for (const cmd of Object.values(orders)) {
      const was = before.node.cache.order(cmd.clientOrderId)!;
      const now = after.node.cache.order(cmd.clientOrderId)!;
      expect(now.status, cmd.clientOrderId).toBe(was.status);
      expect(now.filledQty.eq(was.filledQty)).toBe(true);
      expect(now.venueOrderId).toBe(was.venueOrderId);
    }
    expect(after.node.cache.order(orders.canceling.clientOrderId)!.status).toBe(OrderStatus.PENDING_CANCEL);
    expect(after.node.cache.order(orders.working.clientOrderId)!.status).toBe(OrderStatus.ACCEPTED);
    expect(after.node.portfolio.positions()).toEqual(before.node.portfolio.positions());
    expect(
      after.node.portfolio.balance(ACCOUNT, 'USDT')!.eq(before.node.portfolio.balance(ACCOUNT, 'USDT')!),
    ).toBe(true);
    expect((after.journal as RecordingJournal).entries).toEqual([]);
    expect(after.link.sent).toEqual([]);
    expect(published).toEqual([]);
    expect(summary).toMatchObject({
      entries: entries.length,
      duplicates: 0,
      orders: 5,
      openOrders: 4,
      fills: 2,
      positions: 1,
      anomalies: [],
      unsubmitted: [],
    });
    expect(summary.commands + summary.events).toBe(entries.length);
    expect([...summary.inFlight].sort()).toEqual(
      [orders.canceling.clientOrderId, orders.unanswered.clientOrderId].sort(),
    );
  });

  it('never issues an id the journal holds, even on a clock that has not moved', () => {
    const w = world();
    const { entries } = history(w);
    const after = platform(w);
    after.node.restore(entries);
    const journaled = new Set<string>();
    for (const e of entries) journaled.add('eventId' in e ? e.eventId : e.commandId);
    const fresh = Array.from({ length: 50 }, () => after.node.ids.id());
    expect(fresh.filter((id) => journaled.has(id))).toEqual([]);
    const orderIds = new Set(entries.map((e) => e.type !== 'CancelAllOrders' && e.clientOrderId));
    // Same bot, same reason, same millisecond as the last journaled order.
    const next = after.node.orderIds.generate('bot-1', 'entry');
    expect(orderIds.has(next)).toBe(false);
    const last = parseClientOrderId(entries.filter((e) => e.type === 'SubmitOrder').at(-1)!.clientOrderId)!;
    expect(parseClientOrderId(next)).toMatchObject({ timeMs: last.timeMs, seq: last.seq + 1 });
  });

  it('counts the open orders it restored in risk: a limit of open orders still holds', () => {
    const w = world();
    const before = platform(w);
    before.node.start();
    placeOrder(before.node, { price: '40000.0' });
    const risk = riskConfigFromJson(
      { trader_id: 'QUBIT', global: { max_open_orders: 1 }, collar_pct: null },
      'risk',
    );
    const after = platform(w, undefined, undefined, undefined, risk);
    after.node.restore((before.journal as RecordingJournal).entries);
    after.node.start();
    const denied: string[] = [];
    after.node.bus.subscribe<OrderDenied>(Topic.TRADES_REJECTED, 'watch', (m) => denied.push(m.reason));
    after.node.bus.publish(Topic.TRADING_SIGNALS, PERP.id, orderCommand(after.node, { price: '40000.0' }));
    expect(denied).toHaveLength(1);
    expect(denied[0]).toMatch(/open orders/);
  });

  it('reports bad entries as anomalies, applies none of them and goes on', () => {
    const w = world();
    const { entries, orders } = history(w);
    const fill = entries.find((e): e is OrderFilled => e.type === 'OrderFilled')!;
    const bad: JournalEntry[] = [
      ...entries,
      null as unknown as JournalEntry,
      { type: 'Weird' } as unknown as JournalEntry,
      { ...fill, eventId: 'N-zz1', clientOrderId: 'NOBODY-1' as OrderFilled['clientOrderId'] },
      // An illegal transition: a fill of an order already filled completely.
      { ...fill, eventId: 'N-zz2', tradeId: TradeId('BINANCE-T999') },
      // The same fill journaled twice (a retried write): a duplicate, not an anomaly.
      fill,
      // A fill for an account the node does not have: the order has no such fill either.
      {
        ...fill,
        eventId: 'N-zz3',
        tradeId: TradeId('BINANCE-T998'),
        clientOrderId: orders.working.clientOrderId,
        accountId: 'SIM-404' as OrderFilled['accountId'],
        venueOrderId: VenueOrderId('x'),
        fee: Money.of('0', PERP.settlementCurrency),
      },
    ];
    const after = platform(w);
    const summary = after.node.restore(bad);
    expect(summary.duplicates).toBe(1);
    expect(summary.anomalies).toHaveLength(5);
    expect(summary.anomalies[0]).toMatch(/^entry \d+: not a journal entry/);
    expect(summary.anomalies[1]).toMatch(/\(Weird\): Weird is neither a command nor an order event/);
    expect(summary.anomalies[2]).toMatch(
      /\(OrderFilled of NOBODY-1\): OrderFilled for order NOBODY-1, which was never initialized/,
    );
    expect(summary.anomalies[3]).toMatch(/not allowed when the order is FILLED/);
    expect(summary.anomalies[4]).toMatch(
      /took the fill but the portfolio refused it: fill.accountId: unknown account SIM-404/,
    );
    expect(after.node.portfolio.netQty(ACCOUNT, PERP.id).toString()).toBe('0.006');
    expect(after.node.cache.order(orders.filled.clientOrderId)!.filledQty.toString()).toBe('0.010');
  });

  it('continues the synthetic trade ids of earlier reconciliations', () => {
    const w = world();
    const { entries } = history(w);
    const fill = entries.find((e): e is OrderFilled => e.type === 'OrderFilled')!;
    const after = platform(w);
    // A journal whose order was filled by an adoption (RECON-BINANCE-7) in an earlier run.
    after.node.restore(
      entries.map((e) => (e === fill ? { ...fill, tradeId: TradeId('RECON-BINANCE-7') } : e)),
    );
    expect(after.node.recoveryMarks.nextSyntheticId('BINANCE')).toBe('RECON-BINANCE-8');
  });

  it('refuses to restore a node that started, was restored already or has orders', () => {
    const w = world();
    const { entries } = history(w);
    const started = platform(w);
    started.node.start();
    expect(() => started.node.restore(entries)).toThrow(/already started/);
    const twice = platform(w);
    twice.node.restore([]);
    expect(() => twice.node.restore(entries)).toThrow(/already been restored/);
    expect(() => platform(w).node.restore('x' as unknown as JournalEntry[])).toThrow(/expected an array/);
  });
});

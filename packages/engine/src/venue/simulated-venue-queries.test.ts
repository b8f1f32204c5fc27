import {
  AccountId,
  AggressorSide,
  BTCUSDT_PERP_BINANCE,
  BotId,
  ClientOrderId,
  Money,
  OrderSide,
  OrderType,
  Price,
  Quantity,
  StrategyId,
  TimeInForce,
  TradeId,
  TraderId,
  instrumentFromSpec,
  type OrderEvent,
  type SubmitOrder,
} from '@qubit/model';
import { describe, expect, it } from 'vitest';
import { TestClock } from '../clock/test-clock.js';
import { IdGenerator } from '../ids/id-generator.js';
import { SimulatedVenue } from './simulated-venue.js';
import { SimulatedVenueQueries } from './simulated-venue-queries.js';
import type { SimulatedVenueConfig } from './venue-config.js';

const PERP = instrumentFromSpec(BTCUSDT_PERP_BINANCE);
const A = AccountId('SIM-001');
const B = AccountId('SIM-002');

function setup(config: Partial<SimulatedVenueConfig> = {}) {
  const clock = new TestClock(1_000_000_000n);
  const venue = new SimulatedVenue({
    venue: 'BINANCE',
    clock,
    ids: new IdGenerator('V'),
    instruments: (id) => (id === PERP.id ? PERP : undefined),
    config,
    accounts: { [A]: [Money.of('1000', PERP.settlementCurrency)] },
  });
  const events: OrderEvent[] = [];
  venue.connect((e) => events.push(e));
  const q = new SimulatedVenueQueries(venue);
  let n = 0;
  const submit = (o: Partial<SubmitOrder> = {}): SubmitOrder => {
    n++;
    const cmd: SubmitOrder = {
      type: 'SubmitOrder',
      commandId: `c${n}`,
      traderId: TraderId('QUBIT'),
      accountId: A,
      botId: BotId('bot-1'),
      strategyId: StrategyId('s'),
      instrumentId: PERP.id,
      clientOrderId: ClientOrderId(`O-${n}`),
      side: OrderSide.BUY,
      orderType: OrderType.LIMIT,
      quantity: Quantity.from('0.010'),
      price: Price.from('40000.00'),
      timeInForce: TimeInForce.GTC,
      postOnly: false,
      reduceOnly: false,
      reason: 'r',
      tsInit: clock.now(),
      ...o,
    };
    venue.submitOrder(cmd);
    return cmd;
  };
  const print = (price: string, size = '1.000'): void => {
    clock.advanceTo(clock.now() + 1_000_000_000n);
    venue.processTrade({
      type: 'TradeTick',
      instrumentId: PERP.id,
      price: Price.from(price),
      size: Quantity.from(size),
      aggressorSide: AggressorSide.NO_AGGRESSOR,
      tradeId: TradeId(`P${clock.now()}`),
      tsEvent: clock.now(),
      tsInit: clock.now(),
    });
  };
  return { clock, venue, q, events, submit, print };
}

describe('SimulatedVenueQueries', () => {
  it('answers open orders, order status, fills, positions and balances of one account', async () => {
    const t = setup();
    const working = t.submit();
    const partial = t.submit({ price: Price.from('41000.00') });
    const otherAccount = t.submit({ accountId: B, price: Price.from('41000.00') });
    t.print('41000.00', '0.004'); // fills `partial` in part (time priority over B's order)
    const canceled = t.submit({ price: Price.from('39000.00') });
    t.venue.cancelOrder({ ...canceled, type: 'CancelOrder', commandId: 'x' });
    const rejected = t.submit({ price: Price.from('40000.05') }); // off the tick grid

    const open = await t.q.fetchOpenOrders(A);
    expect(open.map((o) => o.clientOrderId)).toEqual([working.clientOrderId, partial.clientOrderId]);
    expect(open[1]!.filledQty.toString()).toBe('0.004');

    expect(await t.q.fetchOrder(A, working.clientOrderId)).toMatchObject({
      status: 'ACCEPTED',
      triggered: false,
    });
    const p = (await t.q.fetchOrder(A, partial.clientOrderId))!;
    expect(p.status).toBe('PARTIALLY_FILLED');
    expect(p.avgPx?.toString()).toBe('41000.00');
    expect((await t.q.fetchOrder(A, canceled.clientOrderId))?.status).toBe('CANCELED');
    const r = (await t.q.fetchOrder(A, rejected.clientOrderId))!;
    expect(r.status).toBe('REJECTED');
    expect(r.venueOrderId).toBe('SIM-BINANCE-R1');
    expect(await t.q.fetchOrder(A, ClientOrderId('NEVER-SENT'))).toBeUndefined();
    // An order of another account is not this account's to see.
    expect(await t.q.fetchOrder(A, otherAccount.clientOrderId)).toBeUndefined();

    t.print('40000.00');
    const done = (await t.q.fetchOrder(A, working.clientOrderId))!;
    expect(done).toMatchObject({ status: 'FILLED', venueOrderId: open[0]!.venueOrderId });
    expect(done.filledQty.toString()).toBe('0.010');

    const fills = await t.q.fetchFills(A);
    expect(fills.map((f) => f.clientOrderId)).toEqual([
      partial.clientOrderId,
      partial.clientOrderId,
      working.clientOrderId,
    ]);
    const since = fills[1]!.tsEvent;
    expect((await t.q.fetchFills(A, since)).map((f) => f.tradeId)).toEqual(
      fills.slice(1).map((f) => f.tradeId),
    );
    expect((await t.q.fetchFills(B)).every((f) => f.accountId === B)).toBe(true);

    const positions = await t.q.fetchPositions(A);
    expect(positions.map((x) => x.netQty.toString())).toEqual(['0.020']);
    expect(positions[0]!.avgPx?.toString()).toBe('40500.00');
    // Fees are charged to the balance: taker/maker on 0.010 × 41000 and 0.010 × 40000.
    const [usdt] = await t.q.fetchBalances(A);
    const fees = fills.reduce((s, f) => s.add(f.fee.amount), usdt!.amount.sub(usdt!.amount));
    expect(usdt!.amount.eq(Money.of('1000', PERP.settlementCurrency).amount.sub(fees))).toBe(true);
  });

  it('remembers only the last closedOrderMemory closed orders', async () => {
    const t = setup({ closedOrderMemory: 2 });
    const first = t.submit();
    const second = t.submit();
    const third = t.submit();
    for (const c of [first, second, third])
      t.venue.cancelOrder({ ...c, type: 'CancelOrder', commandId: `x-${c.clientOrderId}` });
    expect(await t.q.fetchOrder(A, first.clientOrderId)).toBeUndefined();
    expect((await t.q.fetchOrder(A, second.clientOrderId))?.status).toBe('CANCELED');
    expect((await t.q.fetchOrder(A, third.clientOrderId))?.status).toBe('CANCELED');
    const none = setup({ closedOrderMemory: 0 });
    const c = none.submit();
    none.venue.cancelOrder({ ...c, type: 'CancelOrder', commandId: 'x' });
    expect(await none.q.fetchOrder(A, c.clientOrderId)).toBeUndefined();
  });

  it('rejects bad arguments and a venue that keeps no fills, naming what is wrong', async () => {
    const t = setup();
    await expect(t.q.fetchOpenOrders('' as typeof A)).rejects.toThrow(/accountId/);
    await expect(t.q.fetchOrder(A, 'has space' as ClientOrderId)).rejects.toThrow(/clientOrderId/);
    await expect(t.q.fetchFills(A, -1n)).rejects.toThrow(/since: must be nanoseconds/);
    await expect(t.q.fetchFills(A, 5 as unknown as bigint)).rejects.toThrow(/since/);
    const quiet = setup({ keepFills: false });
    await expect(quiet.q.fetchFills(A)).rejects.toThrow(
      /venue.config.keepFills: BINANCE does not keep its fills/,
    );
    expect(() => new SimulatedVenueQueries({} as SimulatedVenue)).toThrow(/venue: expected a SimulatedVenue/);
  });
});

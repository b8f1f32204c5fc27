import {
  AccountId,
  BTCUSDT_BINANCE,
  BotId,
  ClientOrderId,
  OrderSide,
  OrderType,
  Price,
  Quantity,
  StrategyId,
  TimeInForce,
  TraderId,
  instrumentFromSpec,
  type VenueOrderId,
} from '@qubit/model';
import { describe, expect, it } from 'vitest';
import { PositionLedger } from './position-ledger.js';
import { SimOrder } from './sim-order.js';
import { SortedOrders } from './sorted-orders.js';

const BTC = instrumentFromSpec(BTCUSDT_BINANCE);
const POSITION = new PositionLedger().entry(AccountId('A'), BTC);

function simOrder(id: string, seq: number, px: bigint, side: OrderSide = OrderSide.BUY): SimOrder {
  const cmd = {
    type: 'SubmitOrder' as const,
    commandId: id,
    traderId: TraderId('T'),
    accountId: AccountId('A'),
    botId: BotId('b'),
    strategyId: StrategyId('s'),
    instrumentId: BTC.id,
    clientOrderId: ClientOrderId(id),
    side,
    orderType: OrderType.LIMIT,
    quantity: Quantity.from('1'),
    price: Price.fromUnits(px, 2),
    timeInForce: TimeInForce.GTC,
    postOnly: false,
    reduceOnly: false,
    reason: 'r',
    tsInit: 0n,
  };
  return new SimOrder(
    cmd,
    BTC,
    `V-${id}` as VenueOrderId,
    POSITION,
    seq,
    cmd.quantity,
    100000n,
    cmd.price,
    px,
    undefined,
    0n,
  );
}

function order(list: SortedOrders): string[] {
  const out: string[] = [];
  const c = list.scan();
  for (let o = c.peek(); o; c.advance(), o = c.peek()) out.push(o.cmd.clientOrderId);
  return out;
}

describe('SortedOrders', () => {
  it('ranks buy limits by highest price, then by time', () => {
    const list = new SortedOrders(false, true);
    list.insert(simOrder('a', 1, 100n));
    list.insert(simOrder('b', 2, 105n));
    list.insert(simOrder('c', 3, 100n));
    list.insert(simOrder('d', 4, 103n));
    expect(order(list)).toEqual(['b', 'd', 'a', 'c']);
    expect(list.first()?.cmd.clientOrderId).toBe('b');
  });

  it('ranks sell limits by lowest price', () => {
    const list = new SortedOrders(false, false);
    for (const [id, px] of [
      ['a', 105n],
      ['b', 100n],
      ['c', 103n],
    ] as const)
      list.insert(simOrder(id, 0, px, OrderSide.SELL));
    expect(order(list)).toEqual(['b', 'c', 'a']);
  });

  it('puts an order that kept its time priority back in its place', () => {
    const list = new SortedOrders(false, true);
    const a = simOrder('a', 1, 100n);
    list.insert(a);
    list.insert(simOrder('b', 2, 100n));
    list.remove(a);
    expect(order(list)).toEqual(['b']);
    list.insert(a);
    expect(order(list)).toEqual(['a', 'b']);
  });

  it('skips detached orders during a scan and drops them (and empty levels) on compact', () => {
    const list = new SortedOrders(false, true);
    const a = simOrder('a', 1, 105n);
    const b = simOrder('b', 2, 100n);
    list.insert(a);
    list.insert(b);
    list.detach(a);
    expect(list.holds(a)).toBe(false);
    expect(order(list)).toEqual(['b']);
    expect(list.length).toBe(2);
    list.compact();
    expect(list.length).toBe(1);
    expect(list.first()).toBe(b);
    list.insert(simOrder('c', 3, 105n));
    expect(order(list)).toEqual(['c', 'b']);
  });
});

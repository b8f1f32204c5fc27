import { describe, expect, it } from 'vitest';
import { MessageBus, type BusMessage } from '../bus/message-bus.js';
import { Topic } from '../bus/topics.js';
import { EventRecorder } from './event-recorder.js';

const msg = (type: string, n = 0): BusMessage & { n: number } => ({ type, n });

describe('EventRecorder', () => {
  it('sorts what the kernel publishes into order events, fills, denials, positions, accounts, alerts and dead letters', () => {
    const bus = new MessageBus();
    const r = new EventRecorder(bus);
    bus.publish(Topic.ORDERS_PLACED, 'A', msg('OrderSubmitted', 1));
    bus.publish(Topic.ORDERS_UPDATED, 'A', msg('OrderAccepted', 2));
    bus.publish(Topic.ORDERS_FILLS, 'A', msg('OrderFilled', 3));
    bus.publish(Topic.TRADES_REJECTED, 'A', msg('OrderDenied', 4));
    bus.publish(Topic.PORTFOLIO_UPDATED, 'A', msg('PositionOpened', 5));
    bus.publish(Topic.PORTFOLIO_UPDATED, 'A', msg('AccountState', 6));
    bus.publish(Topic.RISK_ALERTS, 'A', msg('TradingStateChanged', 7));
    bus.publish(Topic.RISK_ALERTS, 'A', msg('ExecutionAnomaly', 8));
    bus.publish(Topic.DEAD_LETTER, 'orders.fills', msg('DeadLetter', 9));
    bus.publish(Topic.MARKET_RAW_DATA, 'BINANCE:BTCUSDT', msg('TradeTick', 10));
    const ns = (list: readonly unknown[]): number[] => list.map((m) => (m as { n: number }).n);
    // Every order event in publish order, whatever its topic.
    expect(ns(r.orderEvents)).toEqual([1, 2, 3, 4]);
    expect(ns(r.fills)).toEqual([3]);
    expect(ns(r.denials)).toEqual([4]);
    expect(ns(r.positionEvents)).toEqual([5]);
    expect(ns(r.accountStates)).toEqual([6]);
    expect(ns(r.alerts)).toEqual([7, 8]);
    expect(ns(r.tradingStates)).toEqual([7]);
    expect(ns(r.deadLetters)).toEqual([9]);
  });

  it('records a handler failure elsewhere on the bus as a dead letter', () => {
    const bus = new MessageBus();
    const r = new EventRecorder(bus);
    bus.subscribe(Topic.ORDERS_FILLS, 'portfolio', () => {
      throw new Error('unknown account');
    });
    bus.publish(Topic.ORDERS_FILLS, 'ACC', msg('OrderFilled'));
    expect(r.fills).toHaveLength(1);
    expect(r.deadLetters).toHaveLength(1);
    expect(r.deadLetters[0]).toMatchObject({
      topic: Topic.ORDERS_FILLS,
      group: 'portfolio',
      error: 'unknown account',
    });
  });

  it('stops recording once closed', () => {
    const bus = new MessageBus();
    const r = new EventRecorder(bus);
    bus.publish(Topic.ORDERS_FILLS, 'A', msg('OrderFilled'));
    r.close();
    bus.publish(Topic.ORDERS_FILLS, 'A', msg('OrderFilled'));
    bus.publish(Topic.RISK_ALERTS, 'A', msg('TradingStateChanged'));
    expect(r.fills).toHaveLength(1);
    expect(r.orderEvents).toHaveLength(1);
    expect(r.alerts).toEqual([]);
  });

  it('records everything in each of two recorders with different groups', () => {
    const bus = new MessageBus();
    const a = new EventRecorder(bus, 'recorder-a');
    const b = new EventRecorder(bus, 'recorder-b');
    bus.publish(Topic.ORDERS_FILLS, 'A', msg('OrderFilled'));
    expect(a.fills).toHaveLength(1);
    expect(b.fills).toHaveLength(1);
  });
});

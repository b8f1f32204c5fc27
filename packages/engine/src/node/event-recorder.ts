import type {
  AccountState,
  OrderDenied,
  OrderEvent,
  OrderFilled,
  PositionEvent,
  TradingStateChanged,
} from '@qubit/model';
import type { Bus, BusMessage, DeadLetter } from '../bus/message-bus.js';
import { Topic } from '../bus/topics.js';

/** Collects what the kernel published, in order: for the test harness, backtest reports and the demo. */
export class EventRecorder {
  readonly orderEvents: OrderEvent[] = [];
  readonly fills: OrderFilled[] = [];
  readonly denials: OrderDenied[] = [];
  readonly positionEvents: PositionEvent[] = [];
  readonly accountStates: AccountState[] = [];
  readonly alerts: BusMessage[] = [];
  readonly tradingStates: TradingStateChanged[] = [];
  readonly deadLetters: DeadLetter[] = [];
  private readonly unsubscribe: (() => void)[] = [];

  constructor(bus: Bus, group = 'recorder') {
    const on = (topic: string, fn: (m: BusMessage) => void) =>
      this.unsubscribe.push(bus.subscribe(topic, group, fn));
    on(Topic.ORDERS_PLACED, (m) => this.orderEvents.push(m as OrderEvent));
    on(Topic.ORDERS_UPDATED, (m) => this.orderEvents.push(m as OrderEvent));
    on(Topic.ORDERS_FILLS, (m) => {
      this.orderEvents.push(m as OrderEvent);
      this.fills.push(m as OrderFilled);
    });
    on(Topic.TRADES_REJECTED, (m) => {
      this.orderEvents.push(m as OrderEvent);
      this.denials.push(m as OrderDenied);
    });
    on(Topic.PORTFOLIO_UPDATED, (m) => {
      if (m.type === 'AccountState') this.accountStates.push(m as AccountState);
      else this.positionEvents.push(m as PositionEvent);
    });
    on(Topic.RISK_ALERTS, (m) => {
      this.alerts.push(m);
      if (m.type === 'TradingStateChanged') this.tradingStates.push(m as TradingStateChanged);
    });
    on(Topic.DEAD_LETTER, (m) => this.deadLetters.push(m as DeadLetter));
  }

  close(): void {
    for (const u of this.unsubscribe.splice(0)) u();
  }
}

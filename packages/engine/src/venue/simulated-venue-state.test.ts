import fc from 'fast-check';
import {
  AccountId,
  AggressorSide,
  BTCUSDT_BINANCE,
  BarAggregation,
  BotId,
  ClientOrderId,
  Decimal,
  Money,
  OrderSide,
  OrderType,
  Price,
  PriceType,
  Quantity,
  StrategyId,
  TimeInForce,
  TradeId,
  TraderId,
  instrumentFromSpec,
  makeBarType,
  type MarketData,
  type OrderEvent,
  type SubmitOrder,
  type TradingCommand,
} from '@qubit/model';
import { describe, expect, it } from 'vitest';
import { TestClock } from '../clock/test-clock.js';
import { IdGenerator } from '../ids/id-generator.js';
import { SimulatedVenue, type SimulatedVenueOptions } from './simulated-venue.js';
import { simulatedVenueStateFromJson, simulatedVenueStateToJson } from './simulated-venue-state.js';
import type { SimulatedVenueConfig } from './venue-config.js';

const BTC = instrumentFromSpec(BTCUSDT_BINANCE);
const BARS = makeBarType(BTC.id, 1, BarAggregation.MINUTE, PriceType.LAST);
const ACCOUNTS = [AccountId('SIM-001'), AccountId('SIM-002')];
const instruments = (id: string) => (id === BTC.id ? BTC : undefined);
const START = 1_704_672_000_000_000_000n;

type Driver = 'bars' | 'trades' | 'quotes' | 'book';

type Step =
  | {
      kind: 'submit';
      account: number;
      side: OrderSide;
      type: OrderType;
      tif: TimeInForce;
      lots: number;
      offset: number;
      triggerOffset: number;
      expiresIn: number;
      reduceOnly: boolean;
    }
  | { kind: 'cancel'; pick: number }
  | { kind: 'modify'; pick: number; lots: number; offset: number }
  | { kind: 'data'; move: number; up: number; down: number; size: number; spread: number };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('submit' as const),
      account: fc.integer({ min: 0, max: 1 }),
      side: fc.constantFrom(OrderSide.BUY, OrderSide.SELL),
      type: fc.constantFrom(OrderType.MARKET, OrderType.LIMIT, OrderType.STOP_MARKET, OrderType.STOP_LIMIT),
      tif: fc.constantFrom(
        TimeInForce.GTC,
        TimeInForce.GTC,
        TimeInForce.GTD,
        TimeInForce.IOC,
        TimeInForce.FOK,
      ),
      lots: fc.integer({ min: 1, max: 5 }),
      offset: fc.integer({ min: -6, max: 6 }),
      triggerOffset: fc.integer({ min: -6, max: 6 }),
      expiresIn: fc.integer({ min: 1, max: 6 }),
      reduceOnly: fc.constantFrom(false, false, false, true),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('modify' as const),
      pick: fc.nat(),
      lots: fc.integer({ min: 1, max: 6 }),
      offset: fc.integer({ min: -6, max: 6 }),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('data' as const),
      move: fc.integer({ min: -4, max: 4 }),
      up: fc.integer({ min: 0, max: 4 }),
      down: fc.integer({ min: 0, max: 4 }),
      size: fc.integer({ min: 1, max: 8 }),
      spread: fc.integer({ min: 1, max: 3 }),
    }),
  },
);

const LOT = Decimal.parse('0.001');
const px = (units: number): Price => Price.from(`${units}.00`);
const qty = (lots: number): Quantity =>
  Quantity.from(LOT.mulInt(lots).toString()).withPrecision(BTC.sizePrecision);

/** Turns steps into the venue's inputs, reading the venue's open orders for cancels and modifies. */
class Script {
  private mid = 42_000;
  private n = 0;

  constructor(private readonly driver: Driver) {}

  /** The input of `s` at `now`, or nothing when the step has no target. */
  input(s: Step, now: bigint, venue: SimulatedVenue): TradingCommand | MarketData | undefined {
    const n = this.n++;
    if (s.kind === 'submit') {
      const limited = s.type === OrderType.LIMIT || s.type === OrderType.STOP_LIMIT;
      const stop = s.type === OrderType.STOP_MARKET || s.type === OrderType.STOP_LIMIT;
      const cmd: SubmitOrder = {
        type: 'SubmitOrder',
        commandId: `c${n}`,
        traderId: TraderId('QUBIT'),
        accountId: ACCOUNTS[s.account]!,
        botId: BotId('bot'),
        strategyId: StrategyId('prop'),
        instrumentId: BTC.id,
        clientOrderId: ClientOrderId(`P${n}`),
        side: s.side,
        orderType: s.type,
        quantity: qty(s.lots),
        ...(limited ? { price: px(this.mid + s.offset) } : {}),
        ...(stop ? { triggerPrice: px(this.mid + s.triggerOffset) } : {}),
        timeInForce: s.tif,
        ...(s.tif === TimeInForce.GTD ? { expireTime: now + BigInt(s.expiresIn) * 700n } : {}),
        postOnly: false,
        reduceOnly: s.reduceOnly,
        reason: 'prop',
        tsInit: now,
      };
      return cmd;
    }
    if (s.kind === 'cancel' || s.kind === 'modify') {
      const working = venue.openOrders();
      const o = working[s.pick % Math.max(1, working.length)];
      if (!o) return undefined;
      const owner = {
        traderId: o.traderId,
        accountId: o.accountId,
        botId: o.botId,
        strategyId: o.strategyId,
        instrumentId: o.instrumentId,
        clientOrderId: o.clientOrderId,
        tsInit: now,
      };
      if (s.kind === 'cancel') return { ...owner, type: 'CancelOrder', commandId: `x${n}` };
      const limited = o.orderType === OrderType.LIMIT || o.orderType === OrderType.STOP_LIMIT;
      return {
        ...owner,
        type: 'ModifyOrder',
        commandId: `m${n}`,
        quantity: qty(s.lots),
        ...(limited ? { price: px(this.mid + s.offset) } : {}),
      };
    }
    const open = this.mid;
    this.mid = Math.max(100, this.mid + s.move);
    const mid = this.mid;
    const size = qty(s.size);
    switch (this.driver) {
      case 'bars':
        return {
          type: 'Bar',
          barType: BARS,
          open: px(open),
          high: px(Math.max(open, mid) + s.up),
          low: px(Math.min(open, mid) - s.down),
          close: px(mid),
          volume: Quantity.from('10'),
          tsEvent: now,
          tsInit: now,
        };
      case 'trades':
        return {
          type: 'TradeTick',
          instrumentId: BTC.id,
          price: px(mid),
          size,
          aggressorSide: AggressorSide.NO_AGGRESSOR,
          tradeId: TradeId(`t${n}`),
          tsEvent: now,
          tsInit: now,
        };
      case 'quotes':
        return {
          type: 'QuoteTick',
          instrumentId: BTC.id,
          bidPrice: px(mid - s.spread),
          askPrice: px(mid),
          bidSize: size,
          askSize: qty(s.size + s.up),
          tsEvent: now,
          tsInit: now,
        };
      case 'book':
        return {
          type: 'OrderBookSnapshot',
          instrumentId: BTC.id,
          bids: [0, 1, 2].map((i) => ({ price: px(mid - s.spread - i), size: qty(s.size + i) })),
          asks: [0, 1, 2].map((i) => ({ price: px(mid + i), size: qty(s.size + s.up + i) })),
          sequence: n,
          tsEvent: now,
          tsInit: now,
        };
    }
  }
}

function feed(venue: SimulatedVenue, input: TradingCommand | MarketData): void {
  switch (input.type) {
    case 'SubmitOrder':
      return venue.submitOrder(input);
    case 'ModifyOrder':
      return venue.modifyOrder(input);
    case 'CancelOrder':
      return venue.cancelOrder(input);
    case 'CancelAllOrders':
      return venue.cancelAllOrders(input);
    case 'Bar':
      return venue.processBar(input);
    case 'TradeTick':
      return venue.processTrade(input);
    case 'QuoteTick':
      return venue.processQuote(input);
    case 'OrderBookSnapshot':
      return venue.processBookSnapshot(input);
    case 'OrderBookDeltas':
      return venue.processBookDeltas(input);
  }
}

function options(clock: TestClock, config: Partial<SimulatedVenueConfig>): SimulatedVenueOptions {
  return { venue: 'BINANCE', clock, ids: new IdGenerator('v'), instruments, config };
}

describe('SimulatedVenue state', () => {
  for (const driver of ['bars', 'trades', 'quotes', 'book'] as const) {
    it(`continues exactly after an export and a restore at any point (${driver})`, () => {
      fc.assert(
        fc.property(
          fc.array(stepArb, { minLength: 10, maxLength: 80 }),
          fc.nat(),
          fc.constantFrom(0n, 1_500n),
          (steps, at, latencyNs) => {
            const split = at % steps.length;
            const config = { latencyNs, closedOrderMemory: 20 };
            const clockA = new TestClock(START);
            const a = new SimulatedVenue({
              ...options(clockA, config),
              accounts: {
                [ACCOUNTS[0]!]: [Money.of('100000', BTC.quoteCurrency), Money.of('2', BTC.baseCurrency)],
              },
            });
            const eventsA: OrderEvent[] = [];
            a.connect((e) => eventsA.push(e));
            const script = new Script(driver);
            for (let i = 0; i < split; i++) {
              clockA.advanceTo(clockA.now() + 1_000n);
              const input = script.input(steps[i]!, clockA.now(), a);
              if (input) feed(a, input);
            }
            // Through JSON text, as a venue process writes its state to disk and reads it back.
            const text = JSON.stringify(simulatedVenueStateToJson(a.exportState()));
            const clockB = new TestClock(clockA.now());
            const b = SimulatedVenue.restore(
              options(clockB, config),
              simulatedVenueStateFromJson(text, { instruments }),
            );
            const eventsB: OrderEvent[] = [];
            b.connect((e) => eventsB.push(e));
            const before = eventsA.length;
            for (let i = split; i < steps.length; i++) {
              clockA.advanceTo(clockA.now() + 1_000n);
              const input = script.input(steps[i]!, clockA.now(), a);
              if (input) feed(a, input);
              clockB.advanceTo(clockB.now() + 1_000n);
              if (input) feed(b, input);
            }
            // Let pending latency and expiry timers fire on both.
            clockA.advanceTo(clockA.now() + 10_000n);
            clockB.advanceTo(clockB.now() + 10_000n);
            expect(eventsB).toEqual(eventsA.slice(before));
            expect(simulatedVenueStateToJson(b.exportState())).toEqual(
              simulatedVenueStateToJson(a.exportState()),
            );
          },
        ),
        { numRuns: 80 },
      );
    });
  }

  it('names the field of a bad state', () => {
    const clock = new TestClock(START);
    const venue = new SimulatedVenue({
      ...options(clock, {}),
      accounts: { 'SIM-001': [Money.of('10', BTC.quoteCurrency)] },
    });
    venue.connect(() => {});
    venue.submitOrder({
      type: 'SubmitOrder',
      commandId: 'c1',
      traderId: TraderId('QUBIT'),
      accountId: ACCOUNTS[0]!,
      botId: BotId('bot'),
      strategyId: StrategyId('s'),
      instrumentId: BTC.id,
      clientOrderId: ClientOrderId('O-1'),
      side: OrderSide.BUY,
      orderType: OrderType.LIMIT,
      quantity: qty(2),
      price: px(40_000),
      timeInForce: TimeInForce.GTC,
      postOnly: false,
      reduceOnly: false,
      reason: 'r',
      tsInit: START,
    });
    const good = simulatedVenueStateToJson(venue.exportState());
    const mutate = (f: (j: Record<string, unknown>) => void): Record<string, unknown> => {
      const j = JSON.parse(JSON.stringify(good)) as Record<string, unknown>;
      f(j);
      return j;
    };
    const read = (j: unknown) => simulatedVenueStateFromJson(j, { instruments });
    expect(() => read('{not json')).toThrow(/^state: is not JSON/);
    expect(() => read(mutate((j) => (j.format = 'other')))).toThrow(/state.format: "other" is not/);
    expect(() => read(mutate((j) => (j.version = 9)))).toThrow(/state.version: version 9 is not supported/);
    expect(() => read(mutate((j) => delete j.counters))).toThrow(/state.counters: is required/);
    expect(() =>
      read(mutate((j) => ((j.working as Record<string, unknown>[])[0]!.filled_qty = 'lots'))),
    ).toThrow(/state.working\[0\].filled_qty/);
    expect(() =>
      read(
        mutate((j) => {
          const w = (j.working as { command: { payload: Record<string, unknown> } }[])[0]!;
          w.command.payload.price = '40000.005';
        }),
      ),
    ).toThrow(/state.working\[0\].command.payload.price/);
    expect(() =>
      read(mutate((j) => ((j.matchers as Record<string, unknown>[])[0]!.driver = 'TELEPATHY'))),
    ).toThrow(/state.matchers\[0\].driver: "TELEPATHY" is not one of/);

    const restore = (j: unknown, clockAt = START) =>
      SimulatedVenue.restore(options(new TestClock(clockAt), {}), read(j));
    expect(() =>
      restore(
        mutate((j) => {
          const b = (j.balances as { amounts: { amount: string }[] }[])[0]!;
          b.amounts[0]!.amount = '11';
        }),
      ),
    ).toThrow(/state.balances.SIM-001.USDT: is 11 but the starting balances and fills give 10/);
    expect(() => restore(good, START - 1n)).toThrow(/state.exportedAt: the clock .* is before the export/);
    expect(() =>
      restore(mutate((j) => ((j.matchers as Record<string, unknown>[])[0]!.takers = ['NOT-WORKING']))),
    ).toThrow(/state.matchers\[0\].takers: NOT-WORKING is not a working order/);
    expect(() =>
      SimulatedVenue.restore(
        { ...options(new TestClock(START), {}), instruments: () => undefined },
        read(good),
      ),
    ).toThrow(/unknown instrument BTCUSDT.BINANCE/);
    expect(() =>
      SimulatedVenue.restore({ ...options(new TestClock(START), {}), venue: 'KRAKEN' }, read(good)),
    ).toThrow(/state.venue: the state is of venue BINANCE, not KRAKEN/);
    expect(() =>
      SimulatedVenue.restore(
        { ...options(new TestClock(START), {}), ids: new IdGenerator('other') },
        read(good),
      ),
    ).toThrow(/state.lastEventId: the IdGenerator makes ids such as "other-0"/);
  });

  it('refuses to export without the fills it would be rebuilt from', () => {
    const venue = new SimulatedVenue({ ...options(new TestClock(START), { keepFills: false }) });
    expect(() => venue.exportState()).toThrow(/config.keepFills/);
  });
});

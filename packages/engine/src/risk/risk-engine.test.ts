import { describe, expect, it } from 'vitest';
import {
  Decimal,
  DenyReason,
  ModelError,
  NANOS_PER_MILLI,
  Price,
  Quantity,
  TraderId,
  type ModifyOrder,
  type SubmitOrder,
} from '@qubit/model';
import { MessageBus } from '../bus/message-bus.js';
import { Topic, portfolioKey } from '../bus/topics.js';
import { Cache } from '../cache/cache.js';
import { TestClock } from '../clock/test-clock.js';
import { IdGenerator } from '../ids/id-generator.js';
import { RiskEngine } from './risk-engine.js';
import { FakePortfolio } from './testing/fake-portfolio.js';
import { BTC, RiskHarness, ownerOf } from './testing/risk-harness.js';

const d = (s: string) => Decimal.from(s);

function modify(
  h: RiskHarness,
  of: SubmitOrder,
  change: Partial<Pick<ModifyOrder, 'quantity' | 'price'>>,
): ModifyOrder {
  return { ...ownerOf(of), type: 'ModifyOrder', commandId: h.ids.id(), tsInit: h.clock.now(), ...change };
}

describe('RiskEngine', () => {
  it('approves a valid order through both stages, keyed by account', () => {
    const h = new RiskHarness();
    const order = h.order();
    const { approved } = h.send(order);
    expect(approved).toBe(order);
    expect(h.stage1Passed).toEqual([order]);
    expect(h.keys).toEqual([
      { topic: Topic.TRADING_SIGNALS_PORTFOLIO, key: portfolioKey('cash') },
      { topic: Topic.TRADES_APPROVED, key: portfolioKey('cash') },
    ]);
  });

  it('publishes a denial as OrderDenied with the owner, a fresh id and clock times, keyed by account', () => {
    const h = new RiskHarness({ global: { maxOrderQuantity: d('0.001') } });
    const order = h.order();
    const { denied } = h.send(order);
    expect(denied).toMatchObject({
      type: 'OrderDenied',
      ...ownerOf(order),
      tsEvent: h.clock.now(),
      tsInit: h.clock.now(),
      reasonCode: DenyReason.QUANTITY_ABOVE_MAX,
      stage: 1,
    });
    expect(denied?.eventId).toMatch(/^risk-/);
    expect(h.keys.at(-1)).toEqual({ topic: Topic.TRADES_REJECTED, key: 'cash' });
  });

  it('ignores a redelivered command at each stage', () => {
    const h = new RiskHarness();
    const order = h.order();
    h.send(order);
    h.send(order);
    h.bus.publish(Topic.TRADING_SIGNALS_PORTFOLIO, 'cash', order);
    expect(h.approved).toHaveLength(1);
    expect(h.stage1Passed).toHaveLength(2); // the test's own re-publish; stage 1 forwarded once
    expect(h.denied).toHaveLength(0);
  });

  it('forgets the oldest decided ids beyond its capacity', () => {
    const h = new RiskHarness({ dedupeCapacity: 2 });
    const first = h.order();
    h.send(first);
    for (let i = 0; i < 4; i++) h.submit(); // two generations of two ids later, `first` is forgotten
    h.send(first);
    expect(h.approved.filter((c) => c === first)).toHaveLength(1); // stage 2 refuses the reused client order id
    expect(h.denied.at(-1)?.reasonCode).toBe(DenyReason.DUPLICATE_CLIENT_ORDER_ID);
  });

  it('denies a malformed command with INVALID_ORDER and says what is wrong', () => {
    const h = new RiskHarness();
    const noQty = { ...h.order(), quantity: undefined };
    expect(h.send(noQty as never).denied).toMatchObject({
      reasonCode: DenyReason.INVALID_ORDER,
      stage: 1,
    });
    expect(h.denied.at(-1)?.reason).toMatch(/has no quantity/);
    const stringQty = { ...h.order(), quantity: '1' };
    expect(h.send(stringQty as never).denied?.reason).toMatch(/quantity is not a decimal number/);
    const zero = { ...h.order(), quantity: Quantity.from('0') };
    expect(h.send(zero).denied?.reason).toMatch(/quantity 0 must be positive/);
    const noPrice = { ...h.order(), price: undefined };
    expect(h.send(noPrice).denied?.reason).toMatch(/a LIMIT order needs a limit price/);
    const noAccount = { ...h.order(), accountId: undefined };
    expect(h.send(noAccount as never).denied?.reason).toBe('SubmitOrder is missing accountId');
    expect(h.keys.at(-1)).toEqual({ topic: Topic.TRADES_REJECTED, key: '' });
    const cancel = { ...ownerOf(h.order()), type: 'CancelOrder', commandId: 'c-1', tsInit: 0n };
    expect(h.send(cancel).denied?.reason).toMatch(/CancelOrder is not an order risk decides on/);
    expect(h.approved).toHaveLength(0);
  });

  it('checks a ModifyOrder with its new quantity merged with the working order', () => {
    const h = new RiskHarness({ accounts: { cash: { maxOrderNotional: d('1000') } } });
    const working = h.order({ qty: '0.01', price: '40000.00' });
    h.rest(working);
    const bigger = h.send(modify(h, working, { quantity: Quantity.from('0.03') }));
    expect(bigger.denied?.reasonCode).toBe(DenyReason.NOTIONAL_ABOVE_MAX);
    expect(bigger.denied?.reason).toContain('notional 1200.00 USDT');
    const repriced = h.send(modify(h, working, { price: Price.from('39000.00') }));
    expect(repriced.approved?.type).toBe('ModifyOrder');
  });

  it('does not count the modified order twice against its own limits', () => {
    const h = new RiskHarness({ bots: { b1: { maxOpenOrders: 1, maxPositionQty: { default: d('0.02') } } } });
    const working = h.order({ qty: '0.02' });
    h.rest(working);
    expect(h.send(modify(h, working, { price: Price.from('39900.00') })).approved).toBeDefined();
    expect(h.send(modify(h, working, { quantity: Quantity.from('0.03') })).denied?.reasonCode).toBe(
      DenyReason.MAX_POSITION,
    );
  });

  it('denies a ModifyOrder for an unknown or closed order', () => {
    const h = new RiskHarness();
    const ghost = h.order();
    const { denied } = h.send(modify(h, ghost, { quantity: Quantity.from('0.02') }));
    expect(denied?.reasonCode).toBe(DenyReason.INVALID_ORDER);
    expect(denied?.reason).toBe(`ModifyOrder for unknown order ${ghost.clientOrderId}`);
  });

  it('changes limits at run time: merges, removes with undefined, refuses bad values without changing anything', () => {
    const h = new RiskHarness();
    const bot = { kind: 'bot', botId: 'b1' } as const;
    h.engine.setLimits(bot, { maxOrderQuantity: d('1'), maxOpenOrders: 3 });
    h.engine.setLimits(bot, { maxOpenOrders: 5 });
    expect(h.engine.limits(bot)).toEqual({ maxOrderQuantity: d('1'), maxOpenOrders: 5 });
    expect(h.submit({ qty: '1.5', price: '40000.00' }).denied?.reasonCode).toBe(
      DenyReason.QUANTITY_ABOVE_MAX,
    );
    h.engine.setLimits(bot, { maxOrderQuantity: undefined });
    expect(h.engine.limits(bot)).toEqual({ maxOpenOrders: 5 });
    expect(() => h.engine.setLimits(bot, { maxLeverage: d('-1') })).toThrow(
      'limits.bot:b1.maxLeverage: must not be negative, got -1',
    );
    expect(() => h.engine.setLimits(bot, { maxOpenOrders: 1.5 })).toThrow(ModelError);
    expect(() => h.engine.setLimits({ kind: 'global' }, { budget: d('5') })).toThrow(
      /budget applies to bots only/,
    );
    expect(() => h.engine.setLimits(bot, { maxLeverag: d('1') } as never)).toThrow(/unknown limit/);
    expect(h.engine.limits(bot)).toEqual({ maxOpenOrders: 5 });
    expect(h.engine.limits({ kind: 'account', accountId: 'never-set' })).toEqual({});
  });

  it('changes the instrument rules at run time', () => {
    const h = new RiskHarness();
    h.engine.setInstrumentRules({ whitelist: ['ETHUSDT'] });
    expect(h.submit().denied?.reasonCode).toBe(DenyReason.SYMBOL_NOT_WHITELISTED);
    h.engine.setInstrumentRules({
      whitelist: undefined,
      instrumentSubmitRate: { count: 0, windowNs: NANOS_PER_MILLI },
    });
    expect(h.submit().denied?.reasonCode).toBe(DenyReason.INSTRUMENT_RATE_LIMIT);
    expect(() => h.engine.setInstrumentRules({ collarPct: d('-0.1') })).toThrow(/rules.collarPct/);
  });

  it('refuses a bad config in the constructor, naming the field', () => {
    const cache = new Cache();
    const make = (config: object) =>
      new RiskEngine({
        bus: new MessageBus(),
        cache,
        portfolio: new FakePortfolio(cache),
        clock: new TestClock(),
        ids: new IdGenerator('r'),
        config: { traderId: TraderId('T'), ...config },
      });
    expect(() => make({ bots: { b1: { maxGrossExposure: d('-5') } } })).toThrow(
      'config.bots.b1.maxGrossExposure: must not be negative, got -5',
    );
    expect(() => make({ instrumentSubmitRate: { count: 1, windowNs: 0n } })).toThrow(
      /config.instrumentSubmitRate.windowNs/,
    );
    expect(() => make({ traderId: 'bad id' })).toThrow(/config.traderId/);
  });

  it('decides nothing after stop()', () => {
    const h = new RiskHarness();
    h.engine.stop();
    h.bus.publish(Topic.TRADING_SIGNALS, 'BINANCE:BTCUSDT', h.order({ instrument: BTC }));
    expect(h.approved).toHaveLength(0);
    expect(h.denied).toHaveLength(0);
  });
});

import { describe, expect, it } from 'vitest';
import {
  Decimal,
  DenyReason,
  NANOS_PER_MILLI,
  OrderSide,
  TradingState,
  type SubmitOrder,
} from '@qubit/model';
import { Topic, instrumentKey } from '../bus/topics.js';
import { Order } from '../orders/order.js';
import { BTC, ETH, PERP, RiskHarness, VN30 } from './testing/risk-harness.js';

const d = (s: string) => Decimal.from(s);

function long(
  h: RiskHarness,
  qty: string,
  opts: { account?: string; bot?: string; instrument?: string; price?: string } = {},
) {
  const instrument = opts.instrument ?? BTC;
  h.portfolio.fill(
    opts.account ?? 'cash',
    opts.bot ?? 'b1',
    instrument,
    OrderSide.BUY,
    d(qty),
    d(opts.price ?? '40000'),
  );
}

describe('stage 2: portfolio checks', () => {
  it('denies an order for an unknown account', () => {
    const h = new RiskHarness();
    const { denied } = h.submit({ account: 'ghost' });
    expect(denied?.reasonCode).toBe(DenyReason.ACCOUNT_UNKNOWN);
    expect(denied?.stage).toBe(2);
    expect(denied?.reason).toBe('account ghost is not known to the portfolio');
  });

  it('denies an instrument quoted in another currency than the account keeps its books in', () => {
    const h = new RiskHarness();
    const { denied } = h.submit({ account: 'cash', instrument: VN30, qty: '1' });
    expect(denied?.reasonCode).toBe(DenyReason.INVALID_ORDER);
    expect(denied?.reason).toContain('quoted in VND but account cash is kept in USDT');
  });

  it('denies when the account base currency is unknown (fail closed)', () => {
    const h = new RiskHarness();
    h.portfolio.unknown.add('baseCurrency');
    expect(h.submit().denied?.reasonCode).toBe(DenyReason.ACCOUNT_UNKNOWN);
  });

  it('denies everything while HALTED, even an order that reduces', () => {
    const h = new RiskHarness();
    long(h, '0.1');
    h.engine.setTradingState({ kind: 'bot', botId: 'b1' }, TradingState.HALTED, 'operator', 'test');
    const { denied } = h.submit({ side: OrderSide.SELL, qty: '0.05' });
    expect(denied?.reasonCode).toBe(DenyReason.TRADING_HALTED);
    expect(denied?.reason).toBe('trading is HALTED for bot:b1');
    h.engine.setTradingState({ kind: 'bot', botId: 'b1' }, TradingState.ACTIVE, 'operator', 'resume');
    expect(h.submit({ side: OrderSide.SELL, qty: '0.05' }).approved).toBeDefined();
  });

  it('lets a reducing order through while REDUCING and denies one that adds or flips', () => {
    const h = new RiskHarness();
    long(h, '0.1');
    h.engine.setTradingState(
      { kind: 'account', accountId: 'cash' },
      TradingState.REDUCING,
      'operator',
      'wind down',
    );
    expect(h.submit({ side: OrderSide.SELL, qty: '0.05' }).approved).toBeDefined();
    const add = h.submit({ side: OrderSide.BUY, qty: '0.01' });
    expect(add.denied?.reasonCode).toBe(DenyReason.REDUCE_ONLY_STATE);
    expect(add.denied?.reason).toContain('account:cash is REDUCING');
    expect(h.submit({ side: OrderSide.SELL, qty: '0.2' }).denied?.reasonCode).toBe(
      DenyReason.REDUCE_ONLY_STATE,
    );
  });

  it('counts other open reducing orders against the position while REDUCING', () => {
    const h = new RiskHarness();
    long(h, '0.1');
    h.rest(h.order({ side: OrderSide.SELL, qty: '0.08' }));
    h.engine.setTradingState({ kind: 'global' }, TradingState.REDUCING, 'operator', 'wind down');
    const { denied } = h.submit({ side: OrderSide.SELL, qty: '0.05' });
    expect(denied?.reasonCode).toBe(DenyReason.REDUCE_ONLY_STATE);
    expect(denied?.reason).toContain('other open SELL orders 0.08');
    expect(h.submit({ side: OrderSide.SELL, qty: '0.02' }).approved).toBeDefined();
  });

  it('judges a bot in REDUCING by its own sub-ledger', () => {
    const h = new RiskHarness();
    long(h, '0.1', { bot: 'b2' });
    h.engine.setTradingState({ kind: 'bot', botId: 'b1' }, TradingState.REDUCING, 'operator', 'wind down');
    // The account is long through b2, but b1 holds nothing: its sell would open a short.
    expect(h.submit({ side: OrderSide.SELL, qty: '0.05' }).denied?.reasonCode).toBe(
      DenyReason.REDUCE_ONLY_STATE,
    );
  });

  it('denies an order that would take the position above max position, counting open orders', () => {
    const h = new RiskHarness({ accounts: { cash: { maxPositionQty: { default: d('0.5') } } } });
    long(h, '0.3');
    h.rest(h.order({ qty: '0.1' }));
    const { denied } = h.submit({ qty: '0.2' });
    expect(denied?.reasonCode).toBe(DenyReason.MAX_POSITION);
    expect(denied?.reason).toBe(
      'position in BTCUSDT.BINANCE would reach 0.6 (net 0.3, open 0.1, order BUY 0.2), above max 0.5 of account:cash',
    );
    expect(h.submit({ qty: '0.1' }).approved).toBeDefined();
  });

  it('uses the per-instrument position limit over the default', () => {
    const h = new RiskHarness({
      global: { maxPositionQty: { default: d('10'), perInstrument: { [BTC]: d('0.05') } } },
    });
    expect(h.submit({ qty: '0.06' }).denied?.reasonCode).toBe(DenyReason.MAX_POSITION);
    expect(h.submit({ instrument: ETH, qty: '0.06', price: '2000.00' }).approved).toBeDefined();
  });

  it('lets an order that reduces through above the position limit', () => {
    const h = new RiskHarness();
    h.portfolio.setBalance('cash', 'BTC', '0.8');
    long(h, '0.8');
    h.engine.setLimits({ kind: 'bot', botId: 'b1' }, { maxPositionQty: { default: d('0.5') } });
    expect(h.submit({ qty: '0.01' }).denied?.reasonCode).toBe(DenyReason.MAX_POSITION);
    expect(h.submit({ side: OrderSide.SELL, qty: '0.1' }).approved).toBeDefined();
  });

  it('denies an order above max leverage', () => {
    const h = new RiskHarness({ accounts: { margin: { maxLeverage: d('2') } } });
    long(h, '3.75', { account: 'margin', instrument: PERP });
    const { denied } = h.submit({ account: 'margin', instrument: PERP, qty: '1.5', price: '40000.0' });
    expect(denied?.reasonCode).toBe(DenyReason.MAX_LEVERAGE);
    expect(denied?.reason).toBe(
      'leverage would be 2.10 ((gross 150000.00 + order 60000.00) / equity 100000.00), above max 2 of account:margin',
    );
    expect(
      h.submit({ account: 'margin', instrument: PERP, qty: '1.25', price: '40000.0' }).approved,
    ).toBeDefined();
  });

  it('denies leverage when equity is unknown or not positive (fail closed)', () => {
    const h = new RiskHarness({ global: { maxLeverage: d('5') } });
    h.portfolio.unknown.add('equity');
    const unknown = h.submit({ account: 'margin', instrument: PERP, qty: '0.01' });
    expect(unknown.denied?.reasonCode).toBe(DenyReason.MAX_LEVERAGE);
    expect(unknown.denied?.reason).toBe('equity of account margin is unknown');
    h.portfolio.unknown.delete('equity');
    h.portfolio.adjustEquity('margin', '-100000');
    expect(h.submit({ account: 'margin', instrument: PERP, qty: '0.01' }).denied?.reason).toContain(
      'no room for leverage',
    );
  });

  it('denies an order above max gross exposure but lets a reducing one through', () => {
    const h = new RiskHarness({ accounts: { margin: { maxGrossExposure: d('100000') } } });
    long(h, '2', { account: 'margin', instrument: PERP });
    const { denied } = h.submit({ account: 'margin', instrument: PERP, qty: '0.6' });
    expect(denied?.reasonCode).toBe(DenyReason.MAX_EXPOSURE);
    expect(denied?.reason).toBe(
      'gross exposure would be 104000.00 (now 80000.00 + order 24000.00), above max 100000 of account:margin',
    );
    expect(
      h.submit({ account: 'margin', instrument: PERP, qty: '0.6', side: OrderSide.SELL }).approved,
    ).toBeDefined();
  });

  it('denies when gross exposure is unknown (fail closed)', () => {
    const h = new RiskHarness({ accounts: { margin: { maxGrossExposure: d('100000') } } });
    h.portfolio.unknown.add('gross');
    const { denied } = h.submit({ account: 'margin', instrument: PERP, qty: '0.01' });
    expect(denied?.reasonCode).toBe(DenyReason.MAX_EXPOSURE);
    expect(denied?.reason).toContain('gross exposure of account margin is unknown');
  });

  it('denies an order above max open orders', () => {
    const h = new RiskHarness({ bots: { b1: { maxOpenOrders: 2 } } });
    h.rest(h.order());
    h.rest(h.order());
    const { denied } = h.submit();
    expect(denied?.reasonCode).toBe(DenyReason.MAX_OPEN_ORDERS);
    expect(denied?.reason).toBe('bot:b1 already has 2 open orders (max 2)');
    expect(h.submit({ bot: 'b2' }).approved).toBeDefined();
  });

  it('counts orders of every account against the global max open orders', () => {
    const h = new RiskHarness({ global: { maxOpenOrders: 1 } });
    h.rest(h.order({ account: 'margin', instrument: PERP }));
    expect(h.submit().denied?.reasonCode).toBe(DenyReason.MAX_OPEN_ORDERS);
  });

  it('does not count orders still waiting for risk (INITIALIZED) as open', () => {
    const h = new RiskHarness({ bots: { b1: { maxOpenOrders: 1 } } });
    for (let i = 0; i < 3; i++) {
      const c = h.order();
      h.cache.addOrder(new Order({ ...c, type: 'OrderInitialized', eventId: `e${i}`, tsEvent: c.tsInit }));
    }
    expect(h.submit().approved).toBeDefined();
  });

  it('counts an approved order the cache does not hold yet', () => {
    const h = new RiskHarness({ bots: { b1: { maxOpenOrders: 1 } } });
    const [a, b] = [h.order(), h.order()] as [SubmitOrder, SubmitOrder];
    // Both intents arrive in one burst: the second is decided before anything executes the first.
    h.bus.subscribe('test.burst', 'test', () => {
      h.bus.publish(Topic.TRADING_SIGNALS, instrumentKey(BTC), a);
      h.bus.publish(Topic.TRADING_SIGNALS, instrumentKey(BTC), b);
    });
    h.bus.publish('test.burst', 'x', { type: 'Burst' });
    expect(h.approved.map((c) => c.clientOrderId)).toEqual([a.clientOrderId]);
    expect(h.denied[0]?.reasonCode).toBe(DenyReason.MAX_OPEN_ORDERS);
  });

  it('denies orders above the scope submit rate until the window slides', () => {
    const h = new RiskHarness({
      accounts: { cash: { maxSubmitRate: { count: 2, windowNs: 1000n * NANOS_PER_MILLI } } },
    });
    expect(h.submit().approved).toBeDefined();
    expect(h.submit().approved).toBeDefined();
    const third = h.submit();
    expect(third.denied?.reasonCode).toBe(DenyReason.SUBMIT_RATE_LIMIT);
    expect(third.denied?.reason).toBe('account:cash already sent 2 orders in the last 1000 ms (max 2)');
    expect(h.submit({ account: 'margin', instrument: PERP }).approved).toBeDefined();
    h.advance(1000n * NANOS_PER_MILLI);
    expect(h.submit().approved).toBeDefined();
  });

  it('does not count denied orders against the submit rate', () => {
    const h = new RiskHarness({
      bots: { b1: { maxSubmitRate: { count: 1, windowNs: 1000n * NANOS_PER_MILLI } } },
    });
    expect(h.submit({ account: 'ghost' }).denied).toBeDefined();
    expect(h.submit().approved).toBeDefined();
  });

  it('denies a cash BUY without free quote for notional, fee and open buys', () => {
    const h = new RiskHarness();
    h.portfolio.setBalance('cash', 'USDT', '1000');
    h.rest(h.order({ qty: '0.01' }));
    const { denied } = h.submit({ qty: '0.015' });
    expect(denied?.reasonCode).toBe(DenyReason.INSUFFICIENT_BALANCE);
    expect(denied?.reason).toBe(
      'needs 1001.00 USDT (order 600.00 + fee 0.60 + open buys 400.40) but 1000.00 USDT is free in account cash',
    );
    expect(h.submit({ qty: '0.0149' }).approved).toBeDefined();
  });

  it('denies a cash SELL of more base asset than is free, counting open sells', () => {
    const h = new RiskHarness();
    h.portfolio.setBalance('cash', 'BTC', '0.03');
    h.rest(h.order({ side: OrderSide.SELL, qty: '0.02' }));
    const { denied } = h.submit({ side: OrderSide.SELL, qty: '0.02' });
    expect(denied?.reasonCode).toBe(DenyReason.INSUFFICIENT_BALANCE);
    expect(denied?.reason).toContain('plus 0.02 in open sells');
    expect(h.submit({ side: OrderSide.SELL, qty: '0.01' }).approved).toBeDefined();
  });

  it('denies when the free balance is unknown (fail closed)', () => {
    const h = new RiskHarness();
    h.portfolio.unknown.add('balance');
    expect(h.submit().denied?.reason).toBe('free USDT balance of account cash is unknown');
  });

  it('denies a margin order without enough free margin', () => {
    const h = new RiskHarness();
    h.portfolio.adjustEquity('margin', '-90000'); // equity 10000
    long(h, '2', { account: 'margin', instrument: PERP }); // 80000 × 0.05 = 4000 in use
    const { denied } = h.submit({ account: 'margin', instrument: PERP, qty: '3.1' });
    expect(denied?.reasonCode).toBe(DenyReason.INSUFFICIENT_BALANCE);
    expect(denied?.reason).toBe(
      'needs margin 6200.00 but account margin has 6000.00 free (equity 10000.00 - positions 4000.00 - open orders 0.00)',
    );
    expect(h.submit({ account: 'margin', instrument: PERP, qty: '3' }).approved).toBeDefined();
  });

  it('counts the margin of open orders', () => {
    const h = new RiskHarness();
    h.portfolio.adjustEquity('margin', '-90000');
    h.rest(h.order({ account: 'margin', instrument: PERP, qty: '4' })); // 8000 margin
    expect(h.submit({ account: 'margin', instrument: PERP, qty: '1.1' }).denied?.reasonCode).toBe(
      DenyReason.INSUFFICIENT_BALANCE,
    );
    expect(h.submit({ account: 'margin', instrument: PERP, qty: '1' }).approved).toBeDefined();
  });

  it('denies an order above the bot budget, counting its open orders', () => {
    const h = new RiskHarness({ bots: { b1: { budget: d('1000') } } });
    h.rest(h.order({ qty: '0.01' }));
    const { denied } = h.submit({ qty: '0.016' });
    expect(denied?.reasonCode).toBe(DenyReason.BOT_BUDGET);
    expect(denied?.reason).toBe(
      'bot b1 would use 1040.00 (exposure 0.00 + open orders 400.00 + order 640.00), above its budget 1000',
    );
    expect(h.submit({ qty: '0.015' }).approved).toBeDefined();
  });

  it('denies a client order id that already belongs to another order', () => {
    const h = new RiskHarness();
    h.rest(h.order({ id: 'TAKEN' }));
    const { denied } = h.submit({ id: 'TAKEN' });
    expect(denied?.reasonCode).toBe(DenyReason.DUPLICATE_CLIENT_ORDER_ID);
    expect(denied?.reason).toContain('already belongs to a ACCEPTED order');
  });
});

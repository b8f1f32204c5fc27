import { describe, expect, it } from 'vitest';
import {
  AccountId,
  BotId,
  ClientOrderId,
  Decimal,
  DenyReason,
  InstrumentId,
  NANOS_PER_HOUR,
  OrderSide,
  RejectReason,
  StrategyId,
  TraderId,
  TradingState,
  VenueOrderId,
  type OrderAccepted,
  type OrderRejected,
} from '@qubit/model';
import { Topic } from '../bus/topics.js';
import { BTC, RiskHarness } from './testing/risk-harness.js';

const d = (s: string) => Decimal.from(s);
const b1 = { kind: 'bot', botId: 'b1' } as const;
const cash = { kind: 'account', accountId: 'cash' } as const;

function portfolioChanged(h: RiskHarness, accountId = 'cash', botId = 'b1'): void {
  h.bus.publish(Topic.PORTFOLIO_UPDATED, accountId, { type: 'PositionChanged', accountId, botId } as never);
}

function venueEvent(
  h: RiskHarness,
  type: 'OrderRejected' | 'OrderAccepted',
  eventId: string,
  reconciliation?: boolean,
): void {
  const base = {
    traderId: TraderId('QUBIT-001'),
    accountId: AccountId('cash'),
    botId: BotId('b1'),
    strategyId: StrategyId('s1'),
    instrumentId: InstrumentId(BTC),
    clientOrderId: ClientOrderId(`O-${eventId}`),
    eventId,
    tsEvent: h.clock.now(),
    tsInit: h.clock.now(),
    ...(reconciliation ? { reconciliation } : {}),
  };
  const event: OrderRejected | OrderAccepted =
    type === 'OrderRejected'
      ? { ...base, type, reasonCode: RejectReason.INSUFFICIENT_BALANCE, reason: 'venue says no' }
      : { ...base, type, venueOrderId: VenueOrderId(`V-${eventId}`) };
  h.bus.publish(Topic.ORDERS_UPDATED, 'cash', event);
}

/** Opens a long of `qty` BTC at 40000 for bot b1 through an approved order. */
function openLong(h: RiskHarness, qty: string): void {
  const { approved } = h.submit({ qty });
  if (!approved || approved.type !== 'SubmitOrder') throw new Error('expected an approval');
  h.fill(approved);
}

describe('circuit breakers', () => {
  it('halts the bot after the daily loss cap and cancels its open orders', () => {
    const h = new RiskHarness({ bots: { b1: { dailyLossCap: d('100') } } });
    openLong(h, '0.1');
    h.rest(h.order({ qty: '0.01' }));
    h.setLast(BTC, '38900.00'); // PnL -110
    portfolioChanged(h);
    expect(h.engine.tradingState(b1)).toBe(TradingState.HALTED);
    expect(h.alerts).toHaveLength(1);
    expect(h.alerts[0]).toMatchObject({
      type: 'TradingStateChanged',
      scope: b1,
      state: TradingState.HALTED,
      previous: TradingState.ACTIVE,
      cause: 'daily_loss_cap',
      reason: 'daily loss 110.00 exceeds cap 100 for bot:b1',
      tsEvent: h.clock.now(),
    });
    expect(h.keys.find((k) => k.topic === Topic.RISK_ALERTS)?.key).toBe('cash');
    expect(h.cancels).toHaveLength(1);
    expect(h.cancels[0]).toMatchObject({
      type: 'CancelAllOrders',
      traderId: 'QUBIT-001',
      accountId: 'cash',
      botId: 'b1',
    });
    expect(h.keys.find((k) => k.topic === Topic.ORDERS_COMMANDS)?.key).toBe('cash');
    expect(h.submit({ side: OrderSide.SELL, qty: '0.01' }).denied?.reasonCode).toBe(
      DenyReason.TRADING_HALTED,
    );
  });

  it('denies with DAILY_LOSS_CAP and halts when stage 2 finds the cap breached', () => {
    const h = new RiskHarness({ accounts: { cash: { dailyLossCap: d('100') } } });
    openLong(h, '0.1');
    h.setLast(BTC, '38900.00');
    const { denied } = h.submit({ side: OrderSide.SELL, qty: '0.01' });
    expect(denied?.reasonCode).toBe(DenyReason.DAILY_LOSS_CAP);
    expect(denied?.reason).toBe('daily loss 110.00 exceeds cap 100 for account:cash');
    expect(h.engine.tradingState(cash)).toBe(TradingState.HALTED);
  });

  it('measures the daily loss from the start of the trading day', () => {
    const h = new RiskHarness({ accounts: { cash: { dailyLossCap: d('100') } } });
    openLong(h, '0.1');
    h.setLast(BTC, '39200.00'); // -80 today
    portfolioChanged(h);
    h.advance(22n * NANOS_PER_HOUR); // past UTC midnight: the day rolls at -80
    h.setLast(BTC, '38700.00'); // -130 in all, -50 today
    portfolioChanged(h);
    expect(h.engine.tradingState(cash)).toBe(TradingState.ACTIVE);
    h.setLast(BTC, '38100.00'); // -110 today
    portfolioChanged(h);
    expect(h.engine.tradingState(cash)).toBe(TradingState.HALTED);
  });

  it('starts the trading day at the configured offset from UTC', () => {
    const h = new RiskHarness({
      accounts: { cash: { dailyLossCap: d('100') } },
      tradingDayOffsetMinutes: 420,
    });
    openLong(h, '0.1');
    h.setLast(BTC, '39200.00'); // -80
    portfolioChanged(h);
    h.advance(15n * NANOS_PER_HOUR); // 18:00 UTC: past midnight in UTC+7, before UTC midnight
    h.setLast(BTC, '38700.00'); // -50 since the day began
    portfolioChanged(h);
    expect(h.engine.tradingState(cash)).toBe(TradingState.ACTIVE);
  });

  it('counts a cap set during the day from the moment it is set', () => {
    const h = new RiskHarness();
    openLong(h, '0.1');
    h.setLast(BTC, '39200.00'); // -80 before any cap
    h.engine.setLimits(cash, { dailyLossCap: d('100') });
    h.setLast(BTC, '38900.00'); // -30 since the cap
    portfolioChanged(h);
    expect(h.engine.tradingState(cash)).toBe(TradingState.ACTIVE);
  });

  it('denies orders while the PnL of a capped scope is unknown (fail closed)', () => {
    const h = new RiskHarness({ bots: { b1: { dailyLossCap: d('100') } } });
    h.portfolio.unknown.add('pnl');
    const { denied } = h.submit();
    expect(denied?.reasonCode).toBe(DenyReason.DAILY_LOSS_CAP);
    expect(denied?.reason).toBe('PnL of bot:b1 is unknown, so its daily loss cap 100 cannot be checked');
    expect(h.engine.tradingState(b1)).toBe(TradingState.ACTIVE);
  });

  it('moves the account to REDUCING when the drawdown breaker trips', () => {
    const h = new RiskHarness({
      accounts: { cash: { drawdownBreaker: { maxDrawdown: d('50'), action: TradingState.REDUCING } } },
    });
    openLong(h, '0.1');
    h.setLast(BTC, '41000.00'); // +100: the peak
    portfolioChanged(h);
    h.setLast(BTC, '40500.00'); // +50: 50 down, not more
    portfolioChanged(h);
    expect(h.engine.tradingState(cash)).toBe(TradingState.ACTIVE);
    h.setLast(BTC, '40400.00'); // +40: 60 down
    portfolioChanged(h);
    expect(h.engine.tradingState(cash)).toBe(TradingState.REDUCING);
    expect(h.alerts[0]?.cause).toBe('drawdown');
    expect(h.alerts[0]?.reason).toBe('drawdown 60.00 from peak PnL 100.00 exceeds 50 for account:cash');
    expect(h.cancels).toHaveLength(0);
  });

  it('halts after consecutive venue rejections; an acceptance resets the count', () => {
    const h = new RiskHarness({
      bots: { b1: { rejectBreaker: { consecutive: 3, action: TradingState.HALTED } } },
    });
    venueEvent(h, 'OrderRejected', 'r1');
    venueEvent(h, 'OrderRejected', 'r2');
    venueEvent(h, 'OrderAccepted', 'a1');
    venueEvent(h, 'OrderRejected', 'r3');
    venueEvent(h, 'OrderRejected', 'r4');
    expect(h.engine.tradingState(b1)).toBe(TradingState.ACTIVE);
    venueEvent(h, 'OrderRejected', 'r5');
    expect(h.engine.tradingState(b1)).toBe(TradingState.HALTED);
    expect(h.alerts[0]).toMatchObject({
      cause: 'consecutive_rejects',
      reason: '3 consecutive venue rejections for bot:b1 (limit 3)',
    });
  });

  it('does not count rejections inferred by reconciliation after a restart', () => {
    const h = new RiskHarness({
      bots: { b1: { rejectBreaker: { consecutive: 2, action: TradingState.HALTED } } },
    });
    venueEvent(h, 'OrderRejected', 'r1', true);
    venueEvent(h, 'OrderRejected', 'r2', true);
    venueEvent(h, 'OrderRejected', 'r3', true);
    expect(h.engine.tradingState(b1)).toBe(TradingState.ACTIVE);
    venueEvent(h, 'OrderRejected', 'r4');
    venueEvent(h, 'OrderRejected', 'r5');
    expect(h.engine.tradingState(b1)).toBe(TradingState.HALTED);
  });

  it('counts a redelivered rejection once', () => {
    const h = new RiskHarness({
      accounts: { cash: { rejectBreaker: { consecutive: 2, action: TradingState.REDUCING } } },
    });
    venueEvent(h, 'OrderRejected', 'r1');
    venueEvent(h, 'OrderRejected', 'r1');
    expect(h.engine.tradingState(cash)).toBe(TradingState.ACTIVE);
    venueEvent(h, 'OrderRejected', 'r2');
    expect(h.engine.tradingState(cash)).toBe(TradingState.REDUCING);
  });

  it('never relaxes a state: a REDUCING breaker leaves a HALTED scope halted', () => {
    const h = new RiskHarness({
      accounts: { cash: { rejectBreaker: { consecutive: 1, action: TradingState.REDUCING } } },
    });
    h.engine.setTradingState(cash, TradingState.HALTED, 'operator', 'maintenance');
    venueEvent(h, 'OrderRejected', 'r1');
    expect(h.engine.tradingState(cash)).toBe(TradingState.HALTED);
    expect(h.alerts).toHaveLength(1);
  });
});

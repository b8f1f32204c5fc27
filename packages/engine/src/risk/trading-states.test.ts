import { describe, expect, it } from 'vitest';
import { ModelError, TradingState, type RiskScope } from '@qubit/model';
import { Topic } from '../bus/topics.js';
import { PERP, RiskHarness } from './testing/risk-harness.js';

const cash = { kind: 'account', accountId: 'cash' } as const;

describe('trading states', () => {
  it('starts ACTIVE and publishes a TradingStateChanged keyed by account on each change, nothing when unchanged', () => {
    const h = new RiskHarness();
    expect(h.engine.tradingState(cash)).toBe(TradingState.ACTIVE);
    h.engine.setTradingState(cash, TradingState.REDUCING, 'operator', 'end of week');
    h.engine.setTradingState(cash, TradingState.REDUCING, 'operator', 'again');
    h.engine.setTradingState(cash, TradingState.ACTIVE, 'operator', 'monday');
    expect(h.alerts.map((a) => [a.previous, a.state])).toEqual([
      ['ACTIVE', 'REDUCING'],
      ['REDUCING', 'ACTIVE'],
    ]);
    expect(h.alerts[0]).toMatchObject({
      scope: cash,
      cause: 'operator',
      reason: 'end of week',
      tsInit: h.clock.now(),
    });
    expect(h.keys.filter((k) => k.topic === Topic.RISK_ALERTS).map((k) => k.key)).toEqual(['cash', 'cash']);
  });

  it("keys a bot's alert by the account it trades in, or 'global' before it has traded", () => {
    const h = new RiskHarness({ cancelOnHalt: false });
    h.engine.setTradingState({ kind: 'bot', botId: 'b9' }, TradingState.HALTED, 'operator', 'never seen');
    h.submit({ bot: 'b1' });
    h.engine.setTradingState({ kind: 'bot', botId: 'b1' }, TradingState.REDUCING, 'operator', 'seen');
    expect(h.keys.filter((k) => k.topic === Topic.RISK_ALERTS).map((k) => k.key)).toEqual(['global', 'cash']);
  });

  it('a global halt cancels the orders of every account that has open orders', () => {
    const h = new RiskHarness();
    h.rest(h.order());
    h.rest(h.order({ account: 'margin', instrument: PERP }));
    h.engine.setTradingState({ kind: 'global' }, TradingState.HALTED, 'kill_switch', 'operator pressed stop');
    expect(h.cancels.map((c) => c.accountId).sort()).toEqual(['cash', 'margin']);
    expect(
      h.cancels.every((c) => c.botId === undefined && c.reason === 'kill_switch: operator pressed stop'),
    ).toBe(true);
    expect(
      h.keys
        .filter((k) => k.topic === Topic.ORDERS_COMMANDS)
        .map((k) => k.key)
        .sort(),
    ).toEqual(['cash', 'margin']);
    expect(h.keys.find((k) => k.topic === Topic.RISK_ALERTS)?.key).toBe('global');
  });

  it('an account halt sends one CancelAllOrders for that account', () => {
    const h = new RiskHarness();
    h.engine.setTradingState(cash, TradingState.HALTED, 'operator', 'stop');
    expect(h.cancels).toHaveLength(1);
    expect(h.cancels[0]).toMatchObject({ type: 'CancelAllOrders', accountId: 'cash', traderId: 'QUBIT-001' });
    expect(typeof h.cancels[0]?.commandId).toBe('string');
  });

  it('does not cancel on a halt when cancelOnHalt is off', () => {
    const h = new RiskHarness({ cancelOnHalt: false });
    h.rest(h.order());
    h.engine.setTradingState(cash, TradingState.HALTED, 'operator', 'stop');
    expect(h.alerts).toHaveLength(1);
    expect(h.cancels).toHaveLength(0);
  });

  it('refuses an unknown state or a malformed scope and changes nothing', () => {
    const h = new RiskHarness();
    expect(() => h.engine.setTradingState(cash, 'PAUSED' as TradingState, 'operator', 'x')).toThrow(
      ModelError,
    );
    expect(() =>
      h.engine.setTradingState(
        { kind: 'desk' } as unknown as RiskScope,
        TradingState.HALTED,
        'operator',
        'x',
      ),
    ).toThrow(/scope.kind: "desk" is not global, account or bot/);
    expect(() =>
      h.engine.setTradingState({ kind: 'account', accountId: '' }, TradingState.HALTED, 'op', 'x'),
    ).toThrow(/scope.accountId/);
    expect(() => h.engine.setTradingState(cash, TradingState.HALTED, '', 'x')).toThrow(/cause/);
    expect(h.engine.tradingState(cash)).toBe(TradingState.ACTIVE);
    expect(h.alerts).toHaveLength(0);
  });
});

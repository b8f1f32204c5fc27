import { describe, expect, it } from 'vitest';
import { Decimal, ModelError, NANOS_PER_MILLI, TradingState } from '@qubit/model';
import { limitsFromJson, positionLimitFor, riskConfigFromJson } from './risk-limits.js';

const d = (s: string) => Decimal.from(s);

describe('riskConfigFromJson', () => {
  it('reads a full config with decimal strings, rates, breakers and per-instrument limits', () => {
    const config = riskConfigFromJson({
      trader_id: 'QUBIT-001',
      global: { max_order_notional: '100000', max_open_orders: 200, daily_loss_cap: 5000 },
      accounts: {
        'BINANCE-main': {
          max_leverage: '3',
          max_gross_exposure: '250000.50',
          max_position_qty: { default: '10', per_instrument: { 'BTCUSDT.BINANCE': '2' } },
          drawdown_breaker: { max_drawdown: '8000', action: 'HALTED' },
        },
      },
      bots: {
        b1: {
          budget: '20000',
          max_position_qty: '0.5',
          max_submit_rate: { count: 10, window_ms: 1000 },
          reject_breaker: { consecutive: 5, action: 'REDUCING' },
        },
      },
      whitelist: ['BTCUSDT', 'ETHUSDT.BINANCE'],
      collar_pct: '0.05',
      instrument_submit_rate: { count: 50, window_ms: 1000 },
      cancel_on_halt: false,
      account_types: { 'BINANCE-main': 'CASH' },
      trading_day_offset_minutes: 420,
      dedupe_capacity: 1000,
      pending_ttl_ms: 5000,
    });
    expect(config.traderId).toBe('QUBIT-001');
    expect(config.global).toEqual({
      maxOrderNotional: d('100000'),
      maxOpenOrders: 200,
      dailyLossCap: d('5000'),
    });
    const account = config.accounts?.['BINANCE-main'];
    expect(account?.maxGrossExposure?.toString()).toBe('250000.50');
    expect(positionLimitFor(account?.maxPositionQty, 'BTCUSDT.BINANCE')).toEqual(d('2'));
    expect(positionLimitFor(account?.maxPositionQty, 'ETHUSDT.BINANCE')).toEqual(d('10'));
    expect(account?.drawdownBreaker).toEqual({ maxDrawdown: d('8000'), action: TradingState.HALTED });
    expect(config.bots?.b1).toEqual({
      budget: d('20000'),
      maxPositionQty: { default: d('0.5') },
      maxSubmitRate: { count: 10, windowNs: 1000n * NANOS_PER_MILLI },
      rejectBreaker: { consecutive: 5, action: TradingState.REDUCING },
    });
    expect(config.whitelist).toEqual(['BTCUSDT', 'ETHUSDT.BINANCE']);
    expect(config.collarPct).toEqual(d('0.05'));
    expect(config.instrumentSubmitRate).toEqual({ count: 50, windowNs: 1000n * NANOS_PER_MILLI });
    expect(config.cancelOnHalt).toBe(false);
    expect(config.accountTypes).toEqual({ 'BINANCE-main': 'CASH' });
    expect(config.tradingDayOffsetMinutes).toBe(420);
    expect(config.pendingTtlNs).toBe(5000n * NANOS_PER_MILLI);
  });

  it('reads a null collar as switched off', () => {
    expect(riskConfigFromJson({ trader_id: 'T', collar_pct: null }).collarPct).toBeNull();
  });

  it('names the key of a value that is not a decimal', () => {
    expect(() => riskConfigFromJson({ trader_id: 'T', bots: { b1: { max_leverage: 'abc' } } })).toThrow(
      'risk.bots.b1.max_leverage: "abc" is not a decimal number',
    );
  });

  it('names the key of every other kind of bad value', () => {
    const bad = (obj: object, message: string | RegExp) =>
      expect(() => riskConfigFromJson({ trader_id: 'T', ...obj })).toThrow(message);
    bad({ global: { max_levrage: '2' } }, /risk.global.max_levrage: unknown key/);
    bad({ accounts: { a1: { budget: '5' } } }, 'risk.accounts.a1.budget: a budget applies to bots only');
    bad({ global: { daily_loss_cap: '-1' } }, 'risk.global.daily_loss_cap: must not be negative, got -1');
    bad({ global: { max_open_orders: 2.5 } }, /risk.global.max_open_orders: expected an integer/);
    bad(
      { bots: { b1: { max_submit_rate: { count: 5 } } } },
      /risk.bots.b1.max_submit_rate.window_ms: expected a positive number/,
    );
    bad(
      { bots: { b1: { reject_breaker: { consecutive: 3, action: 'PANIC' } } } },
      /risk.bots.b1.reject_breaker.action: "PANIC" is not REDUCING or HALTED/,
    );
    bad(
      { bots: { b1: { drawdown_breaker: { action: 'HALTED' } } } },
      'risk.bots.b1.drawdown_breaker.max_drawdown: is required',
    );
    bad(
      { bots: { b1: { max_position_qty: { per_instrument: { X: 'many' } } } } },
      /risk.bots.b1.max_position_qty.per_instrument.X/,
    );
    bad({ whitelist: 'BTCUSDT' }, /risk.whitelist: expected a list/);
    bad({ account_types: { a1: 'SPOT' } }, /risk.account_types.a1: "SPOT" is not CASH or MARGIN/);
    bad({ cancel_on_halt: 'yes' }, /risk.cancel_on_halt: expected true or false/);
    bad({ trading_day_offset_minutes: 1440 }, /risk.trading_day_offset_minutes: must be at most 1439/);
    bad({ colar_pct: '0.1' }, /risk.colar_pct: unknown key/);
    expect(() => riskConfigFromJson({})).toThrow(/risk.trader_id/);
    expect(() => riskConfigFromJson([])).toThrow('risk: expected an object, got a list');
  });

  it('throws ModelError with the field so callers can point at it', () => {
    try {
      limitsFromJson({ max_order_quantity: {} }, 'limits');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ModelError);
      expect((e as ModelError).field).toBe('limits.max_order_quantity');
    }
  });
});

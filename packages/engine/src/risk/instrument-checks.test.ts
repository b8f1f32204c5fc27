import { describe, expect, it } from 'vitest';
import {
  BTCUSDT_BINANCE,
  Decimal,
  DenyReason,
  NANOS_PER_HOUR,
  NANOS_PER_MILLI,
  NANOS_PER_MINUTE,
  OrderType,
  instrumentFromSpec,
} from '@qubit/model';
import { BTC, ETH, RiskHarness, VN30 } from './testing/risk-harness.js';

describe('stage 1: instrument checks', () => {
  it('passes a valid order on to stage 2 keyed by account', () => {
    const h = new RiskHarness();
    const { approved } = h.submit();
    expect(approved).toBeDefined();
    expect(h.stage1Passed).toHaveLength(1);
    expect(h.keys.find((k) => k.topic === 'trading.signals.portfolio')?.key).toBe('cash');
  });

  it('denies an order on an unknown instrument', () => {
    const h = new RiskHarness();
    const { denied } = h.submit({ instrument: 'DOGEUSDT.BINANCE', price: '0.10' });
    expect(denied?.reasonCode).toBe(DenyReason.INSTRUMENT_UNKNOWN);
    expect(denied?.stage).toBe(1);
    expect(denied?.reason).toContain('DOGEUSDT.BINANCE');
  });

  it('denies an order when the instrument is not in a trading session', () => {
    const h = new RiskHarness();
    h.advance(2n * NANOS_PER_HOUR); // 12:00 in Hanoi: the lunch break
    const { denied } = h.submit({ account: 'vn', instrument: VN30, qty: '1' });
    expect(denied?.reasonCode).toBe(DenyReason.OUTSIDE_TRADING_SESSION);
    expect(denied?.reason).toContain('VN30F1M.HNX is not in a trading session at 2024-01-02T05:00:00');
  });

  it('denies an order type the current session does not take', () => {
    const h = new RiskHarness();
    h.advance(22n * NANOS_PER_HOUR + 50n * NANOS_PER_MINUTE); // Wednesday 08:50 in Hanoi: the ATO auction
    const market = h.submit({ account: 'vn', instrument: VN30, qty: '1', type: OrderType.MARKET });
    expect(market.denied?.reasonCode).toBe(DenyReason.OUTSIDE_TRADING_SESSION);
    expect(market.denied?.reason).toContain('session ATO of VN30F1M.HNX takes only LIMIT orders, not MARKET');
    const limit = h.submit({ account: 'vn', instrument: VN30, qty: '1' });
    expect(limit.denied?.reasonCode).not.toBe(DenyReason.OUTSIDE_TRADING_SESSION);
  });

  it('denies an instrument that is not whitelisted and accepts a whitelisted bare symbol', () => {
    const h = new RiskHarness({ whitelist: ['BTCUSDT'] });
    expect(h.submit({ instrument: ETH, price: '2000.00', qty: '0.01' }).denied?.reasonCode).toBe(
      DenyReason.SYMBOL_NOT_WHITELISTED,
    );
    expect(h.submit({ instrument: BTC }).approved).toBeDefined();
  });

  it('denies a price off the tick grid', () => {
    const h = new RiskHarness();
    const { denied } = h.submit({ price: '40000.005' });
    expect(denied?.reasonCode).toBe(DenyReason.PRICE_OFF_TICK);
    expect(denied?.reason).toBe('price 40000.005 is not on the tick grid of BTCUSDT.BINANCE (tick 0.01)');
  });

  it('denies a trigger price off the tick grid', () => {
    const h = new RiskHarness();
    const { denied } = h.submit({ type: OrderType.STOP_MARKET, trigger: '40000.001' });
    expect(denied?.reasonCode).toBe(DenyReason.PRICE_OFF_TICK);
  });

  it('denies a quantity off the lot grid', () => {
    const h = new RiskHarness();
    const { denied } = h.submit({ qty: '0.000015' });
    expect(denied?.reasonCode).toBe(DenyReason.QUANTITY_OFF_LOT);
  });

  it('denies a quantity below the instrument minimum', () => {
    const h = new RiskHarness();
    h.cache.addInstrument(
      instrumentFromSpec({ ...BTCUSDT_BINANCE, id: 'BTCX.BINANCE', min_quantity: '0.001' }),
    );
    h.setLast('BTCX.BINANCE', '40000.00');
    const { denied } = h.submit({ instrument: 'BTCX.BINANCE', qty: '0.0005' });
    expect(denied?.reasonCode).toBe(DenyReason.QUANTITY_BELOW_MIN);
  });

  it('denies a quantity above the instrument maximum', () => {
    const h = new RiskHarness();
    const { denied } = h.submit({ qty: '9000.00001', price: '1.00' });
    expect(denied?.reasonCode).toBe(DenyReason.QUANTITY_ABOVE_MAX);
  });

  it('denies a quantity above the max order quantity of the bot', () => {
    const h = new RiskHarness({ bots: { b1: { maxOrderQuantity: Decimal.from('0.5') } } });
    const { denied } = h.submit({ qty: '0.6' });
    expect(denied?.reasonCode).toBe(DenyReason.QUANTITY_ABOVE_MAX);
    expect(denied?.reason).toBe('quantity 0.6 exceeds max 0.5 of bot:b1 for BTCUSDT.BINANCE');
    expect(h.submit({ qty: '0.6', bot: 'b2' }).approved).toBeDefined();
  });

  it('denies a notional below the instrument minimum', () => {
    const h = new RiskHarness();
    const { denied } = h.submit({ qty: '0.0001' });
    expect(denied?.reasonCode).toBe(DenyReason.NOTIONAL_BELOW_MIN);
    expect(denied?.reason).toBe('notional 4.00 USDT is below the minimum 5 for BTCUSDT.BINANCE');
  });

  it('denies an order above max notional', () => {
    const h = new RiskHarness({ global: { maxOrderNotional: Decimal.from('100000') } });
    const { denied } = h.submit({ qty: '3', price: '40000.00' });
    expect(denied?.reasonCode).toBe(DenyReason.NOTIONAL_ABOVE_MAX);
    expect(denied?.reason).toBe('notional 120000.00 USDT exceeds max 100000 of global for BTCUSDT.BINANCE');
  });

  it('values a MARKET order at the last price', () => {
    const h = new RiskHarness({ accounts: { cash: { maxOrderNotional: Decimal.from('1000') } } });
    const { denied } = h.submit({ type: OrderType.MARKET, qty: '0.03' });
    expect(denied?.reasonCode).toBe(DenyReason.NOTIONAL_ABOVE_MAX);
    expect(denied?.reason).toContain('notional 1200.00 USDT');
  });

  it('denies a MARKET order when no last price exists (fail closed)', () => {
    const h = new RiskHarness();
    h.cache.addInstrument(instrumentFromSpec({ ...BTCUSDT_BINANCE, id: 'NEW.BINANCE' }));
    const { denied } = h.submit({ instrument: 'NEW.BINANCE', type: OrderType.MARKET });
    expect(denied?.reasonCode).toBe(DenyReason.NO_REFERENCE_PRICE);
    expect(denied?.reason).toContain('no last price');
  });

  it('denies a price outside the daily band', () => {
    const h = new RiskHarness();
    const high = h.submit({ account: 'vn', instrument: VN30, qty: '1', price: '1284.1' });
    expect(high.denied?.reasonCode).toBe(DenyReason.PRICE_OUTSIDE_BAND);
    expect(high.denied?.reason).toBe(
      'price 1284.1 is outside the daily band 1116.0..1284.0 of VN30F1M.HNX (reference 1200.0)',
    );
    const edge = h.submit({ account: 'vn', instrument: VN30, qty: '1', price: '1284.0' });
    expect(edge.denied?.reasonCode).not.toBe(DenyReason.PRICE_OUTSIDE_BAND);
  });

  it('denies a banded instrument without a reference price (fail closed)', () => {
    const h = new RiskHarness();
    h.cache.addInstrument(
      instrumentFromSpec({ ...BTCUSDT_BINANCE, id: 'BAND.BINANCE', price_band: { up: '0.1', down: '0.1' } }),
    );
    h.setLast('BAND.BINANCE', '100.00');
    const { denied } = h.submit({ instrument: 'BAND.BINANCE', price: '100.00', qty: '1' });
    expect(denied?.reasonCode).toBe(DenyReason.NO_REFERENCE_PRICE);
    expect(denied?.reason).toContain('daily price band');
  });

  it('denies a limit price beyond the fat-finger collar', () => {
    const h = new RiskHarness();
    const far = h.submit({ price: '44000.01' });
    expect(far.denied?.reasonCode).toBe(DenyReason.PRICE_COLLAR);
    expect(far.denied?.reason).toBe(
      'price 44000.01 is more than 10% away from the last price 40000.00 of BTCUSDT.BINANCE',
    );
    expect(h.submit({ price: '44000.00' }).denied?.reasonCode).not.toBe(DenyReason.PRICE_COLLAR);
    expect(h.submit({ price: '35999.99', side: 'BUY' }).denied?.reasonCode).toBe(DenyReason.PRICE_COLLAR);
  });

  it('checks a trigger price against the collar too', () => {
    const h = new RiskHarness();
    const { denied } = h.submit({ type: OrderType.STOP_MARKET, trigger: '30000.00' });
    expect(denied?.reasonCode).toBe(DenyReason.PRICE_COLLAR);
    expect(denied?.reason).toContain('trigger price 30000.00');
  });

  it('uses the configured collar and can switch it off', () => {
    const tight = new RiskHarness({ collarPct: Decimal.from('0.01') });
    expect(tight.submit({ price: '40500.00' }).denied?.reasonCode).toBe(DenyReason.PRICE_COLLAR);
    const off = new RiskHarness({ collarPct: null });
    expect(off.submit({ price: '4000.00', qty: '0.01' }).denied?.reasonCode).not.toBe(
      DenyReason.PRICE_COLLAR,
    );
  });

  it('denies orders above the per-instrument submit rate until the window slides', () => {
    const h = new RiskHarness({ instrumentSubmitRate: { count: 2, windowNs: 1000n * NANOS_PER_MILLI } });
    expect(h.submit().approved).toBeDefined();
    h.advance(400n * NANOS_PER_MILLI);
    expect(h.submit().approved).toBeDefined();
    const third = h.submit();
    expect(third.denied?.reasonCode).toBe(DenyReason.INSTRUMENT_RATE_LIMIT);
    expect(third.denied?.reason).toBe('BTCUSDT.BINANCE already had 2 orders in the last 1 s (max 2)');
    expect(h.submit({ instrument: ETH, qty: '0.01', price: '2000.00' }).approved).toBeDefined();
    h.advance(600n * NANOS_PER_MILLI); // the first order is now exactly one window old: out
    expect(h.submit().approved).toBeDefined();
  });
});

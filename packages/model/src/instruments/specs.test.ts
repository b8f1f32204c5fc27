import { describe, expect, it } from 'vitest';
import { InstrumentKind } from '../enums/instrument-kind.js';
import { instrumentFromSpec, instrumentToSpec } from './instrument.js';
import {
  BTCUSDT_BINANCE,
  BTCUSDT_PERP_BINANCE,
  ETHUSDT_BINANCE,
  SHIPPED_INSTRUMENT_SPECS,
  VN30F1M_HNX,
} from './specs.js';

describe('shipped instrument specs', () => {
  it('lists every shipped spec once', () => {
    expect(SHIPPED_INSTRUMENT_SPECS).toEqual([
      BTCUSDT_BINANCE,
      BTCUSDT_PERP_BINANCE,
      ETHUSDT_BINANCE,
      VN30F1M_HNX,
    ]);
    expect(new Set(SHIPPED_INSTRUMENT_SPECS.map((s) => s.id)).size).toBe(SHIPPED_INSTRUMENT_SPECS.length);
  });

  it.each(SHIPPED_INSTRUMENT_SPECS.map((s) => [s.id, s] as const))(
    '%s builds and round-trips',
    (_id, spec) => {
      const instrument = instrumentFromSpec(spec);
      expect(instrument.id).toBe(spec.id);
      expect(instrument.tickSize.toString()).toBe(spec.tick_size);
      expect(instrument.lotSize.toString()).toBe(spec.lot_size);
      expect(instrumentFromSpec(instrumentToSpec(instrument))).toEqual(instrument);
    },
  );

  it('builds Binance spot BTCUSDT with its exchange filters', () => {
    const i = instrumentFromSpec(BTCUSDT_BINANCE);
    expect(i.kind).toBe(InstrumentKind.SPOT);
    expect([i.symbol, i.venue]).toEqual(['BTCUSDT', 'BINANCE']);
    expect(i.pricePrecision).toBe(2);
    expect(i.sizePrecision).toBe(5);
    expect(i.minNotional?.toString()).toBe('5.00000000 USDT');
    expect(i.maxQuantity?.toString()).toBe('9000.00000');
    expect(i.marginInit.toString()).toBe('1');
    expect(i.settlementCurrency.code).toBe('USDT');
    expect(i.schedule).toBeUndefined();
  });

  it('builds the BTCUSDT perpetual with its margin and fees', () => {
    const i = instrumentFromSpec(BTCUSDT_PERP_BINANCE);
    expect(i.kind).toBe(InstrumentKind.PERPETUAL);
    expect(i.symbol).toBe('BTCUSDT-PERP');
    expect(i.pricePrecision).toBe(2);
    expect(i.marginInit.toString()).toBe('0.05');
    expect(i.makerFee.toString()).toBe('0.0002');
    expect(i.takerFee.toString()).toBe('0.0005');
  });

  it('builds VN30F1M with its multiplier, per-contract fee, band and sessions', () => {
    const i = instrumentFromSpec(VN30F1M_HNX);
    expect(i.kind).toBe(InstrumentKind.FUTURE);
    expect(i.venue).toBe('HNX');
    expect(i.pricePrecision).toBe(1);
    expect(i.sizePrecision).toBe(0);
    expect(i.multiplier.toString()).toBe('100000');
    expect(i.feePerContract.toString()).toBe('2700');
    expect(i.quoteCurrency).toEqual({ code: 'VND', precision: 0 });
    expect(i.priceBand?.up.toString()).toBe('0.07');
    expect(i.priceBand?.down.toString()).toBe('0.07');
    expect(i.schedule?.timeZone).toBe('Asia/Ho_Chi_Minh');
    expect(i.schedule?.sessions.map((s) => s.name)).toEqual(['ATO', 'CONTINUOUS_AM', 'CONTINUOUS_PM', 'ATC']);
  });
});

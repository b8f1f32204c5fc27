import { describe, expect, it } from 'vitest';
import { ModelError } from '../errors.js';
import { Decimal } from '../numbers/decimal.js';
import {
  instrumentFromSpec,
  instrumentToSpec,
  makePrice,
  makeQuantity,
  notionalOf,
  priceBandAt,
  type InstrumentSpec,
} from './instrument.js';
import { BTCUSDT_BINANCE, BTCUSDT_PERP_BINANCE, VN30F1M_HNX } from './specs.js';

function modelError(fn: () => unknown): ModelError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ModelError) return e;
    throw new Error(`expected a ModelError, got ${String(e)}`);
  }
  throw new Error('expected the call to throw');
}

const d = (s: string): Decimal => Decimal.parse(s);
const vn30 = instrumentFromSpec(VN30F1M_HNX);
const btc = instrumentFromSpec(BTCUSDT_BINANCE);
const perp = instrumentFromSpec(BTCUSDT_PERP_BINANCE);

function specWith(changes: Record<string, unknown>, base: InstrumentSpec = BTCUSDT_BINANCE): InstrumentSpec {
  return { ...base, ...changes } as InstrumentSpec;
}

function specWithout(key: keyof InstrumentSpec, base: InstrumentSpec = BTCUSDT_BINANCE): InstrumentSpec {
  const copy: Record<string, unknown> = { ...base };
  delete copy[key];
  return copy as unknown as InstrumentSpec;
}

describe('instrumentFromSpec', () => {
  it.each(['tick_size', 'lot_size', 'base_currency', 'quote_currency'] as const)(
    'names instrument.%s when it is missing',
    (key) => {
      const e = modelError(() => instrumentFromSpec(specWithout(key)));
      expect(e.field).toBe(`instrument.${key}`);
      expect(e.message).toContain('is required');
    },
  );

  it.each([
    [{ id: 'BTCUSDT' }, 'instrument.id'],
    [{ id: undefined }, 'instrument.id'],
    [{ kind: 'OPTION' }, 'instrument.kind'],
    [{ tick_size: 'abc' }, 'instrument.tick_size'],
    [{ tick_size: '0' }, 'instrument.tick_size'],
    [{ tick_size: '-0.01' }, 'instrument.tick_size'],
    [{ tick_size: true }, 'instrument.tick_size'],
    [{ lot_size: '-0.001' }, 'instrument.lot_size'],
    [{ lot_size: '0.00000' }, 'instrument.lot_size'],
    [{ min_quantity: '0.000015' }, 'instrument.min_quantity'],
    [{ max_quantity: '9000.000005' }, 'instrument.max_quantity'],
    [{ min_quantity: '1', max_quantity: '0.5' }, 'instrument.max_quantity'],
    [{ min_quantity: '-1' }, 'instrument.min_quantity'],
    [{ min_notional: 'five' }, 'instrument.min_notional'],
    [{ multiplier: '0' }, 'instrument.multiplier'],
    [{ maker_fee: '1e-3' }, 'instrument.maker_fee'],
    [{ margin_init: '0' }, 'instrument.margin_init'],
    [{ margin_init: '1.5' }, 'instrument.margin_init'],
    [{ fee_per_contract: '-1' }, 'instrument.fee_per_contract'],
    [{ price_band: { up: '0.07', down: '1' } }, 'instrument.price_band'],
    [{ price_band: { up: '0', down: '0.07' } }, 'instrument.price_band'],
    [{ price_band: { up: 'x', down: '0.07' } }, 'instrument.price_band.up'],
  ])('rejects %j naming %s', (changes, field) => {
    expect(modelError(() => instrumentFromSpec(specWith(changes))).field).toBe(field);
  });

  it('says which quantity is off the lot grid and by how much', () => {
    const e = modelError(() => instrumentFromSpec(specWith({ min_quantity: '0.000015' })));
    expect(e.message).toBe('instrument.min_quantity: 0.000015 is not a multiple of lot size 0.00001');
  });

  it('rejects a bad kind listing the kinds allowed', () => {
    const e = modelError(() => instrumentFromSpec(specWith({ kind: 'OPTION' })));
    expect(e.message).toContain('"OPTION" is not one of SPOT, PERPETUAL, FUTURE');
  });

  it('rejects a bad time zone naming instrument.schedule.timeZone', () => {
    const spec = specWith(
      { schedule: { ...VN30F1M_HNX.schedule, timeZone: 'Asia/Saigon_City' } },
      VN30F1M_HNX,
    );
    const e = modelError(() => instrumentFromSpec(spec));
    expect(e.field).toBe('instrument.schedule.timeZone');
    expect(e.message).toContain('Asia/Saigon_City');
  });

  it('uses the field prefix it is given', () => {
    expect(modelError(() => instrumentFromSpec(specWithout('tick_size'), 'instruments[3]')).field).toBe(
      'instruments[3].tick_size',
    );
  });

  it('rejects a spec that is not an object', () => {
    expect(modelError(() => instrumentFromSpec(null as unknown as InstrumentSpec)).field).toBe('instrument');
  });

  it('names instrument.base_currency when the base currency code is malformed', () => {
    expect(modelError(() => instrumentFromSpec(specWith({ base_currency: 'btc' }))).field).toBe(
      'instrument.base_currency',
    );
  });

  it('accepts decimals written as JSON numbers', () => {
    const i = instrumentFromSpec(specWith({ tick_size: 0.01, lot_size: 0.00001, min_quantity: 0.00001 }));
    expect(i.tickSize.toString()).toBe('0.01');
    expect(i.lotSize.toString()).toBe('0.00001');
  });

  it('defaults min quantity to the lot, multiplier to 1, settlement to quote and futures margin to 10 %', () => {
    const i = instrumentFromSpec({
      id: 'XYZ-FUT.SIM',
      kind: 'FUTURE',
      base_currency: 'XYZ',
      quote_currency: 'USD',
      tick_size: '0.25',
      lot_size: '1',
    });
    expect(i.minQuantity.toString()).toBe('1');
    expect(i.multiplier.toString()).toBe('1');
    expect(i.settlementCurrency).toEqual({ code: 'USD', precision: 2 });
    expect(i.baseCurrency).toEqual({ code: 'XYZ', precision: 8 });
    expect(i.marginInit.toString()).toBe('0.1');
    expect(i.makerFee.isZero()).toBe(true);
    expect(i.feePerContract.isZero()).toBe(true);
    expect(i.priceBand).toBeUndefined();
    expect(Object.isFrozen(i)).toBe(true);
  });
});

describe('instrumentToSpec', () => {
  it('writes every decimal as a string and round-trips to an equal instrument', () => {
    const spec = instrumentToSpec(vn30);
    expect(spec).toMatchObject({
      id: 'VN30F1M.HNX',
      kind: 'FUTURE',
      tick_size: '0.1',
      lot_size: '1',
      max_quantity: '500',
      multiplier: '100000',
      fee_per_contract: '2700',
      margin_init: '0.1848',
      price_band: { up: '0.07', down: '0.07' },
      currency_precision: { VN30: 0, VND: 0 },
    });
    expect(instrumentFromSpec(spec)).toEqual(vn30);
  });

  it('survives a JSON round trip', () => {
    const spec = JSON.parse(JSON.stringify(instrumentToSpec(btc))) as InstrumentSpec;
    const again = instrumentFromSpec(spec);
    expect(again).toEqual(btc);
    expect(instrumentToSpec(again)).toEqual(instrumentToSpec(btc));
  });
});

describe('notionalOf', () => {
  it('multiplies price, quantity and the VN30F1M multiplier exactly: 1250.5 × 2 × 100000 = 250100000 VND', () => {
    const n = notionalOf(vn30, d('1250.5'), d('2'));
    expect(n.eq(d('250100000'))).toBe(true);
    expect(n.toString()).toBe('250100000.0');
  });

  it('is exact for spot crypto with fine quantities', () => {
    expect(notionalOf(btc, d('42000.10'), d('0.00123')).toString()).toBe('51.6601230');
  });
});

describe('priceBandAt', () => {
  it('gives VN30F1M ±7 % around 1300.0 as 1209.0 .. 1391.0', () => {
    const band = priceBandAt(vn30, d('1300.0'));
    expect(band?.low.toString()).toBe('1209.0');
    expect(band?.high.toString()).toBe('1391.0');
    expect(band?.low.precision).toBe(1);
  });

  it('rounds both limits inward to the tick', () => {
    // 1234.5 × 1.07 = 1320.915 and 1234.5 × 0.93 = 1148.085
    const band = priceBandAt(vn30, d('1234.5'));
    expect(band?.high.toString()).toBe('1320.9');
    expect(band?.low.toString()).toBe('1148.1');
  });

  it('is undefined for an instrument without a band', () => {
    expect(priceBandAt(btc, d('42000'))).toBeUndefined();
  });
});

describe('makePrice and makeQuantity', () => {
  it('brings an on-grid price to the instrument precision', () => {
    expect(makePrice(vn30, '1250.50').toString()).toBe('1250.5');
    expect(makePrice(vn30, 1250.5).toString()).toBe('1250.5');
    expect(makePrice(btc, '42000.1').toString()).toBe('42000.10');
    expect(makePrice(perp, d('42000.3')).toString()).toBe('42000.30');
  });

  it('rejects an off-grid price naming the field, the instrument and the tick', () => {
    const e = modelError(() => makePrice(vn30, '1250.55', 'order.price'));
    expect(e.field).toBe('order.price');
    expect(e.message).toContain('VN30F1M.HNX');
    expect(e.message).toContain('tick 0.1');
    expect(modelError(() => makePrice(btc, '42000.001')).field).toBe('price');
    expect(modelError(() => makePrice(btc, 'abc')).field).toBe('price');
  });

  it('brings an on-grid quantity to the instrument precision', () => {
    expect(makeQuantity(perp, '0.5').toString()).toBe('0.500');
    expect(makeQuantity(vn30, 3).toString()).toBe('3');
    expect(makeQuantity(vn30, '3.0').toString()).toBe('3');
  });

  it('rejects an off-lot or negative quantity naming the field', () => {
    const e = modelError(() => makeQuantity(perp, '0.0015', 'order.quantity'));
    expect(e.field).toBe('order.quantity');
    expect(e.message).toContain('lot 0.001');
    expect(modelError(() => makeQuantity(vn30, '1.5')).field).toBe('quantity');
    expect(modelError(() => makeQuantity(vn30, '-1')).message).toContain('must not be negative');
  });
});

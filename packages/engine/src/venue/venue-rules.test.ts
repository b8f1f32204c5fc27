import {
  BTCUSDT_BINANCE,
  Decimal,
  OrderSide,
  OrderType,
  Price,
  Quantity,
  VN30F1M_HNX,
  instrumentFromSpec,
  isoToNanos,
  priceBandAt,
} from '@qubit/model';
import { describe, expect, it } from 'vitest';
import {
  checkOrderShape,
  checkSession,
  checkVenueRules,
  type ActiveBand,
  type CheckedTerms,
} from './venue-rules.js';

const BTC = instrumentFromSpec(BTCUSDT_BINANCE);
const VN30 = instrumentFromSpec(VN30F1M_HNX);

function terms(
  t: Partial<Omit<CheckedTerms, 'quantity' | 'price' | 'triggerPrice'>> & {
    qty: string;
    px?: string;
    trigger?: string;
  },
): CheckedTerms {
  return {
    side: t.side ?? OrderSide.BUY,
    orderType: t.orderType ?? OrderType.LIMIT,
    quantity: Quantity.from(t.qty),
    price: t.px === undefined ? undefined : Price.from(t.px),
    triggerPrice: t.trigger === undefined ? undefined : Price.from(t.trigger),
  };
}

describe('checkOrderShape', () => {
  it('asks for the prices an order type needs', () => {
    expect(checkOrderShape(BTC, terms({ qty: '1' }))?.reason).toBe('a LIMIT order needs a price');
    expect(
      checkOrderShape(BTC, terms({ orderType: OrderType.STOP_LIMIT, qty: '1', px: '1.00' }))?.reason,
    ).toBe('a STOP_LIMIT order needs a trigger price');
    expect(checkOrderShape(BTC, terms({ orderType: OrderType.MARKET, qty: '1' }))).toBeUndefined();
  });

  it('refuses values finer than the instrument can represent, even without venue rules', () => {
    expect(checkOrderShape(BTC, terms({ qty: '1', px: '1.001' }))).toMatchObject({ code: 'INVALID_PRICE' });
    expect(checkOrderShape(BTC, terms({ qty: '0.000001', px: '1.00' }))).toMatchObject({
      code: 'INVALID_QUANTITY',
    });
    expect(checkOrderShape(BTC, terms({ qty: '1', px: '-1.00' }))?.reason).toContain('must be positive');
  });
});

describe('checkSession', () => {
  const at = (iso: string) => isoToNanos(iso);
  it('takes orders in the continuous sessions and refuses lunch, night and weekend', () => {
    expect(checkSession(VN30, OrderType.MARKET, at('2024-01-08T02:00:00Z'))).toBeUndefined();
    expect(checkSession(VN30, OrderType.LIMIT, at('2024-01-08T04:29:00Z'))).toBeUndefined();
    for (const t of [
      '2024-01-08T04:30:00Z',
      '2024-01-08T05:59:00Z',
      '2024-01-08T08:00:00Z',
      '2024-01-07T03:00:00Z',
    ]) {
      expect(checkSession(VN30, OrderType.LIMIT, at(t))).toMatchObject({ code: 'MARKET_CLOSED' });
    }
  });

  it('refuses order types a session does not take (MARKET in ATC)', () => {
    expect(checkSession(VN30, OrderType.MARKET, at('2024-01-08T07:35:00Z'))?.reason).toContain(
      'not taken during ATC',
    );
    expect(checkSession(VN30, OrderType.LIMIT, at('2024-01-08T07:35:00Z'))).toBeUndefined();
  });

  it('always takes orders for an instrument without a schedule', () => {
    expect(checkSession(BTC, OrderType.MARKET, at('2024-01-07T03:00:00Z'))).toBeUndefined();
  });
});

describe('checkVenueRules', () => {
  it('checks the tick grid of the price and the trigger', () => {
    expect(checkVenueRules(VN30, terms({ qty: '1', px: '1250.1' }), undefined, undefined)).toBeUndefined();
    expect(checkVenueRules(VN30, terms({ qty: '1', px: '1250.15' }), undefined, undefined)?.code).toBe(
      'INVALID_PRICE',
    );
    expect(
      checkVenueRules(
        VN30,
        terms({ orderType: OrderType.STOP_MARKET, qty: '1', trigger: '1250.15' }),
        undefined,
        undefined,
      )?.reason,
    ).toContain('trigger price 1250.15 is not on the tick grid');
  });

  it('checks lot size, minimum and maximum quantity', () => {
    expect(checkVenueRules(VN30, terms({ qty: '0.5', px: '1250.0' }), undefined, undefined)?.code).toBe(
      'INVALID_QUANTITY',
    );
    expect(
      checkVenueRules(VN30, terms({ qty: '501', px: '1250.0' }), undefined, undefined)?.reason,
    ).toContain('above the maximum 500');
    expect(checkVenueRules(VN30, terms({ qty: '500', px: '1250.0' }), undefined, undefined)).toBeUndefined();
  });

  it('checks min notional at the limit price, or the market price for a MARKET order', () => {
    expect(checkVenueRules(BTC, terms({ qty: '0.0001', px: '40000.00' }), undefined, undefined)?.code).toBe(
      'MIN_NOTIONAL',
    );
    expect(
      checkVenueRules(BTC, terms({ qty: '0.0002', px: '40000.00' }), undefined, undefined),
    ).toBeUndefined();
    const market = terms({ orderType: OrderType.MARKET, qty: '0.0001' });
    expect(checkVenueRules(BTC, market, undefined, undefined)).toBeUndefined();
    expect(checkVenueRules(BTC, market, Decimal.parse('40000'), undefined)?.code).toBe('MIN_NOTIONAL');
  });

  it('checks the price band around the reference, edges included', () => {
    const reference = Price.from('1250.0');
    const range = priceBandAt(VN30, reference)!;
    const band: ActiveBand = { reference, ...range };
    expect(`${band.low.toString()}..${band.high.toString()}`).toBe('1162.5..1337.5');
    expect(checkVenueRules(VN30, terms({ qty: '1', px: '1337.5' }), undefined, band)).toBeUndefined();
    expect(checkVenueRules(VN30, terms({ qty: '1', px: '1162.5' }), undefined, band)).toBeUndefined();
    expect(checkVenueRules(VN30, terms({ qty: '1', px: '1337.6' }), undefined, band)?.code).toBe(
      'PRICE_LIMIT',
    );
    expect(
      checkVenueRules(
        VN30,
        terms({ orderType: OrderType.STOP_MARKET, side: OrderSide.SELL, qty: '1', trigger: '1100.0' }),
        undefined,
        band,
      )?.code,
    ).toBe('PRICE_LIMIT');
  });
});

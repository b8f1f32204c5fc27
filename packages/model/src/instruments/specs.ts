import type { InstrumentSpec } from './instrument.js';

/** Binance spot BTC/USDT as its exchangeInfo filters give it (PRICE_FILTER, LOT_SIZE, NOTIONAL). */
export const BTCUSDT_BINANCE: InstrumentSpec = {
  id: 'BTCUSDT.BINANCE',
  kind: 'SPOT',
  base_currency: 'BTC',
  quote_currency: 'USDT',
  tick_size: '0.01',
  lot_size: '0.00001',
  min_quantity: '0.00001',
  max_quantity: '9000.00000',
  min_notional: '5',
  maker_fee: '0.001',
  taker_fee: '0.001',
};

/** Binance USDT-M perpetual BTCUSDT. */
export const BTCUSDT_PERP_BINANCE: InstrumentSpec = {
  id: 'BTCUSDT-PERP.BINANCE',
  kind: 'PERPETUAL',
  base_currency: 'BTC',
  quote_currency: 'USDT',
  settlement_currency: 'USDT',
  tick_size: '0.10',
  lot_size: '0.001',
  min_quantity: '0.001',
  max_quantity: '1000.000',
  min_notional: '100',
  maker_fee: '0.0002',
  taker_fee: '0.0005',
  margin_init: '0.05',
};

/** Binance spot ETH/USDT. */
export const ETHUSDT_BINANCE: InstrumentSpec = {
  id: 'ETHUSDT.BINANCE',
  kind: 'SPOT',
  base_currency: 'ETH',
  quote_currency: 'USDT',
  tick_size: '0.01',
  lot_size: '0.0001',
  min_quantity: '0.0001',
  max_quantity: '9000.0000',
  min_notional: '5',
  maker_fee: '0.001',
  taker_fee: '0.001',
};

/**
 * VN30 index future, front month, on HNX: prices in index points with a 0.1 tick, 100,000 VND per
 * point, ±7 % daily band from the reference price, ATO / continuous / ATC sessions in Vietnam time.
 * Derivatives fees there are charged per contract, not on notional.
 */
export const VN30F1M_HNX: InstrumentSpec = {
  id: 'VN30F1M.HNX',
  kind: 'FUTURE',
  base_currency: 'VN30',
  quote_currency: 'VND',
  settlement_currency: 'VND',
  currency_precision: { VN30: 0, VND: 0 },
  tick_size: '0.1',
  lot_size: '1',
  min_quantity: '1',
  max_quantity: '500',
  multiplier: '100000',
  maker_fee: '0',
  taker_fee: '0',
  fee_per_contract: '2700',
  margin_init: '0.1848',
  price_band: { up: '0.07', down: '0.07' },
  schedule: {
    timeZone: 'Asia/Ho_Chi_Minh',
    weekdays: [1, 2, 3, 4, 5],
    sessions: [
      { name: 'ATO', phase: 'OPENING_AUCTION', start: '08:45', end: '09:00', orderTypes: ['LIMIT'] },
      { name: 'CONTINUOUS_AM', phase: 'CONTINUOUS', start: '09:00', end: '11:30' },
      { name: 'CONTINUOUS_PM', phase: 'CONTINUOUS', start: '13:00', end: '14:30' },
      { name: 'ATC', phase: 'CLOSING_AUCTION', start: '14:30', end: '14:45', orderTypes: ['LIMIT'] },
    ],
  },
};

export const SHIPPED_INSTRUMENT_SPECS: readonly InstrumentSpec[] = [
  BTCUSDT_BINANCE,
  BTCUSDT_PERP_BINANCE,
  ETHUSDT_BINANCE,
  VN30F1M_HNX,
];

import { describe, expect, it } from 'vitest';
import { ModelError } from '../errors.js';
import { InstrumentId, instrumentIdOf, parseInstrumentId } from './instrument-id.js';

function modelError(fn: () => unknown): ModelError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ModelError) return e;
    throw new Error(`expected a ModelError, got ${String(e)}`);
  }
  throw new Error('expected the call to throw');
}

describe('InstrumentId', () => {
  it.each([
    ['BTCUSDT.BINANCE', 'BTCUSDT', 'BINANCE'],
    ['BTCUSDT-PERP.BINANCE', 'BTCUSDT-PERP', 'BINANCE'],
    ['BTC/USDT.BINANCE', 'BTC/USDT', 'BINANCE'],
    ['VN30F1M.HNX', 'VN30F1M', 'HNX'],
    ['BTC/USDT:USDT.OKX', 'BTC/USDT:USDT', 'OKX'],
    ['ES_Z4.CME_GLOBEX', 'ES_Z4', 'CME_GLOBEX'],
  ])('parses "%s" into symbol %s and venue %s', (text, symbol, venue) => {
    expect(parseInstrumentId(text)).toEqual({ symbol, venue });
    expect(InstrumentId(text)).toBe(text);
  });

  it('joins a symbol and a venue', () => {
    expect(instrumentIdOf('BTCUSDT-PERP', 'BINANCE')).toBe('BTCUSDT-PERP.BINANCE');
    expect(() => instrumentIdOf('BTCUSDT', 'binance')).toThrow(ModelError);
  });

  it.each(['BTCUSDT', '.BINANCE', 'BTC.', '', '.'])(
    'rejects "%s" as not SYMBOL.VENUE, naming the field',
    (text) => {
      const e = modelError(() => InstrumentId(text));
      expect(e.field).toBe('instrument_id');
      expect(e.message).toContain('expected SYMBOL.VENUE');
    },
  );

  it('rejects a lower-case venue, saying the venue is what is wrong', () => {
    const e = modelError(() => InstrumentId('btc.binance'));
    expect(e.field).toBe('instrument_id');
    expect(e.message).toContain('invalid venue "binance"');
  });

  it.each([
    ['BTC USDT.BINANCE', 'BTC USDT'],
    ['-BTC.BINANCE', '-BTC'],
    ['BTC.USDT.BINANCE', 'BTC.USDT'],
    [`${'X'.repeat(65)}.BINANCE`, 'X'.repeat(65)],
  ])('rejects "%s", saying the symbol %s is what is wrong', (text, symbol) => {
    expect(modelError(() => InstrumentId(text)).message).toContain(`invalid symbol "${symbol}"`);
  });

  it.each(['BTC.BIN-ANCE', 'BTC.1BINANCE', `BTC.${'V'.repeat(33)}`])(
    'rejects the bad venue of "%s"',
    (text) => {
      expect(modelError(() => InstrumentId(text)).message).toContain('invalid venue');
    },
  );

  it('names the field it was given and refuses non-strings', () => {
    expect(modelError(() => InstrumentId('nope', 'order.instrument_id')).field).toBe('order.instrument_id');
    const e = modelError(() => parseInstrumentId(42, 'bar.instrument_id'));
    expect(e.field).toBe('bar.instrument_id');
    expect(e.message).toContain('must be a string');
  });
});

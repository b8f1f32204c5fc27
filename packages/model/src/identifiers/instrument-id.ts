import { ModelError } from '../errors.js';
import { describe } from '../numbers/decimal.js';
import type { Identifier } from './identifier.js';

/** An instrument at a venue, written "SYMBOL.VENUE" (e.g. "BTCUSDT.BINANCE", "BTCUSDT-PERP.BINANCE", "VN30F1M.HNX"). */
export type InstrumentId = Identifier<'InstrumentId'>;

const SYMBOL_RE = /^[A-Za-z0-9][A-Za-z0-9_/:-]*$/;
const VENUE_RE = /^[A-Z][A-Z0-9_]*$/;

export function InstrumentId(value: unknown, field = 'instrument_id'): InstrumentId {
  parseInstrumentId(value, field);
  return value as InstrumentId;
}

/** Splits "SYMBOL.VENUE" at its last dot, with an error that says which half is wrong. */
export function parseInstrumentId(
  value: unknown,
  field = 'instrument_id',
): { symbol: string; venue: string } {
  if (typeof value !== 'string')
    throw new ModelError(field, `instrument id must be a string, got ${describe(value)}`);
  const dot = value.lastIndexOf('.');
  if (dot <= 0 || dot === value.length - 1) {
    throw new ModelError(
      field,
      `"${value}" is not an instrument id: expected SYMBOL.VENUE such as BTCUSDT.BINANCE`,
    );
  }
  const symbol = value.slice(0, dot);
  const venue = value.slice(dot + 1);
  if (!SYMBOL_RE.test(symbol) || symbol.length > 64) {
    throw new ModelError(
      field,
      `"${value}" has an invalid symbol "${symbol}" (1-64 of A-Z, a-z, 0-9, _ / : -)`,
    );
  }
  if (!VENUE_RE.test(venue) || venue.length > 32) {
    throw new ModelError(field, `"${value}" has an invalid venue "${venue}" (upper-case A-Z, 0-9, _)`);
  }
  return { symbol, venue };
}

export function instrumentIdOf(symbol: string, venue: string): InstrumentId {
  return InstrumentId(`${symbol}.${venue}`);
}

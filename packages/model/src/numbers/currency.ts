import { ModelError } from '../errors.js';
import { checkScale } from './decimal.js';

/** A currency or asset and the number of decimals its amounts carry. */
export interface Currency {
  readonly code: string;
  readonly precision: number;
}

const CODE_RE = /^[A-Z0-9]{2,12}$/;

export function currency(code: string, precision: number): Currency {
  if (typeof code !== 'string' || !CODE_RE.test(code)) {
    throw new ModelError('currency', `"${String(code)}" is not a currency code (2-12 of A-Z, 0-9)`);
  }
  checkScale(precision, `currency ${code} precision`, 18);
  return Object.freeze({ code, precision });
}

/** The currencies the shipped instrument specs use. */
export const Currencies = {
  USDT: currency('USDT', 8),
  USD: currency('USD', 2),
  BTC: currency('BTC', 8),
  ETH: currency('ETH', 8),
  VND: currency('VND', 0),
  VN30: currency('VN30', 0),
} as const;

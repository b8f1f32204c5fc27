import { Decimal } from '@qubit/model';

const TEN = Decimal.parse('10');
const FIFTY = Decimal.parse('50');
const HUNDRED = Decimal.parse('100');
const TEN_THOUSAND = Decimal.parse('10000');
const FIFTY_THOUSAND = Decimal.parse('50000');

// Listed shares have three-letter codes; ETFs (E1VFVN30, FUEVFVND) and covered warrants (CFPT2314) are longer.
const SHARE_CODE = /^[A-Z]{3}$/;

/**
 * The HOSE price step in VND at `price`: for shares 10 below 10,000, 50 from 10,000 to below 50,000,
 * 100 from 50,000; ETFs and covered warrants step by 10 at any price.
 */
export function hoseTickSize(code: string, price: Decimal): Decimal {
  if (!SHARE_CODE.test(code)) return TEN;
  if (price.lt(TEN_THOUSAND)) return TEN;
  if (price.lt(FIFTY_THOUSAND)) return FIFTY;
  return HUNDRED;
}

import { Decimal, LiquiditySide, Money, notionalOf, type Instrument } from '@qubit/model';
import type { FeeOverride } from './venue-config.js';

/**
 * What a fill costs: notional × rate (maker or taker, from the instrument unless overridden) plus a
 * fixed fee per contract, in the instrument's settlement currency. Money.of rounds the total once,
 * half-even, to the currency's precision. A negative maker rate gives a rebate (a negative fee).
 */
export class FeeModel {
  constructor(private readonly override: FeeOverride | undefined = undefined) {}

  rate(instrument: Instrument, liquidity: LiquiditySide): Decimal {
    return liquidity === LiquiditySide.MAKER
      ? (this.override?.maker ?? instrument.makerFee)
      : (this.override?.taker ?? instrument.takerFee);
  }

  fee(instrument: Instrument, price: Decimal, quantity: Decimal, liquidity: LiquiditySide): Money {
    const rate = this.rate(instrument, liquidity);
    const perContract = instrument.feePerContract;
    if (rate.isZero() && perContract.isZero()) return Money.zero(instrument.settlementCurrency);
    let total = rate.isZero() ? Decimal.ZERO : notionalOf(instrument, price, quantity).mul(rate);
    if (!perContract.isZero()) total = total.add(perContract.mul(quantity));
    return Money.of(total, instrument.settlementCurrency);
  }
}

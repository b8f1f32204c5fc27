import { ModelError } from '../errors.js';
import { InstrumentKind } from '../enums/instrument-kind.js';
import { InstrumentId, parseInstrumentId } from '../identifiers/instrument-id.js';
import { Decimal, describe } from '../numbers/decimal.js';
import { Rounding } from '../numbers/rounding.js';
import { currency, type Currency } from '../numbers/currency.js';
import { Money } from '../numbers/money.js';
import { Price } from '../numbers/price.js';
import { Quantity } from '../numbers/quantity.js';
import { validateSchedule, type TradingSchedule } from './trading-schedule.js';

/** Daily limit-up / limit-down as fractions of a reference price (0.07 for ±7 %). */
export interface PriceBand {
  readonly up: Decimal;
  readonly down: Decimal;
}

/** Everything the platform must know to trade one contract correctly. */
export interface Instrument {
  readonly id: InstrumentId;
  readonly symbol: string;
  readonly venue: string;
  readonly kind: InstrumentKind;
  readonly baseCurrency: Currency;
  readonly quoteCurrency: Currency;
  readonly settlementCurrency: Currency;
  readonly pricePrecision: number;
  readonly sizePrecision: number;
  readonly tickSize: Price;
  readonly lotSize: Quantity;
  readonly minQuantity: Quantity;
  readonly maxQuantity?: Quantity;
  readonly minNotional?: Money;
  readonly maxNotional?: Money;
  /** Value of one unit of price per contract: notional = price × quantity × multiplier. */
  readonly multiplier: Decimal;
  /** Fee rates on notional (0.001 = 0.1 %); negative maker fees are rebates. */
  readonly makerFee: Decimal;
  readonly takerFee: Decimal;
  /** A fixed fee per contract in the settlement currency, as derivatives venues charge (may be zero). */
  readonly feePerContract: Decimal;
  /** Initial margin as a fraction of notional (1 for spot: fully paid). */
  readonly marginInit: Decimal;
  readonly priceBand?: PriceBand;
  /** Absent means the venue trades around the clock. */
  readonly schedule?: TradingSchedule;
}

/** The JSON/YAML shape of an instrument, with decimals as strings; what configs and the wire carry. */
export interface InstrumentSpec {
  id: string;
  kind: string;
  base_currency: string;
  quote_currency: string;
  settlement_currency?: string;
  currency_precision?: Record<string, number>;
  tick_size: string;
  lot_size: string;
  min_quantity?: string;
  max_quantity?: string;
  min_notional?: string;
  max_notional?: string;
  multiplier?: string;
  maker_fee?: string;
  taker_fee?: string;
  fee_per_contract?: string;
  margin_init?: string;
  price_band?: { up: string; down: string };
  schedule?: TradingSchedule;
}

const DEFAULT_CURRENCY_PRECISION: Record<string, number> = { USD: 2, VND: 0, JPY: 0, EUR: 2 };

function str(spec: object, key: string, field: string): string | undefined {
  const v = (spec as Record<string, unknown>)[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' && typeof v !== 'number') {
    throw new ModelError(`${field}.${key}`, `expected a decimal string, got ${describe(v)}`);
  }
  return String(v);
}

/** Builds and checks an Instrument; every error names the field (e.g. `instrument.tick_size`). */
export function instrumentFromSpec(spec: InstrumentSpec, field = 'instrument'): Instrument {
  if (spec === null || typeof spec !== 'object') throw new ModelError(field, 'expected an object');
  const id = InstrumentId(spec.id, `${field}.id`);
  const { symbol, venue } = parseInstrumentId(id);
  const kind = spec.kind as InstrumentKind;
  if (!Object.values(InstrumentKind).includes(kind)) {
    throw new ModelError(
      `${field}.kind`,
      `"${String(spec.kind)}" is not one of ${Object.values(InstrumentKind).join(', ')}`,
    );
  }
  const cp = { ...DEFAULT_CURRENCY_PRECISION, ...(spec.currency_precision ?? {}) };
  const cur = (
    key: 'base_currency' | 'quote_currency' | 'settlement_currency',
    fallback?: string,
  ): Currency => {
    const code = spec[key] ?? fallback;
    if (code === undefined) throw new ModelError(`${field}.${key}`, 'is required');
    try {
      return currency(code, cp[code] ?? 8);
    } catch (err) {
      throw new ModelError(`${field}.${key}`, err instanceof ModelError ? err.reason : String(err));
    }
  };
  const baseCurrency = cur('base_currency');
  const quoteCurrency = cur('quote_currency');
  const settlementCurrency = cur('settlement_currency', spec.quote_currency);

  const tickSize = Price.from(req(spec, 'tick_size', field), `${field}.tick_size`);
  const lotSize = Quantity.from(req(spec, 'lot_size', field), `${field}.lot_size`);
  if (!tickSize.isPositive()) throw new ModelError(`${field}.tick_size`, 'must be positive');
  if (!lotSize.isPositive()) throw new ModelError(`${field}.lot_size`, 'must be positive');
  const q = (key: string): Quantity | undefined => {
    const v = str(spec, key, field);
    return v === undefined ? undefined : Quantity.from(v, `${field}.${key}`);
  };
  const minQuantity = q('min_quantity') ?? lotSize;
  const maxQuantity = q('max_quantity');
  for (const [k, v] of [
    ['min_quantity', minQuantity],
    ['max_quantity', maxQuantity],
  ] as const) {
    if (v && !v.isMultipleOf(lotSize))
      throw new ModelError(`${field}.${k}`, `${v} is not a multiple of lot size ${lotSize}`);
  }
  if (maxQuantity && maxQuantity.lt(minQuantity)) {
    throw new ModelError(`${field}.max_quantity`, `${maxQuantity} is below min_quantity ${minQuantity}`);
  }
  const money = (key: string): Money | undefined => {
    const v = str(spec, key, field);
    return v === undefined ? undefined : Money.of(v, quoteCurrency, `${field}.${key}`);
  };
  const dec = (key: string, dflt: string): Decimal =>
    Decimal.from(str(spec, key, field) ?? dflt, `${field}.${key}`);
  const multiplier = dec('multiplier', '1');
  if (!multiplier.isPositive()) throw new ModelError(`${field}.multiplier`, 'must be positive');
  const marginInit = dec('margin_init', kind === InstrumentKind.SPOT ? '1' : '0.1');
  if (!marginInit.isPositive() || marginInit.gt(Decimal.ONE)) {
    throw new ModelError(`${field}.margin_init`, 'must be in (0, 1]');
  }
  let priceBand: PriceBand | undefined;
  if (spec.price_band) {
    priceBand = {
      up: Decimal.from(spec.price_band.up, `${field}.price_band.up`),
      down: Decimal.from(spec.price_band.down, `${field}.price_band.down`),
    };
    if (!priceBand.up.isPositive() || !priceBand.down.isPositive() || priceBand.down.gte(Decimal.ONE)) {
      throw new ModelError(`${field}.price_band`, 'up must be positive and down in (0, 1)');
    }
  }
  const feePerContract = dec('fee_per_contract', '0');
  if (feePerContract.isNegative()) throw new ModelError(`${field}.fee_per_contract`, 'must not be negative');
  return Object.freeze({
    id,
    symbol,
    venue,
    kind,
    baseCurrency,
    quoteCurrency,
    settlementCurrency,
    pricePrecision: tickSize.precision,
    sizePrecision: lotSize.precision,
    tickSize,
    lotSize,
    minQuantity,
    maxQuantity,
    minNotional: money('min_notional'),
    maxNotional: money('max_notional'),
    multiplier,
    makerFee: dec('maker_fee', '0'),
    takerFee: dec('taker_fee', '0'),
    feePerContract,
    marginInit,
    priceBand,
    schedule: spec.schedule ? validateSchedule(spec.schedule, `${field}.schedule`) : undefined,
  });
}

function req(spec: InstrumentSpec, key: keyof InstrumentSpec, field: string): string {
  const v = str(spec, key, field);
  if (v === undefined) throw new ModelError(`${field}.${key}`, 'is required');
  return v;
}

/** The spec form of an instrument, the inverse of instrumentFromSpec. */
export function instrumentToSpec(i: Instrument): InstrumentSpec {
  const spec: InstrumentSpec = {
    id: i.id,
    kind: i.kind,
    base_currency: i.baseCurrency.code,
    quote_currency: i.quoteCurrency.code,
    settlement_currency: i.settlementCurrency.code,
    currency_precision: {
      [i.baseCurrency.code]: i.baseCurrency.precision,
      [i.quoteCurrency.code]: i.quoteCurrency.precision,
      [i.settlementCurrency.code]: i.settlementCurrency.precision,
    },
    tick_size: i.tickSize.toString(),
    lot_size: i.lotSize.toString(),
    min_quantity: i.minQuantity.toString(),
    multiplier: i.multiplier.toString(),
    maker_fee: i.makerFee.toString(),
    taker_fee: i.takerFee.toString(),
    fee_per_contract: i.feePerContract.toString(),
    margin_init: i.marginInit.toString(),
  };
  if (i.maxQuantity) spec.max_quantity = i.maxQuantity.toString();
  if (i.minNotional) spec.min_notional = i.minNotional.amount.toString();
  if (i.maxNotional) spec.max_notional = i.maxNotional.amount.toString();
  if (i.priceBand) spec.price_band = { up: i.priceBand.up.toString(), down: i.priceBand.down.toString() };
  if (i.schedule) spec.schedule = i.schedule;
  return spec;
}

/** price × quantity × multiplier, exact. */
export function notionalOf(instrument: Instrument, price: Decimal, quantity: Decimal): Decimal {
  return price.mul(quantity).mul(instrument.multiplier);
}

/**
 * The limit-down and limit-up prices for a reference price, rounded inward to the tick grid so that
 * every price inside the returned range is tradeable.
 */
export function priceBandAt(
  instrument: Instrument,
  reference: Decimal,
): { low: Price; high: Price } | undefined {
  const band = instrument.priceBand;
  if (!band) return undefined;
  const high = reference.mul(Decimal.ONE.add(band.up)).roundToStep(instrument.tickSize, Rounding.FLOOR);
  const low = reference.mul(Decimal.ONE.sub(band.down)).roundToStep(instrument.tickSize, Rounding.CEIL);
  return {
    low: Price.from(low).withPrecision(instrument.pricePrecision),
    high: Price.from(high).withPrecision(instrument.pricePrecision),
  };
}

/** Converts a raw price to the instrument's precision, refusing one off the tick grid. */
export function makePrice(instrument: Instrument, value: string | number | Decimal, field = 'price'): Price {
  const p = Price.from(value, field);
  if (!p.isMultipleOf(instrument.tickSize)) {
    throw new ModelError(
      field,
      `${p} is not on the tick grid of ${instrument.id} (tick ${instrument.tickSize})`,
    );
  }
  return p.withPrecision(instrument.pricePrecision);
}

/** Converts a raw quantity to the instrument's precision, refusing one off the lot grid. */
export function makeQuantity(
  instrument: Instrument,
  value: string | number | Decimal,
  field = 'quantity',
): Quantity {
  const q = Quantity.from(value, field);
  if (!q.isMultipleOf(instrument.lotSize)) {
    throw new ModelError(
      field,
      `${q} is not a multiple of the lot size of ${instrument.id} (lot ${instrument.lotSize})`,
    );
  }
  return q.withPrecision(instrument.sizePrecision);
}

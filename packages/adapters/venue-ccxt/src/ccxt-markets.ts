import { Decimal, InstrumentId, ModelError, instrumentFromSpec, type InstrumentSpec } from '@qubit/model';
import type { Exchange, Market } from 'ccxt';

/** One loaded ccxt market (ccxt's `Market` type admits undefined). */
export type CcxtMarket = NonNullable<Market>;
import { venueName, type CcxtVenueId } from './ccxt-venues.js';

// ccxt's precision modes (ccxt's own constants): the tick as a number of decimals, or the tick itself.
const DECIMAL_PLACES = 2;
const TICK_SIZE = 4;

/**
 * Our id of a ccxt market: the venue's own market id, `-PERP` for perpetual swaps (Binance and Bybit give
 * spot and swap the same id), and the venue in upper case: BTCUSDT.BINANCE, BTCUSDT-PERP.BYBIT,
 * BTC-USDT-SWAP-PERP.OKX.
 */
export function instrumentIdOfMarket(exchangeId: CcxtVenueId, market: CcxtMarket): InstrumentId {
  const id = market.id;
  if (typeof id !== 'string' || id === '') {
    throw new ModelError(`${exchangeId}.markets`, `market ${String(market.symbol)} has no venue id`);
  }
  return InstrumentId(
    `${market.swap ? `${id}-PERP` : id}.${venueName(exchangeId)}`,
    `${exchangeId}.markets.${market.symbol}`,
  );
}

/** One exact decimal from a ccxt market number (ticks, limits, fees), through its shortest round-trip string. */
function dec(value: unknown, field: string): Decimal | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return Decimal.from(value, field);
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ModelError(field, `expected a number, got ${String(value)}`);
  }
  return Decimal.from(value, field).normalize();
}

function step(exchange: Exchange, value: unknown, field: string): string {
  const d = dec(value, field);
  if (d === undefined) throw new ModelError(field, 'is missing from the venue market');
  if (exchange.precisionMode === DECIMAL_PLACES) {
    const places = Number(d.toString());
    if (!Number.isInteger(places) || places < 0 || places > 18) {
      throw new ModelError(field, `is not a number of decimal places: ${d.toString()}`);
    }
    return Decimal.of(1n, places).toString();
  }
  if (exchange.precisionMode !== TICK_SIZE) {
    throw new ModelError(
      field,
      `ccxt precision mode ${exchange.precisionMode} is not supported (ticks or decimal places)`,
    );
  }
  return d.toString();
}

/** A ccxt market as the model's InstrumentSpec (tick, lot, limits, fees); options and inverse contracts are refused. */
export function instrumentSpecFromMarket(
  exchange: Exchange,
  exchangeId: CcxtVenueId,
  market: CcxtMarket,
): InstrumentSpec {
  const field = `${exchangeId}.markets.${market.symbol}`;
  const kind = market.spot ? 'SPOT' : market.swap ? 'PERPETUAL' : market.future ? 'FUTURE' : undefined;
  if (!kind)
    throw new ModelError(
      field,
      `is a ${String(market.type)} market; only spot, swap and future are supported`,
    );
  if (market.inverse) {
    throw new ModelError(
      field,
      'is an inverse contract (notional in the base currency); only linear ones are supported',
    );
  }
  const text = (v: unknown, f: string) => dec(v, `${field}.${f}`)?.toString();
  const spec: InstrumentSpec = {
    id: instrumentIdOfMarket(exchangeId, market),
    kind,
    base_currency: market.base,
    quote_currency: market.quote,
    tick_size: step(exchange, market.precision?.price, `${field}.precision.price`),
    lot_size: step(exchange, market.precision?.amount, `${field}.precision.amount`),
  };
  const optional: [keyof InstrumentSpec, string | undefined][] = [
    ['settlement_currency', market.settle ?? undefined],
    ['min_quantity', text(market.limits?.amount?.min, 'limits.amount.min')],
    ['max_quantity', text(market.limits?.amount?.max, 'limits.amount.max')],
    ['min_notional', text(market.limits?.cost?.min, 'limits.cost.min')],
    ['max_notional', text(market.limits?.cost?.max, 'limits.cost.max')],
    ['multiplier', market.contract ? text(market.contractSize, 'contractSize') : undefined],
    ['maker_fee', text(market.maker, 'maker')],
    ['taker_fee', text(market.taker, 'taker')],
  ];
  const out = spec as unknown as Record<string, unknown>;
  for (const [key, value] of optional) if (value !== undefined) out[key] = value;
  // Checked here so that a bad market is refused with its name, before anyone registers it.
  instrumentFromSpec(spec, field);
  return spec;
}

/**
 * Loads the venue's markets (ccxt `loadMarkets`, one REST round) and returns the spec of each symbol asked for,
 * in order. Symbols are ccxt's unified ones (`BTC/USDT`, `BTC/USDT:USDT`) or our instrument ids; an unknown
 * one is refused with the venue and symbol named, and nothing is returned.
 */
export async function loadInstrumentSpecs(
  exchange: Exchange,
  exchangeId: CcxtVenueId,
  symbols: readonly string[],
): Promise<InstrumentSpec[]> {
  const markets = await exchange.loadMarkets();
  const byInstrumentId = new Map<string, CcxtMarket>();
  for (const m of Object.values(markets)) {
    if (m?.id) byInstrumentId.set(instrumentIdOfMarket(exchangeId, m), m);
  }
  return symbols.map((symbol, i) => {
    const market = markets[symbol] ?? byInstrumentId.get(symbol);
    if (!market) {
      throw new ModelError(
        `symbols[${i}]`,
        `"${symbol}" is not a market of ${exchangeId} (${Object.keys(markets).length} loaded)`,
      );
    }
    return instrumentSpecFromMarket(exchange, exchangeId, market);
  });
}

/** The ccxt market behind one of our instrument ids, from markets already loaded. */
export function marketOfInstrument(
  exchange: Exchange,
  exchangeId: CcxtVenueId,
  instrumentId: InstrumentId,
): CcxtMarket {
  for (const m of Object.values(exchange.markets ?? {})) {
    if (m?.id && instrumentIdOfMarket(exchangeId, m as CcxtMarket) === instrumentId) return m as CcxtMarket;
  }
  throw new ModelError(
    'instrument',
    `${instrumentId} is not a market of ${exchangeId} (were the markets loaded?)`,
  );
}

import {
  AccountType,
  AccountTypeValues,
  Currencies,
  InstrumentKind,
  Money,
  SHIPPED_INSTRUMENT_SPECS,
  instrumentFromSpec,
  type Currency,
  type Instrument,
} from '@qubit/model';
import { UsageError } from './bot-scaffold.js';

// The flags that describe instruments and an account, shared by `qubit venue sim` and `qubit trade` (which
// must describe the same account the same way) and by the backtest's instrument lookup.

/** A shipped instrument by id, undefined when there is no spec for it. */
export function shippedInstrument(id: string): Instrument | undefined {
  const spec = SHIPPED_INSTRUMENT_SPECS.find((s) => s.id === id);
  return spec ? instrumentFromSpec(spec) : undefined;
}

/** `--instrument` values (repeatable, or comma-separated): shipped specs of one venue. */
export function parseInstruments(value: string | readonly string[]): Instrument[] {
  const ids = (typeof value === 'string' ? [value] : [...(value ?? [])])
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v.length > 0);
  if (ids.length === 0)
    throw new UsageError('--instrument: name at least one instrument, e.g. BTCUSDT.BINANCE');
  const instruments = ids.map((id) => {
    const instrument = shippedInstrument(id);
    if (!instrument) {
      const known = SHIPPED_INSTRUMENT_SPECS.map((s) => s.id);
      throw new UsageError(`--instrument: ${id} is not a shipped instrument (${known.join(', ')})`);
    }
    return instrument;
  });
  const venues = new Set(instruments.map((i) => i.venue));
  if (venues.size > 1)
    throw new UsageError(`--instrument: one venue per process, got ${[...venues].join(' and ')}`);
  return instruments;
}

/** `--account-type`; when absent, CASH for spot-only instruments and MARGIN otherwise. */
export function parseAccountType(value: string | undefined, instruments: readonly Instrument[]): AccountType {
  if (value === undefined) {
    return instruments.every((i) => i.kind === InstrumentKind.SPOT) ? AccountType.CASH : AccountType.MARGIN;
  }
  const upper = value.toUpperCase();
  const found = AccountTypeValues.find((t) => t === upper);
  if (!found)
    throw new UsageError(`--account-type: "${value}" is not one of ${AccountTypeValues.join(', ')}`);
  return found;
}

/** One `--balance CUR=AMOUNT` in a currency of the instruments (or a model currency). */
export function parseBalance(entry: string, index: number, instruments: readonly Instrument[]): Money {
  const [code, amount] = splitPair(entry, `--balance #${index + 1}`, 'CURRENCY=AMOUNT');
  const currency = currencyOf(code, instruments);
  if (!currency) {
    throw new UsageError(
      `--balance #${index + 1}: ${code} is not a currency of the venue's instruments or the model`,
    );
  }
  return Money.of(amount, currency, `--balance ${code}`);
}

function currencyOf(code: string, instruments: readonly Instrument[]): Currency | undefined {
  for (const i of instruments) {
    for (const c of [i.baseCurrency, i.quoteCurrency, i.settlementCurrency]) if (c.code === code) return c;
  }
  return (Currencies as Record<string, Currency | undefined>)[code];
}

export function splitPair(entry: string, flag: string, shape: string): [string, string] {
  const eq = typeof entry === 'string' ? entry.indexOf('=') : -1;
  if (eq <= 0 || eq === entry.length - 1)
    throw new UsageError(`${flag}: expected ${shape}, got "${String(entry)}"`);
  return [entry.slice(0, eq).trim(), entry.slice(eq + 1).trim()];
}

import { startVenueSim } from '@qubit/service-venue-sim';
import { parseAccountType, parseBalance, parseInstruments, splitPair } from './account-flags.js';
import { UsageError } from './bot-scaffold.js';

export interface VenueSimFlags {
  readonly port?: number | string;
  readonly host?: string;
  readonly dataDir: string;
  /** The venue's name; the instruments' venue when absent. */
  readonly venue?: string;
  /** Ids of shipped instruments, comma-separated (or one per entry). */
  readonly instruments: string | readonly string[];
  readonly account: string;
  /** CASH or MARGIN; CASH when every instrument is spot, MARGIN otherwise. */
  readonly accountType?: string;
  /** Starting balances, "USDT=1000000" (repeatable). */
  readonly balance?: readonly string[];
  readonly seed?: number | string;
  readonly quoteIntervalMs?: number | string;
  /** Step volatility of the walk as a fraction of the price. */
  readonly volatility?: number | string;
  /** Where an instrument's walk starts, "BTCUSDT.BINANCE=60000" (repeatable; shipped defaults otherwise). */
  readonly startPrice?: readonly string[];
}

export interface VenueSimRunOptions {
  /** Stops the venue like SIGINT does (tests); the process signals are used when absent. */
  readonly signal?: AbortSignal;
  /** Where warnings go (stderr by default, so that stdout's first line stays the address). */
  readonly warn?: (line: string) => void;
}

/** Where each shipped instrument's walk starts unless --start-price says otherwise. */
const DEFAULT_START_PRICES: Readonly<Record<string, string>> = {
  'BTCUSDT.BINANCE': '60000',
  'BTCUSDT-PERP.BINANCE': '60000',
  'ETHUSDT.BINANCE': '3000',
  'VN30F1M.HNX': '1300',
};

/**
 * `qubit venue sim`: a simulated exchange in its own process, with its own durable log in --data-dir and its
 * own synthetic market, serving the remote-venue protocol (docs/venue-sim.md). Prints
 * `venue sim listening on http://HOST:PORT` as its first line, runs until SIGINT/SIGTERM (or `signal`), then
 * closes cleanly and returns 0. Restarted on the same --data-dir it carries on where it stopped.
 */
export async function venueSimCommand(
  flags: VenueSimFlags,
  print: (line: string) => void,
  run: VenueSimRunOptions = {},
): Promise<number> {
  const instruments = parseInstruments(flags.instruments);
  const venue = flags.venue ?? instruments[0]!.venue;
  const accountType = parseAccountType(flags.accountType, instruments);
  const balances = (flags.balance ?? []).map((b, i) => parseBalance(b, i, instruments));
  const startPrice: Record<string, string> = {};
  for (const inst of instruments) {
    const p = DEFAULT_START_PRICES[inst.id];
    if (p !== undefined) startPrice[inst.id] = p;
  }
  for (const entry of flags.startPrice ?? []) {
    const [id, price] = splitPair(entry, '--start-price', 'INSTRUMENT=PRICE');
    if (!instruments.some((i) => i.id === id)) {
      throw new UsageError(
        `--start-price: ${id} is not one of the venue's instruments (${instruments.map((i) => i.id).join(', ')})`,
      );
    }
    startPrice[id] = price;
  }
  const running = await startVenueSim({
    host: flags.host ?? '127.0.0.1',
    port: integer(flags.port ?? 0, '--port'),
    dataDir: flags.dataDir,
    venue,
    instruments,
    accounts: [{ accountId: flags.account, accountType, balances }],
    market: {
      seed: integer(flags.seed ?? 1, '--seed'),
      startPrice,
      quoteIntervalMs: integer(flags.quoteIntervalMs ?? 50, '--quote-interval-ms'),
      ...(flags.volatility !== undefined ? { volatility: fraction(flags.volatility, '--volatility') } : {}),
    },
    log: run.warn ?? ((line) => console.error(line)),
  });
  print(`venue sim listening on ${running.url}`);
  await stopRequested(run.signal);
  await running.close();
  const s = running.stats();
  print(
    `venue sim stopped: ${s.submits} orders received, ${s.fills} fills, ${s.duplicateSubmits.length} duplicate submits`,
  );
  return 0;
}

function stopRequested(signal: AbortSignal | undefined): Promise<void> {
  if (signal) {
    if (signal.aborted) return Promise.resolve();
    return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  }
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

function integer(value: number | string, flag: string): number {
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isSafeInteger(n) || n < 0)
    throw new UsageError(`${flag} must be a non-negative integer, got "${value}"`);
  return n;
}

function fraction(value: number | string, flag: string): number {
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 0.5)
    throw new UsageError(`${flag} must be a fraction in [0, 0.5], got "${value}"`);
  return n;
}

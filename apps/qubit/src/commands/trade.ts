import { LiveClock } from '@qubit/engine';
import {
  AccountType,
  Money,
  ModelError,
  SHIPPED_INSTRUMENT_SPECS,
  instrumentFromSpec,
  type Instrument,
} from '@qubit/model';
import { parseBotConfig } from '@qubit/sdk';
import { TradingService, type TradingVenue } from '@qubit/service-trading';
import { openStore } from '@qubit/store-postgres';
import { RemoteVenueClient } from '@qubit/venue-remote';
import { parseOverrides } from '../backtest/config-overrides.js';
import { resolveBot } from './bot-registry.js';
import { UsageError } from './bot-scaffold.js';

export interface TradeFlags {
  readonly venueUrl: string;
  readonly venue: string;
  readonly instrument: readonly string[];
  readonly account: string;
  readonly accountType: string;
  readonly balance: readonly string[];
  readonly bot: string;
  readonly botId?: string;
  readonly set: readonly string[];
  readonly dataDir: string;
  readonly databaseUrl?: string;
}

function instrumentOf(id: string): Instrument {
  const spec = SHIPPED_INSTRUMENT_SPECS.find((s) => s.id === id);
  if (!spec) {
    throw new UsageError(
      `--instrument: "${id}" has no shipped spec (known: ${SHIPPED_INSTRUMENT_SPECS.map((s) => s.id).join(', ')})`,
    );
  }
  return instrumentFromSpec(spec);
}

function balanceOf(text: string, instruments: readonly Instrument[]): Money {
  const m = /^([A-Z][A-Z0-9]{1,15})=(\d+(?:\.\d+)?)$/.exec(text);
  if (!m) throw new UsageError(`--balance: "${text}" must look like USDT=1000000`);
  const currency = instruments
    .flatMap((i) => [i.baseCurrency, i.quoteCurrency, i.settlementCurrency])
    .find((c) => c?.code === m[1]);
  if (!currency) throw new UsageError(`--balance: ${m[1]} is not a currency of the instruments traded`);
  return Money.of(m[2]!, currency);
}

/**
 * `qubit trade`: the trading role against a venue in another process (`qubit venue sim`, or any server of
 * the remote-venue protocol), on the durable store. Runs until SIGINT/SIGTERM, then stops the bots and
 * waits for the journal. Killed with SIGKILL instead, the next start recovers from the journal and the venue.
 */
export async function tradeCommand(f: TradeFlags, print: (line: string) => void): Promise<number> {
  const instruments = f.instrument.map(instrumentOf);
  const balances = f.balance.map((b) => balanceOf(b, instruments));
  const accountType = f.accountType.toUpperCase();
  if (!Object.values(AccountType).includes(accountType as AccountType))
    throw new UsageError(
      `--account-type: "${f.accountType}" is not one of ${Object.values(AccountType).join(', ')}`,
    );
  const definition = await resolveBot(f.bot, process.cwd());
  const config = parseBotConfig(definition, parseOverrides(f.set));
  const store = await openStore(f.databaseUrl ? { url: f.databaseUrl } : { dataDir: f.dataDir });
  const venue = new RemoteVenueClient({ url: f.venueUrl, venue: f.venue, accounts: [f.account] });
  venue.onError((err) => print(`trading: venue ${f.venue}: ${err.message}`));
  const service = new TradingService({
    store,
    venue: venue satisfies TradingVenue,
    clock: new LiveClock(),
    instruments,
    accounts: [
      {
        accountId: f.account,
        accountType: accountType as AccountType,
        baseCurrency: instruments[0]!.quoteCurrency,
        balances,
      },
    ],
    bots: [
      {
        botId: f.botId ?? definition.name,
        strategyId: definition.name,
        accountId: f.account,
        bot: definition.create(config) as never,
        config,
        subscriptions: definition.subscriptions(config),
      },
    ],
    log: print,
  });
  let stopping: Promise<void> | undefined;
  const done = new Promise<void>((resolve) => {
    const stop = (): void => {
      stopping ??= service
        .stop('shutdown')
        .catch((err: unknown) => print(`trading: stop failed: ${(err as Error).message}`))
        .finally(() => void store.close().finally(resolve));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  try {
    const r = await service.start();
    print(
      `trading: started (${r.restoredEntries} journal entries, ${r.inFlight} in flight, bots: ${r.startedBots.join(', ') || 'none'}` +
        (r.blockedBots.length > 0 ? `, blocked: ${r.blockedBots.join(', ')}` : '') +
        ')',
    );
  } catch (err) {
    await venue.close().catch(() => {});
    await store.close().catch(() => {});
    if (err instanceof ModelError) throw new UsageError(err.message);
    throw err;
  }
  await done;
  print('trading: stopped');
  return 0;
}

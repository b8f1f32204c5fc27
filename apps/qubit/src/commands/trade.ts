import { LiveClock } from '@qubit/engine';
import { ModelError } from '@qubit/model';
import { parseBotConfig } from '@qubit/sdk';
import { TradingService, type TradingVenue } from '@qubit/service-trading';
import { openStore } from '@qubit/store-postgres';
import { RemoteVenueClient } from '@qubit/venue-remote';
import { parseOverrides } from '../backtest/config-overrides.js';
import { parseAccountType, parseBalance, parseInstruments } from './account-flags.js';
import { resolveBot } from './bot-registry.js';
import { UsageError } from './bot-scaffold.js';

export interface TradeFlags {
  readonly venueUrl: string;
  readonly venue: string;
  readonly instrument: readonly string[];
  readonly account: string;
  /** CASH for spot-only instruments, MARGIN otherwise, when absent. */
  readonly accountType?: string;
  readonly balance: readonly string[];
  readonly bot: string;
  readonly botId?: string;
  readonly set: readonly string[];
  readonly dataDir: string;
  readonly databaseUrl?: string;
}

/**
 * `qubit trade`: the trading role against a venue in another process (`qubit venue sim`, or any server of
 * the remote-venue protocol), on the durable store. Runs until SIGINT/SIGTERM, then stops the bots and
 * waits for the journal. Killed with SIGKILL instead, the next start recovers from the journal and the venue.
 */
export async function tradeCommand(f: TradeFlags, print: (line: string) => void): Promise<number> {
  const instruments = parseInstruments(f.instrument);
  const balances = f.balance.map((b, i) => parseBalance(b, i, instruments));
  const accountType = parseAccountType(f.accountType, instruments);
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
        accountType,
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

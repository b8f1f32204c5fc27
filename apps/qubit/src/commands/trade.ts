import { LiveClock } from '@qubit/engine';
import { ModelError } from '@qubit/model';
import { parseBotConfig } from '@qubit/sdk';
import { TradingService, type TradingVenue } from '@qubit/service-trading';
import { BackupScheduler, openStore, realTimer } from '@qubit/store-postgres';
import { resolve } from 'node:path';
import { RemoteVenueClient } from '@qubit/venue-remote';
import { parseOverrides } from '../backtest/config-overrides.js';
import { parseAccountType, parseBalance, parseInstruments } from './account-flags.js';
import { resolveBot } from './bot-registry.js';
import { UsageError } from './bot-scaffold.js';
import { defaultBackupDir, storeLocation, type StoreFlags } from './store-flags.js';

export interface TradeFlags extends StoreFlags {
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
  /** Daily backups into this directory (default `<data-dir>/backups`); false with --no-backup. */
  readonly backup: boolean;
  readonly backupDir?: string;
  /** UTC time of day of the daily backup, HH:MM. */
  readonly backupAt: string;
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
  const location = storeLocation(f);
  const store = await openStore(location);
  // Built before anything starts so that a bad --backup-at is refused up front.
  let backups: BackupScheduler | undefined;
  try {
    backups = f.backup
      ? new BackupScheduler({
          store: location,
          live: store.sql,
          directory: f.backupDir !== undefined ? resolve(f.backupDir) : defaultBackupDir(f),
          at: f.backupAt,
          clock: () => new Date(),
          timer: realTimer,
          onError: (err) => print(`trading: scheduled backup failed: ${err.message}`),
          onBackup: (r) =>
            print(
              `trading: backup ${r.backup.file} (${r.backup.bytes.toLocaleString('en-US')} bytes)` +
                (r.deleted.length > 0 ? `; retention deleted ${r.deleted.length} older` : ''),
            ),
        })
      : undefined;
  } catch (err) {
    await store.close().catch(() => {});
    throw new UsageError(`--backup-at: ${(err as Error).message}`);
  }
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
      stopping ??= Promise.all([service.stop('shutdown'), backups?.stop()])
        .then(() => undefined)
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
    if (backups) {
      backups.start();
      print(`trading: daily backups at ${f.backupAt} UTC, next ${backups.nextRunAt?.toISOString() ?? '?'}`);
    }
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

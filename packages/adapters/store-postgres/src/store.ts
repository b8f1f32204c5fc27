import type { DecodeContext, WireRegistry } from '@qubit/model';
import { AccountStatesRepository } from './account-states-repository.js';
import { AccountsRepository } from './accounts-repository.js';
import { AuditLogRepository } from './audit-log-repository.js';
import { BotsRepository } from './bots-repository.js';
import { InstrumentsRepository } from './instruments-repository.js';
import { MarketDataReader } from './market-data-reader.js';
import { migrate, schemaVersion } from './migrations/migrate.js';
import { OrdersRepository } from './orders-repository.js';
import { openPglite } from './pglite-client.js';
import { PositionsRepository } from './positions-repository.js';
import { openPostgres } from './postgres-client.js';
import { ReconciliationsRepository } from './reconciliations-repository.js';
import { loadSecretKey, type SecretKey } from './secret-key.js';
import { SsiPsRepository } from './ssi-ps-repository.js';
import { DesiredBotsRepository } from './desired-bots-repository.js';
import { BotStatusRepository } from './bot-status-repository.js';
import type { SqlClient } from './sql-client.js';
import { StoreError } from './store-error.js';
import { StoreJournal } from './store-journal.js';
import { StoreKeyValueState } from './store-key-value-state.js';
import { UsersRepository } from './users-repository.js';

export interface StoreOptions {
  /** A PostgreSQL URL (QUBIT_DATABASE_URL); when given the store is on that server. */
  readonly url?: string;
  /** Otherwise the embedded PGlite database lives in this directory (created when absent). */
  readonly dataDir?: string;
  /** The key of account credentials (QUBIT_SECRET_KEY): 64 hex digits or base64 of 32 bytes. */
  readonly secretKey?: string;
  /** Or a file holding it. */
  readonly secretKeyFile?: string;
  /** Most connections to PostgreSQL (10 when absent). */
  readonly maxConnections?: number;
  /** Codecs for the journal and account states; the model's when absent. */
  readonly registry?: WireRegistry;
  /** Instruments and currencies for decoding what is read back. */
  readonly decodeContext?: DecodeContext;
}

/**
 * Opens the system of record: PostgreSQL when `url` is given, else PGlite in `dataDir`; brings its
 * schema up to date (refusing a newer one with SchemaTooNewError) and returns its journal and
 * repositories. Bad options are refused before anything is opened.
 */
export async function openStore(o: StoreOptions): Promise<Store> {
  if (typeof o !== 'object' || o === null) throw new StoreError('options', 'must be an object');
  if (o.url === undefined && o.dataDir === undefined) {
    throw new StoreError('options', 'give url (PostgreSQL) or dataDir (embedded PGlite)');
  }
  const key = await loadSecretKey(o);
  const sql =
    o.url !== undefined
      ? await openPostgres(o.url, o.maxConnections !== undefined ? { max: o.maxConnections } : {})
      : await openPglite(o.dataDir as string);
  try {
    await migrate(sql);
  } catch (err) {
    await sql.close().catch(() => undefined);
    throw err;
  }
  return new Store(sql, key, o);
}

/** The store's journal and repositories over one SqlClient. */
export class Store {
  readonly journal: StoreJournal;
  readonly orders: OrdersRepository;
  readonly positions: PositionsRepository;
  readonly accountStates: AccountStatesRepository;
  readonly reconciliations: ReconciliationsRepository;
  readonly bots: BotsRepository;
  readonly instruments: InstrumentsRepository;
  readonly audit: AuditLogRepository;
  readonly users: UsersRepository;
  readonly accounts: AccountsRepository;
  /** Bars and trades the MarketDataWriter stored, read in pages; and what is stored (`coverage`). */
  readonly marketData: MarketDataReader;
  /** HOSE PowerScreen snapshots (seed 000 §2.5) by code and time. */
  readonly ssiPs: SsiPsRepository;
  /** Seed 000 §2.2: what should run (the supervisor's input) and what runs (its output). */
  readonly desiredBots: DesiredBotsRepository;
  readonly botStatus: BotStatusRepository;
  private readonly states: StoreKeyValueState[] = [];
  private closed = false;

  constructor(
    readonly sql: SqlClient,
    key: SecretKey | undefined,
    options: Pick<StoreOptions, 'registry' | 'decodeContext'> = {},
  ) {
    const codec = {
      ...(options.registry !== undefined ? { registry: options.registry } : {}),
      ...(options.decodeContext !== undefined ? { decodeContext: options.decodeContext } : {}),
    };
    this.journal = new StoreJournal(sql, codec);
    this.orders = new OrdersRepository(sql);
    this.positions = new PositionsRepository(sql);
    this.accountStates = new AccountStatesRepository(sql, codec);
    this.reconciliations = new ReconciliationsRepository(sql);
    this.bots = new BotsRepository(sql);
    this.instruments = new InstrumentsRepository(sql);
    this.audit = new AuditLogRepository(sql);
    this.users = new UsersRepository(sql);
    this.accounts = new AccountsRepository(sql, key);
    this.marketData = new MarketDataReader(sql);
    this.ssiPs = new SsiPsRepository(sql);
    this.desiredBots = new DesiredBotsRepository(sql);
    this.botStatus = new BotStatusRepository(sql);
  }

  /** A bot's durable key/value state, loaded; its writes are flushed on close. */
  async kvState(botRef: string): Promise<StoreKeyValueState> {
    if (this.closed) throw new StoreError('store', 'is closed');
    const state = await StoreKeyValueState.load(this.sql, botRef);
    this.states.push(state);
    return state;
  }

  /** The schema version of the database. */
  schemaVersion(): Promise<number> {
    return schemaVersion(this.sql);
  }

  /** Flushes the bots' key/value states, then closes the database. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    let failure: unknown;
    for (const s of this.states) {
      try {
        await s.flush();
      } catch (err) {
        failure ??= err;
      }
    }
    await this.sql.close();
    if (failure !== undefined) throw failure;
  }
}

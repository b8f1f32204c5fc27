import { inspect } from 'node:util';
import { AccountId, AccountTypeValues, type AccountType } from '@qubit/model';
import type { SecretKey } from './secret-key.js';
import type { SqlClient } from './sql-client.js';
import { optText, requireText } from './sql-values.js';
import { StoreError } from './store-error.js';

/** An account at a venue. Its credentials are never part of it: ask getCredentials. */
export interface AccountRecord {
  readonly accountId: string;
  readonly venue: string;
  readonly label: string | undefined;
  readonly accountType: AccountType;
  readonly baseCurrency: string | undefined;
  readonly hasCredentials: boolean;
  /** Which key the stored credentials were encrypted with. */
  readonly credentialsKeyId: string | undefined;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface AccountInput {
  readonly accountId: string;
  readonly venue: string;
  readonly label?: string;
  readonly accountType: AccountType;
  readonly baseCurrency?: string;
}

/** Broker credentials: a JSON object ({apiKey, secret, …}). */
export type Credentials = Readonly<Record<string, unknown>>;

const COLUMNS = `account_id, venue, label, account_type, base_currency, credentials_key_id, created_at, updated_at,
  credentials_enc IS NOT NULL AS has_credentials`;

/**
 * Venue accounts, with their broker credentials encrypted at rest (AES-256-GCM under the store's
 * SecretKey, bound to the account id so a ciphertext copied to another account does not open).
 * Credentials appear in no error, no log, and no string or JSON form of this repository.
 */
export class AccountsRepository {
  readonly #key: SecretKey | undefined;

  constructor(
    private readonly sql: SqlClient,
    key: SecretKey | undefined,
  ) {
    this.#key = key;
  }

  /** The id of the configured key, or undefined when none is. */
  get keyId(): string | undefined {
    return this.#key?.keyId;
  }

  /** Adds an account or updates its venue, label, type and base currency (credentials are kept). */
  async upsert(a: AccountInput): Promise<AccountRecord> {
    if (typeof a !== 'object' || a === null) throw new StoreError('account', 'must be an account');
    const accountId = AccountId(a.accountId, 'accountId');
    if (!AccountTypeValues.includes(a.accountType)) {
      throw new StoreError(
        'accountType',
        `must be one of ${AccountTypeValues.join(', ')}, got ${String(a.accountType)}`,
      );
    }
    const rows = await this.sql.query(
      `INSERT INTO accounts (account_id, venue, label, account_type, base_currency) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (account_id) DO UPDATE SET venue = excluded.venue, label = excluded.label,
         account_type = excluded.account_type, base_currency = excluded.base_currency, updated_at = now()
       RETURNING ${COLUMNS}`,
      [
        accountId,
        requireText(a.venue, 'venue', 64),
        optText(a.label, 'label') ?? null,
        a.accountType,
        optText(a.baseCurrency, 'baseCurrency', 12) ?? null,
      ],
    );
    return accountOf(rows[0]!);
  }

  async get(accountId: string): Promise<AccountRecord | undefined> {
    const rows = await this.sql.query(`SELECT ${COLUMNS} FROM accounts WHERE account_id = $1`, [
      AccountId(accountId, 'accountId'),
    ]);
    return rows[0] && accountOf(rows[0]);
  }

  async list(): Promise<AccountRecord[]> {
    return (await this.sql.query(`SELECT ${COLUMNS} FROM accounts ORDER BY account_id`)).map(accountOf);
  }

  /** Encrypts and stores an account's credentials, replacing any before. */
  async setCredentials(accountId: string, credentials: Credentials): Promise<void> {
    const id = AccountId(accountId, 'accountId');
    const key = this.requireKey();
    if (typeof credentials !== 'object' || credentials === null || Array.isArray(credentials)) {
      throw new StoreError('credentials', 'must be a JSON object');
    }
    let text: string | undefined;
    try {
      text = JSON.stringify(credentials);
    } catch {
      // The serializer's message may quote the values: it is not passed on.
      text = undefined;
    }
    if (text === undefined)
      throw new StoreError('credentials', 'must be a JSON object (it does not serialize)');
    const sealed = key.seal(Buffer.from(text, 'utf8'), context(id));
    const rows = await this.sql.query(
      `UPDATE accounts SET credentials_enc = $2, credentials_nonce = $3, credentials_key_id = $4, updated_at = now()
        WHERE account_id = $1 RETURNING account_id`,
      [id, sealed.ciphertext, sealed.nonce, key.keyId],
    );
    if (rows.length === 0)
      throw new StoreError('accountId', `no account ${id}: add it before its credentials`);
  }

  /** The account's credentials, decrypted; undefined when none are stored. */
  async getCredentials(accountId: string): Promise<Credentials | undefined> {
    const id = AccountId(accountId, 'accountId');
    const rows = await this.sql.query<{
      credentials_enc: Uint8Array | null;
      credentials_nonce: Uint8Array | null;
      credentials_key_id: string | null;
    }>('SELECT credentials_enc, credentials_nonce, credentials_key_id FROM accounts WHERE account_id = $1', [
      id,
    ]);
    const row = rows[0];
    if (!row) throw new StoreError('accountId', `no account ${id}`);
    if (row.credentials_enc === null || row.credentials_nonce === null) return undefined;
    const key = this.requireKey();
    if (row.credentials_key_id !== key.keyId) {
      throw new StoreError(
        'secretKey',
        `the credentials of account ${id} were encrypted with key ${row.credentials_key_id ?? '?'}, ` +
          `but the configured key is ${key.keyId}: configure the key they were stored with`,
      );
    }
    const plain = key.open(
      { ciphertext: Buffer.from(row.credentials_enc), nonce: Buffer.from(row.credentials_nonce) },
      context(id),
    );
    if (!plain) {
      throw new StoreError(
        'credentials',
        `the credentials of account ${id} do not decrypt with key ${key.keyId}: they were altered or belong to another account`,
      );
    }
    return JSON.parse(plain.toString('utf8')) as Credentials;
  }

  /** Removes an account's credentials. */
  async clearCredentials(accountId: string): Promise<void> {
    const id = AccountId(accountId, 'accountId');
    const rows = await this.sql.query(
      `UPDATE accounts SET credentials_enc = NULL, credentials_nonce = NULL, credentials_key_id = NULL,
         updated_at = now() WHERE account_id = $1 RETURNING account_id`,
      [id],
    );
    if (rows.length === 0) throw new StoreError('accountId', `no account ${id}`);
  }

  toString(): string {
    return `AccountsRepository(key ${this.keyId ?? 'none'})`;
  }

  toJSON(): { keyId: string | undefined } {
    return { keyId: this.keyId };
  }

  [inspect.custom](): string {
    return this.toString();
  }

  private requireKey(): SecretKey {
    if (!this.#key) {
      throw new StoreError(
        'secretKey',
        'no secret key is configured for account credentials: set QUBIT_SECRET_KEY or give a key file',
      );
    }
    return this.#key;
  }
}

/** Bound into each ciphertext (authenticated data), so that it opens only as this account's credentials. */
function context(accountId: string): string {
  return `qubit:accounts:${accountId}:credentials`;
}

function accountOf(r: Record<string, unknown>): AccountRecord {
  return {
    accountId: String(r.account_id),
    venue: String(r.venue),
    label: (r.label as string | null) ?? undefined,
    accountType: r.account_type as AccountType,
    baseCurrency: (r.base_currency as string | null) ?? undefined,
    hasCredentials: r.has_credentials === true,
    credentialsKeyId: (r.credentials_key_id as string | null) ?? undefined,
    createdAt: r.created_at as Date,
    updatedAt: r.updated_at as Date,
  };
}

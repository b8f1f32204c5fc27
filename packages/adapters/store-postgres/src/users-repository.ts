import type { SqlClient } from './sql-client.js';
import { requireText } from './sql-values.js';
import { StoreError } from './store-error.js';

export interface User {
  readonly userId: string;
  readonly username: string;
  /** The gateway's hash of the password; the store never sees a password. */
  readonly passwordHash: string;
  readonly role: string;
  readonly scopes: readonly string[];
  readonly createdAt: Date;
  readonly disabled: boolean;
}

export interface NewUser {
  readonly username: string;
  readonly passwordHash: string;
  readonly role: string;
  readonly scopes?: readonly string[];
}

export interface ApiToken {
  readonly tokenId: string;
  readonly userId: string;
  readonly name: string;
  /** The gateway's hash of the token; the token itself is never stored. */
  readonly tokenHash: string;
  readonly scopes: readonly string[];
  readonly createdAt: Date;
  readonly expiresAt: Date | undefined;
  readonly revokedAt: Date | undefined;
}

export interface NewApiToken {
  readonly userId: string;
  readonly name: string;
  readonly tokenHash: string;
  readonly scopes?: readonly string[];
  readonly expiresAt?: Date;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const UNIQUE_VIOLATION = '23505';

/** Users and their API tokens. Hashing is the gateway's; this stores and finds the hashes it is given. */
export class UsersRepository {
  constructor(private readonly sql: SqlClient) {}

  async createUser(u: NewUser): Promise<User> {
    if (typeof u !== 'object' || u === null) throw new StoreError('user', 'must be a user');
    const username = requireText(u.username, 'username', 128);
    const scopes = checkScopes(u.scopes);
    try {
      const rows = await this.sql.query(
        `INSERT INTO users (username, password_hash, role, scopes) VALUES ($1, $2, $3, $4::text[]) RETURNING *`,
        [
          username,
          requireText(u.passwordHash, 'passwordHash', 1024),
          requireText(u.role, 'role', 64),
          scopes,
        ],
      );
      return userOf(rows[0]!);
    } catch (err) {
      if (codeOf(err) === UNIQUE_VIOLATION)
        throw new StoreError('username', `"${username}" is already taken`);
      throw err;
    }
  }

  async findUserByUsername(username: string): Promise<User | undefined> {
    const rows = await this.sql.query('SELECT * FROM users WHERE username = $1', [
      requireText(username, 'username', 128),
    ]);
    return rows[0] && userOf(rows[0]);
  }

  async getUser(userId: string): Promise<User | undefined> {
    const rows = await this.sql.query('SELECT * FROM users WHERE user_id = $1', [
      checkUuid(userId, 'userId'),
    ]);
    return rows[0] && userOf(rows[0]);
  }

  async listUsers(): Promise<User[]> {
    return (await this.sql.query('SELECT * FROM users ORDER BY username')).map(userOf);
  }

  async setDisabled(userId: string, disabled: boolean): Promise<User> {
    if (typeof disabled !== 'boolean') throw new StoreError('disabled', 'must be a boolean');
    const rows = await this.sql.query('UPDATE users SET disabled = $2 WHERE user_id = $1 RETURNING *', [
      checkUuid(userId, 'userId'),
      disabled,
    ]);
    if (!rows[0]) throw new StoreError('userId', `no user ${userId}`);
    return userOf(rows[0]);
  }

  async setPasswordHash(userId: string, passwordHash: string): Promise<void> {
    const rows = await this.sql.query(
      'UPDATE users SET password_hash = $2 WHERE user_id = $1 RETURNING user_id',
      [checkUuid(userId, 'userId'), requireText(passwordHash, 'passwordHash', 1024)],
    );
    if (!rows[0]) throw new StoreError('userId', `no user ${userId}`);
  }

  async createToken(t: NewApiToken): Promise<ApiToken> {
    if (typeof t !== 'object' || t === null) throw new StoreError('token', 'must be a token');
    const userId = checkUuid(t.userId, 'userId');
    if (t.expiresAt !== undefined && !(t.expiresAt instanceof Date && !Number.isNaN(t.expiresAt.getTime()))) {
      throw new StoreError('expiresAt', 'must be a valid Date');
    }
    const params = [
      userId,
      requireText(t.name, 'name', 128),
      requireText(t.tokenHash, 'tokenHash', 1024),
      checkScopes(t.scopes),
      t.expiresAt?.toISOString() ?? null,
    ];
    return this.sql.transaction(async (tx) => {
      const user = await tx.query('SELECT 1 FROM users WHERE user_id = $1', [userId]);
      if (user.length === 0) throw new StoreError('userId', `no user ${userId}`);
      try {
        const rows = await tx.query(
          `INSERT INTO api_tokens (user_id, name, token_hash, scopes, expires_at)
           VALUES ($1, $2, $3, $4::text[], $5) RETURNING *`,
          params,
        );
        return tokenOf(rows[0]!);
      } catch (err) {
        // The hash is not named: even a hash of a credential stays out of messages.
        if (codeOf(err) === UNIQUE_VIOLATION)
          throw new StoreError('tokenHash', 'a token with this hash exists');
        throw err;
      }
    });
  }

  /** The token with this hash, whatever its state: the caller checks expiry, revocation and its user. */
  async findTokenByHash(tokenHash: string): Promise<ApiToken | undefined> {
    const rows = await this.sql.query('SELECT * FROM api_tokens WHERE token_hash = $1', [
      requireText(tokenHash, 'tokenHash', 1024),
    ]);
    return rows[0] && tokenOf(rows[0]);
  }

  async listTokens(userId: string): Promise<ApiToken[]> {
    const rows = await this.sql.query(
      'SELECT * FROM api_tokens WHERE user_id = $1 ORDER BY created_at, token_id',
      [checkUuid(userId, 'userId')],
    );
    return rows.map(tokenOf);
  }

  /** Revokes a token (once: revoking it again keeps the first time). */
  async revokeToken(tokenId: string): Promise<ApiToken> {
    const rows = await this.sql.query(
      'UPDATE api_tokens SET revoked_at = coalesce(revoked_at, now()) WHERE token_id = $1 RETURNING *',
      [checkUuid(tokenId, 'tokenId')],
    );
    if (!rows[0]) throw new StoreError('tokenId', `no token ${tokenId}`);
    return tokenOf(rows[0]);
  }
}

function checkUuid(value: unknown, field: string): string {
  if (typeof value !== 'string' || !UUID_RE.test(value)) throw new StoreError(field, 'must be a UUID');
  return value;
}

function checkScopes(scopes: readonly string[] | undefined): string[] {
  if (scopes === undefined) return [];
  if (!Array.isArray(scopes)) throw new StoreError('scopes', 'must be an array of scope names');
  return scopes.map((s, i) => requireText(s, `scopes[${i}]`, 64));
}

function codeOf(err: unknown): unknown {
  return (err as { code?: unknown } | null)?.code;
}

function userOf(r: Record<string, unknown>): User {
  return {
    userId: String(r.user_id),
    username: String(r.username),
    passwordHash: String(r.password_hash),
    role: String(r.role),
    scopes: (r.scopes as string[] | null) ?? [],
    createdAt: r.created_at as Date,
    disabled: r.disabled === true,
  };
}

function tokenOf(r: Record<string, unknown>): ApiToken {
  return {
    tokenId: String(r.token_id),
    userId: String(r.user_id),
    name: String(r.name),
    tokenHash: String(r.token_hash),
    scopes: (r.scopes as string[] | null) ?? [],
    createdAt: r.created_at as Date,
    expiresAt: (r.expires_at as Date | null) ?? undefined,
    revokedAt: (r.revoked_at as Date | null) ?? undefined,
  };
}

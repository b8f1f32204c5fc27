import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { ApiToken, AuditLogRepository, User, UsersRepository } from '@qubit/store-postgres';
import { epochSeconds, type AuthClock } from './auth-clock.js';
import { AuthError, AuthInputError, ForbiddenError } from './auth-error.js';
import type { AdminBootstrap, IssuedApiToken } from './issued-tokens.js';
import { TokenPair } from './issued-tokens.js';
import { JwtCodec, type JwtClaims } from './jwt.js';
import { hashPassword, MAX_PASSWORD_LENGTH, verifyPassword } from './password-hashing.js';
import { Principal } from './principal.js';
import { RefreshTokenLedger } from './refresh-token-ledger.js';
import { hasScope, parseScopes, Role, Scope, scopesOfUser, scopesWithin } from './scopes.js';
import { Secret } from './secret.js';

/** A line for the operator's log: reasons, never credentials. */
export interface AuthLogEntry {
  readonly event: string;
  readonly username?: string;
  readonly reason?: string;
  readonly ip?: string;
}

export interface AuthServiceOptions {
  readonly users: UsersRepository;
  readonly audit: AuditLogRepository;
  /** The JWT signing key, at least 32 bytes (QUBIT_JWT_SECRET or generated and kept by the app). */
  readonly secret: string | Uint8Array;
  readonly clock: AuthClock;
  /** 900 (15 min) when absent. */
  readonly accessTtlSeconds?: number;
  /** 604,800 (7 days) when absent. */
  readonly refreshTtlSeconds?: number;
  readonly issuer?: string;
  readonly audience?: string;
  readonly log?: (entry: AuthLogEntry) => void;
}

export const ADMIN_USERNAME = 'admin';
/** API tokens carry a prefix so `authenticate` knows them from JWTs without trying both. */
export const API_TOKEN_PREFIX = 'qbt_';
const MAX_USERNAME_LENGTH = 128;

/**
 * Logins, token refresh, bearer authentication and API tokens over the store's users and audit_log.
 * Unknown user and wrong password give the same error in the same time; every login attempt is audited.
 */
export class AuthService {
  private readonly users: UsersRepository;
  private readonly audit: AuditLogRepository;
  private readonly clock: AuthClock;
  private readonly jwt: JwtCodec;
  private readonly accessTtl: number;
  private readonly refreshTtl: number;
  private readonly ledger = new RefreshTokenLedger();
  private readonly log: (entry: AuthLogEntry) => void;
  /** Verified against when the user is unknown, so both refusals cost one argon2 verify. */
  private decoyHash: Promise<string> | undefined;

  constructor(o: AuthServiceOptions) {
    if (typeof o !== 'object' || o === null) throw new AuthInputError('auth options', 'must be an object');
    if (!o.users) throw new AuthInputError('auth options.users', 'a UsersRepository is required');
    if (!o.audit) throw new AuthInputError('auth options.audit', 'an AuditLogRepository is required');
    this.users = o.users;
    this.audit = o.audit;
    this.clock = o.clock;
    this.jwt = new JwtCodec({
      secret: o.secret,
      issuer: o.issuer ?? 'qubit',
      audience: o.audience ?? 'qubit-gateway',
      clock: o.clock,
    });
    this.accessTtl = ttl(o.accessTtlSeconds, 900, 'auth options.accessTtlSeconds');
    this.refreshTtl = ttl(o.refreshTtlSeconds, 604_800, 'auth options.refreshTtlSeconds');
    if (this.refreshTtl <= this.accessTtl) {
      throw new AuthInputError('auth options.refreshTtlSeconds', 'must be longer than accessTtlSeconds');
    }
    this.log = o.log ?? (() => undefined);
  }

  /**
   * On an empty user table, creates `admin` with the given password (QUBIT_ADMIN_PASSWORD, passed in
   * by the app) or a generated one returned once. Does nothing when any user exists.
   */
  async bootstrapAdmin(password?: string): Promise<AdminBootstrap> {
    if (password !== undefined && (typeof password !== 'string' || password.length < 8)) {
      throw new AuthInputError('QUBIT_ADMIN_PASSWORD', 'must be at least 8 characters');
    }
    if ((await this.users.listUsers()).length > 0) return { created: false };
    const generated = password === undefined ? randomBytes(18).toString('base64url') : undefined;
    try {
      await this.users.createUser({
        username: ADMIN_USERNAME,
        passwordHash: await hashPassword(password ?? (generated as string)),
        role: Role.ADMIN,
        scopes: [Scope.ADMIN],
      });
    } catch (err) {
      // Another process bootstrapped first: theirs stands.
      if ((await this.users.findUserByUsername(ADMIN_USERNAME)) !== undefined) return { created: false };
      throw err;
    }
    await this.audit.append({
      actor: 'system',
      action: 'auth.bootstrap_admin',
      target: ADMIN_USERNAME,
      details: { password: generated === undefined ? 'from QUBIT_ADMIN_PASSWORD' : 'generated' },
    });
    return {
      created: true,
      username: ADMIN_USERNAME,
      oneTimePassword: generated === undefined ? undefined : new Secret(generated),
    };
  }

  /** Creates a user (admin work; the gateway checks the caller's scope). */
  async createUser(username: string, password: string, role: Role, scopes?: readonly Scope[]): Promise<User> {
    if (!Object.values(Role).includes(role)) {
      throw new AuthInputError(
        'role',
        `${JSON.stringify(role)} is not one of ${Object.values(Role).join(', ')}`,
      );
    }
    const own = scopes === undefined ? undefined : parseScopes(scopes, 'scopes');
    return this.users.createUser({
      username: checkUsername(username),
      passwordHash: await hashPassword(password),
      role,
      ...(own === undefined ? {} : { scopes: own }),
    });
  }

  async login(username: string, password: string, ip?: string): Promise<TokenPair> {
    if (typeof username !== 'string' || username === '') {
      throw new AuthInputError('username', 'must be a non-empty string');
    }
    if (typeof password !== 'string' || password === '') {
      throw new AuthInputError('password', 'must be a non-empty string');
    }
    const user =
      username.length <= MAX_USERNAME_LENGTH && password.length <= MAX_PASSWORD_LENGTH
        ? await this.users.findUserByUsername(username)
        : undefined;
    const check = await verifyPassword(user?.passwordHash ?? (await this.decoy()), password);
    if (!user || !check.ok) {
      await this.refuseLogin(username, !user ? 'unknown user' : check.ok ? 'ok' : check.reason, ip);
      throw new AuthError('bad credentials', 'unknown user or wrong password');
    }
    if (user.disabled) {
      await this.refuseLogin(username, 'disabled', ip);
      throw new AuthError('disabled', 'the user is disabled');
    }
    const pair = this.issue(user);
    await this.audit.append({
      actor: user.username,
      action: 'auth.login',
      target: user.userId,
      details: { outcome: 'success' },
      ...(ip === undefined ? {} : { ip }),
    });
    this.log({ event: 'auth.login', username: user.username, ...(ip === undefined ? {} : { ip }) });
    return pair;
  }

  /**
   * A new pair for a refresh token, which is spent by this call: presenting it again is refused as
   * 'reused'. The user is read again, so a disabled user or a removed scope takes effect here.
   */
  async refresh(refreshToken: string): Promise<TokenPair> {
    const claims = this.jwt.verify(refreshToken, 'refresh');
    this.ledger.consume(claims.jti, claims.exp, epochSeconds(this.clock));
    const user = await this.users.getUser(claims.sub);
    if (!user) throw new AuthError('unknown token', 'its user no longer exists');
    if (user.disabled) throw new AuthError('disabled', 'the user is disabled');
    return this.issue(user);
  }

  /** Refuses a refresh token from now on (logout). */
  revokeRefreshToken(refreshToken: string): void {
    const claims = this.jwt.verify(refreshToken, 'refresh');
    this.ledger.revoke(claims.jti, claims.exp, epochSeconds(this.clock));
  }

  /**
   * The principal of an `Authorization` header value (`Bearer …`) or a bare token (the WS first
   * message, ?token=): a JWT access token, or an API token looked up by its SHA-256.
   */
  async authenticate(bearer: string | undefined): Promise<Principal> {
    if (typeof bearer !== 'string' || bearer.trim() === '')
      throw new AuthError('malformed', 'no bearer token');
    const token = /^Bearer\s+/i.test(bearer) ? bearer.replace(/^Bearer\s+/i, '') : bearer.trim();
    if (token.startsWith(API_TOKEN_PREFIX)) return this.authenticateApiToken(token);
    const claims: JwtClaims = this.jwt.verify(token, 'access');
    return new Principal(claims.sub, claims.username, parseClaimScopes(claims.scopes), 'jwt');
  }

  /**
   * An API token for scripts, with at most the scopes its user holds; the plaintext is in the answer
   * once and the store keeps only its SHA-256 (a random 256-bit token needs no slow hash).
   */
  async createApiToken(
    userId: string,
    name: string,
    scopes: readonly Scope[],
    expiresAt?: Date,
    by?: { readonly actor?: string; readonly ip?: string },
  ): Promise<IssuedApiToken> {
    const wanted = parseScopes(scopes, 'scopes');
    if (wanted.length === 0) throw new AuthInputError('scopes', 'must name at least one scope');
    if (expiresAt !== undefined) {
      if (!(expiresAt instanceof Date) || Number.isNaN(expiresAt.getTime())) {
        throw new AuthInputError('expiresAt', 'must be a valid Date');
      }
      if (expiresAt.getTime() / 1000 <= epochSeconds(this.clock)) {
        throw new AuthInputError('expiresAt', `${expiresAt.toISOString()} is not in the future`);
      }
    }
    const user = await this.users.getUser(userId);
    if (!user) throw new AuthInputError('userId', `no user ${userId}`);
    if (user.disabled) throw new AuthInputError('userId', `${user.username} is disabled`);
    const granted = scopesOfUser(user);
    if (!scopesWithin(wanted, granted)) {
      const missing = wanted.find((s) => !hasScope(granted, s)) as Scope;
      throw new ForbiddenError(missing, user.username, 'an API token (its scopes cannot exceed its user’s)');
    }
    const plaintext = API_TOKEN_PREFIX + randomBytes(32).toString('base64url');
    const stored = await this.users.createToken({
      userId: user.userId,
      name,
      tokenHash: sha256(plaintext),
      scopes: wanted,
      ...(expiresAt === undefined ? {} : { expiresAt }),
    });
    await this.audit.append({
      actor: by?.actor ?? user.username,
      action: 'auth.token.create',
      target: stored.tokenId,
      details: { user: user.username, name: stored.name, scopes: wanted },
      ...(by?.ip === undefined ? {} : { ip: by.ip }),
    });
    return {
      tokenId: stored.tokenId,
      userId: stored.userId,
      name: stored.name,
      scopes: wanted,
      expiresAt: stored.expiresAt,
      token: new Secret(plaintext),
    };
  }

  /** Revokes an API token of the principal's own, or anyone's for admin. */
  async revokeApiToken(by: Principal, tokenId: string, ip?: string): Promise<void> {
    if (!hasScope(by.scopes, Scope.ADMIN)) {
      const own = await this.users.listTokens(by.userId);
      if (!own.some((t) => t.tokenId === tokenId))
        throw new AuthInputError('tokenId', `${by.username} has no token ${tokenId}`);
    }
    const revoked = await this.users.revokeToken(tokenId);
    await this.audit.append({
      actor: by.actor,
      action: 'auth.token.revoke',
      target: revoked.tokenId,
      details: { name: revoked.name },
      ...(ip === undefined ? {} : { ip }),
    });
  }

  private async authenticateApiToken(token: string): Promise<Principal> {
    const stored: ApiToken | undefined = await this.users.findTokenByHash(sha256(token));
    if (!stored) throw new AuthError('unknown token');
    if (stored.revokedAt !== undefined) throw new AuthError('revoked');
    if (stored.expiresAt !== undefined && stored.expiresAt.getTime() / 1000 <= epochSeconds(this.clock)) {
      throw new AuthError('expired');
    }
    const user = await this.users.getUser(stored.userId);
    if (!user) throw new AuthError('unknown token', 'its user no longer exists');
    if (user.disabled) throw new AuthError('disabled', 'the user is disabled');
    // A scope taken from the user since is taken from their tokens too.
    const granted = scopesOfUser(user);
    const scopes = parseClaimScopes(stored.scopes).filter((s) => hasScope(granted, s));
    return new Principal(user.userId, user.username, scopes, 'api_token', stored.tokenId);
  }

  private issue(user: User): TokenPair {
    const base = { sub: user.userId, username: user.username, scopes: scopesOfUser(user) };
    return new TokenPair(
      new Secret(this.jwt.sign({ ...base, jti: randomUUID(), typ: 'access' }, this.accessTtl)),
      new Secret(this.jwt.sign({ ...base, jti: randomUUID(), typ: 'refresh' }, this.refreshTtl)),
      this.accessTtl,
    );
  }

  private async refuseLogin(username: string, reason: string, ip: string | undefined): Promise<void> {
    // The attempted name is cut: a password pasted into the username field stays out of the log.
    const actor = username.slice(0, 64);
    await this.audit.append({
      actor,
      action: 'auth.login',
      details: { outcome: 'failure', reason },
      ...(ip === undefined ? {} : { ip }),
    });
    this.log({ event: 'auth.login_failed', username: actor, reason, ...(ip === undefined ? {} : { ip }) });
  }

  private decoy(): Promise<string> {
    this.decoyHash ??= hashPassword(randomBytes(16).toString('hex'));
    return this.decoyHash;
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function ttl(value: number | undefined, fallback: number, field: string): number {
  const v = value ?? fallback;
  if (!Number.isSafeInteger(v) || v <= 0)
    throw new AuthInputError(field, `must be a positive integer, got ${String(v)}`);
  return v;
}

function checkUsername(username: unknown): string {
  if (typeof username !== 'string' || !/^[A-Za-z0-9_.@-]{1,128}$/.test(username)) {
    throw new AuthInputError('username', 'must be 1-128 letters, digits or _ . @ -');
  }
  return username;
}

/** Scopes read back from a token or the store: unknown names are dropped, never granted. */
function parseClaimScopes(scopes: readonly string[]): Scope[] {
  return scopes.filter((s): s is Scope => ALL_SCOPE_SET.has(s));
}

const ALL_SCOPE_SET: ReadonlySet<string> = new Set(Object.values(Scope));

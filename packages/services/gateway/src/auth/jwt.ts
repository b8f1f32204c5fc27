import { createHmac, timingSafeEqual } from 'node:crypto';
import { AuthError, AuthInputError } from './auth-error.js';
import { epochSeconds, type AuthClock } from './auth-clock.js';

export type TokenType = 'access' | 'refresh';

/** The claims the gateway signs. Times are seconds since the epoch (RFC 7519 NumericDate). */
export interface JwtClaims {
  readonly iss: string;
  readonly aud: string;
  /** The user id. */
  readonly sub: string;
  readonly iat: number;
  readonly nbf: number;
  readonly exp: number;
  readonly jti: string;
  /** Which kind of token: an access token is never accepted where a refresh token is asked, nor back. */
  readonly typ: TokenType;
  readonly username: string;
  readonly scopes: readonly string[];
}

export interface JwtOptions {
  /** The HMAC key: at least 32 bytes (HS256 keys shorter than the hash are refused, RFC 7518 §3.2). */
  readonly secret: string | Uint8Array;
  readonly issuer: string;
  readonly audience: string;
  readonly clock: AuthClock;
  /** Clock skew tolerated on exp and nbf; 30 s when absent. */
  readonly leewaySeconds?: number;
}

export const MIN_SECRET_BYTES = 32;
/** Bigger tokens are refused before decoding: nobody parses megabytes of attacker JSON. */
const MAX_TOKEN_LENGTH = 8192;
const B64URL = /^[A-Za-z0-9_-]+$/;
const HEADER = encode(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));

/** HS256 JSON Web Tokens (RFC 7519) over node:crypto only. */
export class JwtCodec {
  readonly #key: Buffer;
  readonly issuer: string;
  readonly audience: string;
  private readonly clock: AuthClock;
  private readonly leeway: number;

  constructor(o: JwtOptions) {
    if (typeof o !== 'object' || o === null) throw new AuthInputError('jwt options', 'must be an object');
    this.#key = secretKey(o.secret);
    this.issuer = requireName(o.issuer, 'jwt options.issuer');
    this.audience = requireName(o.audience, 'jwt options.audience');
    if (typeof o.clock?.now !== 'function') throw new AuthInputError('jwt options.clock', 'must have now()');
    this.clock = o.clock;
    const leeway = o.leewaySeconds ?? 30;
    if (!Number.isSafeInteger(leeway) || leeway < 0 || leeway > 300) {
      throw new AuthInputError(
        'jwt options.leewaySeconds',
        `must be an integer in 0..300, got ${String(leeway)}`,
      );
    }
    this.leeway = leeway;
  }

  /** Signs a token valid from now for `ttlSeconds`. */
  sign(
    claims: { sub: string; jti: string; typ: TokenType; username: string; scopes: readonly string[] },
    ttlSeconds: number,
  ): string {
    if (!Number.isSafeInteger(ttlSeconds) || ttlSeconds <= 0) {
      throw new AuthInputError('ttlSeconds', `must be a positive integer, got ${String(ttlSeconds)}`);
    }
    const now = epochSeconds(this.clock);
    const full: JwtClaims = {
      iss: this.issuer,
      aud: this.audience,
      sub: claims.sub,
      iat: now,
      nbf: now,
      exp: now + ttlSeconds,
      jti: claims.jti,
      typ: claims.typ,
      username: claims.username,
      scopes: [...claims.scopes],
    };
    const signingInput = `${HEADER}.${encode(JSON.stringify(full))}`;
    return `${signingInput}.${this.mac(signingInput).toString('base64url')}`;
  }

  /**
   * The claims of a token this codec signed, of the expected type, valid now. The signature is checked
   * before any claim is trusted, so a forged token is 'bad signature' whatever it claims.
   */
  verify(token: unknown, expected: TokenType): JwtClaims {
    if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) {
      throw new AuthError('malformed', 'not a token string of sensible length');
    }
    const parts = token.split('.');
    if (parts.length !== 3 || !parts.every((p) => B64URL.test(p))) {
      throw new AuthError('malformed', 'not three base64url parts');
    }
    const [h, p, s] = parts as [string, string, string];
    const header = parseJson(h, 'header');
    if (header.alg !== 'HS256') throw new AuthError('bad algorithm', 'only HS256 is accepted');
    if (header.typ !== undefined && header.typ !== 'JWT')
      throw new AuthError('malformed', 'header typ is not JWT');
    const given = Buffer.from(s, 'base64url');
    const wanted = this.mac(`${h}.${p}`);
    // Lengths differ only for garbage; timingSafeEqual needs equal lengths.
    if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) {
      throw new AuthError('bad signature');
    }
    const c = claimsOf(parseJson(p, 'payload'));
    if (c.iss !== this.issuer) throw new AuthError('wrong issuer');
    if (c.aud !== this.audience) throw new AuthError('wrong audience');
    if (c.typ !== expected)
      throw new AuthError('wrong token type', `a ${c.typ} token where a ${expected} token is needed`);
    const now = epochSeconds(this.clock);
    if (now + this.leeway < c.nbf) throw new AuthError('not yet valid');
    if (now - this.leeway >= c.exp) throw new AuthError('expired');
    return c;
  }

  private mac(input: string): Buffer {
    return createHmac('sha256', this.#key).update(input).digest();
  }
}

function secretKey(secret: unknown): Buffer {
  let key: Buffer;
  if (typeof secret === 'string') key = Buffer.from(secret, 'utf8');
  else if (secret instanceof Uint8Array) key = Buffer.from(secret);
  else throw new AuthInputError('secret', 'must be a string or bytes');
  // The length is stated, the secret never is.
  if (key.length < MIN_SECRET_BYTES) {
    throw new AuthInputError('secret', `must be at least ${MIN_SECRET_BYTES} bytes, got ${key.length}`);
  }
  return key;
}

function requireName(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > 256) {
    throw new AuthInputError(field, 'must be a non-empty string of at most 256 characters');
  }
  return value;
}

function encode(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

function parseJson(part: string, where: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    throw new AuthError('malformed', `${where} is not JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new AuthError('malformed', `${where} is not a JSON object`);
  }
  return value as Record<string, unknown>;
}

function claimsOf(o: Record<string, unknown>): JwtClaims {
  const text = (k: string): string => {
    const v = o[k];
    if (typeof v !== 'string' || v === '') throw new AuthError('malformed', `claim ${k} is not a string`);
    return v;
  };
  const time = (k: string): number => {
    const v = o[k];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
      throw new AuthError('malformed', `claim ${k} is not a NumericDate`);
    }
    return v;
  };
  const typ = o.typ;
  if (typ !== 'access' && typ !== 'refresh')
    throw new AuthError('malformed', 'claim typ is not access or refresh');
  const scopes = o.scopes;
  if (!Array.isArray(scopes) || !scopes.every((s) => typeof s === 'string')) {
    throw new AuthError('malformed', 'claim scopes is not a list of strings');
  }
  return {
    iss: text('iss'),
    aud: text('aud'),
    sub: text('sub'),
    iat: time('iat'),
    nbf: time('nbf'),
    exp: time('exp'),
    jti: text('jti'),
    typ,
    username: text('username'),
    scopes: scopes as string[],
  };
}

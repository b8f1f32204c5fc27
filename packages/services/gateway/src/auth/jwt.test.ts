import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AuthError, AuthInputError } from './auth-error.js';
import { JwtCodec } from './jwt.js';
import { ManualClock } from './test-clock.js';

const SECRET = 'k'.repeat(32);
const T0 = 1_700_000_000;

function codec(clock = new ManualClock(T0), over: Partial<ConstructorParameters<typeof JwtCodec>[0]> = {}) {
  return new JwtCodec({
    secret: SECRET,
    issuer: 'qubit',
    audience: 'qubit-gateway',
    clock,
    leewaySeconds: 0,
    ...over,
  });
}

const claims = { sub: 'u1', jti: 'j1', typ: 'access' as const, username: 'alice', scopes: ['bots:read'] };

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AuthError);
    return (err as AuthError).reason;
  }
  throw new Error('expected a refusal');
}

/** Re-signs a changed payload with a key: how an attacker holding (or guessing) a key would forge. */
function resign(
  token: string,
  mutate: (p: Record<string, unknown>) => void,
  key = SECRET,
  header?: object,
): string {
  const [h, p] = token.split('.') as [string, string];
  const payload = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
  mutate(payload);
  const hh = header ? Buffer.from(JSON.stringify(header)).toString('base64url') : h;
  const pp = Buffer.from(JSON.stringify(payload)).toString('base64url');
  const sig = createHmac('sha256', key).update(`${hh}.${pp}`).digest('base64url');
  return `${hh}.${pp}.${sig}`;
}

describe('JwtCodec', () => {
  it('round-trips the claims it signs with iat, nbf and exp from the injected clock', () => {
    const c = codec();
    const got = c.verify(c.sign(claims, 900), 'access');
    expect(got).toMatchObject({
      ...claims,
      iss: 'qubit',
      aud: 'qubit-gateway',
      iat: T0,
      nbf: T0,
      exp: T0 + 900,
    });
  });

  it('refuses an expired token, and accepts it within the leeway', () => {
    const clock = new ManualClock(T0);
    const token = codec(clock).sign(claims, 60);
    clock.advanceSeconds(60);
    expect(refusal(() => codec(clock).verify(token, 'access'))).toBe('expired');
    expect(codec(clock, { leewaySeconds: 5 }).verify(token, 'access').sub).toBe('u1');
  });

  it('refuses a token used before its nbf', () => {
    const clock = new ManualClock(T0);
    const token = codec(clock).sign(claims, 60);
    expect(refusal(() => codec(new ManualClock(T0 - 10)).verify(token, 'access'))).toBe('not yet valid');
  });

  it('refuses a tampered payload and a token signed with another key as a bad signature', () => {
    const c = codec();
    const token = c.sign(claims, 900);
    const [h, , s] = token.split('.');
    const elevated = Buffer.from(
      JSON.stringify({ ...c.verify(token, 'access'), scopes: ['admin'] }),
    ).toString('base64url');
    expect(refusal(() => c.verify(`${h}.${elevated}.${s}`, 'access'))).toBe('bad signature');
    expect(
      refusal(() =>
        c.verify(
          resign(token, (p) => (p.scopes = ['admin']), 'x'.repeat(32)),
          'access',
        ),
      ),
    ).toBe('bad signature');
    expect(refusal(() => c.verify(`${h}.${elevated}.${s?.slice(0, 10)}`, 'access'))).toBe('bad signature');
  });

  it('refuses alg none and any algorithm other than HS256', () => {
    const token = codec().sign(claims, 900);
    const none = resign(token, () => undefined, SECRET, { alg: 'none', typ: 'JWT' });
    expect(refusal(() => codec().verify(none, 'access'))).toBe('bad algorithm');
  });

  it('refuses the wrong audience, issuer and token type even when correctly signed', () => {
    const token = codec().sign(claims, 900);
    expect(
      refusal(() =>
        codec().verify(
          resign(token, (p) => (p.aud = 'other')),
          'access',
        ),
      ),
    ).toBe('wrong audience');
    expect(
      refusal(() =>
        codec().verify(
          resign(token, (p) => (p.iss = 'other')),
          'access',
        ),
      ),
    ).toBe('wrong issuer');
    expect(refusal(() => codec().verify(token, 'refresh'))).toBe('wrong token type');
  });

  it('refuses malformed tokens with a reason and without echoing them', () => {
    const c = codec();
    for (const bad of ['', 'abc', 'a.b', 'a.b.c.d', '!!.??.##', 'x'.repeat(9000), 42, undefined]) {
      expect(refusal(() => c.verify(bad, 'access'))).toBe('malformed');
    }
    const token = c.sign(claims, 900);
    const noExp = resign(token, (p) => delete p.exp);
    try {
      c.verify(noExp, 'access');
      expect.unreachable();
    } catch (err) {
      expect((err as AuthError).reason).toBe('malformed');
      expect((err as Error).message).toContain('claim exp');
      expect((err as Error).message).not.toContain(noExp);
    }
  });

  it('refuses a secret shorter than 32 bytes without printing it', () => {
    const short = 'short-secret-value';
    expect(() => codec(undefined, { secret: short })).toThrow(AuthInputError);
    expect(() => codec(undefined, { secret: short })).toThrow(/at least 32 bytes, got 18/);
    try {
      codec(undefined, { secret: short });
    } catch (err) {
      expect((err as Error).message).not.toContain(short);
    }
    expect(() => codec(undefined, { secret: new Uint8Array(32) })).not.toThrow();
  });
});

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { openStore, type Store } from '@qubit/store-postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthError, AuthInputError, ForbiddenError } from './auth-error.js';
import { AuthService, type AuthLogEntry } from './auth-service.js';
import { Principal } from './principal.js';
import { Scope } from './scopes.js';
import { ManualClock } from './test-clock.js';

const SECRET = 'test-secret-of-at-least-32-bytes!!';
const T0 = 1_800_000_000;

let dir: string;
let store: Store;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qubit-gateway-auth-'));
  store = await openStore({ dataDir: join(dir, 'db') });
});

afterAll(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

function service(clock = new ManualClock(T0), log: AuthLogEntry[] = []) {
  return new AuthService({
    users: store.users,
    audit: store.audit,
    secret: SECRET,
    clock,
    log: (e) => log.push(e),
  });
}

async function refusal(p: Promise<unknown>): Promise<AuthError> {
  const err: unknown = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AuthError);
  return err as AuthError;
}

describe('AuthService', () => {
  // Runs first: the bootstrap needs the empty user table.
  it('bootstraps admin once with a generated one-time password, then never again', async () => {
    const log: AuthLogEntry[] = [];
    const auth = service(undefined, log);
    const first = await auth.bootstrapAdmin();
    expect(first.created).toBe(true);
    if (!first.created || !first.oneTimePassword) throw new Error('expected a generated password');
    const password = first.oneTimePassword.reveal();
    expect(password.length).toBeGreaterThanOrEqual(20);
    expect(JSON.stringify(first)).not.toContain(password);
    expect(inspect(first)).not.toContain(password);
    expect(await auth.bootstrapAdmin('another-password')).toEqual({ created: false });
    const pair = await auth.login('admin', password, '10.0.0.1');
    const admin = await auth.authenticate(`Bearer ${pair.accessToken.reveal()}`);
    expect(admin).toMatchObject({ username: 'admin', scopes: ['admin'], via: 'jwt' });
    expect(JSON.stringify(log)).not.toContain(password);
    const audit = await store.audit.list({ action: 'auth.bootstrap_admin' });
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit)).not.toContain(password);
  });

  it('refuses a short QUBIT_ADMIN_PASSWORD naming the variable', async () => {
    await expect(service().bootstrapAdmin('short')).rejects.toThrow(
      /QUBIT_ADMIN_PASSWORD: must be at least 8/,
    );
  });

  it('logs in, audits success with who and from where, and returns redacted tokens', async () => {
    const auth = service();
    const user = await auth.createUser('alice', 'alice-password', 'trader');
    const pair = await auth.login('alice', 'alice-password', '192.0.2.7');
    const body = pair.toResponseBody();
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 900 });
    expect(body.access_token.split('.')).toHaveLength(3);
    for (const shown of [JSON.stringify(pair), inspect(pair, { depth: 5 }), String(pair.accessToken)]) {
      expect(shown).not.toContain(body.access_token);
      expect(shown).not.toContain(body.refresh_token);
    }
    const [row] = await store.audit.list({ action: 'auth.login', actor: 'alice' });
    expect(row).toMatchObject({
      actor: 'alice',
      target: user.userId,
      ip: '192.0.2.7',
      details: { outcome: 'success' },
    });
    const principal = await auth.authenticate(body.access_token);
    expect(principal).toBeInstanceOf(Principal);
    expect(principal.scopes).toEqual([
      'bots:read',
      'bots:write',
      'bots:operate',
      'orders:read',
      'orders:write',
    ]);
    expect(JSON.stringify(principal)).not.toContain(body.access_token);
  });

  it('gives the same error for an unknown user and a wrong password, and audits both', async () => {
    const log: AuthLogEntry[] = [];
    const auth = service(undefined, log);
    await auth.createUser('bob', 'bob-password', 'viewer');
    const wrong = await refusal(auth.login('bob', 'not-bobs-password', '198.51.100.1'));
    const unknown = await refusal(auth.login('nobody', 'whatever-pw', '198.51.100.1'));
    expect(wrong.message).toBe(unknown.message);
    expect(wrong.reason).toBe('bad credentials');
    expect(wrong.message).not.toContain('not-bobs-password');
    const failures = await store.audit.list({ action: 'auth.login' });
    expect(failures.find((e) => e.actor === 'bob')?.details).toEqual({
      outcome: 'failure',
      reason: 'wrong password',
    });
    expect(failures.find((e) => e.actor === 'nobody')?.details).toEqual({
      outcome: 'failure',
      reason: 'unknown user',
    });
    expect(JSON.stringify(log)).not.toContain('not-bobs-password');
    expect(log.map((e) => e.event)).toEqual(['auth.login_failed', 'auth.login_failed']);
  });

  it('refuses a disabled user at login, at refresh and through API tokens', async () => {
    const auth = service();
    const carol = await auth.createUser('carol', 'carol-password', 'trader');
    const pair = await auth.login('carol', 'carol-password');
    const api = await auth.createApiToken(carol.userId, 'script', [Scope.BOTS_READ]);
    await store.users.setDisabled(carol.userId, true);
    expect((await refusal(auth.login('carol', 'carol-password'))).reason).toBe('disabled');
    expect((await refusal(auth.refresh(pair.refreshToken.reveal()))).reason).toBe('disabled');
    expect((await refusal(auth.authenticate(api.token.reveal()))).reason).toBe('disabled');
    const [row] = await store.audit.list({ action: 'auth.login', actor: 'carol' });
    expect(row?.details).toEqual({ outcome: 'failure', reason: 'disabled' });
  });

  it('refuses an expired access token and a forged one', async () => {
    const clock = new ManualClock(T0);
    const auth = service(clock);
    await auth.createUser('dave', 'dave-password', 'viewer');
    const access = (await auth.login('dave', 'dave-password')).accessToken.reveal();
    const [h, p, s] = access.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, scopes: ['admin'] })).toString('base64url')}.${s}`;
    expect((await refusal(auth.authenticate(`Bearer ${forged}`))).reason).toBe('bad signature');
    const otherKey = new AuthService({
      users: store.users,
      audit: store.audit,
      secret: 'z'.repeat(40),
      clock,
    });
    expect((await refusal(otherKey.authenticate(access))).reason).toBe('bad signature');
    clock.advanceSeconds(900 + 31);
    expect((await refusal(auth.authenticate(access))).reason).toBe('expired');
    expect((await refusal(auth.authenticate(undefined))).reason).toBe('malformed');
  });

  it('spends a refresh token once: the second use is refused, and logout revokes', async () => {
    const clock = new ManualClock(T0);
    const auth = service(clock);
    await auth.createUser('erin', 'erin-password', 'viewer');
    const first = await auth.login('erin', 'erin-password');
    clock.advanceSeconds(60);
    const second = await auth.refresh(first.refreshToken.reveal());
    expect((await auth.authenticate(second.accessToken.reveal())).username).toBe('erin');
    expect((await refusal(auth.refresh(first.refreshToken.reveal()))).reason).toBe('reused');
    // An access token is not a refresh token, nor back.
    expect((await refusal(auth.refresh(second.accessToken.reveal()))).reason).toBe('wrong token type');
    expect((await refusal(auth.authenticate(second.refreshToken.reveal()))).reason).toBe('wrong token type');
    auth.revokeRefreshToken(second.refreshToken.reveal());
    expect((await refusal(auth.refresh(second.refreshToken.reveal()))).reason).toBe('revoked');
    const third = await auth.login('erin', 'erin-password');
    clock.advanceSeconds(7 * 24 * 3600 + 31);
    expect((await refusal(auth.refresh(third.refreshToken.reveal()))).reason).toBe('expired');
  });

  it('makes API tokens within the user’s scopes, stored only as a SHA-256, and revocable', async () => {
    const clock = new ManualClock(T0);
    const auth = service(clock);
    const frank = await auth.createUser('frank', 'frank-password', 'viewer');
    await expect(auth.createApiToken(frank.userId, 'too-much', [Scope.ORDERS_WRITE])).rejects.toThrow(
      ForbiddenError,
    );
    await expect(auth.createApiToken(frank.userId, 'too-much', [Scope.ADMIN])).rejects.toThrow(
      /frank lacks scope admin/,
    );
    await expect(auth.createApiToken(frank.userId, 'none', [])).rejects.toThrow(AuthInputError);
    await expect(auth.createApiToken(frank.userId, 'bad', ['bots:fly' as Scope])).rejects.toThrow(
      /scopes\[0\]/,
    );
    await expect(
      auth.createApiToken(frank.userId, 'old', [Scope.BOTS_READ], new Date((T0 - 1) * 1000)),
    ).rejects.toThrow(/expiresAt: .* is not in the future/);
    expect(await store.users.listTokens(frank.userId)).toEqual([]);

    const issued = await auth.createApiToken(
      frank.userId,
      'grafana',
      [Scope.BOTS_READ],
      new Date((T0 + 3600) * 1000),
    );
    const plaintext = issued.token.reveal();
    expect(JSON.stringify(issued)).not.toContain(plaintext);
    expect(inspect(issued)).not.toContain(plaintext);
    const [stored] = await store.users.listTokens(frank.userId);
    expect(stored?.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(plaintext);

    const principal = await auth.authenticate(`Bearer ${plaintext}`);
    expect(principal).toMatchObject({
      username: 'frank',
      scopes: ['bots:read'],
      via: 'api_token',
      tokenId: issued.tokenId,
    });
    expect((await refusal(auth.authenticate(`${plaintext}x`))).reason).toBe('unknown token');

    const [created] = await store.audit.list({ action: 'auth.token.create', target: issued.tokenId });
    expect(created?.details).toEqual({ user: 'frank', name: 'grafana', scopes: ['bots:read'] });

    const mallory = await auth.createUser('mallory', 'mallory-password', 'viewer');
    const asMallory = new Principal(mallory.userId, 'mallory', ['bots:read'], 'jwt');
    await expect(auth.revokeApiToken(asMallory, issued.tokenId)).rejects.toThrow(/mallory has no token/);
    expect((await auth.authenticate(plaintext)).username).toBe('frank');

    await auth.revokeApiToken(principal, issued.tokenId, '203.0.113.9');
    expect((await refusal(auth.authenticate(plaintext))).reason).toBe('revoked');
    const [revoked] = await store.audit.list({ action: 'auth.token.revoke' });
    expect(revoked).toMatchObject({ actor: `frank (token ${issued.tokenId})`, ip: '203.0.113.9' });

    const expiring = await auth.createApiToken(
      frank.userId,
      'short',
      [Scope.ORDERS_READ],
      new Date((T0 + 60) * 1000),
    );
    clock.advanceSeconds(61);
    expect((await refusal(auth.authenticate(expiring.token.reveal()))).reason).toBe('expired');
  });

  it('refuses bad options and inputs with the field named, changing nothing', async () => {
    expect(
      () =>
        new AuthService({
          users: store.users,
          audit: store.audit,
          secret: 'short',
          clock: new ManualClock(T0),
        }),
    ).toThrow(/secret: must be at least 32 bytes/);
    expect(
      () =>
        new AuthService({
          users: store.users,
          audit: store.audit,
          secret: SECRET,
          clock: new ManualClock(T0),
          accessTtlSeconds: 0,
        }),
    ).toThrow(/accessTtlSeconds/);
    const before = (await store.users.listUsers()).length;
    const auth = service();
    await expect(auth.createUser('bad name!', 'password-1', 'viewer')).rejects.toThrow(/^username:/);
    await expect(auth.createUser('gina', 'password-1', 'god' as 'viewer')).rejects.toThrow(/role: "god"/);
    await expect(auth.login('', 'x')).rejects.toThrow(/username: must be a non-empty string/);
    await expect(auth.login('gina', 42 as unknown as string)).rejects.toThrow(
      /password: must be a non-empty string/,
    );
    expect((await store.users.listUsers()).length).toBe(before);
  });
});

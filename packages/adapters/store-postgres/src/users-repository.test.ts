import { testDatabaseUrl } from '@qubit/test-data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from './store.js';
import { engineCases } from './test-support.js';

for (const engine of engineCases('users', testDatabaseUrl())) {
  describe.skipIf(engine.skipReason !== undefined)(`UsersRepository on ${engine.engine}`, () => {
    let store: Store;

    beforeAll(async () => {
      store = await openStore(await engine.fresh());
    });

    afterAll(async () => {
      await store?.close();
      await engine.dispose();
    });

    it('creates a user and finds it by name; a taken name is refused', async () => {
      const u = await store.users.createUser({
        username: 'alice',
        passwordHash: '$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA',
        role: 'operator',
        scopes: ['bots:read', 'bots:operate'],
      });
      expect(u).toMatchObject({
        username: 'alice',
        role: 'operator',
        scopes: ['bots:read', 'bots:operate'],
        disabled: false,
      });
      expect(await store.users.findUserByUsername('alice')).toEqual(u);
      expect(await store.users.getUser(u.userId)).toEqual(u);
      await expect(
        store.users.createUser({ username: 'alice', passwordHash: 'h', role: 'viewer' }),
      ).rejects.toThrow('username: "alice" is already taken');
      expect((await store.users.setDisabled(u.userId, true)).disabled).toBe(true);
      expect(await store.users.findUserByUsername('nobody')).toBeUndefined();
    });

    it('stores token hashes, finds a token by its hash, and revokes it once', async () => {
      const u = await store.users.createUser({ username: 'bob', passwordHash: 'h', role: 'viewer' });
      const expires = new Date('2030-01-01T00:00:00Z');
      const t = await store.users.createToken({
        userId: u.userId,
        name: 'ci',
        tokenHash: 'sha256:abc',
        scopes: ['orders:read'],
        expiresAt: expires,
      });
      expect(await store.users.findTokenByHash('sha256:abc')).toEqual(t);
      expect(t).toMatchObject({
        name: 'ci',
        scopes: ['orders:read'],
        expiresAt: expires,
        revokedAt: undefined,
      });
      const revoked = await store.users.revokeToken(t.tokenId);
      expect(revoked.revokedAt).toBeInstanceOf(Date);
      expect((await store.users.revokeToken(t.tokenId)).revokedAt).toEqual(revoked.revokedAt);
      expect((await store.users.listTokens(u.userId)).map((x) => x.tokenId)).toEqual([t.tokenId]);
    });

    it('refuses a token for an unknown user, a reused hash (without quoting it) and malformed ids', async () => {
      const u = await store.users.createUser({ username: 'carol', passwordHash: 'h', role: 'viewer' });
      await store.users.createToken({ userId: u.userId, name: 'one', tokenHash: 'sha256:secret-hash' });
      const err = await store.users
        .createToken({ userId: u.userId, name: 'two', tokenHash: 'sha256:secret-hash' })
        .catch((e: Error) => e);
      expect((err as Error).message).toBe('tokenHash: a token with this hash exists');
      await expect(
        store.users.createToken({
          userId: '00000000-0000-4000-8000-000000000000',
          name: 'x',
          tokenHash: 'h2',
        }),
      ).rejects.toThrow('userId: no user 00000000-0000-4000-8000-000000000000');
      await expect(store.users.getUser('42')).rejects.toThrow('userId: must be a UUID');
      await expect(
        store.users.createUser({ username: 'dave', passwordHash: 'h', role: 'viewer', scopes: [''] }),
      ).rejects.toThrow('scopes[0]: must be a non-empty string');
      expect(await store.users.findUserByUsername('dave')).toBeUndefined();
    });
  });
}

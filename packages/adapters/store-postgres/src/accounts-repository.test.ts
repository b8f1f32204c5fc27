import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { testDatabaseUrl } from '@qubit/test-data';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from './store.js';
import { engineCases } from './test-support.js';

const KEY = randomBytes(32).toString('hex');
const OTHER_KEY = randomBytes(32).toString('base64');
const SECRET = 'sk-live-7f3a9c-very-secret';
const CREDENTIALS = { apiKey: 'AKIA-public-part', secret: SECRET };

for (const engine of engineCases('accounts', testDatabaseUrl())) {
  describe.skipIf(engine.skipReason !== undefined)(`AccountsRepository on ${engine.engine}`, () => {
    afterAll(() => engine.dispose());

    it('encrypts credentials at rest and decrypts them with the same key after a reopen', async () => {
      const location = await engine.fresh();
      const store = await openStore({ ...location, secretKey: KEY });
      try {
        await store.accounts.upsert({
          accountId: 'BINANCE-main',
          venue: 'BINANCE',
          accountType: 'CASH',
          label: 'main',
        });
        await store.accounts.setCredentials('BINANCE-main', CREDENTIALS);
        const rows = await store.sql.query<Record<string, unknown>>('SELECT * FROM accounts');
        expect(
          JSON.stringify(rows, (_k, v: unknown) =>
            v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v,
          ),
        ).not.toContain(SECRET);
        expect(rows[0]?.credentials_key_id).toBe(store.accounts.keyId);
        expect(await store.accounts.get('BINANCE-main')).toMatchObject({
          hasCredentials: true,
          credentialsKeyId: store.accounts.keyId,
          accountType: 'CASH',
        });
      } finally {
        await store.close();
      }
      const again = await openStore({ ...location, secretKey: KEY });
      try {
        expect(await again.accounts.getCredentials('BINANCE-main')).toEqual(CREDENTIALS);
      } finally {
        await again.close();
      }
    });

    it('refuses to decrypt with another key, naming both key ids and no secret', async () => {
      const location = await engine.fresh();
      const store = await openStore({ ...location, secretKey: KEY });
      const keyId = store.accounts.keyId;
      await store.accounts.upsert({ accountId: 'A-1', venue: 'SIM', accountType: 'MARGIN' });
      await store.accounts.setCredentials('A-1', CREDENTIALS);
      await store.close();
      const wrong = await openStore({ ...location, secretKey: OTHER_KEY });
      try {
        const err = await wrong.accounts.getCredentials('A-1').catch((e: Error) => e);
        expect((err as Error).message).toBe(
          `secretKey: the credentials of account A-1 were encrypted with key ${keyId}, but the configured key is ` +
            `${wrong.accounts.keyId}: configure the key they were stored with`,
        );
        expect((err as Error).message).not.toContain(SECRET);
        expect((err as Error).message).not.toContain(KEY);
      } finally {
        await wrong.close();
      }
    });

    it('refuses credentials moved to another account or altered', async () => {
      const store = await openStore({ ...(await engine.fresh()), secretKey: KEY });
      try {
        for (const id of ['A-1', 'A-2'])
          await store.accounts.upsert({ accountId: id, venue: 'SIM', accountType: 'CASH' });
        await store.accounts.setCredentials('A-1', CREDENTIALS);
        await store.sql.query(
          `UPDATE accounts SET (credentials_enc, credentials_nonce, credentials_key_id) =
             (SELECT credentials_enc, credentials_nonce, credentials_key_id FROM accounts WHERE account_id = 'A-1')
           WHERE account_id = 'A-2'`,
        );
        await expect(store.accounts.getCredentials('A-2')).rejects.toThrow(
          /^credentials: the credentials of account A-2 do not decrypt with key [0-9a-f]{8}: they were altered/,
        );
      } finally {
        await store.close();
      }
    });

    it('keeps credentials out of errors, strings, JSON and inspection', async () => {
      const store = await openStore({ ...(await engine.fresh()), secretKey: KEY });
      try {
        const err = await store.accounts.setCredentials('NOPE', CREDENTIALS).catch((e: Error) => e);
        expect((err as Error).message).toBe('accountId: no account NOPE: add it before its credentials');
        const cyclic: Record<string, unknown> = { secret: SECRET };
        cyclic.self = cyclic;
        await store.accounts.upsert({ accountId: 'A-3', venue: 'SIM', accountType: 'CASH' });
        const err2 = await store.accounts.setCredentials('A-3', cyclic).catch((e: Error) => e);
        expect((err2 as Error).message).toBe('credentials: must be a JSON object (it does not serialize)');
        for (const text of [
          String(store.accounts),
          JSON.stringify(store.accounts),
          inspect(store.accounts, { depth: 5, showHidden: true }),
          inspect(store, { depth: 5 }),
          JSON.stringify(await store.accounts.list()),
        ]) {
          expect(text).not.toContain(SECRET);
          expect(text).not.toContain(KEY);
        }
        expect(String(store.accounts)).toBe(`AccountsRepository(key ${store.accounts.keyId})`);
      } finally {
        await store.close();
      }
    });

    it('refuses to store or read credentials without a key, and answers undefined when none are stored', async () => {
      const location = await engine.fresh();
      const store = await openStore(location);
      try {
        await store.accounts.upsert({ accountId: 'A-4', venue: 'SIM', accountType: 'CASH' });
        expect(await store.accounts.getCredentials('A-4')).toBeUndefined();
        await expect(store.accounts.setCredentials('A-4', CREDENTIALS)).rejects.toThrow(
          'secretKey: no secret key is configured for account credentials: set QUBIT_SECRET_KEY or give a key file',
        );
        await expect(
          store.accounts.upsert({ accountId: 'A-5', venue: 'SIM', accountType: 'PRIME' as never }),
        ).rejects.toThrow('accountType: must be one of CASH, MARGIN, got PRIME');
        await expect(store.accounts.getCredentials('A-404')).rejects.toThrow('accountId: no account A-404');
      } finally {
        await store.close();
      }
    });

    it('clears credentials', async () => {
      const store = await openStore({ ...(await engine.fresh()), secretKey: KEY });
      try {
        await store.accounts.upsert({ accountId: 'A-6', venue: 'SIM', accountType: 'CASH' });
        await store.accounts.setCredentials('A-6', CREDENTIALS);
        await store.accounts.clearCredentials('A-6');
        expect(await store.accounts.getCredentials('A-6')).toBeUndefined();
        expect((await store.accounts.get('A-6'))?.hasCredentials).toBe(false);
      } finally {
        await store.close();
      }
    });
  });
}

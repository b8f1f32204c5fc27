import { AccountId, Currencies, Money, type AccountState } from '@qubit/model';
import { testDatabaseUrl } from '@qubit/test-data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from './store.js';
import { ACCOUNT, T0, engineCases } from './test-support.js';

function state(n: number, accountId: string = ACCOUNT, usdt = '1000.12345678'): AccountState {
  return {
    type: 'AccountState',
    eventId: `acc-state-${accountId}-${n}`,
    accountId: AccountId(accountId),
    accountType: 'CASH',
    baseCurrency: 'USDT',
    balances: [
      {
        total: Money.of(usdt, Currencies.USDT),
        locked: Money.of('250.5', Currencies.USDT),
        free: Money.of(
          Money.of(usdt, Currencies.USDT).amount.sub(Money.of('250.5', Currencies.USDT).amount),
          Currencies.USDT,
        ),
      },
      {
        total: Money.of('0.5', Currencies.BTC),
        locked: Money.zero(Currencies.BTC),
        free: Money.of('0.5', Currencies.BTC),
      },
    ],
    marginUsed: Money.zero(Currencies.USDT),
    equity: Money.of('22000.75', Currencies.USDT),
    reported: false,
    tsEvent: T0 + BigInt(n),
    tsInit: T0 + BigInt(n),
  };
}

for (const engine of engineCases('accstates', testDatabaseUrl())) {
  describe.skipIf(engine.skipReason !== undefined)(`AccountStatesRepository on ${engine.engine}`, () => {
    let store: Store;

    beforeAll(async () => {
      store = await openStore(await engine.fresh());
    });

    afterAll(async () => {
      await store?.close();
      await engine.dispose();
    });

    it('reads back the latest state of an account exactly as it was stored', async () => {
      expect(await store.accountStates.insert(state(1))).toBe(true);
      expect(await store.accountStates.insert(state(2, ACCOUNT, '999.00000001'))).toBe(true);
      expect(await store.accountStates.latest(ACCOUNT)).toStrictEqual(state(2, ACCOUNT, '999.00000001'));
    });

    it('keeps balances as decimal strings for SQL readers', async () => {
      const rows = await store.sql.query<{ balances: unknown; equity: string }>(
        'SELECT balances, equity FROM account_states WHERE event_id = $1',
        [state(2).eventId],
      );
      expect(rows[0]).toEqual({
        balances: [
          { currency: 'USDT', total: '999.00000001', locked: '250.50000000', free: '748.50000001' },
          { currency: 'BTC', total: '0.50000000', locked: '0.00000000', free: '0.50000000' },
        ],
        equity: '22000.75000000',
      });
    });

    it('ignores a state it already has', async () => {
      expect(await store.accountStates.insert(state(2, ACCOUNT, '999.00000001'))).toBe(false);
      expect(await store.accountStates.history(ACCOUNT)).toHaveLength(2);
    });

    it('gives the newest state of every account and an account’s history, newest first', async () => {
      await store.accountStates.insert(state(1, 'OTHER-1'));
      expect((await store.accountStates.latestAll()).map((s) => s.eventId)).toEqual([
        'acc-state-OTHER-1-1',
        'acc-state-SIM-001-2',
      ]);
      expect((await store.accountStates.history(ACCOUNT, 1)).map((s) => s.eventId)).toEqual([
        'acc-state-SIM-001-2',
      ]);
    });

    it('answers undefined for an account without states', async () => {
      expect(await store.accountStates.latest('NOBODY')).toBeUndefined();
    });

    it('refuses what is not an AccountState', async () => {
      await expect(store.accountStates.insert({ type: 'Bar' } as never)).rejects.toThrow(
        'state: must be an AccountState',
      );
      await expect(store.accountStates.history(ACCOUNT, 0)).rejects.toThrow(
        'limit: must be an integer from 1 to 10000, got 0',
      );
    });
  });
}

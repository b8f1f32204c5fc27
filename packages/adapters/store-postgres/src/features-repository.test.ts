import { testDatabaseUrl } from '@qubit/test-data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeaturesRepository, type FeatureRow } from './features-repository.js';
import { openStore, type Store } from './store.js';
import { engineCases } from './test-support.js';

const T0 = 1_767_225_600_000_000_000n;
const MIN = 60_000_000_000n;
const M1 = 'BTCUSDT.BINANCE-1-MINUTE-LAST';

function rows(n: number, from = 0): FeatureRow[] {
  return Array.from({ length: n }, (_, k) => ({
    instrumentId: 'BTCUSDT.BINANCE',
    barType: M1,
    tsEvent: T0 + BigInt(from + k + 1) * MIN,
    values: { rsi: from + k < 14 ? null : 40 + ((from + k) % 20), macd_hist: -0.125 * (from + k) },
  }));
}

for (const engine of engineCases('features', testDatabaseUrl())) {
  describe.skipIf(engine.skipReason !== undefined)(`FeaturesRepository on ${engine.engine}`, () => {
    let store: Store;
    let repo: FeaturesRepository;
    beforeAll(async () => {
      store = await openStore(await engine.fresh());
      repo = new FeaturesRepository(store.sql);
    });
    afterAll(async () => {
      await store?.close();
      await engine.dispose();
    });

    it('stores features once per series and bar, and reads a range back exactly, bounds included', async () => {
      expect(await repo.insert(rows(30))).toBe(30);
      expect(await repo.insert(rows(35))).toBe(5);
      const got = await repo.range(M1, T0 + 10n * MIN, T0 + 20n * MIN);
      expect(got).toEqual(rows(30).slice(9, 20));
      expect(got[0]!.values.rsi).toBeNull();
      expect(await repo.range(M1, T0 + 10n * MIN + 1n, T0 + 11n * MIN - 1n)).toEqual([]);
      expect(await repo.range('ETHUSDT.BINANCE-1-MINUTE-LAST', T0, T0 + 100n * MIN)).toEqual([]);
    });

    it('refuses a bad row naming it, writing none of the batch', async () => {
      const bad = [...rows(2, 100), { ...rows(1, 102)[0]!, values: { rsi: Number.NaN } }];
      await expect(repo.insert(bad)).rejects.toThrow('rows[2].values.rsi');
      await expect(
        repo.insert([{ ...rows(1, 103)[0]!, barType: 'ETHUSDT.BINANCE-1-MINUTE-LAST' }]),
      ).rejects.toThrow('is not a series of BTCUSDT.BINANCE');
      expect(await repo.range(M1, T0 + 100n * MIN, T0 + 200n * MIN)).toEqual([]);
      await expect(repo.range(M1, T0 + 2n, T0 + 1n)).rejects.toThrow('from ≤ to');
    });
  });
}

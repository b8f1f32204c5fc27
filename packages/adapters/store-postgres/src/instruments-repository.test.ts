import { BTCUSDT_BINANCE, VN30F1M_HNX, instrumentFromSpec } from '@qubit/model';
import { testDatabaseUrl } from '@qubit/test-data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from './store.js';
import { engineCases } from './test-support.js';

const BTC = instrumentFromSpec(BTCUSDT_BINANCE);
const VN30 = instrumentFromSpec(VN30F1M_HNX);

for (const engine of engineCases('instruments', testDatabaseUrl())) {
  describe.skipIf(engine.skipReason !== undefined)(`InstrumentsRepository on ${engine.engine}`, () => {
    let store: Store;

    beforeAll(async () => {
      store = await openStore(await engine.fresh());
    });

    afterAll(async () => {
      await store?.close();
      await engine.dispose();
    });

    it('stores an instrument and reads the same instrument back, sessions and price band included', async () => {
      const stored = await store.instruments.upsert(VN30);
      expect(stored.enabled).toBe(true);
      expect((await store.instruments.get(VN30.id))?.instrument).toStrictEqual(VN30);
    });

    it('lists by venue and enabled, and keeps `enabled` across an update', async () => {
      await store.instruments.upsert(BTC, { enabled: false });
      await store.instruments.upsert(BTC);
      expect((await store.instruments.get(BTC.id))?.enabled).toBe(false);
      expect((await store.instruments.list({ enabled: true })).map((s) => s.instrument.id)).toEqual([
        VN30.id,
      ]);
      expect((await store.instruments.list({ venue: 'BINANCE' })).map((s) => s.instrument.id)).toEqual([
        BTC.id,
      ]);
      await store.instruments.setEnabled(BTC.id, true);
      expect((await store.instruments.list()).map((s) => [s.instrument.id, s.enabled])).toEqual([
        [BTC.id, true],
        [VN30.id, true],
      ]);
    });

    it('refuses an unknown or malformed instrument id', async () => {
      await expect(store.instruments.setEnabled('ETHUSDT.BINANCE', true)).rejects.toThrow(
        'instrumentId: no instrument ETHUSDT.BINANCE is registered',
      );
      await expect(store.instruments.get('nodot')).rejects.toThrow(
        'instrumentId: "nodot" is not an instrument id',
      );
    });
  });
}

import { isoToNanos } from '@qubit/model';
import { testDatabaseUrl } from '@qubit/test-data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SsiPsSnapshotRow } from './ssi-ps-repository.js';
import { openStore, type Store } from './store.js';
import { engineCases } from './test-support.js';

// Made-up snapshots (no SSI sample exists in ../shared/data): VN30 codes, HOSE session times in UTC+7.
// The store treats payload as opaque bytes, so any non-empty bytes stand in for the protobuf message.
const T0 = isoToNanos('2026-11-20T09:15:00.000000000+07:00');

function row(code: string, offsetNanos: bigint, seq: bigint, lastPrice: string): SsiPsSnapshotRow {
  return {
    code,
    tsEvent: T0 + offsetNanos,
    seq,
    snapshot: { code, last_price: lastPrice, seq: seq.toString() },
    payload: new TextEncoder().encode(`${code}:${seq}:${lastPrice}`),
  };
}

for (const engine of engineCases('ssips', testDatabaseUrl())) {
  describe.skipIf(engine.skipReason !== undefined)(`SsiPsRepository on ${engine.engine}`, () => {
    let store: Store;

    beforeAll(async () => {
      store = await openStore(await engine.fresh());
    });

    afterAll(async () => {
      await store?.close();
      await engine.dispose();
    });

    it('stores snapshots once and reads a code back by time range, oldest first, bytes intact', async () => {
      const rows = [
        row('FPT', 0n, 1n, '97500'),
        row('FPT', 1_000_000_000n, 2n, '97600'),
        row('FPT', 2_000_000_000n, 3n, '97700'),
        row('VNM', 1_000_000_000n, 1n, '61200'),
      ];
      expect(await store.ssiPs.insert(rows)).toBe(4);
      // Redelivery (at-least-once bus) writes nothing new.
      expect(await store.ssiPs.insert([rows[1]!, row('FPT', 3_000_000_000n, 4n, '97800')])).toBe(1);

      const all = await store.ssiPs.range('FPT');
      expect(all.map((r) => r.seq)).toEqual([1n, 2n, 3n, 4n]);
      expect(all[1]).toEqual(rows[1]);
      expect(all[1]!.payload).toBeInstanceOf(Uint8Array);

      const window = await store.ssiPs.range('FPT', { from: T0 + 1_000_000_000n, to: T0 + 2_000_000_000n });
      expect(window.map((r) => r.snapshot.last_price)).toEqual(['97600', '97700']);
      expect(await store.ssiPs.range('FPT', {}, { limit: 2 })).toHaveLength(2);
      expect(await store.ssiPs.codes()).toEqual(['FPT', 'VNM']);
    });

    it('keeps two snapshots of the same microsecond apart by seq, and reads time floored to the microsecond', async () => {
      expect(
        await store.ssiPs.insert([row('HPG', 1_500n, 7n, '27350'), row('HPG', 1_999n, 8n, '27400')]),
      ).toBe(2);
      const read = await store.ssiPs.range('HPG', { from: T0 + 1_000n, to: T0 + 1_000n });
      expect(read.map((r) => [r.tsEvent, r.seq])).toEqual([
        [T0 + 1_000n, 7n],
        [T0 + 1_000n, 8n],
      ]);
      // A bound inside a microsecond rounds inward: nothing stored lies in (T0+1000, T0+1999].
      expect(await store.ssiPs.range('HPG', { from: T0 + 1_001n, to: T0 + 1_999n })).toEqual([]);
    });

    it('refuses a batch with one bad row and writes none of it', async () => {
      const good = row('MWG', 0n, 1n, '56100');
      await expect(store.ssiPs.insert([good, { ...good, code: 'mwg' }])).rejects.toThrow(
        'rows[1].code: expected a stock code of 1-16 upper-case letters and digits, got "mwg"',
      );
      await expect(store.ssiPs.insert([good, { ...good, seq: -1n }])).rejects.toThrow('rows[1].seq');
      await expect(store.ssiPs.insert([{ ...good, payload: new Uint8Array() }])).rejects.toThrow(
        'rows[0].payload: expected non-empty bytes',
      );
      await expect(store.ssiPs.insert([{ ...good, tsEvent: 1 as unknown as bigint }])).rejects.toThrow(
        'rows[0].tsEvent: expected integer nanoseconds (bigint), got 1',
      );
      expect(await store.ssiPs.range('MWG')).toEqual([]);
    });

    it('refuses a malformed range with the bound named', async () => {
      await expect(store.ssiPs.range('FPT', { from: T0 + 1n, to: T0 })).rejects.toThrow(
        `range: from (${T0 + 1n}) is after to (${T0})`,
      );
      await expect(store.ssiPs.range('FPT', { since: T0 } as never)).rejects.toThrow(
        'range.since: is not a bound (from, to)',
      );
      await expect(store.ssiPs.range('FPT', {}, { limit: 0 })).rejects.toThrow('limit: must be an integer');
      await expect(store.ssiPs.range('')).rejects.toThrow('code: expected a stock code');
    });
  });
}

import { Decimal } from '@qubit/model';
import { testDatabaseUrl } from '@qubit/test-data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operatorOf } from './reconciliations-repository.js';
import { openStore, type Store } from './store.js';
import { engineCases } from './test-support.js';

for (const engine of engineCases('reconcile', testDatabaseUrl())) {
  describe.skipIf(engine.skipReason !== undefined)(`ReconciliationsRepository on ${engine.engine}`, () => {
    let store: Store;

    beforeAll(async () => {
      store = await openStore(await engine.fresh());
    });

    afterAll(async () => {
      await store?.close();
      await engine.dispose();
    });

    it('records a mismatch, lists it, and lets an operator accept it', async () => {
      const okId = await store.reconciliations.record({
        ok: true,
        venue: 'SIM',
        accountId: 'SIM-001',
        blockedBots: [],
      });
      const report = {
        ok: false,
        venue: 'SIM',
        accountId: 'SIM-001',
        blockedBots: ['sma-1', 'sma-2'],
        mismatches: [{ detail: 'BTCUSDT.SIM: ours 1.000, venue 0.500', ours: Decimal.parse('1.000') }],
        since: 1_704_067_200_000_000_123n,
      };
      const id = await store.reconciliations.record(report);
      expect(id).toBeGreaterThan(okId);

      const latest = await store.reconciliations.latest('SIM', 'SIM-001');
      expect(latest).toMatchObject({ id, outcome: 'mismatch', blockedBots: ['sma-1', 'sma-2'] });
      expect(latest?.summary).toEqual({
        ok: false,
        venue: 'SIM',
        accountId: 'SIM-001',
        blockedBots: ['sma-1', 'sma-2'],
        mismatches: [{ detail: 'BTCUSDT.SIM: ours 1.000, venue 0.500', ours: '1.000' }],
        since: '1704067200000000123',
      });
      expect((await store.reconciliations.list(10)).map((r) => r.id)).toEqual([id, okId]);
      expect(await store.reconciliations.blockedBots()).toEqual(['sma-1', 'sma-2']);

      const accepted = await store.reconciliations.accept(id, 'alice');
      expect(accepted).toMatchObject({ id, outcome: 'accepted', acceptedBy: 'alice' });
      expect(accepted.acceptedAt).toBeInstanceOf(Date);
      expect(await store.reconciliations.blockedBots()).toEqual([]);
    });

    it('records a failure with the venue and account given beside the report', async () => {
      const id = await store.reconciliations.record(
        { ok: false, blockedBots: ['grid-1'] },
        {
          venue: 'BINANCE',
          accountId: 'BINANCE-main',
          outcome: 'failed',
          startedAt: new Date('2024-01-01T00:00:00Z'),
        },
      );
      const r = await store.reconciliations.get(id);
      expect(r).toMatchObject({ venue: 'BINANCE', accountId: 'BINANCE-main', outcome: 'failed' });
      expect(r?.startedAt.toISOString()).toBe('2024-01-01T00:00:00.000Z');
      expect(await store.reconciliations.blockedBots()).toEqual(['grid-1']);
      // A newer clean reconciliation of that account unblocks it.
      await store.reconciliations.record({ ok: true, venue: 'BINANCE', accountId: 'BINANCE-main' });
      expect(await store.reconciliations.blockedBots()).toEqual([]);
    });

    it('takes the times from the report and keeps the summary it is given', async () => {
      const id = await store.reconciliations.record(
        {
          ok: true,
          venue: 'SIM',
          accountId: 'SIM-003',
          startedAt: 1_704_067_200_000_000_123n,
          finishedAt: 1_704_067_201_500_000_000n,
        },
        { summary: { started_at: '1704067200000000123', emitted: [] } },
      );
      const r = await store.reconciliations.get(id);
      expect(r?.startedAt.toISOString()).toBe('2024-01-01T00:00:00.000Z');
      expect(r?.finishedAt?.toISOString()).toBe('2024-01-01T00:00:01.500Z');
      expect(r?.summary).toEqual({ started_at: '1704067200000000123', emitted: [] });
      await expect(
        store.reconciliations.record({
          ok: true,
          venue: 'SIM',
          accountId: 'SIM-003',
          startedAt: new Date('x'),
        }),
      ).rejects.toThrow('startedAt: must be nanoseconds (bigint) or a valid Date');
    });

    it('refuses to accept what needs no acceptance, twice, or does not exist', async () => {
      const okId = await store.reconciliations.record({ ok: true, venue: 'SIM', accountId: 'SIM-002' });
      await expect(store.reconciliations.accept(okId, 'bob')).rejects.toThrow(
        `id: reconciliation ${okId} is ok: there is nothing to accept`,
      );
      const bad = await store.reconciliations.record({ ok: false, venue: 'SIM', accountId: 'SIM-002' });
      await store.reconciliations.accept(bad, 'bob');
      await expect(store.reconciliations.accept(bad, 'carol')).rejects.toThrow(
        new RegExp(`^id: reconciliation ${bad} was already accepted by bob at `),
      );
      await expect(store.reconciliations.accept(999_999, 'bob')).rejects.toThrow(
        'id: no reconciliation 999999',
      );
      await expect(store.reconciliations.accept(bad, '')).rejects.toThrow(
        'operator: must be a non-empty string',
      );
    });

    it('records a repeated mismatch already accepted when the acceptance is carried from the newest', async () => {
      const first = await store.reconciliations.record({
        ok: false,
        venue: 'SIM',
        accountId: 'SIM-010',
        blockedBots: ['grid-1'],
      });
      await store.reconciliations.accept(first, 'alice');
      const second = await store.reconciliations.record(
        { ok: false, venue: 'SIM', accountId: 'SIM-010', blockedBots: ['grid-1'] },
        { carriedFrom: first },
      );
      expect(await store.reconciliations.get(second)).toMatchObject({
        outcome: 'accepted',
        acceptedBy: `alice (carried from #${first})`,
        blockedBots: ['grid-1'],
      });
      expect(await store.reconciliations.blockedBots()).not.toContain('grid-1');
      // Carried again, it still names the operator who accepted, not only the record before.
      const third = await store.reconciliations.record(
        { ok: false, venue: 'SIM', accountId: 'SIM-010', blockedBots: ['grid-1'] },
        { carriedFrom: second },
      );
      const stored = await store.reconciliations.get(third);
      expect(stored?.acceptedBy).toBe(`alice (carried from #${second})`);
      expect(operatorOf(stored!)).toBe('alice');
    });

    it('refuses to carry an acceptance that does not apply, writing nothing', async () => {
      const accepted = await store.reconciliations.record({ ok: false, venue: 'SIM', accountId: 'SIM-011' });
      await store.reconciliations.accept(accepted, 'bob');
      const other = await store.reconciliations.record({ ok: false, venue: 'SIM', accountId: 'SIM-012' });
      const before = await store.reconciliations.list(100);
      const mismatch = { ok: false, venue: 'SIM', accountId: 'SIM-011' };
      await expect(store.reconciliations.record(mismatch, { carriedFrom: 0 })).rejects.toThrow(
        'carriedFrom: must be a positive integer, got 0',
      );
      await expect(
        store.reconciliations.record({ ...mismatch, ok: true }, { carriedFrom: accepted }),
      ).rejects.toThrow('carriedFrom: only a mismatch carries an acceptance; this one is ok');
      await expect(store.reconciliations.record(mismatch, { carriedFrom: 999_999 })).rejects.toThrow(
        'carriedFrom: no reconciliation 999999',
      );
      await expect(store.reconciliations.record(mismatch, { carriedFrom: other })).rejects.toThrow(
        `carriedFrom: reconciliation ${other} is of SIM-012@SIM, not SIM-011@SIM`,
      );
      await expect(
        store.reconciliations.record({ ...mismatch, accountId: 'SIM-012' }, { carriedFrom: other }),
      ).rejects.toThrow(`carriedFrom: reconciliation ${other} is mismatch, not accepted`);
      expect(await store.reconciliations.list(100)).toEqual(before);
      const newer = await store.reconciliations.record(mismatch);
      await expect(store.reconciliations.record(mismatch, { carriedFrom: accepted })).rejects.toThrow(
        `carriedFrom: reconciliation ${newer} of SIM-011@SIM is newer than ${accepted}`,
      );
    });

    it('refuses a report without its venue or account, writing nothing', async () => {
      const before = await store.reconciliations.list(100);
      await expect(store.reconciliations.record({ ok: true, accountId: 'X' })).rejects.toThrow(
        'report.venue: must be a non-empty string',
      );
      await expect(store.reconciliations.record({ ok: 'yes' } as never)).rejects.toThrow(
        'report: must be a reconciliation report with a boolean `ok`',
      );
      await expect(
        store.reconciliations.record({ ok: false, venue: 'SIM', accountId: 'X', blockedBots: [''] }),
      ).rejects.toThrow('report.blockedBots[0]: must be a non-empty string');
      expect(await store.reconciliations.list(100)).toEqual(before);
    });
  });
}

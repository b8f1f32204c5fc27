import { BarAggregation, InstrumentId, makeBarType } from '@qubit/model';
import { testDatabaseUrl } from '@qubit/test-data';
import { afterAll, describe, expect, it } from 'vitest';
import { HistorySpansRepository } from './history-spans-repository.js';
import { openStore } from './store.js';
import { StoreError } from './store-error.js';
import { engineCases } from './test-support.js';

const BTC_1M = makeBarType(InstrumentId('BTCUSDT.BINANCE'), 1, BarAggregation.MINUTE);
const BTC_5M = makeBarType(InstrumentId('BTCUSDT.BINANCE'), 5, BarAggregation.MINUTE);
const M = 60_000_000_000n;

for (const c of engineCases('history_spans', testDatabaseUrl())) {
  describe.skipIf(c.skipReason !== undefined)(`HistorySpansRepository on ${c.engine}`, () => {
    afterAll(() => c.dispose());

    it('merges overlapping and touching spans of one series, and keeps series apart', async () => {
      const store = await openStore(await c.fresh());
      try {
        const spans = new HistorySpansRepository(store.sql);
        await spans.record(BTC_1M, 10n * M, 20n * M);
        await spans.record(BTC_1M, 40n * M, 50n * M);
        await spans.record(BTC_5M, 0n, 100n * M);
        expect(await spans.spans(BTC_1M)).toEqual([
          { from: 10n * M, to: 20n * M },
          { from: 40n * M, to: 50n * M },
        ]);
        // Touches the first at 20, overlaps the second: one span from 10 to 50.
        expect(await spans.record(BTC_1M, 20n * M, 45n * M)).toEqual({ from: 10n * M, to: 50n * M });
        expect(await spans.spans(BTC_1M)).toEqual([{ from: 10n * M, to: 50n * M }]);
        expect(await spans.spans(BTC_5M)).toEqual([{ from: 0n, to: 100n * M }]);
      } finally {
        await store.close();
      }
    });

    it('lists only the spans that overlap or touch the range asked', async () => {
      const store = await openStore(await c.fresh());
      try {
        const spans = new HistorySpansRepository(store.sql);
        await spans.record(BTC_1M, 0n, 10n * M);
        await spans.record(BTC_1M, 20n * M, 30n * M);
        await spans.record(BTC_1M, 40n * M, 50n * M);
        expect(await spans.spans(BTC_1M, { from: 10n * M, to: 25n * M })).toEqual([
          { from: 0n, to: 10n * M },
          { from: 20n * M, to: 30n * M },
        ]);
        expect(await spans.spans(BTC_1M, { from: 31n * M, to: 39n * M })).toEqual([]);
      } finally {
        await store.close();
      }
    });

    it('refuses an empty or reversed span and a non-nanosecond bound, recording nothing', async () => {
      const store = await openStore(await c.fresh());
      try {
        const spans = new HistorySpansRepository(store.sql);
        await expect(spans.record(BTC_1M, 10n, 10n)).rejects.toThrow(
          /span: to \(10\) must be after from \(10\)/,
        );
        await expect(spans.record(BTC_1M, 10n, 5n)).rejects.toThrow(StoreError);
        await expect(spans.record(BTC_1M, 1 as unknown as bigint, 5n)).rejects.toThrow(
          /span.from: expected integer nanoseconds/,
        );
        await expect(spans.spans(BTC_1M, { from: 5n, to: 1n })).rejects.toThrow(
          /from \(5\) is after to \(1\)/,
        );
        expect(await spans.spans(BTC_1M)).toEqual([]);
      } finally {
        await store.close();
      }
    });
  });
}

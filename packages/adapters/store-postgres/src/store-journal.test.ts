import { Decimal, type CancelAllOrders, type OrderCanceled } from '@qubit/model';
import { testDatabaseUrl } from '@qubit/test-data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { botUuid } from './bot-uuid.js';
import { JournalDecodeError } from './journal-decode-error.js';
import { openStore, type Store } from './store.js';
import { StoreJournal } from './store-journal.js';
import {
  ACCOUNT,
  T0,
  accepted,
  engineCases,
  eventBase,
  filled,
  initialized,
  submitOrder,
} from './test-support.js';

/** Every row of the tables the journal writes, to show that something changed nothing. */
async function tablesOf(store: Store): Promise<unknown> {
  return {
    events: await store.sql.query('SELECT seq, event_id, payload FROM order_events ORDER BY seq'),
    orders: await store.sql.query('SELECT * FROM orders ORDER BY client_order_id'),
    executions: await store.sql.query('SELECT * FROM executions ORDER BY venue, trade_id'),
  };
}

for (const engine of engineCases('journal', testDatabaseUrl())) {
  describe.skipIf(engine.skipReason !== undefined)(`StoreJournal on ${engine.engine}`, () => {
    let store: Store;

    beforeAll(async () => {
      store = await openStore(await engine.fresh());
    });

    afterAll(async () => {
      await store?.close();
      await engine.dispose();
    });

    it('reads back a submit, its acceptance and two fills exactly as they went in', async () => {
      const o = submitOrder(1);
      const entries = [
        initialized(o),
        o,
        accepted(o, T0 + 10n),
        filled(o, 'T-1a', '0.400', '100.00', T0 + 20n),
        filled(o, 'T-1b', '0.600', '99.50', T0 + 30n),
      ];
      for (const e of entries) {
        if (e.type === 'SubmitOrder') await store.journal.recordCommand(e);
        else await store.journal.recordEvent(e);
      }
      const loaded = await store.journal.load();
      expect(loaded).toStrictEqual(entries);
      // Decimals come back with their class and scale, not merely their value.
      const fill = loaded[3];
      expect(fill?.type === 'OrderFilled' && fill.lastQty.toString()).toBe('0.400');
    });

    it('keeps the order row and its fills in step with the journal', async () => {
      const order = await store.orders.get('O-1');
      expect(order).toMatchObject({
        botId: botUuid('sma-1'),
        botRef: 'sma-1',
        accountId: ACCOUNT,
        instrumentId: 'BTCUSDT.SIM',
        symbol: 'BTCUSDT',
        side: 'buy',
        status: 'filled',
        providerOrderId: 'V-O-1',
        orderType: 'LIMIT',
        timeInForce: 'GTC',
      });
      expect(order?.qty.toString()).toBe('1.000');
      expect(order?.filledQty.toString()).toBe('1.000');
      // (0.400 × 100.00 + 0.600 × 99.50) / 1.000, exactly, at the quantity's scale + 8.
      expect(order?.avgPx?.toString()).toBe('99.70000000000');
      const fills = await store.orders.executions('O-1');
      expect(fills.map((f) => [f.venue, f.tradeId, f.fillQty.toString(), f.fillPrice.toString()])).toEqual([
        ['SIM', 'T-1a', '0.400', '100.00'],
        ['SIM', 'T-1b', '0.600', '99.50'],
      ]);
      expect(fills[0]).toMatchObject({
        fee: Decimal.parse('0.01234567'),
        feeCurrency: 'USDT',
        liquidity: 'MAKER',
      });
      expect(fills[0]?.tsEvent).toBe(T0 + 20n);
      // timestamptz keeps the microsecond: 123 ns after the second are cut.
      expect(fills[0]?.filledAt.toISOString()).toBe('2024-01-01T00:00:00.000Z');
    });

    it('marks a journaled submit as submitting before the venue has answered', async () => {
      const o = submitOrder(2);
      await store.journal.recordEvent(initialized(o));
      expect((await store.orders.get('O-2'))?.status).toBe('initialized');
      await store.journal.recordCommand(o);
      expect((await store.orders.get('O-2'))?.status).toBe('submitting');
    });

    it('changes nothing when an event is replayed', async () => {
      const o = submitOrder(1);
      const before = await tablesOf(store);
      await store.journal.recordEvent(accepted(o, T0 + 10n));
      await store.journal.recordEvent(filled(o, 'T-1a', '0.400', '100.00', T0 + 20n));
      await store.journal.recordCommand(o);
      expect(await tablesOf(store)).toEqual(before);
    });

    it('changes nothing when a fill arrives again under another event id', async () => {
      const o = submitOrder(1);
      const before = await tablesOf(store);
      await store.journal.recordEvent({
        ...filled(o, 'T-1b', '0.600', '99.50', T0 + 30n),
        eventId: 'another-id',
      });
      expect(await tablesOf(store)).toEqual(before);
      expect(await store.journal.fillCount('SIM', ACCOUNT)).toBe(2);
    });

    it('creates the order row of an order it first meets through a fill (adopted in reconciliation)', async () => {
      const o = submitOrder(3, { side: 'SELL' });
      await store.journal.recordEvent({
        ...filled(o, 'T-3', '0.250', '101.25', T0 + 40n),
        reconciliation: true,
      });
      const row = await store.orders.get('O-3');
      expect(row).toMatchObject({ side: 'sell', status: 'filled', providerOrderId: 'V-O-3' });
      expect(row?.qty.toString()).toBe('0.250');
      expect(row?.filledQty.toString()).toBe('0.250');
      expect((await store.orders.executions('O-3'))[0]?.reconciliation).toBe(true);
    });

    it('moves an order forward but never back, and keeps a final status final', async () => {
      const o = submitOrder(4);
      await store.journal.recordEvent(initialized(o));
      await store.journal.recordCommand(o);
      await store.journal.recordEvent(filled(o, 'T-4', '0.500', '100.00', T0 + 50n));
      expect((await store.orders.get('O-4'))?.status).toBe('partially_filled');
      // A late acceptance does not move a partly filled order back.
      await store.journal.recordEvent(accepted(o, T0 + 51n));
      expect((await store.orders.get('O-4'))?.status).toBe('partially_filled');
      const canceled: OrderCanceled = { ...eventBase(o, 'cxl-4', T0 + 60n), type: 'OrderCanceled' };
      await store.journal.recordEvent(canceled);
      await store.journal.recordEvent({ ...accepted(o, T0 + 61n), eventId: 'late-acc-4' });
      const row = await store.orders.get('O-4');
      expect(row?.status).toBe('canceled');
      expect(row?.filledQty.toString()).toBe('0.500');
    });

    it('journals commands that are not about one order', async () => {
      const cancelAll: CancelAllOrders = {
        type: 'CancelAllOrders',
        commandId: 'cmd-kill',
        traderId: submitOrder(0).traderId,
        accountId: ACCOUNT,
        reason: 'kill switch',
        tsInit: T0 + 70n,
      };
      await store.journal.recordCommand(cancelAll);
      const rows = await store.sql.query(
        'SELECT kind, type, client_order_id FROM order_events WHERE event_id = $1',
        ['cmd-kill'],
      );
      expect(rows).toEqual([{ kind: 'command', type: 'CancelAllOrders', client_order_id: null }]);
      expect((await store.journal.load()).at(-1)).toStrictEqual(cancelAll);
    });

    it('tells when the last fill of an account happened, and how many there are', async () => {
      expect(await store.journal.lastFillTs('SIM', ACCOUNT)).toBe(T0 + 50n);
      expect(await store.journal.lastFillTs('SIM', 'SIM-404')).toBeUndefined();
      expect(await store.journal.fillCount()).toBe(4);
      expect(await store.journal.fillCount('OTHER')).toBe(0);
    });

    it('refuses what is not a trading command or an order event, and writes nothing', async () => {
      const before = await tablesOf(store);
      await expect(store.journal.recordCommand({ ...submitOrder(9), type: 'Bar' } as never)).rejects.toThrow(
        'command.type: "Bar" is not a trading command',
      );
      await expect(
        store.journal.recordEvent({ ...accepted(submitOrder(9), T0), type: 'PositionOpened' } as never),
      ).rejects.toThrow('event.type: "PositionOpened" is not an order event');
      await expect(store.journal.recordCommand(null as never)).rejects.toThrow(
        'command.type: must be a message type',
      );
      expect(await tablesOf(store)).toEqual(before);
    });

    it('fails loading on a row that does not decode, naming its seq', async () => {
      const other = await openStore(await engine.fresh());
      try {
        await other.journal.recordCommand(submitOrder(5));
        const [row] = await other.sql.query<{ seq: string }>(
          `INSERT INTO order_events (event_id, kind, type, payload, ts_ns)
           VALUES ('bad', 'event', 'OrderAccepted', '{"type":"OrderAccepted","v":99}'::jsonb, 0) RETURNING seq`,
        );
        const err = await other.journal.load().catch((e: unknown) => e);
        expect(err).toBeInstanceOf(JournalDecodeError);
        expect((err as JournalDecodeError).seq).toBe(BigInt(row!.seq));
        expect((err as Error).message).toMatch(
          new RegExp(
            `^order_events seq ${row!.seq} does not decode: .*OrderAccepted has no schema version 99`,
          ),
        );
      } finally {
        await other.close();
      }
    });

    it('reads a journal longer than one page in order', async () => {
      const other = await openStore(await engine.fresh());
      try {
        const journal = new StoreJournal(other.sql, { pageSize: 2 });
        const commands = [1, 2, 3, 4, 5].map((n) => submitOrder(100 + n));
        for (const c of commands) await journal.recordCommand(c);
        expect(await journal.load()).toStrictEqual(commands);
      } finally {
        await other.close();
      }
    });

    it('records concurrent fills of one order without losing any', async () => {
      const o = submitOrder(6, { quantity: submitOrder(0).quantity });
      await store.journal.recordEvent(initialized(o));
      await store.journal.recordCommand(o);
      await Promise.all(
        ['0.100', '0.200', '0.300', '0.400'].map((q, i) =>
          store.journal.recordEvent(filled(o, `T-6-${i}`, q, '100.00', T0 + 80n + BigInt(i))),
        ),
      );
      const row = await store.orders.get('O-6');
      expect(row?.filledQty.toString()).toBe('1.000');
      expect(row?.status).toBe('filled');
      expect(row?.avgPx?.toString()).toBe('100.00000000000');
    });
  });
}

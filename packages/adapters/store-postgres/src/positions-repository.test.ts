import type { PositionSnapshot } from '@qubit/engine';
import {
  BotId,
  Currencies,
  Decimal,
  InstrumentId,
  PositionId,
  Price,
  Quantity,
  StrategyId,
  TraderId,
} from '@qubit/model';
import { testDatabaseUrl } from '@qubit/test-data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from './store.js';
import { ACCOUNT, BTC, engineCases } from './test-support.js';

function position(botId: string, instrumentId: string = BTC, signedQty = '2.250'): PositionSnapshot {
  const q = Decimal.parse(signedQty);
  return {
    accountId: ACCOUNT,
    botId: BotId(botId),
    instrumentId: InstrumentId(instrumentId),
    positionId: PositionId(`${instrumentId}-${botId}`),
    traderId: TraderId('QUBIT-001'),
    strategyId: StrategyId('sma-cross'),
    side: q.isNegative() ? 'SHORT' : 'LONG',
    signedQty: q,
    quantity: Quantity.from(q.abs()),
    cost: Decimal.parse('225.81250'),
    avgPxOpen: Price.from('100.36111111'),
    realizedPnl: Decimal.parse('-0.000000012345678901'),
    unrealizedPnl: Decimal.parse('1.23'),
    fees: Decimal.parse('0.03703701'),
    settlementCurrency: Currencies.USDT,
    openedAt: 1_704_067_201_000_000_123n,
    lastPx: Price.from('102.25'),
  };
}

for (const engine of engineCases('positions', testDatabaseUrl())) {
  describe.skipIf(engine.skipReason !== undefined)(`PositionsRepository on ${engine.engine}`, () => {
    let store: Store;

    beforeAll(async () => {
      store = await openStore(await engine.fresh());
    });

    afterAll(async () => {
      await store?.close();
      await engine.dispose();
    });

    it('stores a snapshot and reads it back exactly, to the last decimal', async () => {
      const p = position('sma-1');
      await store.positions.upsert(p);
      expect(await store.positions.get(ACCOUNT, 'sma-1', BTC)).toStrictEqual(p);
      const [row] = await store.sql.query<{ realized_pnl: string }>('SELECT realized_pnl FROM positions');
      expect(row?.realized_pnl).toBe('-0.000000012345678901');
    });

    it('replaces a position with its newer snapshot', async () => {
      const newer = position('sma-1', BTC, '-0.500');
      await store.positions.upsert(newer);
      expect(await store.positions.list(ACCOUNT)).toStrictEqual([newer]);
    });

    it('keeps a flat position without an average price or an opening time', async () => {
      const { avgPxOpen: _a, openedAt: _o, unrealizedPnl: _u, ...rest } = position('flat-1', BTC, '0');
      const flat: PositionSnapshot = { ...rest, side: 'FLAT' };
      await store.positions.upsert(flat);
      expect(await store.positions.get(ACCOUNT, 'flat-1', BTC)).toStrictEqual(flat);
    });

    it('replaces an account’s positions whole, removing those no longer held', async () => {
      const a = position('bot-a', 'ETHUSDT.SIM');
      const b = position('bot-b', 'ETHUSDT.SIM');
      await store.positions.replaceAccount(ACCOUNT, [a, b]);
      expect(await store.positions.list(ACCOUNT)).toStrictEqual([a, b]);
      await store.positions.replaceAccount(ACCOUNT, [b]);
      expect(await store.positions.list(ACCOUNT)).toStrictEqual([b]);
    });

    it('refuses a snapshot of another account in a replacement, and changes nothing', async () => {
      const before = await store.positions.list(ACCOUNT);
      const stranger = { ...position('bot-c'), accountId: 'OTHER-1' } as PositionSnapshot;
      await expect(store.positions.replaceAccount(ACCOUNT, [stranger])).rejects.toThrow(
        'positions[0].accountId: is OTHER-1, not the account SIM-001 being replaced',
      );
      expect(await store.positions.list(ACCOUNT)).toStrictEqual(before);
    });

    it('refuses a snapshot with a malformed instrument id', async () => {
      await expect(
        store.positions.upsert({ ...position('bot-d'), instrumentId: 'nodot' as never }),
      ).rejects.toThrow('position.instrumentId: "nodot" is not an instrument id');
    });

    it('lists nothing for an account it does not know', async () => {
      expect(await store.positions.list('NOBODY')).toEqual([]);
    });
  });
}

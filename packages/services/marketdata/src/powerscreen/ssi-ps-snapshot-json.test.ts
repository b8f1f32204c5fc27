import { equals, fromBinary, toBinary } from '@bufbuild/protobuf';
import { isoToNanos } from '@qubit/model';
import { describe, expect, it } from 'vitest';
import { Board, SsiPsSnapshotSchema, TradingSession } from '../gen/markets/v1/ssi_ps_pb.js';
import { madeUpFpt, madeUpHpg } from './made-up-snapshots.js';
import { ssiPsSnapshotFromJson, ssiPsSnapshotToJson } from './ssi-ps-snapshot-json.js';

// All snapshots here are MADE UP (see made-up-snapshots.ts): no SSI sample exists in ../shared/data.
const TS_INIT = isoToNanos('2026-11-20T03:15:03.300Z');

describe('the JSON form of markets.v1.SsiPsSnapshot', () => {
  it('converts a snapshot with exact decimal prices, UTC nanoseconds and the HOSE (UTC+7) trading date', () => {
    const s = ssiPsSnapshotFromJson(madeUpFpt(), 'snapshot', { tsInit: TS_INIT });
    expect(s.code).toBe('FPT');
    expect(s.board).toBe(Board.MAIN);
    expect(s.session).toBe(TradingSession.CONTINUOUS);
    // 10:15:03.250 in Ho Chi Minh City is 03:15:03.250 UTC.
    expect(s.tsEventNs).toBe(isoToNanos('2026-11-20T03:15:03.250Z'));
    expect(s.tsInitNs).toBe(TS_INIT);
    expect(s.tradingDate).toBe('2026-11-20');
    expect(s.seq).toBe(4812n);
    expect(s.bids).toHaveLength(10);
    expect(s.bids[0]).toMatchObject({ price: '98000', volume: 15300n });
    expect(s.asks[9]).toMatchObject({ price: '99000', volume: 7600n });
    expect(s.foreign?.currentRoom).toBe(1_250_400n);
    expect(s.totalValue).toBe('229876540000');
  });

  it('reads back from its own JSON and from its protobuf bytes as an equal message', () => {
    const s = ssiPsSnapshotFromJson(madeUpHpg(), 'snapshot', { tsInit: TS_INIT });
    const json = ssiPsSnapshotToJson(s);
    expect(json.ts_event).toBe(s.tsEventNs.toString());
    expect(json.board).toBe('MAIN');
    const again = ssiPsSnapshotFromJson(JSON.parse(JSON.stringify(json)), 'snapshot');
    expect(equals(SsiPsSnapshotSchema, again, s)).toBe(true);
    expect(
      equals(SsiPsSnapshotSchema, fromBinary(SsiPsSnapshotSchema, toBinary(SsiPsSnapshotSchema, s)), s),
    ).toBe(true);
  });

  it('dates a tick by Ho Chi Minh City time, not UTC, across UTC midnight', () => {
    // 23:30 UTC on the 19th is 06:30 on the 20th in Vietnam.
    const s = ssiPsSnapshotFromJson(
      madeUpFpt({ ts_event: '2026-11-19T23:30:00Z', session: 'PRE_OPEN', last_price: null, last_volume: 0 }),
      'snapshot',
      { tsInit: TS_INIT },
    );
    expect(s.tradingDate).toBe('2026-11-20');
    expect(s.lastPrice).toBe('');
    expect(ssiPsSnapshotToJson(s).last_price).toBeNull();
  });

  it('keeps the canonical decimal and accepts safe-integer JSON numbers for whole VND', () => {
    const s = ssiPsSnapshotFromJson(madeUpFpt({ ref_price: '97500.00', total_volume: 2345600 }), 's', {
      tsInit: TS_INIT,
    });
    expect(s.refPrice).toBe('97500');
    expect(s.totalVolume).toBe(2_345_600n);
  });

  it.each([
    [
      { ts_event: '2026-11-20T10:15:03.250' },
      'snapshot.ts_event: "2026-11-20T10:15:03.250" names no time zone',
    ],
    [
      { bids: [{ price: '97950', volume: '100' }] },
      'snapshot.bids[0].price: 97950 is not a multiple of the HOSE tick 100',
    ],
    [
      { asks: [{ price: '104400', volume: '100' }] },
      'snapshot.asks[0].price: 104400 is outside the band [90700, 104300]',
    ],
    [
      {
        bids: [
          { price: '97900', volume: '100' },
          { price: '98000', volume: '100' },
        ],
      },
      'snapshot.bids[1].price: 98000 is not below the level before it (97900)',
    ],
    [{ bids: [{ price: '98000', volume: '0' }] }, 'snapshot.bids[0].volume: must be positive, got 0'],
    [
      { last_price: 98100.5 },
      'snapshot.last_price: 98100.5 is not a safe integer: send fractional amounts as decimal strings',
    ],
    [{ ceil_price: '104300' }, 'snapshot.ceil_price: is not a field of the snapshot form'],
    [{ foreign: undefined }, 'snapshot.foreign: is required'],
    [{ board: 'G1' }, 'snapshot.board: expected one of MAIN, ODD_LOT, PUT_THROUGH, got "G1"'],
    [{ code: 'fpt' }, 'snapshot.code: expected 1-16 upper-case letters and digits, got "fpt"'],
    [{ floor_price: '-1' }, 'snapshot.floor_price: must be positive, got -1'],
    [{ seq: '-3' }, 'snapshot.seq: must not be negative, got -3'],
    [
      { trading_date: '2026-11-19' },
      'snapshot.trading_date: "2026-11-19" is not the HOSE (UTC+7) date of ts_event, 2026-11-20',
    ],
    [{ low_price: '98600' }, 'snapshot.low_price: 98600 is above the high price 98500'],
    [
      {
        foreign: {
          buy_volume: '0',
          sell_volume: '0',
          buy_value: '0',
          sell_value: '0',
          total_room: '100',
          current_room: '200',
        },
      },
      'snapshot.foreign.current_room: 200 is above the total room 100',
    ],
  ])('refuses a bad field and names it: %j', (override, message) => {
    expect(() => ssiPsSnapshotFromJson(madeUpFpt(override), 'snapshot', { tsInit: TS_INIT })).toThrow(
      message,
    );
  });

  it('lets a put-through deal be priced off the tick grid, but never outside the band', () => {
    const deal = madeUpFpt({
      board: 'PUT_THROUGH',
      session: 'PUT_THROUGH',
      last_price: '98150',
      bids: [],
      asks: [],
    });
    expect(ssiPsSnapshotFromJson(deal, 'snapshot', { tsInit: TS_INIT }).lastPrice).toBe('98150');
    expect(() =>
      ssiPsSnapshotFromJson({ ...deal, last_price: '110000', high_price: null }, 'snapshot', {
        tsInit: TS_INIT,
      }),
    ).toThrow('snapshot.last_price: 110000 is outside the band');
  });

  it('requires ts_init from the JSON or the caller', () => {
    expect(() => ssiPsSnapshotFromJson(madeUpFpt(), 'snapshot')).toThrow('snapshot.ts_init: is required');
  });
});

// MADE-UP test data, tests only: no SSI PowerScreen sample exists in ../shared/data, so these snapshots
// were written by hand. They are realistic in shape — VN30 codes, VND prices on the HOSE tick grid
// (shares: 10 below 10,000, 50 to 50,000, 100 above), a ±7 % band around the reference price rounded
// inward to the grid, round-lot volumes, session times in Asia/Ho_Chi_Minh (UTC+7) — but they are not
// market data: no number here was observed on the exchange.
import type { SsiPsSnapshotJson } from './ssi-ps-snapshot-json.js';

type Levels = SsiPsSnapshotJson['bids'];

/** `count` levels from `best`, `step` apart (negative for bids), volumes from `volumes` in turn. */
function ladder(best: number, step: number, volumes: readonly number[], count = 10): Levels {
  return Array.from({ length: count }, (_, i) => ({
    price: String(best + i * step),
    volume: String(volumes[i % volumes.length]!),
  }));
}

/** FPT on the main board during the morning continuous session (tick 100 above 50,000). */
export function madeUpFpt(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    code: 'FPT',
    raw_symbol: 'hose:FPT',
    exchange: 'HOSE',
    board: 'MAIN',
    session: 'CONTINUOUS',
    ts_event: '2026-11-20T10:15:03.250+07:00',
    seq: '4812',
    ref_price: '97500',
    ceiling_price: '104300',
    floor_price: '90700',
    last_price: '98100',
    last_volume: '1200',
    open_price: '97600',
    high_price: '98500',
    low_price: '97200',
    total_volume: '2345600',
    total_value: '229876540000',
    bids: ladder(98000, -100, [15300, 8200, 22100, 4700, 9900]),
    asks: ladder(98100, 100, [6400, 12800, 3100, 18500, 7600]),
    foreign: {
      buy_volume: '512300',
      sell_volume: '398700',
      buy_value: '50253630000',
      sell_value: '39106380000',
      total_room: '720836150',
      current_room: '1250400',
    },
    ...overrides,
  };
}

/** HPG in the same session (tick 50 between 10,000 and 50,000). */
export function madeUpHpg(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    code: 'HPG',
    raw_symbol: 'hose:HPG',
    exchange: 'HOSE',
    board: 'MAIN',
    session: 'CONTINUOUS',
    ts_event: '2026-11-20T10:15:03.400+07:00',
    seq: '9127',
    ref_price: '27350',
    ceiling_price: '29250',
    floor_price: '25450',
    last_price: '27400',
    last_volume: '5000',
    open_price: '27350',
    high_price: '27550',
    low_price: '27200',
    total_volume: '18734500',
    total_value: '513421750000',
    bids: ladder(27350, -50, [120500, 88300, 240000, 56700]),
    asks: ladder(27400, 50, [97200, 143800, 61000, 205300]),
    foreign: {
      buy_volume: '2104300',
      sell_volume: '3350800',
      buy_value: '57657820000',
      sell_value: '91811920000',
      total_room: '3133497420',
      current_room: '1288315700',
    },
    ...overrides,
  };
}

/** FPT snapshots `n` seconds apart from 10:15:03.250 (UTC+7), seq rising by one, last price moving on the grid. */
export function madeUpFptSeries(n: number): Record<string, unknown>[] {
  const t0 = Date.UTC(2026, 10, 20, 3, 15, 3, 250);
  return Array.from({ length: n }, (_, i) => {
    const last = 98100 + (i % 4) * 100;
    return madeUpFpt({
      ts_event: `${BigInt(t0 + i * 1000) * 1_000_000n}`,
      seq: String(4812 + i),
      last_price: String(last),
      high_price: '98500',
      asks: ladder(last, 100, [6400, 12800, 3100, 18500, 7600]),
      bids: ladder(last - 100, -100, [15300, 8200, 22100, 4700, 9900]),
    });
  });
}

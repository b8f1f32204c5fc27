import { Currencies, Decimal, ModelError, currency } from '@qubit/model';
import { describe, expect, it } from 'vitest';
import { buildReport } from './build-report.js';
import { computeRoundTrips } from './round-trips.js';
import { bars, day, fill, makeInput } from './test-fixtures.js';

describe('round trips', () => {
  it('reports a winning long with its prices, fees, net pnl, return and reasons', () => {
    const report = buildReport(
      makeInput({
        fills: [
          fill({ ts: day(1), side: 'BUY', qty: '2', px: '100.00', fee: '0.20', coid: 'L1' }),
          fill({ ts: day(3), side: 'SELL', qty: '2', px: '110.00', fee: '0.22', coid: 'L2' }),
        ],
        reasonOf: { L1: 'entry', L2: 'take_profit' },
      }),
    );
    expect(report.trades).toEqual([
      {
        id: 1,
        bot_id: 'bot-a',
        instrument_id: 'AAA.SIM',
        side: 'long',
        status: 'closed',
        quantity: '2',
        entry_time: '2024-01-02T00:00:00.000000000Z',
        exit_time: '2024-01-04T00:00:00.000000000Z',
        entry_price: '100.00',
        exit_price: '110.00',
        mark_price: null,
        fees: '0.42',
        pnl: '19.58', // (220 − 200) − 0.42
        return: 0.0979, // 19.58 / 200
        entry_reason: 'entry',
        exit_reason: 'take_profit',
        duration_ms: 172_800_000,
        duration: '2d',
        bars_held: null,
      },
    ]);
  });

  it('reports a losing short: the pnl is the entry minus the exit, less fees', () => {
    const [trade] = buildReport(
      makeInput({
        fills: [
          fill({
            ts: day(2),
            side: 'SELL',
            qty: '1',
            px: '50.0',
            fee: '0.05',
            coid: 'S1',
            instrument: 'BBB.SIM',
          }),
          fill({
            ts: day(4),
            side: 'BUY',
            qty: '1',
            px: '55.0',
            fee: '0.05',
            coid: 'S2',
            instrument: 'BBB.SIM',
          }),
        ],
        reasonOf: { S1: 'entry', S2: 'stop_loss' },
      }),
    ).trades;
    expect(trade).toMatchObject({
      side: 'short',
      status: 'closed',
      entry_price: '50.0',
      exit_price: '55.0',
      fees: '0.10',
      pnl: '-5.10', // (50 − 55) − 0.10
      return: -0.102, // −5.10 / 50
      exit_reason: 'stop_loss',
    });
  });

  it('splits a flip into a closed trade and a new one, sharing the flipping fill and its fee by quantity', () => {
    const report = buildReport(
      makeInput({
        fills: [
          fill({ ts: day(1), side: 'BUY', qty: '1', px: '100.00', fee: '0.10', coid: 'F1' }),
          fill({ ts: day(2), side: 'SELL', qty: '3', px: '90.00', fee: '0.10', coid: 'F2' }),
          fill({ ts: day(4), side: 'BUY', qty: '2', px: '80.00', fee: '0.16', coid: 'F3' }),
        ],
        reasonOf: { F1: 'entry', F2: 'reverse', F3: 'take_profit' },
      }),
    );
    const [first, second] = report.trades;
    // The closing third of the 0.10 fee is 0.0333…, 0.03 at the fee's precision; the new trade takes 0.07.
    expect(first).toMatchObject({
      id: 1,
      side: 'long',
      quantity: '1',
      exit_price: '90.00',
      fees: '0.13',
      pnl: '-10.13',
      exit_reason: 'reverse',
      exit_time: '2024-01-03T00:00:00.000000000Z',
    });
    expect(second).toMatchObject({
      id: 2,
      side: 'short',
      status: 'closed',
      quantity: '2',
      entry_price: '90.00',
      exit_price: '80.00',
      entry_time: '2024-01-03T00:00:00.000000000Z',
      fees: '0.23',
      pnl: '19.77', // (180 − 160) − 0.23
      return: 0.109833, // 19.77 / 180
      entry_reason: 'reverse',
      exit_reason: 'take_profit',
    });
    expect(report.summary.fees_paid).toBe('0.36');
    expect(report.summary.net_pnl).toBe('9.64');
  });

  it('averages partial exits and reports the reason of the fill that returned to flat', () => {
    const [trade] = buildReport(
      makeInput({
        fills: [
          fill({ ts: day(1), side: 'BUY', qty: '1', px: '10.00', coid: 'P1' }),
          fill({ ts: day(2), side: 'BUY', qty: '2', px: '10.30', coid: 'P2' }),
          fill({ ts: day(3), side: 'SELL', qty: '1', px: '12.00', coid: 'P3' }),
          fill({ ts: day(4), side: 'SELL', qty: '2', px: '11.00', coid: 'P4' }),
        ],
        reasonOf: { P1: 'entry', P2: 'entry', P3: 'take_profit', P4: 'exit' },
      }),
    ).trades;
    expect(trade).toMatchObject({
      quantity: '3',
      entry_price: '10.20', // 30.60 / 3
      exit_price: '11.333333', // 34 / 3 at price precision + 4
      pnl: '3.40', // 34 − 30.60
      exit_reason: 'exit',
    });
  });

  it('takes the largest position as the quantity when a trade adds after a partial exit', () => {
    const [trade] = buildReport(
      makeInput({
        fills: [
          fill({ ts: day(1), side: 'BUY', qty: '2', px: '10', coid: 'A1' }),
          fill({ ts: day(2), side: 'SELL', qty: '1', px: '11', coid: 'A2' }),
          fill({ ts: day(3), side: 'BUY', qty: '2', px: '12', coid: 'A3' }),
          fill({ ts: day(4), side: 'SELL', qty: '3', px: '13', coid: 'A4' }),
        ],
      }),
    ).trades;
    expect(trade).toMatchObject({ quantity: '3', entry_price: '11', exit_price: '12.5', pnl: '6.00' });
    expect(trade?.entry_reason).toBeNull();
  });

  it('lists a trade still open at the end, valued at the last bar close at or before the end', () => {
    const report = buildReport(
      makeInput({
        fills: [
          fill({ ts: day(5), side: 'BUY', qty: '2', px: '100.00', fee: '0.20', coid: 'O1' }),
          fill({ ts: day(6), side: 'SELL', qty: '1', px: '105.00', fee: '0.10', coid: 'O2' }),
        ],
        prices: [
          {
            instrumentId: 'AAA.SIM',
            bars: bars([
              [day(7), '107.00'],
              [day(9), '108.00'],
              [day(11), '120.00'],
            ]),
          },
        ],
        reasonOf: { O1: 'entry', O2: 'take_profit' },
      }),
    );
    expect(report.trades[0]).toMatchObject({
      status: 'open',
      quantity: '2',
      exit_time: null,
      exit_price: '105.00', // the partial exit so far
      mark_price: '108.00', // the day-11 bar is after the end (day 10)
      pnl: '12.70', // 105 + 1 × 108 − 200 − 0.30
      exit_reason: null,
      duration_ms: 5 * 86_400_000,
      bars_held: 2,
    });
    expect(report.summary).toMatchObject({ trade_count: 0, open_trade_count: 1, win_rate: null });
  });

  it('values an open trade at its last fill when the input has no bars for it', () => {
    const [trade] = buildReport(
      makeInput({
        fills: [
          fill({ ts: day(1), side: 'SELL', qty: '1', px: '20.00', coid: 'N1' }),
          fill({ ts: day(2), side: 'SELL', qty: '1', px: '18.00', coid: 'N2' }),
        ],
      }),
    ).trades;
    expect(trade).toMatchObject({ side: 'short', mark_price: '18.00', pnl: '2.00', entry_price: '19.00' });
  });

  it('keeps separate trades per bot on the same instrument', () => {
    const report = buildReport(
      makeInput({
        fills: [
          fill({ ts: day(1), side: 'BUY', qty: '1', px: '10', coid: 'B1', bot: 'bot-a' }),
          fill({ ts: day(1), side: 'SELL', qty: '1', px: '10', coid: 'B2', bot: 'bot-b' }),
          fill({ ts: day(2), side: 'SELL', qty: '1', px: '12', coid: 'B3', bot: 'bot-a' }),
          fill({ ts: day(3), side: 'BUY', qty: '1', px: '9', coid: 'B4', bot: 'bot-b' }),
        ],
      }),
    );
    expect(report.trades.map((t) => [t.bot_id, t.side, t.pnl])).toEqual([
      ['bot-a', 'long', '2.00'],
      ['bot-b', 'short', '1.00'],
    ]);
  });

  it('applies the instrument multiplier exactly (VN30F1M: 1.8 points × 100,000 VND)', () => {
    const input = makeInput({
      baseCurrency: Currencies.VND,
      startingEquity: Decimal.parse('500000000'),
      fills: [
        fill({ ts: day(1), side: 'BUY', qty: '1', px: '1250.3', coid: 'V1', instrument: 'VN30F1M.HNX' }),
        fill({ ts: day(2), side: 'SELL', qty: '1', px: '1252.1', coid: 'V2', instrument: 'VN30F1M.HNX' }),
      ],
      instruments: (id) => (id === 'VN30F1M.HNX' ? { multiplier: Decimal.parse('100000') } : undefined),
    });
    const [trade] = buildReport(input).trades;
    expect(trade).toMatchObject({ pnl: '180000', entry_price: '1250.3', return: 0.00143965 });
    const trips = computeRoundTrips(input);
    expect(trips[0]?.entryNotional.eq(Decimal.parse('125030000'))).toBe(true);
  });

  it('refuses an instrument that settles in another currency than the base, naming the fill', () => {
    const input = makeInput({
      fills: [fill({ ts: day(1), side: 'BUY', qty: '1', px: '10', coid: 'X1' })],
      instruments: () => ({ multiplier: Decimal.ONE, settlementCurrency: currency('EUR', 2) }),
    });
    expect(() => buildReport(input)).toThrow(/fills\[0\]\.instrumentId: AAA\.SIM settles in EUR/);
  });

  it('refuses fills out of time order and fees in another currency, naming the field', () => {
    const late = makeInput({
      fills: [
        fill({ ts: day(2), side: 'BUY', qty: '1', px: '10', coid: 'T1' }),
        fill({ ts: day(1), side: 'SELL', qty: '1', px: '10', coid: 'T2' }),
      ],
    });
    expect(() => buildReport(late)).toThrow(ModelError);
    expect(() => buildReport(late)).toThrow('fills[1].tsEvent');
    // A zero fee in any currency is accepted, as the portfolio accepts it.
    const free = fill({ ts: day(1), side: 'BUY', qty: '1', px: '10', coid: 'T3' });
    expect(buildReport(makeInput({ baseCurrency: Currencies.USDT, fills: [free] })).trades).toHaveLength(1);
    const paid = fill({ ts: day(1), side: 'BUY', qty: '1', px: '10', fee: '0.01', coid: 'T4' });
    expect(() => buildReport(makeInput({ baseCurrency: Currencies.USDT, fills: [paid] }))).toThrow(
      'fills[0].fee.currency: is USD, not the base currency USDT',
    );
  });
});

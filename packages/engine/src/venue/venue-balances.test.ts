import {
  AccountId,
  AccountType,
  BTCUSDT_BINANCE,
  BTCUSDT_PERP_BINANCE,
  BotId,
  Decimal,
  Money,
  OrderSide,
  OrderType,
  Price,
  Quantity,
  StrategyId,
  TimeInForce,
  TraderId,
  instrumentFromSpec,
  type Instrument,
  type OrderFilled,
} from '@qubit/model';
import { describe, expect, it } from 'vitest';
import { MessageBus } from '../bus/message-bus.js';
import { Cache } from '../cache/cache.js';
import { TestClock } from '../clock/test-clock.js';
import { IdGenerator } from '../ids/id-generator.js';
import { Portfolio } from '../portfolio/portfolio.js';
import { SeededRandom } from '../synthetic/seeded-random.js';
import { SimulatedVenue } from './simulated-venue.js';

const SPOT = instrumentFromSpec(BTCUSDT_BINANCE);
const PERP = instrumentFromSpec(BTCUSDT_PERP_BINANCE);
const ACCOUNT = AccountId('SIM-001');

/**
 * Random market orders of one bot against moving quotes; every fill goes to a Portfolio too. Returns the
 * venue, the portfolio and the fills.
 */
function trade(instrument: Instrument, accountType: AccountType, seed: number, orders: number) {
  const clock = new TestClock(1_700_000_000_000_000_000n);
  const start = [Money.of('1000000', instrument.quoteCurrency)];
  if (accountType === AccountType.CASH) start.push(Money.of('50', instrument.baseCurrency));
  const venue = new SimulatedVenue({
    venue: 'BINANCE',
    clock,
    ids: new IdGenerator('V'),
    instruments: (id) => (id === instrument.id ? instrument : undefined),
    accounts: { [ACCOUNT]: start },
  });
  const cache = new Cache();
  cache.addInstrument(instrument);
  const portfolio = new Portfolio({ bus: new MessageBus(), cache, clock, ids: new IdGenerator('P') });
  portfolio.registerAccount({
    accountId: ACCOUNT,
    accountType,
    baseCurrency: instrument.quoteCurrency,
    balances: start,
  });
  const fills: OrderFilled[] = [];
  venue.connect((e) => {
    if (e.type !== 'OrderFilled') return;
    fills.push(e);
    portfolio.applyFill(e);
  });
  const rnd = new SeededRandom(seed);
  let mid = 40_000;
  for (let i = 0; i < orders; i++) {
    clock.advanceTo(clock.now() + 1_000_000_000n);
    mid = Math.max(1_000, mid + Math.round((rnd.next() - 0.5) * 400));
    const spread = 1 + Math.floor(rnd.next() * 5);
    venue.processQuote({
      type: 'QuoteTick',
      instrumentId: instrument.id,
      bidPrice: Price.from(`${mid}`).withPrecision(instrument.pricePrecision),
      askPrice: Price.from(`${mid + spread}`).withPrecision(instrument.pricePrecision),
      // Thin levels, so that larger orders fill in parts at prices with many decimals of PnL.
      bidSize: Quantity.from('0.050').withPrecision(instrument.sizePrecision),
      askSize: Quantity.from('0.070').withPrecision(instrument.sizePrecision),
      tsEvent: clock.now(),
      tsInit: clock.now(),
    });
    const lots = 1 + Math.floor(rnd.next() * 90);
    venue.submitOrder({
      type: 'SubmitOrder',
      commandId: `c${i}`,
      traderId: TraderId('QUBIT'),
      accountId: ACCOUNT,
      botId: BotId('bot-1'),
      strategyId: StrategyId('random'),
      instrumentId: instrument.id,
      clientOrderId: `O-${i}` as never,
      side: rnd.next() < 0.5 ? OrderSide.BUY : OrderSide.SELL,
      orderType: OrderType.MARKET,
      quantity: Quantity.from(instrument.lotSize.mulInt(lots * 1000 + 3)).withPrecision(
        instrument.sizePrecision,
      ),
      timeInForce: TimeInForce.IOC,
      postOnly: false,
      reduceOnly: false,
      reason: 'random',
      tsInit: clock.now(),
    });
  }
  return { venue, portfolio, fills };
}

function expectSameBalances(venue: SimulatedVenue, portfolio: Portfolio, codes: readonly string[]): void {
  for (const code of codes) {
    const ours = venue.balance(ACCOUNT, code) ?? Decimal.ZERO;
    const theirs = portfolio.balance(ACCOUNT, code) ?? Decimal.ZERO;
    expect(ours.eq(theirs), `${code}: venue ${ours.toString()} portfolio ${theirs.toString()}`).toBe(true);
  }
}

describe('SimulatedVenue balances', () => {
  it('move with fills exactly as the Portfolio moves a CASH account on a spot instrument', () => {
    const { venue, portfolio, fills } = trade(SPOT, AccountType.CASH, 11, 400);
    expect(fills.length).toBeGreaterThan(300);
    expect(fills.some((f) => !f.fee.isZero())).toBe(true);
    expectSameBalances(venue, portfolio, ['USDT', 'BTC']);
    // Reported as Money at each currency's precision.
    const reported = new Map(venue.balances(ACCOUNT).map((m) => [m.currency.code, m]));
    expect(
      reported.get('BTC')!.amount.eq(Money.of(portfolio.balance(ACCOUNT, 'BTC')!, SPOT.baseCurrency).amount),
    ).toBe(true);
    expect(venue.positions(ACCOUNT)[0]?.netQty.eq(portfolio.netQty(ACCOUNT, SPOT.id)) ?? true).toBe(true);
  });

  it('settle realized PnL and fees exactly as the Portfolio does for a MARGIN account on a perpetual', () => {
    const { venue, portfolio, fills } = trade(PERP, AccountType.MARGIN, 23, 400);
    expect(fills.length).toBeGreaterThan(300);
    expect(portfolio.realizedPnl({ kind: 'account', accountId: ACCOUNT })!.isZero()).toBe(false);
    expectSameBalances(venue, portfolio, ['USDT', 'BTC']);
    const position = venue.positions(ACCOUNT)[0];
    const snapshot = portfolio.positions({ accountId: ACCOUNT })[0];
    expect(position?.netQty.toString()).toBe(snapshot?.signedQty.toString());
    expect(position?.avgPx?.toString()).toBe(snapshot?.avgPxOpen?.toString());
  });

  it('start from the starting balances, and from nothing for an account never opened', () => {
    const clock = new TestClock(0n);
    const venue = new SimulatedVenue({
      venue: 'BINANCE',
      clock,
      ids: new IdGenerator('V'),
      instruments: () => undefined,
      accounts: { 'SIM-001': [Money.of('10', SPOT.quoteCurrency)] },
    });
    expect(venue.balances(ACCOUNT).map((m) => m.toString())).toEqual(['10.00000000 USDT']);
    expect(venue.balances(AccountId('SIM-404'))).toEqual([]);
    expect(venue.balance(ACCOUNT, 'BTC')).toBeUndefined();
  });

  it('refuse an account opened twice and bad starting balances, naming the field', () => {
    const make = (accounts: unknown) =>
      new SimulatedVenue({
        venue: 'BINANCE',
        clock: new TestClock(0n),
        ids: new IdGenerator('V'),
        instruments: () => undefined,
        accounts: accounts as Record<string, Money[]>,
      });
    expect(() => make([])).toThrow(/venue.accounts: expected/);
    expect(() => make({ 'bad id!': [] })).toThrow(/venue.accounts.bad id!/);
    expect(() => make({ A: ['10 USDT'] })).toThrow(/venue.accounts.A\[0\]: expected Money/);
    expect(() => make({ A: [Money.of('-1', SPOT.quoteCurrency)] })).toThrow(
      /venue.accounts.A\[0\]: .*negative/,
    );
    expect(() => make({ A: [Money.of('1', SPOT.quoteCurrency), Money.of('2', SPOT.quoteCurrency)] })).toThrow(
      /venue.accounts.A\[1\]: USDT is listed twice/,
    );
    const venue = make({ A: [] });
    expect(() => venue.openAccount('A', [])).toThrow(/accountId: account A is already open/);
  });
});

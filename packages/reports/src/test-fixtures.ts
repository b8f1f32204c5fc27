// Hand-built inputs shared by this package's tests; not exported from the package.
import {
  AccountId,
  BotId,
  ClientOrderId,
  Currencies,
  Decimal,
  DenyReason,
  InstrumentId,
  LiquiditySide,
  Money,
  NANOS_PER_DAY,
  OrderType,
  Price,
  Quantity,
  StrategyId,
  TradeId,
  TraderId,
  VenueOrderId,
  isoToNanos,
} from '@qubit/model';
import type { Currency, OrderDenied, OrderFilled, OrderSide, UnixNanos } from '@qubit/model';
import type { EquityPoint, PriceBar, ReportInput } from './report-input.js';

export const USD: Currency = Currencies.USD;
export const T0 = isoToNanos('2024-01-01T00:00:00Z');

/** Day `n` after 2024-01-01 at midnight UTC. */
export function day(n: number): UnixNanos {
  return T0 + BigInt(n) * NANOS_PER_DAY;
}

export interface FillSpec {
  readonly ts: UnixNanos;
  readonly side: OrderSide;
  readonly qty: string;
  readonly px: string;
  readonly fee?: string;
  readonly coid: string;
  readonly bot?: string;
  readonly instrument?: string;
}

let tradeSeq = 0;

export function fill(spec: FillSpec): OrderFilled {
  tradeSeq += 1;
  return {
    type: 'OrderFilled',
    eventId: `ev-${spec.coid}-${tradeSeq}`,
    tsEvent: spec.ts,
    tsInit: spec.ts,
    traderId: TraderId('QUBIT-001'),
    accountId: AccountId('SIM-001'),
    botId: BotId(spec.bot ?? 'bot-a'),
    strategyId: StrategyId('test'),
    // Tests hand in hostile ids on purpose; the cast skips the model's check, as a corrupted file would.
    instrumentId: (spec.instrument ?? 'AAA.SIM') as InstrumentId,
    clientOrderId: ClientOrderId(spec.coid),
    venueOrderId: VenueOrderId(`v-${spec.coid}`),
    tradeId: TradeId(`t-${spec.coid}-${tradeSeq}`),
    side: spec.side,
    orderType: OrderType.MARKET,
    lastQty: Quantity.from(spec.qty),
    lastPx: Price.from(spec.px),
    fee: Money.of(spec.fee ?? '0', USD),
    liquiditySide: LiquiditySide.TAKER,
  };
}

export function denial(ts: UnixNanos, coid: string, reasonCode: DenyReason, reason: string): OrderDenied {
  return {
    type: 'OrderDenied',
    eventId: `deny-${coid}`,
    tsEvent: ts,
    tsInit: ts,
    traderId: TraderId('QUBIT-001'),
    accountId: AccountId('SIM-001'),
    botId: BotId('bot-a'),
    strategyId: StrategyId('test'),
    instrumentId: InstrumentId('AAA.SIM'),
    clientOrderId: ClientOrderId(coid),
    reasonCode,
    reason,
    stage: 2,
  };
}

export { DenyReason };

export function curve(points: readonly [UnixNanos, string][]): EquityPoint[] {
  return points.map(([ts, equity]) => ({ ts, equity: Decimal.parse(equity) }));
}

/** Flat bars (open = high = low = close) closing at the given times. */
export function bars(points: readonly [UnixNanos, string][]): PriceBar[] {
  return points.map(([ts, close]) => {
    const c = Decimal.parse(close);
    return { ts, open: c, high: c, low: c, close: c };
  });
}

/** A complete input with nothing in it but what `over` gives; reasons come from a plain record. */
export function makeInput(
  over: Partial<ReportInput> & { reasonOf?: Record<string, string> } = {},
): ReportInput {
  const { reasonOf = {}, ...rest } = over;
  return {
    run: { started_at: '2025-03-01T10:00:00.000Z', duration_ms: 1234, qubit_version: '0.1.0' },
    config: { seed: 7, bots: [{ id: 'bot-a', strategy: 'test' }] },
    baseCurrency: USD,
    startingEquity: Decimal.parse('10000.00'),
    start: day(0),
    end: day(10),
    fills: [],
    reasons: (id) => reasonOf[id],
    denials: [],
    equityCurve: [],
    prices: [],
    ...rest,
  };
}

/**
 * A small run with one of everything: a winning long on AAA (day 1 → 3), a losing short on BBB (day 2 → 4),
 * a long on AAA still open at the end (day 5 → 10), three denials, a daily-ish equity curve and bars.
 * Hand-computed: net pnl 19.58 − 5.10 + 12.70 = 27.18, fees 0.82, exposure [1, 4] ∪ [5, 10] = 8 of 10 days.
 */
export function sampleInput(): ReportInput {
  return makeInput({
    fills: [
      fill({ ts: day(1), side: 'BUY', qty: '2', px: '100.00', fee: '0.20', coid: 'L1' }),
      fill({
        ts: day(2),
        side: 'SELL',
        qty: '1',
        px: '50.0',
        fee: '0.05',
        coid: 'S1',
        instrument: 'BBB.SIM',
      }),
      fill({ ts: day(3), side: 'SELL', qty: '2', px: '110.00', fee: '0.22', coid: 'L2' }),
      fill({ ts: day(4), side: 'BUY', qty: '1', px: '55.0', fee: '0.05', coid: 'S2', instrument: 'BBB.SIM' }),
      fill({ ts: day(5), side: 'BUY', qty: '2', px: '100.00', fee: '0.20', coid: 'O1' }),
      fill({ ts: day(6), side: 'SELL', qty: '1', px: '105.00', fee: '0.10', coid: 'O2' }),
    ],
    reasonOf: {
      L1: 'entry',
      L2: 'take_profit',
      S1: 'entry',
      S2: 'stop_loss',
      O1: 'entry',
      O2: 'take_profit',
    },
    denials: [
      denial(day(2), 'D1', DenyReason.MAX_POSITION, 'position 3 above max 2'),
      denial(day(3), 'D2', DenyReason.TRADING_HALTED, 'trading is halted'),
      denial(day(4), 'D3', DenyReason.MAX_POSITION, 'position 3 above max 2'),
    ],
    equityCurve: curve([
      [day(0), '10000.00'],
      [day(5), '10022.00'],
      [day(10), '10027.18'],
    ]),
    prices: [
      {
        instrumentId: 'AAA.SIM',
        bars: bars([
          [day(1), '100.00'],
          [day(3), '110.00'],
          [day(5), '100.00'],
          [day(7), '107.00'],
          [day(9), '108.00'],
        ]),
      },
      {
        instrumentId: 'BBB.SIM',
        bars: bars([
          [day(2), '50.0'],
          [day(4), '55.0'],
        ]),
      },
    ],
  });
}

import { describe, expect, it } from 'vitest';
import { ModelError } from '../errors.js';
import { AccountId } from './account-id.js';
import { BotId } from './bot-id.js';
import { ClientOrderId } from './client-order-id.js';
import { PositionId } from './position-id.js';
import { StrategyId } from './strategy-id.js';
import { TradeId } from './trade-id.js';
import { TraderId } from './trader-id.js';
import { VenueOrderId } from './venue-order-id.js';

function modelError(fn: () => unknown): ModelError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ModelError) return e;
    throw new Error(`expected a ModelError, got ${String(e)}`);
  }
  throw new Error('expected the call to throw');
}

interface Case {
  readonly make: (value: unknown, field?: string) => string;
  readonly kind: string;
  readonly good: readonly string[];
  readonly bad: readonly string[];
}

const cases: readonly Case[] = [
  {
    make: TraderId,
    kind: 'TraderId',
    good: ['QUBIT-001', 'trader_1', 'a', 'T.1:x', 'x'.repeat(64)],
    bad: ['', '-QUBIT', '_x', 'has space', 'a/b', 'x'.repeat(65), 'ümlaut'],
  },
  {
    make: AccountId,
    kind: 'AccountId',
    good: ['BINANCE-main', 'SIM-001', 'acc.1:sub_a', 'x'.repeat(64)],
    bad: ['', '.hidden', 'a b', 'a/b', 'x'.repeat(65), 'a\nb'],
  },
  {
    make: BotId,
    kind: 'BotId',
    good: ['sma-cross-1', 'bot_2', '0f8fad5b-d9cb-469f-a165-70867728950e', 'x'.repeat(64)],
    bad: ['', '-bot', 'bot.1', 'bot:1', 'bot 1', 'x'.repeat(65)],
  },
  {
    make: StrategyId,
    kind: 'StrategyId',
    good: ['sma-cross', 'grid_2', '9lives', 'x'.repeat(64)],
    bad: ['', 'SMA-cross', '-sma', 'sma.cross', 'sma cross', 'x'.repeat(65)],
  },
  {
    make: ClientOrderId,
    kind: 'ClientOrderId',
    good: ['O-20240101-0001', 'abc_DEF-123', 'x'.repeat(32), '1'],
    bad: ['', 'x'.repeat(33), 'O:1', 'O.1', 'O 1', 'O/1'],
  },
  {
    make: VenueOrderId,
    kind: 'VenueOrderId',
    good: ['1234567890', 'abc-DEF:1/2.3', '~!@#', 'x'.repeat(128)],
    bad: ['', 'has space', 'tab\there', 'x'.repeat(129), 'é'],
  },
  {
    make: TradeId,
    kind: 'TradeId',
    good: ['987654321', 'T-1:2/3', 'x'.repeat(128)],
    bad: ['', 'a b', 'x'.repeat(129), 'line\nbreak'],
  },
  {
    make: PositionId,
    kind: 'PositionId',
    good: ['BTCUSDT.BINANCE-bot1', 'BTC/USDT.BINANCE-sma-cross-1', 'x'.repeat(256)],
    bad: ['', '-pos', 'a b', 'x'.repeat(257), 'a#b'],
  },
];

describe.each(cases)('$kind', ({ make, kind, good, bad }) => {
  it.each(good)('accepts "%s" unchanged', (value) => {
    expect(make(value)).toBe(value);
  });

  it.each(bad)('rejects "%s" naming the kind as the default field', (value) => {
    const e = modelError(() => make(value));
    expect(e.field).toBe(kind);
    expect(e.message).toContain(`is not a valid ${kind}`);
  });

  it('names the field it was given', () => {
    expect(modelError(() => make(bad[0], 'payload.some_id')).field).toBe('payload.some_id');
  });

  it.each([undefined, null, 42, {}])('rejects the non-string %s with the field named', (value) => {
    const e = modelError(() => make(value, 'cmd.id'));
    expect(e.field).toBe('cmd.id');
    expect(e.message).toContain(`${kind} must be a string`);
  });
});

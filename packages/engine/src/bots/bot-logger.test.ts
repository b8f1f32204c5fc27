import { describe, expect, it } from 'vitest';
import { InMemoryBotMetrics, botLogger, type LogLine } from './bot-logger.js';

describe('botLogger', () => {
  it('writes one line per call with the level, bot id, time from the clock and fields', () => {
    const lines: LogLine[] = [];
    let now = 100n;
    const log = botLogger(
      'bot-1',
      () => now,
      (l) => lines.push(l),
    );
    log.info('started');
    now = 200n;
    log.warn('spread wide', { spread: '0.5' });
    log.debug('d');
    log.error('boom', { hook: 'onTick' });
    expect(lines).toEqual([
      { ts: 100n, level: 'info', botId: 'bot-1', message: 'started', fields: undefined },
      { ts: 200n, level: 'warn', botId: 'bot-1', message: 'spread wide', fields: { spread: '0.5' } },
      { ts: 200n, level: 'debug', botId: 'bot-1', message: 'd', fields: undefined },
      { ts: 200n, level: 'error', botId: 'bot-1', message: 'boom', fields: { hook: 'onTick' } },
    ]);
  });

  it('turns a non-string message into text', () => {
    const lines: LogLine[] = [];
    const log = botLogger(
      'bot-1',
      () => 0n,
      (l) => lines.push(l),
    );
    log.info(42 as unknown as string);
    expect(lines[0]!.message).toBe('42');
  });
});

describe('InMemoryBotMetrics', () => {
  it('adds up counters by name, by one unless told', () => {
    const m = new InMemoryBotMetrics();
    m.counter('signals');
    m.counter('signals');
    m.counter('signals', 3);
    expect(m.counters.get('signals')).toBe(5);
  });

  it('keeps one series per label set, whatever the order the labels are given in', () => {
    const m = new InMemoryBotMetrics();
    m.counter('orders', 1, { side: 'buy', symbol: 'BTCUSDT.BINANCE' });
    m.counter('orders', 1, { symbol: 'BTCUSDT.BINANCE', side: 'buy' });
    m.counter('orders', 1, { side: 'sell', symbol: 'BTCUSDT.BINANCE' });
    expect(m.counters.get('orders{side="buy",symbol="BTCUSDT.BINANCE"}')).toBe(2);
    expect(m.counters.get('orders{side="sell",symbol="BTCUSDT.BINANCE"}')).toBe(1);
    expect(m.counters.has('orders')).toBe(false);
  });

  it('keeps the last value of a gauge', () => {
    const m = new InMemoryBotMetrics();
    m.gauge('exposure', 10);
    m.gauge('exposure', 7.5);
    m.gauge('exposure', 1, { symbol: 'X' });
    expect(m.gauges.get('exposure')).toBe(7.5);
    expect(m.gauges.get('exposure{symbol="X"}')).toBe(1);
  });
});

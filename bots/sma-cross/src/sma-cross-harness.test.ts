// sma-cross through the sdk harness (parseBotConfig, configJsonSchema, configHash, runBot). It lives with the bot:
// the sdk's own tests may not import a bot (the dependency rule sdk → model only).
import { BotConfigError, OrderSide, configHash, configJsonSchema, parseBotConfig } from '@qubit/sdk';
import { runBot, type BarRow, type BotRunResult } from '@qubit/sdk/testing';
import { describe, expect, it } from 'vitest';
import { smaCross } from './sma-cross.js';

const MINUTE = 60_000;
const T0 = Date.UTC(2024, 0, 1);

/** A wave with a slow trend on a 0.10 grid (spot and perpetual alike): several crosses, same bars every call. */
function waveRows(count: number): BarRow[] {
  const rows: BarRow[] = [];
  let prev = 42_000;
  for (let i = 0; i < count; i++) {
    const close = Math.round((42_000 + 400 * Math.sin(i / 7) + 150 * Math.sin(i / 2.3) + i) * 10) / 10;
    const open = prev;
    rows.push({
      time: T0 + i * MINUTE,
      open: open.toFixed(2),
      high: (Math.max(open, close) + 5).toFixed(2),
      low: (Math.min(open, close) - 5).toFixed(2),
      close: close.toFixed(2),
      volume: '10',
    });
    prev = close;
  }
  return rows;
}

function fingerprint(r: BotRunResult): string {
  return JSON.stringify(
    {
      intents: r.intents,
      fills: r.fills,
      orderEvents: r.orderEvents,
      positionEvents: r.positionEvents,
      pnl: r.pnl,
    },
    (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v),
  );
}

describe('sma-cross config', () => {
  it('fills the documented defaults', () => {
    expect(parseBotConfig(smaCross, {})).toEqual({
      instrument: 'BTCUSDT.BINANCE',
      timeframe: '1-MINUTE',
      fast: 10,
      slow: 30,
      quantity: '0.01',
      mode: 'long',
    });
    expect(smaCross.subscriptions(parseBotConfig(smaCross, {}))).toEqual({
      instruments: ['BTCUSDT.BINANCE'],
      barTypes: ['BTCUSDT.BINANCE-1-MINUTE-LAST'],
    });
  });

  it('names every wrong key under config.', () => {
    let error: unknown;
    try {
      parseBotConfig(smaCross, { fast: 0, timeframe: '1-WEEK', quantity: 'a lot', mode: 'short' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(BotConfigError);
    expect((error as BotConfigError).issues.map((i) => i.path).sort()).toEqual([
      'config.fast',
      'config.mode',
      'config.quantity',
      'config.timeframe',
    ]);
  });

  it('publishes an object JSON schema with every key', () => {
    const schema = configJsonSchema(smaCross) as { type: string; properties: Record<string, unknown> };
    expect(schema.type).toBe('object');
    expect(Object.keys(schema.properties).sort()).toEqual([
      'fast',
      'instrument',
      'mode',
      'quantity',
      'slow',
      'timeframe',
    ]);
  });

  it('hashes the parsed config the same whether defaults were written out or not', () => {
    expect(configHash(parseBotConfig(smaCross, {}))).toBe(
      configHash(parseBotConfig(smaCross, { slow: 30, fast: 10, mode: 'long' })),
    );
    expect(configHash(parseBotConfig(smaCross, { fast: 11 }))).not.toBe(
      configHash(parseBotConfig(smaCross, {})),
    );
  });
});

describe('sma-cross through runBot', () => {
  const rows = waveRows(300);
  const config = { fast: 5, slow: 20, quantity: '0.01' };

  it('is deterministic over the same bars', () => {
    const a = runBot(smaCross, { bars: rows, config });
    const b = runBot(smaCross, { bars: rows, config });
    expect(a.fills.length).toBeGreaterThanOrEqual(4);
    expect(fingerprint(a)).toBe(fingerprint(b));
  });

  it('fills every order at the open of the bar after the one it was decided on', () => {
    const r = runBot(smaCross, { bars: rows, config, closeAtEnd: false });
    const opensByTime = new Map(rows.map((row) => [BigInt(row.time as number) * 1_000_000n, row.open]));
    expect(r.fills.length).toBe(r.intents.length);
    r.fills.forEach((fill, i) => {
      const intent = r.intents[i]!;
      // Decided at a bar's close (tsInit), filled at the open of the bar that starts then.
      expect(fill.tsEvent).toBe(intent.tsInit);
      expect(fill.lastPx.toString()).toBe(opensByTime.get(fill.tsEvent));
    });
  });

  it('alternates entries and exits in long mode and never goes short', () => {
    const r = runBot(smaCross, { bars: rows, config, closeAtEnd: false });
    const sides = r.fills.map((f) => f.side);
    sides.forEach((s, i) => expect(s).toBe(i % 2 === 0 ? OrderSide.BUY : OrderSide.SELL));
    expect(r.position.signedQty.isNegative()).toBe(false);
  });

  it('cannot go short on a spot cash account: the short entry is denied for want of the asset', () => {
    const r = runBot(smaCross, { bars: rows, config: { ...config, mode: 'long_short' } });
    expect(r.denials.length).toBeGreaterThan(0);
    expect(r.denials.every((d) => d.reasonCode === 'INSUFFICIENT_BALANCE')).toBe(true);
    expect(r.positionEvents.every((e) => !e.signedQty.isNegative())).toBe(true);
  });

  it('goes short in long_short mode on a perpetual and ends flat after data ends', () => {
    const perp = { ...config, instrument: 'BTCUSDT-PERP.BINANCE', mode: 'long_short' };
    const r = runBot(smaCross, { bars: rows, config: perp });
    expect(r.instrument.id).toBe('BTCUSDT-PERP.BINANCE');
    const signed = r.positionEvents.map((e) => e.signedQty);
    expect(signed.some((q) => q.isNegative())).toBe(true);
    expect(signed.some((q) => q.isPositive())).toBe(true);
    expect(r.position.signedQty.isZero()).toBe(true);
    expect(r.denials).toEqual([]);
  });
});

import { loadMarketDataFileSync } from '@qubit/adapter-data-files';
import { BTCUSDT_PERP_BINANCE, instrumentFromSpec, type Bar, type InstrumentSpec } from '@qubit/model';
import { BotConfigError, Decimal, Ema, OrderSide, Rounding, parseBotConfig } from '@qubit/sdk';
import { runBot, type BarRow, type BotRunResult } from '@qubit/sdk/testing';
import { sharedDataFile, sharedDataSkipReason } from '@qubit/test-data';
import { describe, expect, it } from 'vitest';
import { emaShort } from './ema-short.js';

const MINUTE = 60_000;
const T0 = Date.UTC(2024, 0, 1);

/** A USDT-margined ETH perpetual (not shipped): shorting needs a margin account, spot ETHUSDT is cash. */
const ETH_PERP: InstrumentSpec = {
  id: 'ETHUSDT-PERP.BINANCE',
  kind: 'PERPETUAL',
  base_currency: 'ETH',
  quote_currency: 'USDT',
  settlement_currency: 'USDT',
  tick_size: '0.01',
  lot_size: '0.001',
  min_quantity: '0.001',
  min_notional: '20',
  maker_fee: '0.0002',
  taker_fee: '0.0005',
  margin_init: '0.05',
};

/** Closes from `start`, each segment `[bars, % per bar]`, rounded to `decimals`. */
function path(start: number, segments: readonly (readonly [number, number])[], decimals = 1): number[] {
  const f = 10 ** decimals;
  const out = [start];
  let p = start;
  for (const [n, pct] of segments) {
    for (let i = 0; i < n; i++) {
      p *= 1 + pct / 100;
      out.push(Math.round(p * f) / f);
    }
  }
  return out;
}

/** Bars through the closes; each opens at the previous close with a wick of `wick` on both sides. */
function barsThrough(closes: readonly number[], wick: number, decimals = 1): BarRow[] {
  let prev = closes[0]!;
  return closes.map((c, i) => {
    const row = {
      time: T0 + i * MINUTE,
      open: prev.toFixed(decimals),
      high: (Math.max(prev, c) + wick).toFixed(decimals),
      low: (Math.min(prev, c) - wick).toFixed(decimals),
      close: c.toFixed(decimals),
      volume: '10',
    };
    prev = c;
    return row;
  });
}

interface Trade {
  readonly entry: Decimal;
  readonly exit: Decimal;
  readonly reason: string;
  readonly entryTs: bigint;
  readonly exitTs: bigint;
}

/** Trades rebuilt from the fills and the reasons their orders carried (one entry, one exit each). */
function trades(r: BotRunResult): Trade[] {
  const reasons = new Map(r.intents.map((i) => [i.clientOrderId, i.reason]));
  const out: Trade[] = [];
  let open: { px: Decimal; ts: bigint } | undefined;
  for (const f of r.fills) {
    const reason = reasons.get(f.clientOrderId)!;
    if (reason === 'entry') {
      expect(open, 'an entry while already short').toBeUndefined();
      expect(f.side).toBe(OrderSide.SELL);
      open = { px: f.lastPx, ts: f.tsEvent };
    } else {
      expect(open, `a ${reason} fill without an open short`).toBeDefined();
      expect(f.side).toBe(OrderSide.BUY);
      out.push({ entry: open!.px, exit: f.lastPx, reason, entryTs: open!.ts, exitTs: f.tsEvent });
      open = undefined;
    }
  }
  return out;
}

const nanos = (ms: number): bigint => BigInt(ms) * 1_000_000n;

/**
 * Checks every trade of a run against the rule: entries decided on a bar where EMA(fast) < EMA(slow) and the
 * close was below EMA(fast); take-profits at or below entry × (1 − tp); stop-losses at or above entry × (1 + sl);
 * trailing stops at or above the lowest low since entry × (1 + ts) and only once that level was under the
 * entry; cross exits decided on a bar where EMA(fast) > EMA(slow).
 */
function checkRule(
  r: BotRunResult,
  rows: readonly BarRow[],
  c: { fast: number; slow: number; tp: number; sl: number; ts: number },
): Trade[] {
  const fast = new Ema(c.fast);
  const slow = new Ema(c.slow);
  const byClose = new Map<bigint, { close: number; fast?: number; slow?: number; low: number }>();
  for (const row of rows) {
    const close = Number(row.close);
    byClose.set(nanos(Number(row.time) + MINUTE), {
      close,
      fast: fast.update(close),
      slow: slow.update(close),
      low: Number(row.low),
    });
  }
  for (const i of r.intents) {
    const at = byClose.get(i.tsInit)!;
    if (i.reason === 'entry') {
      expect(at.fast! < at.slow! && at.close < at.fast!, `entry at ${i.tsInit}`).toBe(true);
    }
    if (i.reason === 'exit') expect(at.fast! > at.slow!, `cross exit at ${i.tsInit}`).toBe(true);
  }
  const ts = trades(r);
  for (const t of ts) {
    const entry = t.entry.toNumber();
    const exit = t.exit.toNumber();
    if (t.reason === 'take_profit') expect(exit).toBeLessThanOrEqual(entry * (1 - c.tp / 100));
    if (t.reason === 'stop_loss') expect(exit).toBeGreaterThanOrEqual(entry * (1 + c.sl / 100));
    if (t.reason === 'trailing_stop') {
      let lowest = entry;
      for (const [closeTs, b] of byClose)
        if (closeTs > t.entryTs && closeTs <= t.exitTs + nanos(MINUTE)) lowest = Math.min(lowest, b.low);
      expect(exit).toBeGreaterThanOrEqual(lowest * (1 + c.ts / 100));
      expect(lowest * (1 + c.ts / 100)).toBeLessThan(entry);
    }
  }
  return ts;
}

const SMALL = {
  fast_period: 5,
  slow_period: 12,
  take_profit_pct: 4,
  stop_loss_pct: 2,
  trailing_stop_pct: 1.5,
  cooldown_bars: 3,
};
const RULE = { fast: 5, slow: 12, tp: 4, sl: 2, ts: 1.5 };

describe('ema-short config', () => {
  it('fills the documented defaults', () => {
    expect(parseBotConfig(emaShort, {})).toEqual({
      instruments: ['BTCUSDT-PERP.BINANCE'],
      timeframe: '1-MINUTE',
      fast_period: 240,
      slow_period: 600,
      order_notional: '1000',
      notional_by_instrument: {},
      take_profit_pct: 4,
      stop_loss_pct: 2,
      trailing_stop_pct: 1.5,
      cooldown_bars: 15,
    });
  });

  it('subscribes to the bars of every instrument', () => {
    const c = parseBotConfig(emaShort, {
      instruments: ['BTCUSDT-PERP.BINANCE', 'ETHUSDT-PERP.BINANCE'],
      timeframe: '5-MINUTE',
    });
    expect(emaShort.subscriptions(c)).toEqual({
      instruments: ['BTCUSDT-PERP.BINANCE', 'ETHUSDT-PERP.BINANCE'],
      barTypes: ['BTCUSDT-PERP.BINANCE-5-MINUTE-LAST', 'ETHUSDT-PERP.BINANCE-5-MINUTE-LAST'],
    });
  });

  it('names every wrong key under config.', () => {
    let error: unknown;
    try {
      parseBotConfig(emaShort, { instruments: [], take_profit_pct: 0, stop_loss_pct: 'two', trailing: 1 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(BotConfigError);
    expect((error as BotConfigError).issues.map((i) => i.path).sort()).toEqual([
      'config.instruments',
      'config.stop_loss_pct',
      'config.take_profit_pct',
      'config.trailing',
    ]);
    expect(() => parseBotConfig(emaShort, { fast_period: 600, slow_period: 240 })).toThrow(
      /config\.fast_period: fast_period must be smaller than slow_period/,
    );
  });
});

describe('ema-short exits on BTC', () => {
  it('takes profit with a resting limit at or below entry × (1 − tp) in a steady fall', () => {
    const rows = barsThrough(
      path(42_000, [
        [15, 0.05],
        [30, -0.4],
      ]),
      2,
    );
    const r = runBot(emaShort, { bars: rows, config: SMALL, closeAtEnd: false });
    const ts = checkRule(r, rows, RULE);
    expect(ts[0]!.reason).toBe('take_profit');
    // The limit fills at its own price: the level itself, on the tick grid.
    const tp = r.intents.find((i) => i.reason === 'take_profit')!;
    expect(ts[0]!.exit.toString()).toBe(tp.price!.toString());
    expect(r.denials).toEqual([]);
  });

  it('stops out at or above entry × (1 + sl) on a jump before the trailing stop is in profit', () => {
    const rows = barsThrough(
      path(42_000, [
        [15, 0.05],
        [6, -0.3],
        [1, 3],
        [5, 0],
      ]),
      2,
    );
    const r = runBot(emaShort, { bars: rows, config: SMALL, closeAtEnd: false });
    const ts = checkRule(r, rows, RULE);
    expect(ts.map((t) => t.reason)).toEqual(['stop_loss']);
    expect(ts[0]!.exit.gt(ts[0]!.entry)).toBe(true);
  });

  it('trails the lowest low and exits at a profit on the bounce', () => {
    const rows = barsThrough(
      path(42_000, [
        [15, 0.05],
        [12, -0.3],
        [3, 0.8],
      ]),
      2,
    );
    const r = runBot(emaShort, { bars: rows, config: SMALL, closeAtEnd: false });
    const ts = checkRule(r, rows, RULE);
    expect(ts.map((t) => t.reason)).toEqual(['trailing_stop']);
    expect(ts[0]!.exit.lt(ts[0]!.entry)).toBe(true);
    // The stop was moved down with the lows (OrderModified), after replacing the stop-loss.
    expect(r.orderEvents.filter((e) => e.type === 'OrderModified').length).toBeGreaterThan(0);
    const reasons = r.intents.map((i) => i.reason);
    expect(reasons.indexOf('stop_loss')).toBeLessThan(reasons.indexOf('trailing_stop'));
    expect(r.orderEvents.some((e) => e.type === 'OrderCanceled' && e.clientOrderId.includes('-SL-'))).toBe(
      true,
    );
  });

  it('exits at market (reason exit) when the fast EMA crosses back above the slow one', () => {
    const rows = barsThrough(
      path(42_000, [
        [15, 0.05],
        [6, -0.15],
        [12, 0.12],
      ]),
      2,
    );
    const r = runBot(emaShort, { bars: rows, config: SMALL, closeAtEnd: false });
    const ts = checkRule(r, rows, RULE);
    expect(ts.map((t) => t.reason)).toEqual(['exit']);
    const exit = r.intents.find((i) => i.reason === 'exit')!;
    expect(exit.orderType).toBe('MARKET');
    expect(exit.reduceOnly).toBe(true);
    // Its resting take-profit and stop-loss were cancelled with it.
    expect(r.node.cache.ordersOpen({ botId: 'ema-short-1' })).toHaveLength(0);
  });

  it('every order id carries its reason code', () => {
    const rows = barsThrough(
      path(42_000, [
        [15, 0.05],
        [30, -0.4],
        [10, 0.5],
        [30, -0.4],
      ]),
      2,
    );
    const r = runBot(emaShort, { bars: rows, config: SMALL });
    const codes: Record<string, string> = {
      entry: 'EN',
      exit: 'EX',
      take_profit: 'TP',
      stop_loss: 'SL',
      trailing_stop: 'TS',
      end_of_data: 'ED',
    };
    expect(r.intents.length).toBeGreaterThan(4);
    for (const i of r.intents) expect(i.clientOrderId.split('-')[1]).toBe(codes[i.reason]);
  });

  it('waits cooldown_bars after an exit before entering again', () => {
    const rows = barsThrough(
      path(42_000, [
        [15, 0.05],
        [60, -0.4],
      ]),
      2,
    );
    const r = runBot(emaShort, { bars: rows, config: { ...SMALL, cooldown_bars: 8 }, closeAtEnd: false });
    const ts = checkRule(r, rows, RULE);
    expect(ts.length).toBeGreaterThanOrEqual(2);
    const entries = r.intents.filter((i) => i.reason === 'entry').map((i) => i.tsInit);
    for (let k = 0; k < ts.length && k + 1 < entries.length; k++) {
      // The exit filled inside the bar ending one minute after exitTs; 8 more bars must close before the entry.
      expect(entries[k + 1]! - ts[k]!.exitTs).toBeGreaterThanOrEqual(nanos(8 * MINUTE));
    }
  });

  it('closes a short at the last close with reason end_of_data and leaves nothing resting', () => {
    const rows = barsThrough(
      path(42_000, [
        [15, 0.05],
        [8, -0.2],
      ]),
      2,
    );
    const r = runBot(emaShort, { bars: rows, config: SMALL });
    const last = r.intents.at(-1)!;
    expect(last.reason).toBe('end_of_data');
    expect(last.side).toBe(OrderSide.BUY);
    expect(r.position.signedQty.isZero()).toBe(true);
    expect(r.node.cache.ordersOpen({ botId: 'ema-short-1' })).toHaveLength(0);
  });

  it('sizes each entry as order_notional / price rounded down to the lot', () => {
    const rows = barsThrough(
      path(42_000, [
        [15, 0.05],
        [30, -0.4],
      ]),
      2,
    );
    const r = runBot(emaShort, {
      bars: rows,
      config: { ...SMALL, order_notional: '5000' },
      closeAtEnd: false,
    });
    const entry = r.intents.find((i) => i.reason === 'entry')!;
    const close = Decimal.parse(
      String(rows.find((row) => nanos(Number(row.time) + MINUTE) === entry.tsInit)!.close),
    );
    expect(entry.quantity.toString()).toBe(Decimal.parse('5000').div(close, 3, Rounding.DOWN).toString());
  });
});

describe('ema-short on ETH (its own tick and lot)', () => {
  it('shorts ETH on the same rule, with quantities on the 0.001 lot and prices on the 0.01 tick', () => {
    const rows = barsThrough(
      path(
        2_500,
        [
          [15, 0.05],
          [30, -0.4],
          [10, 0.5],
          [12, -0.3],
          [3, 0.8],
        ],
        2,
      ),
      0.2,
      2,
    );
    const config = { ...SMALL, instruments: ['ETHUSDT-PERP.BINANCE'] };
    const r = runBot(emaShort, { bars: rows, config, instrument: ETH_PERP, closeAtEnd: false });
    const ts = checkRule(r, rows, RULE);
    expect(ts.length).toBeGreaterThanOrEqual(2);
    expect(new Set(ts.map((t) => t.reason)).size).toBeGreaterThanOrEqual(2);
    for (const i of r.intents) {
      expect(i.instrumentId).toBe('ETHUSDT-PERP.BINANCE');
      expect(i.quantity.isMultipleOf(Decimal.parse('0.001'))).toBe(true);
      if (i.price) expect(i.price.isMultipleOf(Decimal.parse('0.01'))).toBe(true);
    }
    expect(r.denials).toEqual([]);
  });
});

describe('ema-short over real data', () => {
  const BTC = 'ohlcv/crypto/nautilus_btc-perp-1m_2022-01-16_2022-02-01.csv';
  const ETH = 'ohlcv/crypto/freqtrade_ETH_BTC-5m.csv';
  const skipBtc = sharedDataSkipReason(BTC);
  const skipEth = sharedDataSkipReason(ETH);
  if (skipBtc) console.warn(skipBtc);
  if (skipEth) console.warn(skipEth);

  const summary = (name: string, r: BotRunResult): string => {
    const ts = trades(r);
    const wins = ts.filter((t) => t.exit.lt(t.entry)).length;
    const by = ts.reduce<Record<string, number>>(
      (a, t) => ({ ...a, [t.reason]: (a[t.reason] ?? 0) + 1 }),
      {},
    );
    return `${name}: ${ts.length} trades, win rate ${ts.length ? ((100 * wins) / ts.length).toFixed(1) : '-'} %, exits ${JSON.stringify(by)}, net ${r.pnl.total}`;
  };

  it.skipIf(skipBtc)(
    'follows the rule with the default EMA 240/600 over 16 days of BTC perpetual minutes',
    () => {
      const bars = loadMarketDataFileSync(sharedDataFile(BTC)!, {
        instrument: instrumentFromSpec(BTCUSDT_PERP_BINANCE),
        kind: 'bars',
        barType: 'BTCUSDT-PERP.BINANCE-1-MINUTE-LAST',
        onOffGrid: 'round', // volume is in USDT, off the BTC lot
      }).data as Bar[];
      const r = runBot(emaShort, { bars, config: {} });
      const rows: BarRow[] = bars.map((b) => ({
        time: Number((b.tsEvent - nanos(MINUTE)) / 1_000_000n),
        open: b.open.toString(),
        high: b.high.toString(),
        low: b.low.toString(),
        close: b.close.toString(),
      }));
      const ts = checkRule(r, rows, { fast: 240, slow: 600, tp: 4, sl: 2, ts: 1.5 });
      expect(ts.length).toBeGreaterThan(3);
      expect(r.errors).toBe(0);
      expect(r.invalidIntents).toEqual([]);
      expect(r.position.signedQty.isZero()).toBe(true);
      console.log(summary(`ema-short on ${bars.length} BTC-PERP 1m bars`, r));
    },
  );

  it.skipIf(skipEth)(
    'follows the rule over 20 days of ETH/BTC 5-minute bars on a BTC-margined perpetual',
    () => {
      const spec: InstrumentSpec = {
        id: 'ETHBTC-PERP.TEST',
        kind: 'PERPETUAL',
        base_currency: 'ETH',
        quote_currency: 'BTC',
        settlement_currency: 'BTC',
        tick_size: '0.00000001',
        lot_size: '0.001',
        maker_fee: '0.0002',
        taker_fee: '0.0005',
        margin_init: '0.1',
      };
      const bars = loadMarketDataFileSync(sharedDataFile(ETH)!, {
        instrument: instrumentFromSpec(spec),
        kind: 'bars',
        barType: 'ETHBTC-PERP.TEST-5-MINUTE-LAST',
        onOffGrid: 'round', // float noise such as 0.09946999000000001
      }).data as Bar[];
      const config = {
        instruments: ['ETHBTC-PERP.TEST'],
        timeframe: '5-MINUTE',
        fast_period: 48,
        slow_period: 120,
        order_notional: '1',
      };
      const r = runBot(emaShort, { bars, config, instrument: spec, balances: { BTC: '10' } });
      const rows: BarRow[] = bars.map((b) => ({
        time: Number((b.tsEvent - nanos(5 * MINUTE)) / 1_000_000n),
        open: b.open.toString(),
        high: b.high.toString(),
        low: b.low.toString(),
        close: b.close.toString(),
      }));
      expect(rows.length).toBe(5_760);
      const ts = tradesChecked(r, rows);
      expect(ts.length).toBeGreaterThan(3);
      expect(r.errors).toBe(0);
      expect(r.position.signedQty.isZero()).toBe(true);
      console.log(summary(`ema-short (EMA 48/120) on ${bars.length} ETH/BTC 5m bars`, r));
    },
  );

  /** checkRule for 5-minute bars: the same rule, with the bar step of the ETH file. */
  function tradesChecked(r: BotRunResult, rows: readonly BarRow[]): Trade[] {
    const fast = new Ema(48);
    const slow = new Ema(120);
    const at = new Map<bigint, { close: number; fast?: number; slow?: number }>();
    for (const row of rows) {
      const close = Number(row.close);
      at.set(nanos(Number(row.time) + 5 * MINUTE), {
        close,
        fast: fast.update(close),
        slow: slow.update(close),
      });
    }
    for (const i of r.intents) {
      const b = at.get(i.tsInit)!;
      if (i.reason === 'entry') expect(b.fast! < b.slow! && b.close < b.fast!).toBe(true);
      if (i.reason === 'exit') expect(b.fast! > b.slow!).toBe(true);
    }
    const ts = trades(r);
    for (const t of ts) {
      if (t.reason === 'take_profit')
        expect(t.exit.toNumber()).toBeLessThanOrEqual(t.entry.toNumber() * 0.96);
      if (t.reason === 'stop_loss')
        expect(t.exit.toNumber()).toBeGreaterThanOrEqual(t.entry.toNumber() * 1.02);
    }
    return ts;
  }
});

import { loadMarketDataFileSync } from '@qubit/adapter-data-files';
import { BTCUSDT_PERP_BINANCE, instrumentFromSpec, type Bar } from '@qubit/model';
import {
  BotConfigError,
  Decimal,
  OrderSide,
  Rounding,
  defineBot,
  parseBotConfig,
  type Bot,
} from '@qubit/sdk';
import { runBot, type BarRow, type BotRunResult } from '@qubit/sdk/testing';
import { sharedDataFile, sharedDataSkipReason } from '@qubit/test-data';
import { describe, expect, it } from 'vitest';
import { FeatureExtractor } from './features.js';
import { RETRY_BARS, featureSettings, mlSignal, mlSignalWith } from './ml-signal.js';
import { mlSignalConfig, type MlSignalConfig } from './ml-signal-config.js';
import { LOGISTIC_V1 } from './model-weights.js';
import { LogisticModel, type Prediction, type SignalModel } from './signal-model.js';

const MINUTE = 60_000;
const T0 = Date.UTC(2024, 0, 1);
const nanos = (ms: number): bigint => BigInt(ms) * 1_000_000n;

/** Feature periods short enough that the first prediction comes on the 6th bar. */
const FAST_FEATURES = {
  rsi_period: 3,
  macd_fast: 2,
  macd_slow: 4,
  macd_signal: 2,
  vol_period: 3,
  vol_long_period: 5,
  ema_period: 2,
  return_bars: 2,
};

function barsThrough(closes: readonly number[]): BarRow[] {
  let prev = closes[0]!;
  return closes.map((c, i) => {
    const row = {
      time: T0 + i * MINUTE,
      open: prev.toFixed(1),
      high: (Math.max(prev, c) + 3).toFixed(1),
      low: (Math.min(prev, c) - 3).toFixed(1),
      close: c.toFixed(1),
      volume: '10',
    };
    prev = c;
    return row;
  });
}

const wobble = (n: number, base = 42_000): number[] =>
  Array.from(
    { length: n },
    (_, i) => Math.round((base + 40 * Math.sin(i / 1.7) + 25 * Math.cos(i / 0.9)) * 10) / 10,
  );

/** A model that says what it is told, one prediction per scored bar (HOLD once the script runs out). */
class ScriptedModel implements SignalModel {
  calls = 0;
  constructor(private readonly script: readonly Prediction[]) {}
  predict(): Prediction {
    return this.script[this.calls++] ?? { signal: 'HOLD', confidence: 0 };
  }
}

const B = (confidence = 0.5): Prediction => ({ signal: 'BUY', confidence });
const S = (confidence = 0.5): Prediction => ({ signal: 'SELL', confidence });
const H: Prediction = { signal: 'HOLD', confidence: 0.1 };

function scripted(script: readonly Prediction[]) {
  return mlSignalWith('scripted', () => new ScriptedModel(script));
}

const shown = (r: BotRunResult): string[] => r.intents.map((i) => `${i.side} ${i.quantity} ${i.reason}`);

describe('ml-signal config', () => {
  it('fills the documented defaults and uses the shipped weights unless told otherwise', () => {
    const c = parseBotConfig(mlSignal, {});
    expect(c).toMatchObject({
      instrument: 'BTCUSDT-PERP.BINANCE',
      timeframe: '1-MINUTE',
      mode: 'long',
      sizing: 'fixed',
      quantity: '0.01',
      equity_fraction: 0.1,
      rsi_period: 14,
      macd_fast: 12,
      macd_slow: 26,
      macd_signal: 9,
      vol_period: 20,
      vol_long_period: 100,
      ema_period: 20,
      return_bars: 10,
    });
    expect(c.model_weights).toBeUndefined();
    expect((mlSignal.create(c) as unknown as { model: LogisticModel }).model.weights).toEqual(LOGISTIC_V1);
  });

  it('names every wrong key under config.', () => {
    let error: unknown;
    try {
      parseBotConfig(mlSignal, {
        sizing: 'kelly',
        equity_fraction: 2,
        return_bars: 0,
        macd_fast: 30,
        threshold: 0.7,
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(BotConfigError);
    expect((error as BotConfigError).issues.map((i) => i.path).sort()).toEqual([
      'config.equity_fraction',
      'config.return_bars',
      'config.sizing',
      'config.threshold',
    ]);
    expect(() => parseBotConfig(mlSignal, { macd_fast: 30 })).toThrow(
      /config\.macd_fast: macd_fast must be smaller/,
    );
  });
});

describe('ml-signal trading rule (scripted model)', () => {
  const bars = barsThrough(wobble(20));

  it('BUY opens a long at the next open, HOLD and a repeated BUY do nothing, SELL closes it (long mode)', () => {
    // Predictions start on bar 6 (index 5): BUY there, SELL on bar 10.
    const r = runBot(scripted([B(), H, B(), H, S(), H]), { bars, config: FAST_FEATURES, closeAtEnd: false });
    expect(shown(r)).toEqual(['BUY 0.010 entry', 'SELL 0.010 exit']);
    const closeTs = (i: number): bigint => nanos(T0 + (i + 1) * MINUTE);
    expect(r.intents[0]!.tsInit).toBe(closeTs(5));
    expect(r.intents[1]!.tsInit).toBe(closeTs(9));
    expect(r.fills.map((f) => f.lastPx.toString())).toEqual(
      [bars[6]!.open, bars[10]!.open].map((p) => `${p}0`),
    );
    expect(r.intents[1]!.reduceOnly).toBe(true);
    expect(r.position.signedQty.isZero()).toBe(true);
  });

  it('never goes short in long mode, flips in long_short mode with an exit and an entry', () => {
    const script = [S(), H, B(), H, S(), H, S()];
    const long = runBot(scripted(script), { bars, config: FAST_FEATURES, closeAtEnd: false });
    expect(shown(long)).toEqual(['BUY 0.010 entry', 'SELL 0.010 exit']);
    const both = runBot(scripted(script), {
      bars,
      config: { ...FAST_FEATURES, mode: 'long_short' },
      closeAtEnd: false,
    });
    expect(shown(both)).toEqual([
      'SELL 0.010 entry',
      'BUY 0.010 exit',
      'BUY 0.010 entry',
      'SELL 0.010 exit',
      'SELL 0.010 entry',
    ]);
    expect(both.position.signedQty.toString()).toBe('-0.010');
  });

  it('sizes by equity × fraction × confidence, rounded down to the lot', () => {
    const config = { ...FAST_FEATURES, sizing: 'equity_fraction', equity_fraction: 0.1 };
    const r = runBot(scripted([B(0.537)]), { bars, config, closeAtEnd: false });
    // 1,000,000 USDT × 0.1 × 0.537 = 53,700 USDT at the close of bar 6.
    const close = Decimal.parse(String(bars[5]!.close));
    const expected = Decimal.parse('53700').div(close, 3, Rounding.DOWN);
    expect(r.intents[0]!.quantity.toString()).toBe(expected.toString());
    expect(r.intents[0]!.quantity.isMultipleOf(Decimal.parse('0.001'))).toBe(true);
  });

  it('logs every signal change and keeps the signal and its confidence in gauges', () => {
    const r = runBot(scripted([B(0.5), B(0.6), S(0.25)]), { bars, config: FAST_FEATURES });
    const changes = r.logs
      .filter((l) => l.level === 'info' && l.message.startsWith('signal'))
      .map((l) => l.message);
    expect(changes).toEqual([
      'signal BUY (confidence 0.500)',
      'signal SELL (confidence 0.250)',
      'signal HOLD (confidence 0.000)',
    ]);
    const gauges = r.node.bot('scripted-1')!.metrics.gauges;
    expect(gauges.get('ml_signal')).toBe(0);
    expect(gauges.get('ml_signal_confidence')).toBe(0);
    const mid = runBot(scripted([B(0.5), B(0.6)]), { bars: bars.slice(0, 7), config: FAST_FEATURES });
    expect(mid.node.bot('scripted-1')!.metrics.gauges.get('ml_signal')).toBe(1);
    expect(mid.node.bot('scripted-1')!.metrics.gauges.get('ml_signal_confidence')).toBe(0.6);
  });

  it(`waits ${RETRY_BARS} bars after a refused order instead of resending it every bar`, () => {
    // A spot account with 100 USDT cannot pay for 0.01 BTC: BUY every bar, denied each time it is tried.
    const long = barsThrough(wobble(40));
    const always = Array.from({ length: 40 }, () => B());
    const r = runBot(scripted(always), {
      bars: long,
      instrument: 'BTCUSDT.BINANCE',
      balances: { USDT: '100' },
      config: { ...FAST_FEATURES, instrument: 'BTCUSDT.BINANCE' },
    });
    // 35 scored bars (6th … 40th): tried on the 1st, 11th, 21st and 31st of them.
    expect(r.denials).toHaveLength(4);
    expect(r.intents).toHaveLength(4);
    expect(r.denials.every((d) => d.reasonCode === 'INSUFFICIENT_BALANCE')).toBe(true);
  });
});

/** Replays features and the shipped model over the bars; the prediction made at each bar's close time. */
function predictionsByClose(bars: readonly { close: string; closeTs: bigint }[], config: unknown) {
  const c = mlSignalConfig.parse(config);
  const fx = new FeatureExtractor(featureSettings(c));
  const model = new LogisticModel(c.model_weights ?? LOGISTIC_V1);
  const out = new Map<bigint, ReturnType<LogisticModel['predict']>>();
  for (const b of bars) {
    const f = fx.update(Number(b.close));
    if (f) out.set(b.closeTs, model.predict(f));
  }
  return out;
}

/** Every order must follow the signal of its bar: entries in the signal's direction, exits against it. */
function checkFollowsModel(r: BotRunResult, predictions: Map<bigint, { signal: string }>): void {
  for (const i of r.intents) {
    if (i.reason === 'end_of_data') continue;
    const p = predictions.get(i.tsInit)!;
    expect(p, `prediction at ${i.tsInit}`).toBeDefined();
    expect(p.signal).toBe(i.side === OrderSide.BUY ? 'BUY' : 'SELL');
  }
}

describe('ml-signal with the shipped logistic model', () => {
  it('trades only on its BUY and SELL signals over a synthetic trend up then down', () => {
    const closes = [
      ...Array.from({ length: 150 }, (_, i) => 42_000 + i * 6 + 30 * Math.sin(i / 3)),
      ...Array.from({ length: 150 }, (_, i) => 42_900 - i * 6 + 30 * Math.sin(i / 3)),
    ].map((c) => Math.round(c * 10) / 10);
    const rows = barsThrough(closes);
    const config = { mode: 'long_short' };
    const r = runBot(mlSignal, { bars: rows, config });
    const preds = predictionsByClose(
      rows.map((row) => ({ close: String(row.close), closeTs: nanos(Number(row.time) + MINUTE) })),
      config,
    );
    expect(r.intents.length).toBeGreaterThan(2);
    checkFollowsModel(r, preds);
    expect([...preds.values()].some((p) => p.signal === 'BUY')).toBe(true);
    expect([...preds.values()].some((p) => p.signal === 'SELL')).toBe(true);
    expect(r.errors).toBe(0);
    expect(r.position.signedQty.isZero()).toBe(true);
  });
});

describe('ml-signal restart', () => {
  it('a new instance started mid-run warms its features from ctx.bars and trades exactly like one that never stopped', () => {
    const closes = Array.from(
      { length: 300 },
      (_, i) => Math.round((42_000 + 300 * Math.sin(i / 11) + 60 * Math.sin(i / 2.3)) * 10) / 10,
    );
    const rows = barsThrough(closes);
    const config = { mode: 'long_short' };
    const straight = runBot(mlSignal, { bars: rows, config });
    // The same definition, but at bar 150 the running bot is dropped and a fresh one started on the same context.
    const restarting = defineBot({
      name: 'ml-signal',
      version: '1.0.0',
      description: 'ml-signal restarted at bar 150 (test)',
      configSchema: mlSignalConfig,
      subscriptions: mlSignal.subscriptions,
      create: (c: MlSignalConfig): Bot<MlSignalConfig> => {
        let current = mlSignal.create(c);
        let n = 0;
        return {
          onStart: (ctx) => current.onStart?.(ctx),
          onTick: (m, ctx) => {
            if (m.bar && ++n === 150) {
              current = mlSignal.create(c);
              current.onStart?.(ctx);
            }
            return current.onTick(m, ctx);
          },
          onEvent: (e, ctx) => current.onEvent?.(e, ctx),
          onStop: (r, ctx) => current.onStop?.(r, ctx),
        };
      },
    });
    const restarted = runBot(restarting, { bars: rows, config });
    expect(straight.intents.filter((i) => i.tsInit > nanos(T0 + 150 * MINUTE)).length).toBeGreaterThan(0);
    const print = (r: BotRunResult) =>
      r.fills.map((f) => `${f.tsEvent} ${f.side} ${f.lastQty} @ ${f.lastPx}`);
    expect(print(restarted)).toEqual(print(straight));
  });
});

describe('ml-signal over real BTC perpetual minutes (2022-01-16 … 2022-02-01)', () => {
  const FILE = 'ohlcv/crypto/nautilus_btc-perp-1m_2022-01-16_2022-02-01.csv';
  const skip = sharedDataSkipReason(FILE);
  if (skip) console.warn(skip);

  it.skipIf(skip)('follows the model on every order, sized by equity × confidence, and ends flat', () => {
    const bars = loadMarketDataFileSync(sharedDataFile(FILE)!, {
      instrument: instrumentFromSpec(BTCUSDT_PERP_BINANCE),
      kind: 'bars',
      barType: 'BTCUSDT-PERP.BINANCE-1-MINUTE-LAST',
      onOffGrid: 'round', // volume is in USDT, off the BTC lot
    }).data as Bar[];
    const config = { mode: 'long_short', sizing: 'equity_fraction', equity_fraction: 0.05 };
    const r = runBot(mlSignal, { bars, config, balances: { USDT: '100000' } });
    const preds = predictionsByClose(
      bars.map((b) => ({ close: b.close.toString(), closeTs: b.tsEvent })),
      config,
    );
    checkFollowsModel(r, preds);
    expect(r.errors).toBe(0);
    expect(r.invalidIntents).toEqual([]);
    expect(r.position.signedQty.isZero()).toBe(true);
    // Round trips: an entry and the exit that closes it.
    const reasons = new Map(r.intents.map((i) => [i.clientOrderId, i.reason]));
    let open: { side: string; px: number } | undefined;
    const pnls: number[] = [];
    for (const f of r.fills) {
      const reason = reasons.get(f.clientOrderId);
      if (reason === 'entry') open = { side: f.side, px: f.lastPx.toNumber() };
      else if (open) {
        const move = f.lastPx.toNumber() - open.px;
        pnls.push(open.side === OrderSide.BUY ? move : -move);
        open = undefined;
      }
    }
    expect(pnls.length).toBeGreaterThan(10);
    const signals = [...preds.values()].reduce<Record<string, number>>(
      (a, p) => ({ ...a, [p.signal]: (a[p.signal] ?? 0) + 1 }),
      {},
    );
    console.log(
      `ml-signal on ${bars.length} BTC-PERP 1m bars: signals ${JSON.stringify(signals)}, ${pnls.length} round trips, ` +
        `win rate ${((100 * pnls.filter((p) => p > 0).length) / pnls.length).toFixed(1)} % (gross of fees), ` +
        `fees ${r.pnl.fees}, net ${r.pnl.total}`,
    );
  });
});

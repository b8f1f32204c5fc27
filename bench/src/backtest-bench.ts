import { createRequire } from 'node:module';
import { smaCross } from '@qubit/bot-sma-cross';
import { BacktestEngine } from '@qubit/engine';
import {
  AccountType,
  BTCUSDT_BINANCE,
  Decimal,
  Money,
  Price,
  Quantity,
  instrumentFromSpec,
  makeBarType,
  BarAggregation,
  type Bar,
  type OrderFilled,
} from '@qubit/model';
import { parseBotConfig } from '@qubit/sdk';
import type { Figure } from './report.js';

const require = createRequire(import.meta.url);
const MINUTE_NS = 60_000_000_000n;

/**
 * Synthetic 1-minute bars as integer cents: seeded cycles (a random period of 200-1,000 bars, amplitude and
 * drift) with noisy highs and lows, the same for both engines. Cycles keep SMA crosses apart, because grademark's loop
 * cannot act on the bar it fills on (see runGrademark); the bench counts such bars and expects none.
 */
function cents(
  count: number,
  seed: number,
): { open: Int32Array; high: Int32Array; low: Int32Array; close: Int32Array } {
  const open = new Int32Array(count);
  const high = new Int32Array(count);
  const low = new Int32Array(count);
  const close = new Int32Array(count);
  let s = seed >>> 0;
  const rnd = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  let base = 4_200_000; // 42,000.00
  let drift = 0;
  let phase = 0;
  let period = 600;
  let amplitude = 100_000;
  let prev = base;
  for (let i = 0; i < count; i++) {
    phase += (2 * Math.PI) / period;
    if (phase >= 2 * Math.PI) {
      phase -= 2 * Math.PI;
      period = 200 + Math.floor(rnd() * 800);
      amplitude = 50_000 + Math.floor(rnd() * 150_000);
      drift = Math.round((rnd() - 0.5) * 100);
    }
    base = Math.max(500_000, base + drift);
    // Closes follow the cycle exactly (ties included, the same for both engines); highs and lows carry the noise.
    const px = Math.max(100_000, Math.round(base + amplitude * Math.sin(phase)));
    open[i] = prev;
    close[i] = px;
    high[i] = Math.max(prev, px) + Math.round(rnd() * 800);
    low[i] = Math.min(prev, px) - Math.round(rnd() * 800);
    prev = px;
  }
  return { open, high, low, close };
}

interface Run {
  readonly trades: number;
  readonly sumReturn: number;
  readonly seconds: number;
}

/**
 * The full kernel over the bench's bars. `idle` swaps sma-cross for a bot that subscribes to the same bars
 * and never trades: the cost of replay itself (clock, venue, data engine, bus, bot host), the floor under
 * any strategy.
 */
export function runQubit(n: number, seed: number, idle = false): Run {
  const instrument = instrumentFromSpec(BTCUSDT_BINANCE);
  const barType = makeBarType(instrument.id, 1, BarAggregation.MINUTE);
  const c = cents(n, seed);
  const bars: Bar[] = new Array<Bar>(n);
  const start = 1_704_067_200_000_000_000n; // 2024-01-01
  const volume = Quantity.from('1.00000');
  for (let i = 0; i < n; i++) {
    const ts = start + MINUTE_NS * BigInt(i + 1);
    bars[i] = {
      type: 'Bar',
      barType,
      open: Price.fromUnits(BigInt(c.open[i]!), 2),
      high: Price.fromUnits(BigInt(c.high[i]!), 2),
      low: Price.fromUnits(BigInt(c.low[i]!), 2),
      close: Price.fromUnits(BigInt(c.close[i]!), 2),
      volume,
      tsEvent: ts,
      tsInit: ts,
    };
  }
  const config = parseBotConfig(smaCross, { fast: 10, slow: 30, quantity: '0.01', mode: 'long' });
  const engine = new BacktestEngine({
    instruments: [instrument],
    accounts: [
      {
        accountId: 'SIM-001',
        accountType: AccountType.CASH,
        baseCurrency: instrument.quoteCurrency,
        balances: [Money.of('1000000000', instrument.quoteCurrency)],
      },
    ],
    // Fees off so that per-trade returns compare with a peer that has none; risk stays on.
    venues: { BINANCE: { feeOverride: { maker: Decimal.ZERO, taker: Decimal.ZERO } } },
    maxEquityPoints: 1000,
  });
  engine.addData(bars, 'bars');
  engine.addBot({
    botId: 'sma-1',
    strategyId: idle ? 'idle' : 'sma-cross',
    accountId: 'SIM-001',
    bot: idle ? { onTick: () => [] } : smaCross.create(config),
    config,
    subscriptions: smaCross.subscriptions(config),
  });
  const t0 = process.hrtime.bigint();
  const r = engine.run();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.denials.length > 0)
    throw new Error(`backtest bench: ${r.denials.length} denials (${r.denials[0]!.reason})`);
  return { ...roundTrips(r.fills), seconds };
}

/** Long-only round trips from fills: per-trade return = exit / entry − 1, summed. */
function roundTrips(fills: readonly OrderFilled[]): { trades: number; sumReturn: number } {
  let entry: Decimal | undefined;
  let trades = 0;
  let sum = 0;
  for (const f of fills) {
    if (f.side === 'BUY') entry = f.lastPx;
    else if (entry) {
      sum += f.lastPx.div(entry, 12).toNumber() - 1;
      trades++;
      entry = undefined;
    }
  }
  return { trades, sumReturn: sum };
}

/**
 * grademark with the same crossing rule. Its loop opens a position on the bar after the entry signal and
 * does not ask the exit rule on that bar (nor the entry rule on the bar it exits), so a cross that
 * reverses on the very next bar is seen one bar late there; those bars are counted and reported.
 */
function runGrademark(n: number, seed: number): Run & { lateReversals: number } {
  const gm = require('grademark') as {
    backtest: (s: unknown, df: unknown) => { entryPrice: number; exitPrice: number }[];
  };
  const df = require('data-forge') as { DataFrame: new (rows: unknown[]) => unknown };
  const c = cents(n, seed);
  // Exact SMAs on integer cents (sums stay far below 2^53), compared by cross-multiplication like Sma.compare.
  const rows: {
    time: Date;
    open: number;
    high: number;
    low: number;
    close: number;
    up: boolean;
    down: boolean;
  }[] = [];
  let fastSum = 0;
  let slowSum = 0;
  let prev: number | undefined;
  let lateReversals = 0;
  let lastCross: 'up' | 'down' | undefined;
  let lastCrossAt = -10;
  for (let i = 0; i < n; i++) {
    fastSum += c.close[i]!;
    slowSum += c.close[i]!;
    if (i >= 10) fastSum -= c.close[i - 10]!;
    if (i >= 30) slowSum -= c.close[i - 30]!;
    let up = false;
    let down = false;
    if (i >= 29) {
      const cmp = Math.sign(fastSum * 30 - slowSum * 10);
      if (prev !== undefined) {
        up = cmp > 0 && prev <= 0;
        down = cmp < 0 && prev >= 0;
      }
      prev = cmp;
    }
    if ((up || down) && lastCrossAt === i - 1 && lastCross !== (up ? 'up' : 'down')) lateReversals++;
    if (up || down) {
      lastCross = up ? 'up' : 'down';
      lastCrossAt = i;
    }
    rows.push({
      time: new Date(Date.UTC(2024, 0, 1) + i * 60_000),
      open: c.open[i]! / 100,
      high: c.high[i]! / 100,
      low: c.low[i]! / 100,
      close: c.close[i]! / 100,
      up,
      down,
    });
  }
  const series = new df.DataFrame(rows);
  const strategy = {
    entryRule: (enter: () => void, a: { bar: { up: boolean } }) => a.bar.up && enter(),
    exitRule: (exit: () => void, a: { bar: { down: boolean } }) => a.bar.down && exit(),
  };
  const t0 = process.hrtime.bigint();
  const trades = gm.backtest(strategy, series);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  let sum = 0;
  for (const t of trades) sum += t.exitPrice / t.entryPrice - 1;
  return { trades: trades.length, sumReturn: sum, seconds, lateReversals };
}

/** Frees the previous run's garbage before a timed run, so that neither engine pays for the other's. */
function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function best<T extends { seconds: number }>(runs: readonly T[]): T {
  return runs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
}

function median(runs: readonly { seconds: number }[]): number {
  const s = runs.map((r) => r.seconds).sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/**
 * Both engines run `rounds` times, alternating, each after a full garbage collection (when node runs with
 * --expose-gc, as `npm run bench` does): the best and the median round of each are compared, so that
 * JIT warm-up and the other engine's garbage weigh the same on both sides.
 */
export function backtestBench(args: readonly string[]): Figure[] {
  const nArg = args.find((a) => a.startsWith('--bars='));
  const rArg = args.find((a) => a.startsWith('--rounds='));
  const n = nArg ? Number(nArg.slice('--bars='.length)) : 1_000_000;
  const rounds = rArg ? Number(rArg.slice('--rounds='.length)) : 3;
  const seed = 11;
  const peers: ReturnType<typeof runGrademark>[] = [];
  const ourRuns: Run[] = [];
  const idleRuns: Run[] = [];
  for (let r = 0; r < rounds; r++) {
    collectGarbage();
    peers.push(runGrademark(n, seed));
    collectGarbage();
    ourRuns.push(runQubit(n, seed));
    collectGarbage();
    idleRuns.push(runQubit(n, seed, true));
  }
  const peer = best(peers);
  const ours = best(ourRuns);
  const ourRate = n / ours.seconds;
  const peerRate = n / peer.seconds;
  const bars = n.toLocaleString('en-US');
  return [
    {
      bench: 'backtest',
      figure: `sma-cross 10/30 over ${bars} 1m bars (best of ${rounds})`,
      value: ourRate,
      unit: 'bars/s',
      peer: 'grademark 0.3.0',
      peer_value: peerRate,
      ratio: ourRate / peerRate,
      target: '≥ 2x peer',
      ok: ourRate >= 2 * peerRate,
    },
    {
      bench: 'backtest',
      figure: `same, median of ${rounds}`,
      value: n / median(ourRuns),
      unit: 'bars/s',
      peer: 'grademark 0.3.0',
      peer_value: n / median(peers),
      ratio: median(peers) / median(ourRuns),
    },
    {
      bench: 'backtest',
      figure: `replay floor: a bot that never trades, same bars (best of ${rounds})`,
      value: n / best(idleRuns).seconds,
      unit: 'bars/s',
      peer: 'grademark 0.3.0',
      peer_value: peerRate,
      ratio: peer.seconds / best(idleRuns).seconds,
    },
    {
      bench: 'backtest',
      figure: 'trades (must match the peer)',
      value: ours.trades,
      unit: 'trades',
      peer: 'grademark 0.3.0',
      peer_value: peer.trades,
      ratio: ours.trades / peer.trades,
      ok: ourRuns.every((o) => o.trades === peer.trades) && peers.every((p) => p.trades === peer.trades),
    },
    {
      bench: 'backtest',
      figure: 'Σ per-trade return (must match the peer)',
      value: ours.sumReturn,
      unit: 'fraction',
      peer: 'grademark 0.3.0',
      peer_value: peer.sumReturn,
      ok: Math.abs(ours.sumReturn - peer.sumReturn) <= 1e-9 * Math.max(1, ours.trades),
    },
    {
      bench: 'backtest',
      figure: 'next-bar reversals (the peer acts on them a bar late)',
      value: peer.lateReversals,
      unit: 'bars',
      ok: peer.lateReversals === 0,
    },
  ];
}

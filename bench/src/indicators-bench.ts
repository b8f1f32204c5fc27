import { SeededRandom } from '@qubit/engine';
import { Atr, BollingerBands, Ema, Macd, Rsi } from '@qubit/indicators';
import {
  ATR as PeerAtr,
  BollingerBands as PeerBollingerBands,
  EMA as PeerEma,
  MACD as PeerMacd,
  RSI as PeerRsi,
} from 'trading-signals';
import type { Figure } from './report.js';

const BARS = 1_000_000;
const ROUNDS = 3;
const PEER = 'trading-signals 8.3.0';

interface Series {
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
}

/** A seeded random walk around 60,000 with bar ranges of a few units, like 1-minute BTC bars. */
function syntheticBars(count: number, seed: number): Series {
  const rnd = new SeededRandom(seed);
  const high = new Float64Array(count);
  const low = new Float64Array(count);
  const close = new Float64Array(count);
  let price = 60_000;
  for (let i = 0; i < count; i++) {
    const open = price;
    price = Math.max(1000, price + (rnd.next() - 0.5) * 40);
    high[i] = Math.max(open, price) + rnd.next() * 10;
    low[i] = Math.min(open, price) - rnd.next() * 10;
    close[i] = price;
  }
  return { high, low, close };
}

/**
 * One run over every bar; returns the last value so the work cannot be optimised away and so that the two
 * implementations can be checked to compute the same thing.
 */
type Run = (s: Series) => number;

interface Case {
  name: string;
  ours: Run;
  peer: Run;
}

const cases: Case[] = [
  {
    name: 'EMA(20)',
    ours: (s) => {
      const ema = new Ema(20);
      for (let i = 0; i < s.close.length; i++) ema.update(s.close[i]!);
      return ema.value!;
    },
    peer: (s) => {
      const ema = new PeerEma(20);
      for (let i = 0; i < s.close.length; i++) ema.update(s.close[i]!, false);
      return ema.getResultOrThrow();
    },
  },
  {
    name: 'RSI(14)',
    ours: (s) => {
      const rsi = new Rsi(14);
      for (let i = 0; i < s.close.length; i++) rsi.update(s.close[i]!);
      return rsi.value!;
    },
    peer: (s) => {
      const rsi = new PeerRsi(14);
      for (let i = 0; i < s.close.length; i++) rsi.update(s.close[i]!, false);
      return rsi.getResultOrThrow();
    },
  },
  {
    name: 'MACD(12,26,9)',
    ours: (s) => {
      const macd = new Macd(12, 26, 9);
      for (let i = 0; i < s.close.length; i++) macd.update(s.close[i]!);
      return macd.value!.histogram;
    },
    peer: (s) => {
      const macd = new PeerMacd(new PeerEma(12), new PeerEma(26), new PeerEma(9));
      for (let i = 0; i < s.close.length; i++) macd.update(s.close[i]!, false);
      return macd.getResultOrThrow().histogram;
    },
  },
  {
    name: 'Bollinger(20,2)',
    ours: (s) => {
      const bb = new BollingerBands(20, 2);
      for (let i = 0; i < s.close.length; i++) bb.update(s.close[i]!);
      return bb.value!.upper;
    },
    peer: (s) => {
      const bb = new PeerBollingerBands(20, 2);
      for (let i = 0; i < s.close.length; i++) bb.update(s.close[i]!, false);
      return bb.getResultOrThrow().upper;
    },
  },
  {
    name: 'ATR(14)',
    ours: (s) => {
      const atr = new Atr(14);
      for (let i = 0; i < s.close.length; i++) atr.update(s.high[i]!, s.low[i]!, s.close[i]!);
      return atr.value!;
    },
    peer: (s) => {
      const atr = new PeerAtr(14);
      for (let i = 0; i < s.close.length; i++)
        atr.update({ high: s.high[i]!, low: s.low[i]!, close: s.close[i]! }, false);
      return atr.getResultOrThrow();
    },
  },
];

/** All five updated on every bar, as a bot that reads them all would: the per-bar cost a backtest pays. */
const allFive: Case = {
  name: 'all five per bar',
  ours: (s) => {
    const ema = new Ema(20);
    const rsi = new Rsi(14);
    const macd = new Macd(12, 26, 9);
    const bb = new BollingerBands(20, 2);
    const atr = new Atr(14);
    for (let i = 0; i < s.close.length; i++) {
      const c = s.close[i]!;
      ema.update(c);
      rsi.update(c);
      macd.update(c);
      bb.update(c);
      atr.update(s.high[i]!, s.low[i]!, c);
    }
    return ema.value! + rsi.value! + macd.value!.histogram + bb.value!.upper + atr.value!;
  },
  peer: (s) => {
    const ema = new PeerEma(20);
    const rsi = new PeerRsi(14);
    const macd = new PeerMacd(new PeerEma(12), new PeerEma(26), new PeerEma(9));
    const bb = new PeerBollingerBands(20, 2);
    const atr = new PeerAtr(14);
    for (let i = 0; i < s.close.length; i++) {
      const c = s.close[i]!;
      ema.update(c, false);
      rsi.update(c, false);
      macd.update(c, false);
      bb.update(c, false);
      atr.update({ high: s.high[i]!, low: s.low[i]!, close: c }, false);
    }
    return (
      ema.getResultOrThrow() +
      rsi.getResultOrThrow() +
      macd.getResultOrThrow().histogram +
      bb.getResultOrThrow().upper +
      atr.getResultOrThrow()
    );
  },
};

/** Best of ROUNDS timed runs after one warm-up run, in updates per second; also returns the last value. */
function measure(run: Run, series: Series): { rate: number; last: number } {
  let last = run(series);
  let best = Infinity;
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = performance.now();
    last = run(series);
    best = Math.min(best, performance.now() - t0);
  }
  return { rate: series.close.length / (best / 1000), last };
}

/**
 * Updates per second of our EMA, RSI, MACD, Bollinger Bands and ATR over 1,000,000 synthetic bars against the
 * same indicators of trading-signals, measured in the same run; ratio = ours / peer (above 1: ours is faster).
 * The final values of both are compared first: EMA seeding differs (theirs starts from the first value, ours
 * from the SMA), but after a million bars the seed has decayed away, so any disagreement means the two are not
 * doing the same work and the comparison would be meaningless.
 */
export function indicatorsBench(): Figure[] {
  const series = syntheticBars(BARS, 20250101);
  const figures: Figure[] = [];
  for (const c of [...cases, allFive]) {
    const peer = measure(c.peer, series);
    const ours = measure(c.ours, series);
    if (Math.abs(ours.last - peer.last) > 1e-6 * Math.abs(peer.last)) {
      throw new Error(`indicators bench: ${c.name} disagrees with ${PEER} (${ours.last} vs ${peer.last})`);
    }
    const unit = c === allFive ? 'bars/s' : 'updates/s';
    figures.push({
      bench: 'indicators',
      figure: c.name,
      value: ours.rate,
      unit,
      peer: PEER,
      peer_value: peer.rate,
      ratio: ours.rate / peer.rate,
    });
  }
  const perBar = figures[figures.length - 1]!;
  figures.push({
    bench: 'indicators',
    figure: 'all five, cost per bar',
    value: 1e9 / perBar.value,
    unit: 'ns/bar',
    peer: PEER,
    peer_value: 1e9 / perBar.peer_value!,
    ratio: perBar.peer_value! / perBar.value,
  });
  return figures;
}

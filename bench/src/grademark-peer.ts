import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

interface GmBar {
  time: Date;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  sma: number;
}

/**
 * The peer: grademark 0.3.0 (a JavaScript backtester) running an SMA-30 trend rule over the same number
 * of synthetic 1-minute bars, measured in this run. It has no risk, no order state machine and no
 * accounting, so it bounds what a bare event loop costs per bar in this runtime.
 */
export function grademarkPeer(count = 100_000): { barsPerSecond: number; trades: number } {
  const gm = require('grademark') as { backtest: (s: unknown, df: unknown) => unknown[] };
  const df = require('data-forge') as { DataFrame: new (rows: GmBar[]) => unknown };
  let price = 60_000;
  let seed = 7;
  const rows: GmBar[] = [];
  const window: number[] = [];
  let sum = 0;
  for (let i = 0; i < count; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    const open = price;
    price = Math.max(1000, price + (seed / 2147483648 - 0.5) * 40);
    window.push(price);
    sum += price;
    if (window.length > 30) sum -= window.shift()!;
    rows.push({
      time: new Date(Date.UTC(2024, 0, 1) + i * 60_000),
      open,
      high: Math.max(open, price) + 5,
      low: Math.min(open, price) - 5,
      close: price,
      volume: 1,
      sma: sum / window.length,
    });
  }
  const series = new df.DataFrame(rows);
  const strategy = {
    entryRule: (enter: () => void, args: { bar: GmBar }) => {
      if (args.bar.close > args.bar.sma) enter();
    },
    exitRule: (exit: () => void, args: { bar: GmBar }) => {
      if (args.bar.close < args.bar.sma) exit();
    },
  };
  const t0 = process.hrtime.bigint();
  const trades = gm.backtest(strategy, series);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { barsPerSecond: count / seconds, trades: trades.length };
}

import { smaCross } from '@qubit/bot-sma-cross';
import { syntheticBars } from '@qubit/engine';
import {
  BTCUSDT_BINANCE,
  instrumentFromSpec,
  isoToNanos,
  makeBarType,
  nanosToIso,
  BarAggregation,
} from '@qubit/model';
import { runBot } from '@qubit/sdk/testing';

export interface DemoOptions {
  readonly bars: number;
  readonly seed: number;
  readonly fast: number;
  readonly slow: number;
}

/**
 * Runs the sma-cross bot over seeded synthetic 1-minute BTCUSDT bars through the whole kernel (risk,
 * execution, simulated venue, portfolio) and prints what happened. Needs no network and no data files.
 */
export function runDemo(o: DemoOptions, out: (line: string) => void): number {
  const instrument = instrumentFromSpec(BTCUSDT_BINANCE);
  const barType = makeBarType(instrument.id, 1, BarAggregation.MINUTE);
  const bars = syntheticBars({
    instrument,
    barType,
    count: o.bars,
    start: isoToNanos('2024-01-01T00:00:00Z'),
    startPrice: 42_000,
    volatility: 0.0015,
    seed: o.seed,
  });
  const started = process.hrtime.bigint();
  const r = runBot(smaCross, {
    bars,
    instrument,
    config: {
      instrument: instrument.id,
      timeframe: '1-MINUTE',
      fast: o.fast,
      slow: o.slow,
      quantity: '0.05',
    },
    balances: { USDT: '100000' },
    risk: {
      global: { daily_loss_cap: '5000' },
      bots: { 'sma-cross-1': { max_position_qty: { default: '0.10000' } } },
    },
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  out(
    `Qubit demo: sma-cross (fast ${o.fast}, slow ${o.slow}) on ${o.bars} synthetic 1-minute ${instrument.id} bars (seed ${o.seed})`,
  );
  out(`  ${nanosToIso(bars[0]!.tsEvent)} .. ${nanosToIso(bars[bars.length - 1]!.tsEvent)}`);
  out('');
  out(`  orders asked      ${r.intents.length}`);
  out(`  fills             ${r.fills.length}`);
  out(`  risk denials      ${r.denials.length}`);
  out(`  realized PnL      ${r.pnl.realized}`);
  out(`  fees              ${r.pnl.fees}`);
  out(`  net PnL           ${r.pnl.total}`);
  out(`  final equity      ${r.equity}`);
  out(`  position          ${r.position.signedQty} BTC`);
  out('');
  out('  first fills:');
  for (const f of r.fills.slice(0, 6)) {
    out(
      `    ${nanosToIso(f.tsEvent)}  ${f.side.padEnd(4)} ${f.lastQty} @ ${f.lastPx}  fee ${f.fee}  ${f.clientOrderId}`,
    );
  }
  for (const d of r.denials.slice(0, 3)) out(`  denied: ${d.reasonCode}: ${d.reason}`);
  out('');
  out(`  ran ${o.bars} bars through the kernel in ${ms.toFixed(0)} ms`);
  return 0;
}

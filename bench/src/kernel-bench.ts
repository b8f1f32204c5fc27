import {
  AccountType,
  BTCUSDT_PERP_BINANCE,
  Money,
  OrderSide,
  Price,
  Quantity,
  instrumentFromSpec,
  type Bot,
  type Instrument,
  type OrderIntent,
  type QuoteTick,
} from '@qubit/model';
import {
  CountingJournal,
  EventRecorder,
  SeededRandom,
  TestClock,
  TradingNode,
  riskConfigFromJson,
} from '@qubit/engine';
import { percentile, type Figure } from './report.js';
import { grademarkPeer } from './grademark-peer.js';

const WARMUP = 20_000;
const TICKS = 200_000;

/**
 * The bot of the benchmark: one market order per tick, alternating sides so that the position stays
 * small and every risk check passes (a denial would short-cut the chain and flatter the figures).
 */
class PingPongBot implements Bot {
  private n = 0;
  constructor(private readonly instrumentId: string) {}
  onTick(): OrderIntent[] {
    const side = this.n++ % 2 === 0 ? OrderSide.BUY : OrderSide.SELL;
    return [{ instrumentId: this.instrumentId, side, quantity: '0.010', reason: 'signal' }];
  }
}

function quotes(instrument: Instrument, count: number, start: bigint, seed: number): QuoteTick[] {
  const rnd = new SeededRandom(seed + 7);
  let mid = 60_000 + (seed % 1000);
  const out: QuoteTick[] = new Array<QuoteTick>(count);
  for (let i = 0; i < count; i++) {
    mid = Math.max(1000, mid + (rnd.next() - 0.5) * 20);
    const bid = Price.fromNumber(Math.floor(mid * 10) / 10, instrument.pricePrecision);
    const ask = Price.from(bid.add(instrument.tickSize)).withPrecision(instrument.pricePrecision);
    const ts = start + BigInt(i) * 1_000_000n;
    out[i] = {
      type: 'QuoteTick',
      instrumentId: instrument.id,
      bidPrice: bid,
      askPrice: ask,
      bidSize: Quantity.from('5.000'),
      askSize: Quantity.from('5.000'),
      tsEvent: ts,
      tsInit: ts,
    };
  }
  return out;
}

export function kernelBench(): Figure[] {
  const instrument = instrumentFromSpec(BTCUSDT_PERP_BINANCE);
  const start = 1_700_000_000_000_000_000n;
  const clock = new TestClock(start);
  const node = new TradingNode({
    traderId: 'BENCH',
    clock,
    instruments: [instrument],
    accounts: [
      {
        accountId: 'SIM-001',
        accountType: AccountType.MARGIN,
        baseCurrency: instrument.settlementCurrency,
        balances: [Money.of('10000000', instrument.settlementCurrency)],
      },
    ],
    // Real limits on every scope, so both stages do all their work on every order.
    risk: riskConfigFromJson(
      {
        trader_id: 'BENCH',
        global: { max_open_orders: 1000, daily_loss_cap: '1000000', max_gross_exposure: '100000000' },
        accounts: {
          'SIM-001': {
            max_leverage: '10',
            max_order_notional: '1000000',
            max_submit_rate: { count: 1_000_000, window_ms: 1000 },
          },
        },
        bots: {
          'bench-1': { max_position_qty: { default: '1' }, budget: '5000000', daily_loss_cap: '500000' },
        },
        collar_pct: '0.05',
      },
      'risk',
    ),
    idPrefix: 'B',
    journal: new CountingJournal(),
    simulatedVenues: { BINANCE: { keepFills: false } },
    closedOrderRetention: 10_000,
  });
  const recorder = new EventRecorder(node.bus);
  node.addBot({
    botId: 'bench-1',
    strategyId: 'ping-pong',
    accountId: 'SIM-001',
    bot: new PingPongBot(instrument.id),
    config: {},
    subscriptions: { instruments: [instrument.id] },
  });
  node.start();
  const CHUNK = 10_000;
  for (let c = 0; c < WARMUP; c += CHUNK)
    for (const q of quotes(instrument, CHUNK, start + 1n + BigInt(c) * 1_000_000n, c)) node.process(q);
  const fillsBefore = recorder.fills.length;
  let filledInRun = 0;
  node.bus.subscribe('orders.fills', 'bench-count', () => filledInRun++);
  const deniedBefore = recorder.denials.length;
  recorder.close(); // keep the recorder's own bookkeeping out of the measured loop
  const lat = new Float64Array(TICKS);
  let busyNs = 0n;
  // Quotes are made a chunk at a time outside the timed loop, so the input does not sit in the heap.
  for (let c = 0; c < TICKS; c += CHUNK) {
    const data = quotes(instrument, CHUNK, start + 1n + BigInt(WARMUP + c) * 1_000_000n, WARMUP + c);
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < CHUNK; i++) {
      const a = process.hrtime.bigint();
      node.process(data[i]!);
      lat[c + i] = Number(process.hrtime.bigint() - a) / 1000;
    }
    const spent = process.hrtime.bigint() - t0;
    busyNs += spent;
    if (process.env.QUBIT_BENCH_TRACE)
      console.error(
        `chunk ${c / CHUNK}: ${(Number(spent) / 1e3 / CHUNK).toFixed(1)} µs/tick, heap ${(process.memoryUsage().heapUsed / 1e6).toFixed(0)} MB`,
      );
  }
  const seconds = Number(busyNs) / 1e9;
  const host = node.bot('bench-1')!;
  const intents = host.intentCount - WARMUP;
  const filled = filledInRun;
  if (deniedBefore > 0 || fillsBefore !== WARMUP || filled !== intents) {
    throw new Error(
      `benchmark chain broken: ${deniedBefore} denials in warm-up, ${filled} filled of ${intents} intents`,
    );
  }
  lat.sort();
  const p50 = percentile(lat, 50);
  const p99 = percentile(lat, 99);
  const perSecond = intents / seconds;
  const peer = grademarkPeer();
  return [
    { bench: 'kernel', figure: 'tick→fill p50', value: p50, unit: 'µs', target: '', ok: undefined },
    { bench: 'kernel', figure: 'tick→fill p99', value: p99, unit: 'µs', target: '≤ 100 µs', ok: p99 <= 100 },
    { bench: 'kernel', figure: 'tick→fill p99.9', value: percentile(lat, 99.9), unit: 'µs' },
    {
      bench: 'kernel',
      figure: 'sustained intents',
      value: perSecond,
      unit: 'intents/s',
      peer: 'grademark 0.3.0 bars/s',
      peer_value: peer.barsPerSecond,
      ratio: perSecond / peer.barsPerSecond,
      target: '≥ 50,000/s',
      ok: perSecond >= 50_000,
    },
    { bench: 'kernel', figure: 'orders filled', value: filled, unit: 'orders' },
  ];
}

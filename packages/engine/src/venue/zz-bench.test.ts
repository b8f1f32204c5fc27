import { AccountId, BTCUSDT_BINANCE, BotId, ClientOrderId, OrderSide, OrderType, Price, Quantity, StrategyId, TimeInForce, TraderId, instrumentFromSpec, type SubmitOrder } from '@qubit/model';
import { it } from 'vitest';
import { TestClock } from '/work/main/packages/engine/src/clock/test-clock.js';
import { IdGenerator } from '/work/main/packages/engine/src/ids/id-generator.js';
import { SimulatedVenue } from '/work/main/packages/engine/src/venue/simulated-venue.js';
const BTC = instrumentFromSpec(BTCUSDT_BINANCE);
it('bench', () => {
  for (const mode of ['quotes', 'bars', 'resting']) {
  const clock = new TestClock(1n);
  const v = new SimulatedVenue({ venue: 'BINANCE', clock, ids: new IdGenerator('b'), instruments: () => BTC });
  let n = 0; v.connect(() => { n++; });
  const N = 200_000;
  const cmds: SubmitOrder[] = [];
  for (let i = 0; i < N; i++) cmds.push({ type: 'SubmitOrder', commandId: 'c', traderId: TraderId('T'), accountId: AccountId('A'), botId: BotId('b'), strategyId: StrategyId('s'), instrumentId: BTC.id, clientOrderId: ClientOrderId(`O${i}`), side: i % 2 ? OrderSide.BUY : OrderSide.SELL, orderType: mode === 'resting' ? OrderType.LIMIT : OrderType.MARKET, quantity: Quantity.from('0.001'), price: mode === 'resting' ? Price.from(i % 2 ? `${41000 + (i % 500)}.00` : `${43000 + (i % 500)}.00`) : undefined, timeInForce: mode==='resting' ? TimeInForce.GTC : TimeInForce.IOC, postOnly: false, reduceOnly: false, reason: 'r', tsInit: 0n });
  const q = { type: 'QuoteTick' as const, instrumentId: BTC.id, bidPrice: Price.from('41999.00'), askPrice: Price.from('42000.00'), bidSize: Quantity.from('1000'), askSize: Quantity.from('1000'), tsEvent: 0n, tsInit: 0n };
  if (mode !== 'bars') v.processQuote(q);
  const t0 = performance.now();
  for (let i = 0; i < N; i++) {
    v.submitOrder(cmds[i]!);
    if (mode === 'bars' && i % 10 === 9) v.processBar({ type: 'Bar', barType: { instrumentId: BTC.id, step: 1, aggregation: 'MINUTE', priceType: 'LAST' }, open: Price.from('42000.00'), high: Price.from('42010.00'), low: Price.from('41990.00'), close: Price.from('42005.00'), volume: Quantity.from('10'), tsEvent: 0n, tsInit: 0n });
    if (mode === 'resting' && i % 10 === 9) v.processQuote(q);
  }
  const dt = performance.now() - t0;
  console.log(mode, Math.round(N / (dt / 1000)), 'orders/s', n, 'events');
  }
});

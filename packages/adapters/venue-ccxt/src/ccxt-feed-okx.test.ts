import { readFileSync } from 'node:fs';
import { TestClock } from '@qubit/engine';
import {
  BarAggregation,
  instrumentFromSpec,
  makeBarType,
  type Bar,
  type MarketData,
  type TradeTick,
} from '@qubit/model';
import { sharedDataFile, sharedDataSkipReason } from '@qubit/test-data';
import { afterEach, describe, expect, it } from 'vitest';
import { CcxtFeed } from './ccxt-feed.js';
import { loadInstrumentSpecs } from './ccxt-markets.js';
import { createCcxtExchange, redirectCcxtUrls } from './ccxt-venues.js';
import { startLocalVenueServer, type LocalVenueServer } from './testing/local-venue-server.js';

const DIR = 'exchange_messages/okx/nautilus';
const skip = sharedDataSkipReason(DIR);
if (skip) console.warn(`ccxt OKX feed tests ${skip}`);

function fixture(name: string): Record<string, unknown> {
  const path = sharedDataFile(`${DIR}/${name}`);
  if (!path) throw new Error(`${name} is missing`);
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}

async function until(what: string, cond: () => boolean): Promise<void> {
  const end = Date.now() + 8000;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe.skipIf(skip !== undefined)('CcxtFeed against a local OKX', () => {
  let server: LocalVenueServer | undefined;
  let feed: CcxtFeed | undefined;
  afterEach(async () => {
    await feed?.stop();
    await server?.close();
  });

  it('turns the recorded trades and candles pushed through ccxt into exact ticks and a closed daily bar', async () => {
    const trades = fixture('ws_trades.json');
    const candle = fixture('ws_candle.json');
    const [row] = candle.data as string[][];
    // The next day's candle closes the recorded one (ccxt flags no close; a later open does).
    const nextDay = [
      String(Number(row![0]) + 86_400_000),
      '8548.26',
      '8548.26',
      '8548.26',
      '8548.26',
      '1',
      '1',
      '1',
      '0',
    ];
    const empty = { code: '0', msg: '', data: [] };
    const instruments: Record<string, unknown> = {
      SPOT: fixture('http_get_instruments_spot.json'),
      SWAP: fixture('http_get_instruments_swap.json'),
    };
    server = await startLocalVenueServer(
      { '/api/v5/public/instruments': (url) => instruments[url.searchParams.get('instType') ?? ''] ?? empty },
      (socket) => {
        socket.on('message', (raw) => {
          const text = String(raw);
          if (text === 'ping') return socket.send('pong');
          const m = JSON.parse(text) as { op?: string; args?: { channel: string; instId: string }[] };
          if (m.op !== 'subscribe') return;
          for (const arg of m.args ?? []) {
            socket.send(JSON.stringify({ event: 'subscribe', arg }));
            // The recorded pushes, addressed to what was subscribed (the candle was recorded for BTC-USDT).
            if (arg.channel.startsWith('trades')) socket.send(JSON.stringify({ ...trades, arg }));
            if (arg.channel.startsWith('candle')) {
              socket.send(JSON.stringify({ ...candle, arg }));
              setTimeout(() => socket.send(JSON.stringify({ arg, data: [nextDay] })), 30);
            }
          }
        });
      },
    );
    const exchange = createCcxtExchange('okx');
    await redirectCcxtUrls(exchange, server);
    const [spec] = await loadInstrumentSpecs(exchange, 'okx', ['BTC/USD']);
    expect(spec).toMatchObject({ id: 'BTC-USD.OKX', kind: 'SPOT', lot_size: '0.00000001' });
    const instrument = instrumentFromSpec(spec!);
    const day = makeBarType(instrument.id, 1, BarAggregation.DAY);
    feed = new CcxtFeed({ exchangeId: 'okx', exchange, clock: new TestClock(1n), sleep: async () => {} });
    const data: MarketData[] = [];
    feed.onData((d) => data.push(d));
    feed.subscribe({ instrument, trades: true, bars: [day] });
    await feed.start();
    await until(
      'a trade and a bar',
      () => data.some((d) => d.type === 'Bar') && data.some((d) => d.type === 'TradeTick'),
    );

    const trade = data.find((d): d is TradeTick => d.type === 'TradeTick')!;
    expect([trade.price.toString(), trade.size.toString(), trade.aggressorSide, trade.tradeId]).toEqual([
      '42219.9',
      '0.12060306',
      'BUYER',
      '130639474',
    ]);
    expect(trade.tsEvent).toBe(1630048897897_000_000n);
    const bar = data.find((d): d is Bar => d.type === 'Bar')!;
    expect([bar.open, bar.high, bar.low, bar.close, bar.volume].map(String)).toEqual([
      '8533.02',
      '8553.74',
      '8527.17',
      '8548.26',
      '45247',
    ]);
    expect(bar.tsEvent).toBe((1597026383085n + 86_400_000n) * 1_000_000n);
    expect(feed.status()).toMatchObject({ state: 'live', gaps: 0, rejected: 0, reconnects: 0 });
  }, 20_000);
});

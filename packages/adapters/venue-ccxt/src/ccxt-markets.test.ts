import { readFileSync } from 'node:fs';
import { ModelError, instrumentFromSpec } from '@qubit/model';
import { sharedDataFile, sharedDataSkipReason } from '@qubit/test-data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadInstrumentSpecs } from './ccxt-markets.js';
import { createCcxtExchange, redirectCcxtUrls } from './ccxt-venues.js';
import { readRecording } from './recording.js';
import { startLocalVenueServer, type LocalVenueServer } from './testing/local-venue-server.js';

const SESSIONS = 'exchange_messages/recorded_sessions';
const skip = sharedDataSkipReason(SESSIONS);
if (skip) console.warn(`ccxt market loading tests ${skip}`);

/** The body of a recorded REST response (cryptofeed's `URL -> ts: body`). */
function recordedBody(name: string): unknown {
  const path = sharedDataFile(`${SESSIONS}/${name}`);
  if (!path) throw new Error(`${name} is missing`);
  const [first] = readRecording(readFileSync(path, 'utf8')).messages;
  if (!first) throw new Error(`${name} is empty`);
  return first.payload;
}

describe.skipIf(skip !== undefined)('loadInstrumentSpecs over recorded Binance exchangeInfo', () => {
  let server: LocalVenueServer;

  beforeAll(async () => {
    const spot = recordedBody('cryptofeed_BINANCE.0.txt');
    const linear = recordedBody('cryptofeed_BINANCE_FUTURES.0.txt');
    const inverse = recordedBody('cryptofeed_BINANCE_DELIVERY.0.txt');
    server = await startLocalVenueServer({
      '/api/v3/exchangeInfo': () => spot,
      '/fapi/v1/exchangeInfo': () => linear,
      '/dapi/v1/exchangeInfo': () => inverse,
    });
  });
  afterAll(async () => server?.close());

  const binance = async () => {
    const exchange = createCcxtExchange('binance');
    await redirectCcxtUrls(exchange, server);
    return exchange;
  };

  it('maps spot and perpetual markets to specs with the venue filters as exact decimals', async () => {
    const [btc, nkn, perp] = await loadInstrumentSpecs(await binance(), 'binance', [
      'BTC/USDT',
      'NKNUSDT.BINANCE',
      'BTC/USDT:USDT',
    ]);
    expect(btc).toMatchObject({
      id: 'BTCUSDT.BINANCE',
      kind: 'SPOT',
      base_currency: 'BTC',
      quote_currency: 'USDT',
      tick_size: '0.01',
      lot_size: '0.00001',
      min_quantity: '0.00001',
      max_quantity: '9000',
      min_notional: '10',
    });
    expect(nkn).toMatchObject({
      id: 'NKNUSDT.BINANCE',
      tick_size: '0.0001',
      lot_size: '1',
      min_notional: '10',
    });
    expect(perp).toMatchObject({
      id: 'BTCUSDT-PERP.BINANCE',
      kind: 'PERPETUAL',
      settlement_currency: 'USDT',
      tick_size: '0.01',
      lot_size: '0.001',
      min_notional: '5',
      multiplier: '1',
    });
    // ccxt's fee schedule for the venue: taker and maker rates as exact decimals.
    expect(btc!.taker_fee).toMatch(/^0\.\d+$/);
    expect(btc!.maker_fee).toMatch(/^0\.\d+$/);
    const instrument = instrumentFromSpec(btc!);
    expect(instrument.tickSize.toString()).toBe('0.01');
    expect(server.requests).toContain('/api/v3/exchangeInfo');
  });

  it('refuses a symbol the venue does not list, naming it', async () => {
    const e = await loadInstrumentSpecs(await binance(), 'binance', ['BTC/USDT', 'NOPE/USDT']).catch(
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(ModelError);
    expect((e as ModelError).field).toBe('symbols[1]');
    expect((e as ModelError).message).toContain('"NOPE/USDT" is not a market of binance');
  });

  it('refuses an inverse contract, whose notional the model does not express', async () => {
    const e = await loadInstrumentSpecs(await binance(), 'binance', ['BTC/USD:BTC']).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ModelError);
    expect((e as ModelError).message).toContain('inverse contract');
  });
});

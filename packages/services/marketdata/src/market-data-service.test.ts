import {
  MessageBus,
  TestClock,
  Topic,
  type Feed,
  type FeedStatus,
  type FeedSubscription,
} from '@qubit/engine';
import {
  BTCUSDT_BINANCE,
  ETHUSDT_BINANCE,
  InstrumentId,
  createWireRegistry,
  decodeEnvelope,
  encodeEnvelope,
  type MarketData,
} from '@qubit/model';
import { openStore, type Store } from '@qubit/store-postgres';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { choosePaperFeed } from './feeds/paper-feed.js';
import { SyntheticFeed } from './feeds/synthetic-feed.js';
import { MarketDataService } from './market-data-service.js';
import {
  InstrumentDisabledCodec,
  InstrumentRegisteredCodec,
  type InstrumentEvent,
} from './registry/instrument-events.js';

const T0 = 1_767_225_600_000_000_000n;
const S = 1_000_000_000n;

let dir: string;
let store: Store;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'qubit-md-'));
  store = await openStore({ dataDir: join(dir, 'pglite') });
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function service(clock: TestClock, bus = new MessageBus()) {
  const feed = new SyntheticFeed({
    clock,
    instruments: {
      'BTCUSDT.BINANCE': { startPrice: 60_000 },
      'ETHUSDT.BINANCE': { startPrice: 3_000 },
    },
  });
  const lines: string[] = [];
  const md = new MarketDataService({
    bus,
    clock,
    instruments: store.instruments,
    feedFor: () => feed,
    log: (l) => lines.push(l),
  });
  return { md, feed, bus, lines };
}

describe('MarketDataService', () => {
  it('subscribes an instrument when its registration is published, and stops when it is disabled', async () => {
    const clock = new TestClock(T0);
    const { md, bus, lines } = service(clock);
    const events: InstrumentEvent[] = [];
    const keys: string[] = [];
    bus.subscribe<InstrumentEvent>(Topic.INSTRUMENT_REGISTERED, 'test', (e, d) => {
      events.push(e);
      keys.push(d.key);
    });
    const raw: MarketData[] = [];
    bus.subscribe<MarketData>(Topic.MARKET_RAW_DATA, 'test', (m) => raw.push(m));
    expect(await md.start()).toEqual([]);
    await md.registry.register({ ...BTCUSDT_BINANCE });
    expect(keys).toEqual(['BINANCE:BTCUSDT']);
    for (let t = 1n; t <= 10n; t++) clock.advanceTo(T0 + t * S);
    expect(raw.filter((m) => m.type === 'TradeTick').length).toBeGreaterThan(5);
    expect(md.snapshot(InstrumentId('BTCUSDT.BINANCE')).lastTrade).toBeDefined();

    await md.registry.disable(InstrumentId('BTCUSDT.BINANCE'));
    expect(events.map((e) => e.type)).toEqual(['InstrumentRegistered', 'InstrumentDisabled']);
    const n = raw.length;
    for (let t = 11n; t <= 20n; t++) clock.advanceTo(T0 + t * S);
    expect(raw.length).toBe(n);
    expect(lines).toContain('marketdata: unsubscribed BTCUSDT.BINANCE');
    expect((await store.instruments.get('BTCUSDT.BINANCE'))?.enabled).toBe(false);
    await md.stop();
  });

  it('resubscribes what is registered and enabled after a restart', async () => {
    const clock = new TestClock(T0);
    const first = service(clock);
    await first.md.start();
    await first.md.registry.register({ ...BTCUSDT_BINANCE });
    await first.md.registry.register({ ...ETHUSDT_BINANCE });
    await first.md.registry.disable(InstrumentId('ETHUSDT.BINANCE'));
    await first.md.stop();
    const again = service(clock);
    const restored = await again.md.start();
    expect(restored.map((i) => i.id)).toEqual(['BTCUSDT.BINANCE']);
    expect(again.feed.status().instruments).toEqual(['BTCUSDT.BINANCE']);
    await again.md.stop();
  });

  it('refuses a bad spec naming the field, storing and publishing nothing', async () => {
    const clock = new TestClock(T0);
    const { md, bus } = service(clock);
    const events: unknown[] = [];
    bus.subscribe(Topic.INSTRUMENT_REGISTERED, 'test', (e) => events.push(e));
    await md.start();
    await expect(md.registry.register({ ...BTCUSDT_BINANCE, tick_size: 'abc' })).rejects.toThrow(
      'instrument.tick_size',
    );
    await expect(md.registry.register('BTCUSDT')).rejects.toThrow('expected an instrument spec object');
    await expect(md.registry.disable(InstrumentId('NOPE.BINANCE'))).rejects.toThrow(
      'NOPE.BINANCE is not registered',
    );
    expect(events).toEqual([]);
    expect(await store.instruments.list()).toEqual([]);
    await md.stop();
  });

  it('sends instrument events over the wire and refuses a bad one by field', async () => {
    const registry = createWireRegistry()
      .registerCodec(InstrumentRegisteredCodec)
      .registerCodec(InstrumentDisabledCodec);
    const clock = new TestClock(T0);
    const { md, bus } = service(clock);
    const seen: InstrumentEvent[] = [];
    bus.subscribe<InstrumentEvent>(Topic.INSTRUMENT_REGISTERED, 'wire', (e) => seen.push(e));
    await md.start();
    await md.registry.register({ ...BTCUSDT_BINANCE });
    const envelope = encodeEnvelope(seen[0]!, { id: 'e-1', key: 'BINANCE:BTCUSDT', registry });
    const back = decodeEnvelope(JSON.parse(JSON.stringify(envelope)), { registry });
    expect(back.message).toEqual(seen[0]);
    const broken = JSON.parse(JSON.stringify(envelope)) as { payload: { instrument: { lot_size: string } } };
    broken.payload.instrument.lot_size = '-1';
    expect(() => decodeEnvelope(broken, { registry })).toThrow('payload.instrument.lot_size');
    await md.stop();
  });
});

/** A venue that never answers: what the paper-mode probe sees without network. */
class SilentFeed implements Feed {
  readonly name = 'binance';
  readonly source = 'live' as const;
  subscribe(_s: FeedSubscription): void {}
  unsubscribe(): void {}
  onData(): void {}
  onStatus(): void {}
  status(): FeedStatus {
    return {
      feed: this.name,
      source: 'live',
      state: 'reconnecting',
      instruments: [],
      events: 0,
      reconnects: 3,
      gaps: 0,
      rejected: 0,
      detail: 'getaddrinfo ENOTFOUND stream.binance.com',
    };
  }
  stopped = false;
  async start(): Promise<void> {}
  async stop(): Promise<void> {
    this.stopped = true;
  }
}

describe('choosePaperFeed', () => {
  const probe = { instrument: { id: InstrumentId('BTCUSDT.BINANCE') } } as unknown as FeedSubscription;
  const noWait = async (): Promise<void> => {};

  it('falls back to the synthetic feed, saying why, when the venue delivers nothing in time', async () => {
    const clock = new TestClock(T0);
    const silent = new SilentFeed();
    const lines: string[] = [];
    const choice = await choosePaperFeed({
      live: () => silent,
      synthetic: () => new SyntheticFeed({ clock, instruments: {} }),
      probe,
      waitMs: 5000,
      log: (l) => lines.push(l),
      sleep: noWait,
    });
    expect(choice.feed.source).toBe('synthetic');
    expect(silent.stopped).toBe(true);
    expect(lines).toEqual([
      'marketdata: live feed binance delivered nothing within 5000 ms (getaddrinfo ENOTFOUND stream.binance.com); using the SYNTHETIC feed (synthetic) — prices are generated, not real',
    ]);
  });

  it('keeps the live feed when it delivers, and never tries the network offline', async () => {
    const clock = new TestClock(T0);
    const lines: string[] = [];
    const live = new SyntheticFeed({
      clock,
      name: 'stand-in',
      instruments: { 'BTCUSDT.BINANCE': { startPrice: 60_000 } },
    });
    const probeBtc = { instrument: (await import('@qubit/model')).instrumentFromSpec(BTCUSDT_BINANCE) };
    const chosen = await choosePaperFeed({
      live: () => live,
      synthetic: () => new SyntheticFeed({ clock, instruments: {} }),
      probe: probeBtc,
      log: (l) => lines.push(l),
      sleep: async () => clock.advanceTo(clock.now() + S),
    });
    expect(chosen.feed).toBe(live);
    expect(lines).toEqual(['marketdata: live public data from stand-in']);
    let built = false;
    const offline = await choosePaperFeed({
      live: () => {
        built = true;
        return live;
      },
      synthetic: () => new SyntheticFeed({ clock, instruments: {} }),
      probe: probeBtc,
      offline: true,
      log: (l) => lines.push(l),
    });
    expect(built).toBe(false);
    expect(offline.reason).toBe('offline mode: no network attempt');
  });
});

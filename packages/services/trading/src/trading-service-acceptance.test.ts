import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Topic, TestClock, portfolioKey, type TradingNode } from '@qubit/engine';
import {
  AccountId,
  AggressorSide,
  BotId,
  OrderSide,
  OrderType,
  Price,
  Quantity,
  StrategyId,
  TimeInForce,
  TradeId,
  TraderId,
  type SubmitOrder,
} from '@qubit/model';
import { openStore, type ScheduleTimer, type Store } from '@qubit/store-postgres';
import { testDatabaseUrl } from '@qubit/test-data';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { acceptReconciliation } from './accept-reconciliation.js';
import { TradingService } from './trading-service.js';
import {
  ACCOUNT,
  InProcessVenue,
  PERP,
  T0,
  manualMarketOrder,
  serviceOptions,
  simulatedVenue,
  watchedBot,
} from './trading-test-support.js';
import type { SimulatedVenue } from '@qubit/engine';

/** A timer the test fires: the poll never sleeps. */
class ManualTimer {
  armed: { run: () => void; delay: number; cancelled: boolean }[] = [];
  timer: ScheduleTimer = (run, delay) => {
    const t = { run, delay, cancelled: false };
    this.armed.push(t);
    return { cancel: () => void (t.cancelled = true) };
  };
  get live() {
    return this.armed.filter((t) => !t.cancelled);
  }
  /** Fires the one live timer. */
  fire(): void {
    const live = this.live;
    expect(live).toHaveLength(1);
    live[0]!.cancelled = true;
    live[0]!.run();
  }
}

/** One trade print at the venue, a second after the last: gives market orders a price. */
function print(sim: SimulatedVenue, clock: TestClock, price: string): void {
  clock.advanceTo(clock.now() + 1_000_000_000n);
  sim.processTrade({
    type: 'TradeTick',
    instrumentId: PERP.id,
    price: Price.from(price).withPrecision(PERP.pricePrecision),
    size: Quantity.from('1.000').withPrecision(PERP.sizePrecision),
    aggressorSide: AggressorSide.NO_AGGRESSOR,
    tradeId: TradeId(`P-${clock.now()}`),
    tsEvent: clock.now(),
    tsInit: clock.now(),
  });
}

/** A MARKET buy of bot-1 approved by risk, straight to execution (risk is not what this is about). */
async function buyForBot1(node: TradingNode, qty: string): Promise<void> {
  const cmd: SubmitOrder = {
    type: 'SubmitOrder',
    commandId: node.ids.id(),
    traderId: TraderId(node.traderId),
    accountId: AccountId(ACCOUNT),
    botId: BotId('bot-1'),
    strategyId: StrategyId('watched'),
    instrumentId: PERP.id,
    clientOrderId: node.orderIds.generate('bot-1', 'entry'),
    side: OrderSide.BUY,
    orderType: OrderType.MARKET,
    quantity: Quantity.from(qty).withPrecision(PERP.sizePrecision),
    timeInForce: TimeInForce.GTC,
    postOnly: false,
    reduceOnly: false,
    reason: 'entry',
    tsInit: node.clock.now(),
  };
  node.bus.publish(Topic.TRADES_APPROVED, portfolioKey(ACCOUNT), cmd);
  await node.execution.whenIdle();
}

/**
 * A platform whose journal holds 0.010 BTCUSDT-PERP of bot-1 at a venue that agrees; then someone sells
 * 0.004 of it at the venue by hand, so the next start finds ours 0.010 against the venue's 0.006.
 */
async function platformThatDisagrees(store: Store) {
  const clock = new TestClock(T0);
  const sim = simulatedVenue(clock);
  print(sim, clock, '42000.0');
  const first = new TradingService(
    serviceOptions({ store, venue: new InProcessVenue(sim), clock, bots: [], acceptancePollMs: 0 }),
  );
  await first.start();
  await buyForBot1(first.node, '0.010');
  await first.stop();
  manualMarketOrder(sim, clock, 1, OrderSide.SELL, '0.004');
  print(sim, clock, '42000.0');
  return { clock, sim };
}

function service(
  store: Store,
  world: { clock: TestClock; sim: SimulatedVenue },
  timer = new ManualTimer(),
  lines: string[] = [],
) {
  const bot = watchedBot('bot-1');
  const free = watchedBot('bot-2');
  const s = new TradingService(
    serviceOptions({
      store,
      venue: new InProcessVenue(world.sim),
      clock: world.clock,
      bots: [bot, free],
      timer: timer.timer,
      log: (l) => lines.push(l),
    }),
  );
  return { s, bot, free, timer, lines };
}

describe('TradingService acceptance of a reconciliation (PGlite)', () => {
  let dir: string;
  const running: TradingService[] = [];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'qubit-trading-accept-'));
  });
  afterEach(async () => {
    for (const s of running.splice(0)) await s.stop();
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  async function freshStore(name: string): Promise<Store> {
    return openStore({ dataDir: join(dir, name) });
  }

  it('holds a blocked bot until an operator accepts, then starts it and writes the audit entry', async () => {
    const store = await freshStore('live');
    try {
      const world = await platformThatDisagrees(store);
      const { s, bot, free, timer } = service(store, world);
      running.push(s);
      const r = await s.start();
      const [rec] = r.reconciliations;
      expect(rec?.report.mismatches.map((m) => [m.kind, String(m.ours), String(m.theirs)])).toEqual([
        ['position', '0.010', '0.006'],
      ]);
      expect(r.startedBots).toEqual(['bot-2']);
      expect(r.blockedBots).toEqual(['bot-1']);
      expect([bot.starts(), free.starts()]).toEqual([0, 1]);
      expect(timer.live).toHaveLength(1);

      const accepted = await s.acceptReconciliation(rec!.id, 'alice');
      expect(accepted.reconciliation).toMatchObject({
        id: rec!.id,
        outcome: 'accepted',
        acceptedBy: 'alice',
      });
      expect(accepted.startedBots).toEqual(['bot-1']);
      expect(bot.starts()).toBe(1);
      expect(s.node.bot('bot-1')).toBeDefined();
      expect(s.blockedBots).toEqual([]);
      const audit = await store.audit.list({ action: 'reconciliation.accept' });
      expect(audit).toMatchObject([{ actor: 'alice', target: String(rec!.id) }]);
      expect(audit[0]?.details).toMatchObject({ reconciliation_id: rec!.id, blocked_bots: ['bot-1'] });

      // Nothing waits any more: the poll that fires finds nothing to do and is not armed again.
      timer.fire();
      await vi.waitFor(() => expect(timer.live).toHaveLength(0));
      expect(bot.starts()).toBe(1);
      await expect(s.acceptReconciliation(rec!.id, 'bob')).rejects.toThrow(/already accepted by alice/);
      expect(await store.audit.list({ action: 'reconciliation.accept' })).toHaveLength(1);
    } finally {
      for (const s of running.splice(0)) await s.stop();
      await store.close();
    }
  });

  it('carries an acceptance over a restart while the mismatch is the same, and blocks again when it changes', async () => {
    const store = await freshStore('carried');
    try {
      const world = await platformThatDisagrees(store);
      const one = service(store, world);
      const r1 = await one.s.start();
      await one.s.acceptReconciliation(r1.reconciliations[0]!.id, 'alice');
      await one.s.stop();

      // Restarted, the venue says the same: recorded accepted, nothing blocked.
      const two = service(store, world);
      const r2 = await two.s.start();
      const id2 = r2.reconciliations[0]!.id;
      expect(r2.reconciliations[0]?.carriedFrom).toBe(r1.reconciliations[0]!.id);
      expect(r2.startedBots).toEqual(['bot-1', 'bot-2']);
      expect(r2.blockedBots).toEqual([]);
      expect(two.timer.live).toHaveLength(0);
      expect(await store.reconciliations.get(id2)).toMatchObject({
        outcome: 'accepted',
        acceptedBy: `alice (carried from #${r1.reconciliations[0]!.id})`,
        blockedBots: ['bot-1'],
      });
      expect((await store.reconciliations.get(id2))?.summary).toMatchObject({
        mismatches: [{ kind: 'position', instrument_id: PERP.id, ours: '0.010', theirs: '0.006' }],
      });
      await two.s.stop();

      // The venue moved: another 0.003 sold by hand. A different mismatch blocks bot-1 again.
      manualMarketOrder(world.sim, world.clock, 2, OrderSide.SELL, '0.003');
      print(world.sim, world.clock, '42000.0');
      const three = service(store, world);
      const r3 = await three.s.start();
      expect(r3.reconciliations[0]?.carriedFrom).toBeUndefined();
      expect(r3.reconciliations[0]?.report.mismatches[0]?.theirs.toString()).toBe('0.003');
      expect(r3.blockedBots).toEqual(['bot-1']);
      expect(r3.startedBots).toEqual(['bot-2']);
      expect(await store.reconciliations.get(r3.reconciliations[0]!.id)).toMatchObject({
        outcome: 'mismatch',
      });
      await three.s.stop();
      expect(three.timer.live).toHaveLength(0);
    } finally {
      await store.close();
    }
  });

  it('blocks every bot of the account when a balance disagrees, even bots with no order yet', async () => {
    const store = await freshStore('balance');
    try {
      const clock = new TestClock(T0);
      const world = { clock, sim: simulatedVenue(clock, '99990') };
      const { s, bot, free } = service(store, world);
      running.push(s);
      const r = await s.start();
      expect(r.reconciliations[0]?.report.mismatches.map((m) => m.kind)).toEqual(['balance']);
      expect(r.blockedBots).toEqual(['bot-1', 'bot-2']);
      expect([bot.starts(), free.starts()]).toEqual([0, 0]);
      expect((await store.reconciliations.get(r.reconciliations[0]!.id))?.blockedBots).toEqual([
        'bot-1',
        'bot-2',
      ]);
      expect((await s.acceptReconciliation(r.reconciliations[0]!.id, 'alice')).startedBots).toEqual([
        'bot-1',
        'bot-2',
      ]);
    } finally {
      for (const s of running.splice(0)) await s.stop();
      await store.close();
    }
  });

  it('refuses a bad poll interval before anything starts', () => {
    const clock = new TestClock(T0);
    expect(
      () =>
        new TradingService(
          serviceOptions({
            store: {} as Store,
            venue: new InProcessVenue(simulatedVenue(clock)),
            clock,
            bots: [],
            acceptancePollMs: -1,
          }),
        ),
    ).toThrow('acceptancePollMs: must be a whole number of milliseconds, 0 for no poll, got -1');
  });
});

const database = testDatabaseUrl();

describe.skipIf(database.value === undefined)('TradingService acceptance poll (PostgreSQL)', () => {
  const databases: string[] = [];

  async function admin(statement: string): Promise<void> {
    const client = new pg.Client({ connectionString: database.value });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  }

  /** A database of its own per test, so that test files and tests run side by side. */
  async function freshUrl(): Promise<string> {
    const name = `qubit_t_trading_${randomBytes(4).toString('hex')}`;
    await admin(`CREATE DATABASE ${name}`);
    databases.push(name);
    const u = new URL(database.value!);
    u.pathname = `/${name}`;
    return u.toString();
  }

  afterAll(async () => {
    for (const name of databases.splice(0)) await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });

  it('starts a blocked bot once another process accepts its reconciliation in the store', async () => {
    const url = await freshUrl();
    const store = await openStore({ url });
    const operatorStore = await openStore({ url });
    try {
      const world = await platformThatDisagrees(store);
      const lines: string[] = [];
      const { s, bot, timer } = service(store, world, new ManualTimer(), lines);
      const r = await s.start();
      expect(r.blockedBots).toEqual(['bot-1']);
      expect(timer.live.map((t) => t.delay)).toEqual([2000]);

      // Nothing accepted yet: the poll looks, starts nothing and looks again later.
      timer.fire();
      await vi.waitFor(() => expect(timer.live).toHaveLength(1));
      expect(bot.starts()).toBe(0);

      await acceptReconciliation(operatorStore, r.reconciliations[0]!.id, 'ops');
      timer.fire();
      await vi.waitFor(() => expect(bot.starts()).toBe(1));
      expect(s.blockedBots).toEqual([]);
      expect(timer.live).toHaveLength(0);
      expect(lines).toContain('trading: bot bot-1 started: the reconciliations that blocked it are accepted');
      await s.stop();
    } finally {
      await operatorStore.close();
      await store.close();
    }
  });

  it('logs a poll that fails and goes on polling; stop() cancels the poll', async () => {
    const store = await openStore({ url: await freshUrl() });
    try {
      const world = await platformThatDisagrees(store);
      const lines: string[] = [];
      const { s, timer } = service(store, world, new ManualTimer(), lines);
      await s.start();
      const get = vi.spyOn(store.reconciliations, 'get').mockRejectedValueOnce(new Error('connection lost'));
      timer.fire();
      await vi.waitFor(() => expect(timer.live).toHaveLength(1));
      expect(lines).toContain('trading: acceptance poll failed: connection lost');
      get.mockRestore();
      await s.stop();
      expect(timer.live).toHaveLength(0);
    } finally {
      await store.close();
    }
  });
});

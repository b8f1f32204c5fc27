// Shared by this package's tests: a fresh PGlite directory or PostgreSQL database per use, and sample
// orders. Tests only.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AccountId,
  BotId,
  ClientOrderId,
  Currencies,
  InstrumentId,
  Money,
  Price,
  Quantity,
  StrategyId,
  TradeId,
  TraderId,
  VenueOrderId,
  type OrderAccepted,
  type OrderEventBase,
  type OrderFilled,
  type OrderInitialized,
  type SubmitOrder,
} from '@qubit/model';
import pg from 'pg';
import type { SqlEngine } from './sql-client.js';

/** Where a store lives: what openStore takes. */
export interface TestLocation {
  readonly url?: string;
  readonly dataDir?: string;
}

/**
 * One engine to run a test file's behaviours on. Each `fresh()` is a new empty store location — a temp
 * directory for PGlite, a database created through the superuser URL for PostgreSQL — and `dispose()`
 * removes them all, so test files can run in parallel.
 */
export class EngineCase {
  private readonly dirs: string[] = [];
  private readonly databases: string[] = [];

  constructor(
    readonly engine: SqlEngine,
    /** Why this engine is skipped here (no server configured); undefined when it runs. */
    readonly skipReason: string | undefined,
    private readonly tag: string,
    private readonly adminUrl?: string,
  ) {}

  async fresh(): Promise<TestLocation> {
    if (this.engine === 'pglite') {
      const dir = await mkdtemp(join(tmpdir(), `qubit-store-${this.tag}-`));
      this.dirs.push(dir);
      return { dataDir: join(dir, 'db') };
    }
    if (!this.adminUrl) throw new Error(`postgres is skipped here: ${this.skipReason ?? ''}`);
    const name = `qubit_t_${this.tag}_${randomBytes(4).toString('hex')}`;
    await admin(this.adminUrl, `CREATE DATABASE ${name}`);
    this.databases.push(name);
    const url = new URL(this.adminUrl);
    url.pathname = `/${name}`;
    return { url: url.toString() };
  }

  async dispose(): Promise<void> {
    for (const dir of this.dirs.splice(0)) await rm(dir, { recursive: true, force: true });
    for (const name of this.databases.splice(0)) {
      await admin(this.adminUrl as string, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    }
  }
}

/**
 * PGlite always; PostgreSQL when the test database address is set (skipped with its reason otherwise).
 * `tag` (a-z, 0-9, _) names the test file in directory and database names.
 */
export function engineCases(
  tag: string,
  database: { readonly value: string | undefined; readonly skipReason: string | undefined },
): EngineCase[] {
  if (!/^[a-z0-9_]{1,20}$/.test(tag)) throw new Error(`tag "${tag}" must be 1-20 of a-z, 0-9, _`);
  return [
    new EngineCase('pglite', undefined, tag),
    new EngineCase('postgres', database.value ? undefined : database.skipReason, tag, database.value),
  ];
}

async function admin(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

// ---- sample orders -----------------------------------------------------------------------------

export const T0 = 1_704_067_200_000_000_123n;
export const ACCOUNT = AccountId('SIM-001');
export const BTC = InstrumentId('BTCUSDT.SIM');

/** A LIMIT buy of 1.000 at 100.00 (or as given) whose ids all derive from `n`. */
export function submitOrder(n: number, overrides: Partial<SubmitOrder> = {}): SubmitOrder {
  return {
    type: 'SubmitOrder',
    commandId: `cmd-${n}`,
    traderId: TraderId('QUBIT-001'),
    accountId: ACCOUNT,
    botId: BotId('sma-1'),
    strategyId: StrategyId('sma-cross'),
    instrumentId: BTC,
    clientOrderId: ClientOrderId(`O-${n}`),
    side: 'BUY',
    orderType: 'LIMIT',
    quantity: Quantity.from('1.000'),
    price: Price.from('100.00'),
    timeInForce: 'GTC',
    postOnly: false,
    reduceOnly: false,
    reason: 'entry',
    tsInit: T0 + BigInt(n),
    ...overrides,
  };
}

export function eventBase(o: SubmitOrder, eventId: string, ts: bigint): OrderEventBase {
  return {
    eventId,
    tsEvent: ts,
    tsInit: ts,
    traderId: o.traderId,
    accountId: o.accountId,
    botId: o.botId,
    strategyId: o.strategyId,
    instrumentId: o.instrumentId,
    clientOrderId: o.clientOrderId,
  };
}

export function initialized(o: SubmitOrder, ts = o.tsInit): OrderInitialized {
  const e: OrderInitialized = {
    ...eventBase(o, `init-${o.clientOrderId}`, ts),
    type: 'OrderInitialized',
    side: o.side,
    orderType: o.orderType,
    quantity: o.quantity,
    timeInForce: o.timeInForce,
    postOnly: o.postOnly,
    reduceOnly: o.reduceOnly,
    reason: o.reason,
  };
  return o.price !== undefined ? { ...e, price: o.price } : e;
}

export function accepted(o: SubmitOrder, ts: bigint): OrderAccepted {
  return {
    ...eventBase(o, `acc-${o.clientOrderId}`, ts),
    type: 'OrderAccepted',
    venueOrderId: VenueOrderId(`V-${o.clientOrderId}`),
  };
}

export function filled(o: SubmitOrder, tradeId: string, qty: string, px: string, ts: bigint): OrderFilled {
  return {
    ...eventBase(o, `fill-${tradeId}`, ts),
    type: 'OrderFilled',
    venueOrderId: VenueOrderId(`V-${o.clientOrderId}`),
    tradeId: TradeId(tradeId),
    side: o.side,
    orderType: o.orderType,
    lastQty: Quantity.from(qty),
    lastPx: Price.from(px),
    fee: Money.of('0.01234567', Currencies.USDT),
    liquiditySide: 'MAKER',
  };
}

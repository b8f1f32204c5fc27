import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  AccountId,
  BotId,
  ClientOrderId,
  Currencies,
  Decimal,
  InstrumentId,
  LiquiditySide,
  Money,
  OrderSide,
  OrderType,
  PositionId,
  PositionSide,
  Price,
  Quantity,
  StrategyId,
  TimeInForce,
  TradeId,
  TraderId,
  VenueOrderId,
  type OrderEventBase,
  type SubmitOrder,
} from '@qubit/model';
import { testDatabaseUrl } from '@qubit/test-data';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../store.js';
import { backupStore } from './backup-store.js';
import { restoreStore } from './restore-store.js';

const ACCOUNT = AccountId('SIM-001');
const BTC = InstrumentId('BTCUSDT.SIM');

function submit(n: number, side: OrderSide = OrderSide.BUY): SubmitOrder {
  return {
    type: 'SubmitOrder',
    commandId: `cmd-${n}`,
    traderId: TraderId('QUBIT-001'),
    accountId: ACCOUNT,
    botId: BotId('bot-1'),
    strategyId: StrategyId('sma-cross'),
    instrumentId: BTC,
    clientOrderId: ClientOrderId(`O-${n}`),
    side,
    orderType: OrderType.LIMIT,
    quantity: Quantity.from('1.000'),
    price: Price.from('100.00'),
    timeInForce: TimeInForce.GTC,
    postOnly: false,
    reduceOnly: false,
    reason: 'entry',
    tsInit: 1_000n * BigInt(n),
  };
}

function base(cmd: SubmitOrder, id: string, ts: bigint): OrderEventBase {
  return {
    eventId: id,
    tsEvent: ts,
    tsInit: ts,
    traderId: cmd.traderId,
    accountId: cmd.accountId,
    botId: cmd.botId,
    strategyId: cmd.strategyId,
    instrumentId: cmd.instrumentId,
    clientOrderId: cmd.clientOrderId,
  };
}

/** Three orders, each submitted, accepted and filled (the last one partly), and the position they make. */
async function fillStore(location: { url?: string; dataDir?: string }): Promise<void> {
  const store = await openStore(location);
  try {
    for (const [n, qty] of [
      [1, '1.000'],
      [2, '1.000'],
      [3, '0.250'],
    ] as const) {
      const cmd = submit(n);
      const ts = 1_704_067_200_000_000_000n + BigInt(n) * 1_000_000_123n;
      await store.journal.recordCommand(cmd);
      await store.journal.recordEvent({
        ...base(cmd, `acc-${n}`, ts),
        type: 'OrderAccepted',
        venueOrderId: VenueOrderId(`V-${n}`),
      });
      await store.journal.recordEvent({
        ...base(cmd, `fill-${n}`, ts + 1n),
        type: 'OrderFilled',
        venueOrderId: VenueOrderId(`V-${n}`),
        tradeId: TradeId(`T-${n}`),
        side: cmd.side,
        orderType: cmd.orderType,
        lastQty: Quantity.from(qty),
        lastPx: Price.from(`${99 + n}.25`),
        fee: Money.of('0.01234567', Currencies.USDT),
        liquiditySide: LiquiditySide.MAKER,
      });
    }
    await store.positions.upsert({
      accountId: ACCOUNT,
      botId: BotId('bot-1'),
      instrumentId: BTC,
      positionId: PositionId('BTCUSDT.SIM-bot-1'),
      traderId: TraderId('QUBIT-001'),
      strategyId: StrategyId('sma-cross'),
      side: PositionSide.LONG,
      signedQty: Decimal.from('2.250'),
      quantity: Quantity.from('2.250'),
      cost: Decimal.from('225.81250'),
      avgPxOpen: Price.from('100.36111111'),
      realizedPnl: Decimal.from('0'),
      unrealizedPnl: Decimal.from('1.23'),
      fees: Decimal.from('0.03703701'),
      settlementCurrency: Currencies.USDT,
      openedAt: 1_704_067_201_000_000_123n,
      lastPx: Price.from('102.25'),
    });
  } finally {
    await store.close();
  }
}

/** Every row of the tables a restore must bring back, in a stable order. */
async function snapshot(location: { url?: string; dataDir?: string }): Promise<Record<string, unknown[]>> {
  const store = await openStore(location);
  try {
    return {
      orders: await store.sql.query('select * from orders order by client_order_id'),
      executions: await store.sql.query('select * from executions order by venue, trade_id'),
      positions: await store.sql.query('select * from positions order by account_id, bot_ref, instrument_id'),
      order_events: await store.sql.query('select * from order_events order by seq'),
    };
  } finally {
    await store.close();
  }
}

const pgUrl = testDatabaseUrl();
const tag = `${process.pid}_${Date.now().toString(36)}`;

function withDatabase(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

async function admin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: pgUrl.value });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'qubit-backup-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('backup and restore on PGlite', () => {
  it('restores orders, executions and positions into an empty dir exactly as they were', async () => {
    const source = join(work, 'pglite-source');
    await fillStore({ dataDir: source });
    const before = await snapshot({ dataDir: source });
    expect(before.orders).toHaveLength(3);
    expect(before.executions).toHaveLength(3);
    expect(before.positions).toHaveLength(1);

    const file = join(work, 'qubit-pglite.tar.gz');
    const result = await backupStore({ dataDir: source, file });
    expect(result).toEqual({ file, bytes: readFileSync(file).length, engine: 'pglite' });
    expect(readFileSync(file).subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    expect(existsSync(`${file}.partial`)).toBe(false);

    const target = join(work, 'pglite-target');
    expect(await restoreStore({ dataDir: target, file })).toEqual({ file, engine: 'pglite' });
    expect(await snapshot({ dataDir: target })).toEqual(before);

    // A second restore into what is now a live store is refused and changes nothing.
    await expect(restoreStore({ dataDir: target, file })).rejects.toThrow(
      `restore: ${target} is not empty (it holds`,
    );
    expect(await snapshot({ dataDir: target })).toEqual(before);
  });

  it('backs up a store the platform holds open, which keeps working, and restores what it held then', async () => {
    const source = join(work, 'pglite-live');
    await fillStore({ dataDir: source });
    const before = await snapshot({ dataDir: source });
    const store = await openStore({ dataDir: source });
    const file = join(work, 'qubit-pglite-live.tar.gz');
    try {
      // Writes racing the dump land wholly before or wholly after it: the dump runs between statements.
      const racing = store.journal.recordCommand(submit(4));
      const result = await backupStore({ dataDir: source, file, live: store.sql });
      await racing;
      expect(result.engine).toBe('pglite');
      // The store is still open and writable after the dump.
      await store.journal.recordCommand(submit(5));
      expect(await store.sql.query('select client_order_id from orders order by 1')).toHaveLength(5);
    } finally {
      await store.close();
    }
    const target = join(work, 'pglite-live-target');
    await restoreStore({ dataDir: target, file });
    const restored = await snapshot({ dataDir: target });
    expect(restored.executions).toEqual(before.executions);
    expect(restored.positions).toEqual(before.positions);
    const ids = (restored.orders as { client_order_id: string }[]).map((o) => o.client_order_id);
    expect(ids.slice(0, 3)).toEqual(['O-1', 'O-2', 'O-3']);
    // O-4 was in flight during the dump: all of it or none of it, never half; O-5 came after.
    expect(ids.length === 3 || ids[3] === 'O-4').toBe(true);
    expect(ids).not.toContain('O-5');
  });

  it('refuses a live client that is not an open PGlite one', async () => {
    const source = join(work, 'pglite-source');
    const file = join(work, 'never-written.tar.gz');
    const notPglite = { engine: 'postgres' } as unknown as Parameters<typeof backupStore>[0]['live'];
    await expect(backupStore({ dataDir: source, file, live: notPglite })).rejects.toThrow(
      'backup: live must be the open PGlite client of the store being backed up',
    );
    expect(existsSync(file)).toBe(false);
  });

  it('refuses a directory with anything in it, leaving it as it was', async () => {
    const file = join(work, 'qubit-pglite.tar.gz');
    const dir = join(work, 'not-empty');
    mkdirSync(dir);
    writeFileSync(join(dir, 'keep.txt'), 'mine');
    await expect(restoreStore({ dataDir: dir, file })).rejects.toThrow(
      `restore: ${dir} is not empty (it holds keep.txt); restore only into an absent or empty directory`,
    );
    expect(readdirSync(dir)).toEqual(['keep.txt']);
  });

  it('refuses a gzip file that is not a data dir dump, creating nothing', async () => {
    const junk = join(work, 'junk.tar.gz');
    writeFileSync(junk, gzipSync(Buffer.from('hello')));
    const dir = join(work, 'from-junk');
    await expect(restoreStore({ dataDir: dir, file: junk })).rejects.toThrow(
      `file: ${junk} is a gzip file but not a PGlite data dir dump`,
    );
    expect(existsSync(dir)).toBe(false);
  });

  it('refuses to back up a directory that holds no store, and never overwrites a backup', async () => {
    const empty = join(work, 'no-store');
    mkdirSync(empty);
    await expect(backupStore({ dataDir: empty, file: join(work, 'x.tar.gz') })).rejects.toThrow(
      `backup: ${empty} holds no PGlite store (no PG_VERSION in it)`,
    );
    expect(readdirSync(empty)).toEqual([]);
    const existing = join(work, 'qubit-pglite.tar.gz');
    const bytes = readFileSync(existing);
    await expect(backupStore({ dataDir: join(work, 'pglite-source'), file: existing })).rejects.toThrow(
      `backup: ${existing} already exists; a backup never overwrites another`,
    );
    expect(readFileSync(existing).equals(bytes)).toBe(true);
  });

  it('refuses a file that is no backup, and a location that names no store', async () => {
    const text = join(work, 'notes.txt');
    writeFileSync(text, 'not a backup');
    await expect(restoreStore({ dataDir: join(work, 'x'), file: text })).rejects.toThrow(
      `file: ${text} is not a Qubit backup`,
    );
    await expect(restoreStore({ file: text })).rejects.toThrow(
      'restore: give a PostgreSQL url or a PGlite dataDir',
    );
    await expect(backupStore({ file: text })).rejects.toThrow(
      'backup: give a PostgreSQL url or a PGlite dataDir',
    );
  });
});

describe.skipIf(pgUrl.skipReason !== undefined)('backup and restore on PostgreSQL', () => {
  const src = `qubit_bk_src_${tag}`;
  const dst = `qubit_bk_dst_${tag}`;
  let srcUrl: string;
  let dstUrl: string;

  beforeAll(async () => {
    srcUrl = withDatabase(pgUrl.value!, src);
    dstUrl = withDatabase(pgUrl.value!, dst);
    await admin(`create database ${src}`);
    await admin(`create database ${dst}`);
  });
  afterAll(async () => {
    await admin(`drop database if exists ${src} with (force)`);
    await admin(`drop database if exists ${dst} with (force)`);
  });

  it('restores orders, executions and positions into an empty database exactly as they were', async () => {
    await fillStore({ url: srcUrl });
    const before = await snapshot({ url: srcUrl });
    expect(before.orders).toHaveLength(3);
    expect(before.executions).toHaveLength(3);
    expect(before.positions).toHaveLength(1);

    const file = join(work, 'qubit-postgres.dump');
    const result = await backupStore({ url: srcUrl, file });
    expect(result).toEqual({ file, bytes: readFileSync(file).length, engine: 'postgres' });
    expect(readFileSync(file).subarray(0, 5).toString('latin1')).toBe('PGDMP');
    expect(existsSync(`${file}.partial`)).toBe(false);

    expect(await restoreStore({ url: dstUrl, file })).toEqual({ file, engine: 'postgres' });
    expect(await snapshot({ url: dstUrl })).toEqual(before);

    await expect(restoreStore({ url: dstUrl, file })).rejects.toThrow(
      /^restore: the database at .* is not empty \(it has public\./,
    );
    expect(await snapshot({ url: dstUrl })).toEqual(before);
  });

  it('refuses a PGlite backup for PostgreSQL and a PostgreSQL dump for PGlite', async () => {
    const pgFile = join(work, 'qubit-postgres.dump');
    const gzFile = join(work, 'some.tar.gz');
    writeFileSync(gzFile, gzipSync(Buffer.from('x')));
    await expect(restoreStore({ url: dstUrl, file: gzFile })).rejects.toThrow(
      `restore: ${gzFile} is a pglite backup and cannot be restored into a PostgreSQL database (url); give a PGlite data dir`,
    );
    await expect(restoreStore({ dataDir: join(work, 'pg-into-pglite'), file: pgFile })).rejects.toThrow(
      `restore: ${pgFile} is a postgres backup and cannot be restored into a PGlite data dir; give a PostgreSQL url`,
    );
    expect(existsSync(join(work, 'pg-into-pglite'))).toBe(false);
  });

  it('says pg_dump is missing, and passes on what pg_dump wrote when it fails, leaving no file', async () => {
    const file = join(work, 'never.dump');
    await expect(backupStore({ url: srcUrl, file, pgBinDir: join(work, 'no-bin') })).rejects.toThrow(
      `pg_dump not found at ${join(work, 'no-bin', 'pg_dump')}`,
    );
    const missing = withDatabase(pgUrl.value!, `qubit_bk_missing_${tag}`);
    await expect(backupStore({ url: missing, file })).rejects.toThrow(
      new RegExp(`^pg_dump exited with code 1: .*database "qubit_bk_missing_${tag}" does not exist`),
    );
    expect(existsSync(file)).toBe(false);
    expect(existsSync(`${file}.partial`)).toBe(false);
  });

  it('hands the password to pg_dump through a passfile, which the server checks', async () => {
    // The backup above authenticated with the right password given only through the passfile.
    const u = new URL(srcUrl);
    expect(u.password).not.toBe('');
    u.password = 'wrong-password';
    await expect(backupStore({ url: u.toString(), file: join(work, 'bad-auth.dump') })).rejects.toThrow(
      /pg_dump exited with code 1: .*password authentication failed/,
    );
  });
});

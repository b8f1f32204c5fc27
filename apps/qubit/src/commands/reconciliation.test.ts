import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reconciliationReportToJson, type ReconciliationReport } from '@qubit/engine';
import { AccountId, BotId, ClientOrderId, Decimal, InstrumentId, Price, TradeId } from '@qubit/model';
import { openStore } from '@qubit/store-postgres';
import { Command, CommanderError } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerReconciliationCommands } from './reconciliation.js';

const PERP = InstrumentId('BTCUSDT-PERP.BINANCE');
/** 2024-01-08T00:00:00Z */
const T0 = 1_704_672_000_000_000_000n;

function mismatchReport(theirs: string): ReconciliationReport {
  return {
    venue: 'BINANCE',
    accountId: AccountId('SIM-001'),
    startedAt: T0,
    finishedAt: T0 + 1_500_000_000n,
    emitted: [],
    adopted: [
      {
        kind: 'position',
        instrumentId: PERP,
        clientOrderId: ClientOrderId('O-RECON-1'),
        botId: BotId('reconciliation'),
        quantity: Decimal.parse('0.002'),
        price: Price.from('42000.0'),
        tradeId: TradeId('RECON-BINANCE-1'),
        detail: 'adopted 0.002 at 42000.0 (venue average)',
      },
    ],
    mismatches: [
      {
        kind: 'position',
        instrumentId: PERP,
        ours: Decimal.parse('0.010'),
        theirs: Decimal.parse(theirs),
        detail: `SIM-001 holds 0.010 BTCUSDT-PERP.BINANCE here but ${theirs} at the venue`,
      },
    ],
    blockedBots: [BotId('bot-1')],
    ok: false,
  };
}

interface Run {
  readonly code: number;
  readonly out: string[];
  readonly err: string[];
}

/** `qubit reconciliation …` on a fresh commander program, as main.ts wires it. */
async function qubit(...args: string[]): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  let code = 0;
  const program = new Command('qubit').exitOverride().configureOutput({
    writeOut: (s) => void out.push(s.trimEnd()),
    writeErr: (s) => void err.push(s.trimEnd()),
  });
  registerReconciliationCommands(
    program,
    (c) => (code = c),
    (line, stream) => (stream === 'err' ? err : out).push(line),
  );
  try {
    await program.parseAsync(['reconciliation', ...args], { from: 'user' });
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    code = e.exitCode;
  }
  return { code, out, err };
}

describe('qubit reconciliation on a PGlite data dir', () => {
  let work: string;
  let ok: number;
  let mismatch: number;
  let other: number;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'qubit-cli-reconciliation-'));
    const store = await openStore({ dataDir: join(work, 'pglite') });
    try {
      ok = await store.reconciliations.record({
        ok: true,
        venue: 'BINANCE',
        accountId: 'SIM-001',
        startedAt: T0 - 60_000_000_000n,
      });
      const report = mismatchReport('0.006');
      mismatch = await store.reconciliations.record(report, { summary: reconciliationReportToJson(report) });
      const elsewhere = { ...mismatchReport('0.004'), venue: 'OKX', accountId: AccountId('OKX-1') };
      other = await store.reconciliations.record(elsewhere, {
        summary: reconciliationReportToJson(elsewhere),
      });
    } finally {
      await store.close();
    }
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('lists the newest first as a table, filtered by venue, and as JSON', async () => {
    const all = await qubit('list', '--data-dir', work);
    expect(all).toMatchObject({ code: 0, err: [] });
    expect(all.out[0]?.split(/\s{2,}/)).toEqual([
      'id',
      'time',
      'venue',
      'account',
      'outcome',
      'mismatches',
      'blocked bots',
      'accepted by',
    ]);
    expect(all.out.slice(1).map((l) => l.trim().split(/\s{2,}/))).toEqual([
      [String(other), '2024-01-08T00:00:00Z', 'OKX', 'OKX-1', 'mismatch', '1', 'bot-1', '-'],
      [String(mismatch), '2024-01-08T00:00:00Z', 'BINANCE', 'SIM-001', 'mismatch', '1', 'bot-1', '-'],
      [String(ok), '2024-01-07T23:59:00Z', 'BINANCE', 'SIM-001', 'ok', '-', '-', '-'],
    ]);

    const binance = await qubit('list', '--data-dir', work, '--venue', 'BINANCE', '--limit', '1', '--json');
    expect(binance.code).toBe(0);
    expect(binance.out).toHaveLength(1);
    expect(JSON.parse(binance.out[0]!)).toEqual([
      {
        id: mismatch,
        started_at: '2024-01-08T00:00:00.000Z',
        finished_at: '2024-01-08T00:00:01.500Z',
        venue: 'BINANCE',
        account_id: 'SIM-001',
        outcome: 'mismatch',
        mismatches: 1,
        blocked_bots: ['bot-1'],
        accepted_by: null,
        accepted_at: null,
      },
    ]);
    expect((await qubit('list', '--data-dir', work, '--account', 'NOBODY')).out).toEqual([
      'no reconciliations recorded',
    ]);
  });

  it('shows the mismatches, adoptions and emitted count of one reconciliation', async () => {
    const shown = await qubit('show', String(mismatch), '--data-dir', work);
    expect(shown).toMatchObject({ code: 0, err: [] });
    expect(shown.out).toEqual([
      `reconciliation #${mismatch} SIM-001@BINANCE: mismatch`,
      '  started 2024-01-08T00:00:00Z, finished 2024-01-08T00:00:01.500Z',
      '  blocked bots: bot-1',
      'mismatches (1):',
      '  - position BTCUSDT-PERP.BINANCE: ours 0.010, venue 0.006 — SIM-001 holds 0.010 BTCUSDT-PERP.BINANCE here but 0.006 at the venue',
      'adopted (1):',
      '  - position BTCUSDT-PERP.BINANCE 0.002 as O-RECON-1 (bot reconciliation) — adopted 0.002 at 42000.0 (venue average)',
      'emitted: 0 events',
    ]);
    const json = await qubit('show', String(mismatch), '--json', '--data-dir', work);
    expect(JSON.parse(json.out[0]!)).toMatchObject({
      id: mismatch,
      summary: { mismatches: [{ kind: 'position', ours: '0.010', theirs: '0.006' }] },
    });
  });

  it('accepts with an audit entry, naming the operator from --operator or $USER', async () => {
    const accepted = await qubit('accept', String(mismatch), '--operator', 'alice', '--data-dir', work);
    expect(accepted).toEqual({
      code: 0,
      out: [
        `reconciliation #${mismatch} (SIM-001@BINANCE) accepted by alice; bots no longer blocked: none; still blocked by another reconciliation: bot-1`,
      ],
      err: [],
    });
    const user = process.env.USER;
    process.env.USER = 'bob';
    try {
      const byUser = await qubit('accept', String(other), '--data-dir', work);
      expect(byUser.out).toEqual([
        `reconciliation #${other} (OKX-1@OKX) accepted by bob; bots no longer blocked: bot-1`,
      ]);
    } finally {
      if (user === undefined) delete process.env.USER;
      else process.env.USER = user;
    }
    const store = await openStore({ dataDir: join(work, 'pglite') });
    try {
      expect(await store.reconciliations.get(mismatch)).toMatchObject({
        outcome: 'accepted',
        acceptedBy: 'alice',
      });
      const audit = await store.audit.list({ action: 'reconciliation.accept' });
      expect(audit.map((a) => [a.actor, a.target])).toEqual([
        ['bob', String(other)],
        ['alice', String(mismatch)],
      ]);
    } finally {
      await store.close();
    }
    const listed = await qubit('list', '--data-dir', work, '--limit', '2');
    expect(
      listed.out.slice(1).map((l) =>
        l
          .trim()
          .split(/\s{2,}/)
          .slice(4),
      ),
    ).toEqual([
      ['accepted', '1', 'bot-1', 'bob'],
      ['accepted', '1', 'bot-1', 'alice'],
    ]);
  });

  it('fails with one line and exit code 1 on a bad id, flag or store, changing nothing', async () => {
    const cases: [string[], RegExp][] = [
      [
        ['show', 'abc', '--data-dir', work],
        /^qubit reconciliation show: id must be a positive integer, got "abc"$/,
      ],
      [
        ['show', '0', '--data-dir', work],
        /^qubit reconciliation show: id must be a positive integer, got "0"$/,
      ],
      [['show', '999999', '--data-dir', work], /^qubit reconciliation show: no reconciliation 999999$/],
      [
        ['list', '--limit', '0', '--data-dir', work],
        /^qubit reconciliation list: --limit must be an integer from 1 to 10000, got "0"$/,
      ],
      [
        ['list', '--limit', 'ten', '--data-dir', work],
        /^qubit reconciliation list: --limit must be an integer from 1 to 10000, got "ten"$/,
      ],
      [
        ['list', '--venue', '', '--data-dir', work],
        /^qubit reconciliation list: venue: must be a non-empty string/,
      ],
      [
        ['accept', String(ok), '--data-dir', work],
        new RegExp(
          `^qubit reconciliation accept: id: reconciliation ${ok} is ok: there is nothing to accept$`,
        ),
      ],
      [
        ['accept', String(mismatch), '--data-dir', work],
        new RegExp(
          `^qubit reconciliation accept: id: reconciliation ${mismatch} was already accepted by alice at `,
        ),
      ],
      [
        ['accept', String(mismatch), '--operator', ' ', '--data-dir', work],
        /^qubit reconciliation accept: operator: must be a non-empty string/,
      ],
      [
        ['list', '--data-dir', join(work, 'nowhere')],
        /^qubit reconciliation list: no store in .*nowhere\/pglite \(give --data-dir, or --database-url for PostgreSQL\)$/,
      ],
      [['accept', '--data-dir', work], /^error: missing required argument 'id'$/],
      [['list', '--data-dir', work, '--bogus'], /^error: unknown option '--bogus'$/],
    ];
    for (const [args, message] of cases) {
      const r = await qubit(...args);
      expect({ args, code: r.code, out: r.out }).toEqual({ args, code: 1, out: [] });
      expect(r.err).toHaveLength(1);
      expect(r.err[0]).toMatch(message);
    }
    const store = await openStore({ dataDir: join(work, 'pglite') });
    try {
      expect(await store.audit.list({ action: 'reconciliation.accept' })).toHaveLength(2);
      expect(await store.reconciliations.get(ok)).toMatchObject({ outcome: 'ok' });
    } finally {
      await store.close();
    }
  });
});

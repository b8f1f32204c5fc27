import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AccountId, Decimal } from '@qubit/model';
import { openStore } from '@qubit/store-postgres';
import { RemoteVenueClient } from '@qubit/venue-remote';
import { storeLocation } from '../commands/store-flags.js';
import { QubitProcess } from './qubit-process.js';

const CHURN_BOT = fileURLToPath(new URL('./churn-bot.ts', import.meta.url));
const ACCOUNT = 'SIM-001';
const INSTRUMENT = 'BTCUSDT.BINANCE';
const BALANCES = ['USDT=1000000', 'BTC=10'];

export interface FaultScenarioOptions {
  /** SIGKILLs of the platform, each at a random instant (some during recovery itself). */
  readonly kills: number;
  /** Keep killing (beyond `kills`) until the venue has received at least this many orders. */
  readonly minOrders?: number;
  /** Postgres for the platform's store; PGlite in a temp dir when absent. */
  readonly databaseUrl?: string;
  readonly seed?: number;
  /** The longest a platform run lives before its kill (ms); each run lives a random time up to it. */
  readonly maxRunMs?: number;
  readonly log?: (line: string) => void;
}

export interface FaultScenarioResult {
  readonly kills: number;
  readonly killedDuringRecovery: number;
  readonly venueOrders: number;
  readonly venueFills: number;
  readonly storeFills: number;
  readonly duplicateSubmits: readonly string[];
  readonly missingFills: readonly string[];
  readonly unknownFills: readonly string[];
  readonly positionMismatches: readonly string[];
  readonly balanceMismatches: readonly string[];
  readonly finalReconciliation: string;
  readonly problems: readonly string[];
}

/** xorshift32: the kill instants are random but repeatable from the seed. */
function random(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Issue 4's proof: a bot trades through the platform (`qubit trade`) against `qubit venue sim` in another
 * process; the platform is SIGKILLed at random instants and restarted each time; at the end, after a
 * clean stop, every fill the venue made must be in the store exactly once, no ClientOrderId may have been
 * sent twice, and positions and balances must equal the venue's.
 */
export async function runFaultScenario(o: FaultScenarioOptions): Promise<FaultScenarioResult> {
  const log = o.log ?? (() => {});
  const rnd = random(o.seed ?? 20261121);
  const maxRunMs = o.maxRunMs ?? 2500;
  const root = mkdtempSync(join(tmpdir(), 'qubit-fault-'));
  const storeArgs = o.databaseUrl
    ? ['--database-url', o.databaseUrl]
    : ['--data-dir', join(root, 'platform')];
  const venue = new QubitProcess([
    'venue',
    'sim',
    '--port',
    '0',
    '--data-dir',
    join(root, 'venue'),
    '--instrument',
    INSTRUMENT,
    '--account',
    ACCOUNT,
    ...BALANCES.flatMap((b) => ['--balance', b]),
    '--seed',
    String(o.seed ?? 7),
    '--quote-interval-ms',
    '20',
  ]);
  const problems: string[] = [];
  try {
    const url = (await venue.waitFor(/listening on (http:\/\/\S+)/, 60_000))[1]!;
    log(`venue sim at ${url}`);
    const tradeArgs = [
      'trade',
      '--venue-url',
      url,
      '--bot',
      CHURN_BOT,
      '--bot-id',
      'churn-1',
      '--account',
      ACCOUNT,
      '--instrument',
      INSTRUMENT,
      ...BALANCES.flatMap((b) => ['--balance', b]),
      ...storeArgs,
    ];
    const client = new RemoteVenueClient({ url, venue: 'BINANCE', accounts: [ACCOUNT] });
    let kills = 0;
    let killedDuringRecovery = 0;
    const venueOrders = async (): Promise<number> =>
      ((await (await fetch(`${url}/v1/stats`)).json()) as { submits: number }).submits;
    while (kills < o.kills || (o.minOrders !== undefined && (await venueOrders()) < o.minOrders)) {
      const platform = new QubitProcess(tradeArgs);
      // One run in four is killed at a random instant of its start-up (recovery itself must survive a
      // kill); the others once they trade, at a random instant of their run.
      const duringRecovery = rnd() < 0.25;
      const started = platform.waitFor(/^trading: started/, 120_000).then(
        () => true,
        (err: Error) => err,
      );
      if (duringRecovery) {
        const outcome = await Promise.race([
          started,
          sleep(Math.floor(rnd() * 3000)).then(() => 'timer' as const),
        ]);
        if (outcome === 'timer') killedDuringRecovery++;
      } else {
        const outcome = await started;
        if (outcome instanceof Error) {
          problems.push(`platform run ${kills + 1} failed before it started: ${outcome.message}`);
          platform.kill('SIGKILL');
          await platform.exited;
          break;
        }
        await sleep(200 + Math.floor(rnd() * maxRunMs));
      }
      platform.kill('SIGKILL');
      await platform.exited;
      kills++;
      const mismatch = platform.lines.find((l) => l.includes('MISMATCH'));
      if (mismatch) problems.push(`run ${kills}: ${mismatch}`);
      if (kills % 10 === 0) log(`${kills} kills, ${await venueOrders()} orders at the venue`);
    }
    // A last run that starts, trades a moment and stops cleanly (its bot cancels what it left working).
    const last = new QubitProcess(tradeArgs);
    await last.waitFor(/^trading: started/, 120_000);
    await sleep(500);
    last.kill('SIGTERM');
    const exit = await last.exited;
    if (exit.code !== 0)
      problems.push(`the final run exited with ${exit.code ?? exit.signal}:\n${last.tail()}`);
    // Once nothing works at the venue, no fill can happen any more; a run that only recovers and
    // reconciles (its bot inactive) then brings in whatever raced with the stop. Its record is the verdict.
    const account = AccountId(ACCOUNT, 'account');
    for (let i = 0; i < 100 && (await client.fetchOpenOrders(account)).length > 0; i++) await sleep(100);
    const open = await client.fetchOpenOrders(account);
    if (open.length > 0) problems.push(`${open.length} orders still open at the venue after the final stop`);
    const verify = new QubitProcess([...tradeArgs, '--set', 'active=false']);
    await verify.waitFor(/^trading: started/, 120_000);
    verify.kill('SIGTERM');
    const verifyExit = await verify.exited;
    if (verifyExit.code !== 0)
      problems.push(
        `the verification run exited with ${verifyExit.code ?? verifyExit.signal}:\n${verify.tail()}`,
      );
    const finalReconciliation =
      verify.lines.find((l) => l.startsWith('trading: reconciliation')) ?? 'no reconciliation line';
    if (!finalReconciliation.includes(': ok,')) problems.push(`final reconciliation: ${finalReconciliation}`);

    // The venue's truth.
    const venueFills = await client.fetchFills(account);
    const venuePositions = await client.fetchPositions(account);
    const venueBalances = await client.fetchBalances(account);
    const stats = (await (await fetch(`${url}/v1/stats`)).json()) as {
      submits: number;
      duplicateSubmits: string[];
    };
    await client.close();

    // The store's record (the platform has exited: PGlite is ours to open).
    const store = await openStore(
      storeLocation({ dataDir: join(root, 'platform'), databaseUrl: o.databaseUrl }),
    );
    try {
      const rows = await store.sql.query<{ trade_id: string; n: string }>(
        `select trade_id, count(*)::text as n from executions where venue = 'BINANCE' group by trade_id`,
      );
      const stored = new Map(rows.map((r) => [r.trade_id, Number(r.n)]));
      const venueIds = new Set(venueFills.map((f) => f.tradeId as string));
      const missingFills = [...venueIds].filter((id) => stored.get(id) !== 1);
      const unknownFills = [...stored.keys()].filter((id) => !venueIds.has(id) && !id.startsWith('RECON-'));
      const positions = await store.sql.query<{ instrument_id: string; qty: string }>(
        `select instrument_id, sum(signed_qty)::text as qty from positions where account_id = $1 group by instrument_id`,
        [ACCOUNT],
      );
      const positionMismatches: string[] = [];
      const ours = new Map(positions.map((p) => [p.instrument_id, Decimal.parse(p.qty)]));
      for (const p of venuePositions) {
        const mine = ours.get(p.instrumentId) ?? Decimal.ZERO;
        if (!mine.eq(p.netQty)) positionMismatches.push(`${p.instrumentId}: ours ${mine}, venue ${p.netQty}`);
        ours.delete(p.instrumentId);
      }
      for (const [id, q] of ours) if (!q.isZero()) positionMismatches.push(`${id}: ours ${q}, venue 0`);
      const latest = await store.sql.query<{ balances: unknown }>(
        `select balances from account_states where account_id = $1 order by seq desc limit 1`,
        [ACCOUNT],
      );
      const balanceMismatches: string[] = [];
      const ourBalances = balancesFromJson(latest[0]?.balances);
      for (const b of venueBalances) {
        const mine = ourBalances.get(b.currency.code);
        if (!mine || !mine.eq(b.amount))
          balanceMismatches.push(`${b.currency.code}: ours ${mine}, venue ${b.amount}`);
      }
      return {
        kills,
        killedDuringRecovery,
        venueOrders: stats.submits,
        venueFills: venueFills.length,
        storeFills: [...stored.values()].reduce((a, b) => a + b, 0),
        duplicateSubmits: stats.duplicateSubmits,
        missingFills,
        unknownFills,
        positionMismatches,
        balanceMismatches,
        finalReconciliation,
        problems,
      };
    } finally {
      await store.close();
    }
  } finally {
    venue.kill('SIGTERM');
    await venue.exited;
    rmSync(root, { recursive: true, force: true });
  }
}

/** `account_states.balances` as written by the store: [{ currency, total, … }] with decimal strings. */
function balancesFromJson(json: unknown): Map<string, Decimal> {
  const out = new Map<string, Decimal>();
  if (!Array.isArray(json)) return out;
  for (const b of json as { currency?: string; total?: string }[]) {
    if (typeof b.currency === 'string' && typeof b.total === 'string')
      out.set(b.currency, Decimal.parse(b.total));
  }
  return out;
}

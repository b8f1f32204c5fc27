import { existsSync } from 'node:fs';
import { acceptReconciliation } from '@qubit/service-trading';
import { openStore, type Store, type StoredReconciliation } from '@qubit/store-postgres';
import type { Command } from 'commander';
import { storeLocation, type StoreFlags } from './store-flags.js';

/** Where a line goes: results to stdout, the one-line error of a failed command to stderr. */
export type ReconciliationPrint = (line: string, stream?: 'out' | 'err') => void;

const consolePrint: ReconciliationPrint = (line, stream = 'out') =>
  stream === 'err' ? console.error(line) : console.log(line);

/** Thrown for a bad argument or flag: printed as one line, exit code 1. */
class ReconciliationUsageError extends Error {}

interface ListFlags extends StoreFlags {
  readonly limit?: string;
  readonly venue?: string;
  readonly account?: string;
  readonly json?: boolean;
}

interface ShowFlags extends StoreFlags {
  readonly json?: boolean;
}

interface AcceptFlags extends StoreFlags {
  readonly operator?: string;
}

/**
 * `qubit reconciliation list|show|accept`: what reconciliation concluded for each account, and the
 * operator's acceptance of a mismatch that blocks bots. An acceptance is written to the store with an
 * audit entry; a `qubit trade` on the same PostgreSQL store sees it at its next poll and starts the bots
 * it no longer blocks. The embedded store allows one process and PGlite locks nothing, so there accept
 * while `qubit trade` is stopped: its next start carries the acceptance over while the mismatch is the same.
 */
export function registerReconciliationCommands(
  program: Command,
  setCode: (code: number) => void,
  print: ReconciliationPrint = consolePrint,
): void {
  const group = program
    .command('reconciliation')
    .description("what reconciliation with the venue concluded at each start, and an operator's acceptance");
  const withStore = (c: Command): Command =>
    c
      .option(
        '--data-dir <dir>',
        'data directory (the embedded store is in <dir>/pglite)',
        process.env.QUBIT_DATA_DIR ?? './data',
      )
      .option('--database-url <url>', 'PostgreSQL store', process.env.QUBIT_DATABASE_URL);
  const run = (name: string, work: (store: Store) => Promise<void>, flags: StoreFlags) =>
    runCommand(`qubit reconciliation ${name}`, flags, work, print).then(setCode);

  withStore(
    group
      .command('list')
      .description('the newest reconciliations first: outcome, mismatches, blocked bots, who accepted')
      .option('--limit <n>', 'how many (1-10000)', '20')
      .option('--venue <venue>', 'of one venue')
      .option('--account <id>', 'of one account')
      .option('--json', 'one JSON array instead of a table'),
  ).action((o: ListFlags) =>
    run(
      'list',
      async (store) => {
        const limit = positiveInteger(o.limit ?? '20', '--limit', 10_000);
        const rows = await store.reconciliations.list(limit, {
          ...(o.venue !== undefined ? { venue: o.venue } : {}),
          ...(o.account !== undefined ? { accountId: o.account } : {}),
        });
        if (o.json) print(JSON.stringify(rows.map((r) => recordJson(r, false))));
        else if (rows.length === 0) print('no reconciliations recorded');
        else for (const line of table(rows)) print(line);
      },
      o,
    ),
  );

  withStore(
    group
      .command('show <id>')
      .description('one reconciliation: its mismatches, adoptions and the events it emitted')
      .option('--json', 'the whole record as JSON'),
  ).action((id: string, o: ShowFlags) =>
    run(
      'show',
      async (store) => {
        const r = await store.reconciliations.get(positiveInteger(id, 'id'));
        if (!r) throw new ReconciliationUsageError(`no reconciliation ${id}`);
        if (o.json) print(JSON.stringify(recordJson(r, true)));
        else for (const line of details(r)) print(line);
      },
      o,
    ),
  );

  withStore(
    group
      .command('accept <id>')
      .description(
        'accept a mismatch: the bots it blocks may start (audited); on the embedded store, only while qubit trade is stopped',
      )
      .option('--operator <name>', 'who accepts (default: $USER, else "operator")'),
  ).action((id: string, o: AcceptFlags) =>
    run(
      'accept',
      async (store) => {
        const operator = o.operator ?? (process.env.USER?.trim() || 'operator');
        const r = await acceptReconciliation(store, positiveInteger(id, 'id'), operator);
        const stillBlocked = new Set(await store.reconciliations.blockedBots());
        const freed = r.blockedBots.filter((b) => !stillBlocked.has(b));
        const held = r.blockedBots.filter((b) => stillBlocked.has(b));
        print(
          `reconciliation #${r.id} (${r.accountId}@${r.venue}) accepted by ${operator}; ` +
            `bots no longer blocked: ${freed.join(', ') || 'none'}` +
            (held.length > 0 ? `; still blocked by another reconciliation: ${held.join(', ')}` : ''),
        );
      },
      o,
    ),
  );
}

/** Opens the store, runs the work, closes the store; any failure is one line and exit code 1. */
async function runCommand(
  name: string,
  flags: StoreFlags,
  work: (store: Store) => Promise<void>,
  print: ReconciliationPrint,
): Promise<number> {
  let store: Store | undefined;
  try {
    const location = storeLocation(flags);
    // Opening an embedded store creates it; a mistyped --data-dir must not leave an empty one behind.
    if ('dataDir' in location && !existsSync(location.dataDir)) {
      throw new ReconciliationUsageError(
        `no store in ${location.dataDir} (give --data-dir, or --database-url for PostgreSQL)`,
      );
    }
    store = await openStore(location);
    await work(store);
    return 0;
  } catch (err) {
    const text = err instanceof Error ? err.message : String(err);
    print(`${name}: ${text.replace(/\s*\n\s*/g, ' ').trim()}`, 'err');
    return 1;
  } finally {
    await store?.close().catch(() => undefined);
  }
}

function positiveInteger(text: string, what: string, max = Number.MAX_SAFE_INTEGER): number {
  const n = /^\d{1,16}$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? 'a positive integer' : `an integer from 1 to ${max}`;
    throw new ReconciliationUsageError(`${what} must be ${range}, got "${text}"`);
  }
  return n;
}

// ---- reading a summary --------------------------------------------------------------------------

type Json = Record<string, unknown>;

/** The summary's entries of one list (`mismatches`, `adopted`, `emitted`); undefined when it has none. */
function entries(r: StoredReconciliation, key: string): Json[] | undefined {
  const s = r.summary;
  if (typeof s !== 'object' || s === null) return undefined;
  const list = (s as Json)[key];
  return Array.isArray(list) ? list.filter((e): e is Json => typeof e === 'object' && e !== null) : undefined;
}

/** A field of a summary entry, snake_case (reconciliationReportToJson) or camelCase (a report kept as is). */
function field(e: Json, snake: string, camel = snake): string | undefined {
  const v = e[snake] ?? e[camel];
  return v === undefined || v === null ? undefined : String(v);
}

function time(d: Date | undefined): string {
  return d ? d.toISOString().replace('.000Z', 'Z') : '-';
}

function recordJson(r: StoredReconciliation, withSummary: boolean): Json {
  const o: Json = {
    id: r.id,
    started_at: r.startedAt.toISOString(),
    finished_at: r.finishedAt?.toISOString() ?? null,
    venue: r.venue,
    account_id: r.accountId,
    outcome: r.outcome,
    mismatches: entries(r, 'mismatches')?.length ?? null,
    blocked_bots: [...r.blockedBots],
    accepted_by: r.acceptedBy ?? null,
    accepted_at: r.acceptedAt?.toISOString() ?? null,
  };
  if (withSummary) o.summary = r.summary;
  return o;
}

function table(rows: readonly StoredReconciliation[]): string[] {
  const header = ['id', 'time', 'venue', 'account', 'outcome', 'mismatches', 'blocked bots', 'accepted by'];
  const cells = rows.map((r) => [
    String(r.id),
    time(r.startedAt),
    r.venue,
    r.accountId,
    r.outcome,
    String(entries(r, 'mismatches')?.length ?? '-'),
    r.blockedBots.join(',') || '-',
    r.acceptedBy ?? '-',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: readonly string[]): string =>
    c
      .map((v, i) => (i === 0 || i === 5 ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), ...cells.map(line)];
}

function details(r: StoredReconciliation): string[] {
  const out = [
    `reconciliation #${r.id} ${r.accountId}@${r.venue}: ${r.outcome}`,
    `  started ${time(r.startedAt)}, finished ${time(r.finishedAt)}`,
    `  blocked bots: ${r.blockedBots.join(', ') || 'none'}`,
  ];
  if (r.acceptedBy !== undefined) out.push(`  accepted by ${r.acceptedBy} at ${time(r.acceptedAt)}`);
  const mismatches = entries(r, 'mismatches');
  out.push(mismatches === undefined ? 'mismatches: not recorded' : `mismatches (${mismatches.length}):`);
  for (const m of mismatches ?? []) {
    const about =
      field(m, 'instrument_id', 'instrumentId') ??
      field(m, 'currency') ??
      field(m, 'client_order_id', 'clientOrderId') ??
      '';
    out.push(
      `  - ${field(m, 'kind') ?? '?'}${about ? ` ${about}` : ''}: ours ${field(m, 'ours') ?? '?'}, ` +
        `venue ${field(m, 'theirs') ?? '?'} — ${field(m, 'detail') ?? ''}`,
    );
  }
  const adopted = entries(r, 'adopted');
  out.push(adopted === undefined ? 'adopted: not recorded' : `adopted (${adopted.length}):`);
  for (const a of adopted ?? []) {
    out.push(
      `  - ${field(a, 'kind') ?? '?'} ${field(a, 'instrument_id', 'instrumentId') ?? '?'} ` +
        `${field(a, 'quantity') ?? '?'} as ${field(a, 'client_order_id', 'clientOrderId') ?? '?'} ` +
        `(bot ${field(a, 'bot_id', 'botId') ?? '?'}) — ${field(a, 'detail') ?? ''}`,
    );
  }
  const emitted = entries(r, 'emitted');
  if (emitted === undefined) out.push('emitted: not recorded');
  else {
    const byType = new Map<string, number>();
    for (const e of emitted) {
      const t = field(e, 'type') ?? '?';
      byType.set(t, (byType.get(t) ?? 0) + 1);
    }
    const kinds = [...byType].map(([t, n]) => `${t} ×${n}`).join(', ');
    out.push(`emitted: ${emitted.length} events${kinds ? ` (${kinds})` : ''}`);
  }
  return out;
}

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '@qubit/store-postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { QubitProcess } from '../fault/qubit-process.js';

const work = mkdtempSync(join(tmpdir(), 'qubit-serve-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The environment of a user's shell, without this machine's QUBIT_* settings. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('QUBIT_')) env[k] = v;
  return { ...env, ...extra };
}

async function runFor(ms: number, args: readonly string[], env = cleanEnv()): Promise<QubitProcess> {
  const p = new QubitProcess(['serve', ...args], env);
  await p.waitFor(/^serve: marketdata role up/, 60_000);
  await new Promise((r) => setTimeout(r, ms));
  p.kill('SIGINT');
  await p.waitFor(/^serve: stopped/, 30_000);
  expect(await p.exited).toEqual({ code: 0, signal: null });
  return p;
}

describe('qubit serve --roles marketdata', () => {
  it('registers the configured instruments, says it runs on synthetic data offline, ingests, and stops cleanly', async () => {
    const dataDir = join(work, 'data');
    const p = await runFor(4_000, ['--roles', 'marketdata', '--offline', '--data-dir', dataDir]);
    expect(p.lines).toContain(
      'marketdata: offline mode: no network attempt; using the SYNTHETIC feed (synthetic) — prices are generated, not real',
    );
    const store = await openStore({ dataDir: join(dataDir, 'pglite') });
    try {
      expect((await store.instruments.list()).map((i) => i.instrument.id).sort()).toEqual([
        'BTCUSDT.BINANCE',
        'ETHUSDT.BINANCE',
      ]);
      const ticks = await store.sql.query<{ symbol: string; n: string }>(
        'SELECT symbol, count(*)::text AS n FROM ticks GROUP BY symbol ORDER BY symbol',
      );
      expect(ticks.map((t) => t.symbol)).toEqual(['BTCUSDT.BINANCE', 'ETHUSDT.BINANCE']);
      expect(ticks.every((t) => Number(t.n) > 0)).toBe(true);
      const bars = await store.sql.query<{ n: string }>(
        "SELECT count(*)::text AS n FROM bars WHERE bar_type LIKE '%-1-SECOND-LAST'",
      );
      expect(Number(bars[0]!.n)).toBeGreaterThan(0);
    } finally {
      await store.close();
    }
  }, 120_000);

  it('refuses roles that are not built yet and a bad setting, naming them, starting nothing', async () => {
    const roles = new QubitProcess(
      ['serve', '--roles', 'gateway,marketdata', '--data-dir', join(work, 'r')],
      cleanEnv(),
    );
    await roles.waitFor(/^serve: the gateway role is not built yet/, 30_000);
    expect((await roles.exited).code).toBe(1);
    const bad = new QubitProcess(
      ['serve', '--offline', '--data-dir', join(work, 'b')],
      cleanEnv({ QUBIT_PORT: 'eighty' }),
    );
    await bad.waitFor(/^config: QUBIT_PORT: expected a whole number, got "eighty"$/, 30_000);
    expect((await bad.exited).code).toBe(1);
  }, 60_000);
});

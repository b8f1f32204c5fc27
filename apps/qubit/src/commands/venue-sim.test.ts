import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { venueSimCommand, type VenueSimFlags } from './venue-sim.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function flags(over: Partial<VenueSimFlags> = {}): VenueSimFlags {
  const dataDir = mkdtempSync(join(tmpdir(), 'qubit-venue-cli-'));
  dirs.push(dataDir);
  return {
    port: 0,
    dataDir,
    instruments: 'BTCUSDT.BINANCE,ETHUSDT.BINANCE',
    account: 'SIM-1',
    balance: ['USDT=1000000', 'BTC=1'],
    seed: 7,
    quoteIntervalMs: 20,
    ...over,
  };
}

describe('qubit venue sim', () => {
  it('prints its address first, serves the protocol, and stops cleanly with exit code 0', async () => {
    const lines: string[] = [];
    const stop = new AbortController();
    const done = venueSimCommand(flags(), (l) => lines.push(l), { signal: stop.signal, warn: () => {} });
    while (lines.length === 0) await new Promise((r) => setTimeout(r, 5));
    const m = /^venue sim listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(lines[0]!);
    expect(m).not.toBeNull();
    const url = m![1]!;
    expect(await (await fetch(`${url}/v1/health`)).json()).toMatchObject({ status: 'ok', venue: 'BINANCE' });
    const instruments = (await (await fetch(`${url}/v1/instruments`)).json()) as {
      instruments: { id: string }[];
    };
    expect(instruments.instruments.map((i) => i.id)).toEqual(['BTCUSDT.BINANCE', 'ETHUSDT.BINANCE']);
    const balances = (await (await fetch(`${url}/v1/accounts/SIM-1/balances`)).json()) as {
      balances: unknown[];
    };
    expect(balances.balances).toEqual([
      { amount: '1000000.00000000', currency: 'USDT' },
      { amount: '1.00000000', currency: 'BTC' },
    ]);
    stop.abort();
    expect(await done).toBe(0);
    expect(lines.at(-1)).toBe('venue sim stopped: 0 orders received, 0 fills, 0 duplicate submits');
    await expect(fetch(`${url}/v1/health`)).rejects.toThrow();
  });

  it('refuses unknown instruments, malformed balances and mixed venues, naming the flag', async () => {
    const print = (): void => {};
    await expect(venueSimCommand(flags({ instruments: 'DOGE.BINANCE' }), print)).rejects.toThrow(
      '--instrument: DOGE.BINANCE is not a shipped instrument',
    );
    await expect(venueSimCommand(flags({ balance: ['USDT:5'] }), print)).rejects.toThrow(
      '--balance #1: expected CURRENCY=AMOUNT, got "USDT:5"',
    );
    await expect(venueSimCommand(flags({ balance: ['USDT=abc'] }), print)).rejects.toThrow('--balance USDT');
    await expect(
      venueSimCommand(flags({ instruments: 'BTCUSDT.BINANCE,VN30F1M.HNX' }), print),
    ).rejects.toThrow('--instrument: one venue per process, got BINANCE and HNX');
    await expect(venueSimCommand(flags({ accountType: 'SPOT' }), print)).rejects.toThrow(
      '--account-type: "SPOT" is not one of CASH, MARGIN',
    );
  });
});

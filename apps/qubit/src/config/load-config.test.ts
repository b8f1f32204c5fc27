import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './load-config.js';
import { printConfig } from './print-config.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'qubit-config-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function problemsOf(fn: () => unknown): readonly string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('gives the embedded defaults with no file, no variables and no flags', () => {
    const { config, sources } = loadConfig({ env: {}, cwd: dir });
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 8080,
      data_dir: './data',
      offline: false,
      roles: ['gateway', 'supervisor', 'trading', 'marketdata'],
      marketdata: { paper_wait_ms: 5000, instruments: ['BTCUSDT.BINANCE', 'ETHUSDT.BINANCE'] },
      backups: { enabled: true, at: '02:00' },
    });
    expect(config.database_url).toBeUndefined();
    expect(sources.port).toBe('default');
  });

  it('layers qubit.config.yaml, then QUBIT_* variables, then flags', () => {
    writeFileSync(
      join(dir, 'qubit.config.yaml'),
      'port: 9000\ndata_dir: /srv/qubit\nmarketdata:\n  paper_wait_ms: 2000\n',
    );
    const { config, sources } = loadConfig({
      env: {
        QUBIT_PORT: '9100',
        QUBIT_OFFLINE: '1',
        QUBIT_MARKETDATA__INSTRUMENTS: 'SOLUSDT.BINANCE, BTCUSDT.BINANCE',
      },
      flags: { port: 9200 },
      cwd: dir,
    });
    expect(config.port).toBe(9200);
    expect(config.data_dir).toBe('/srv/qubit');
    expect(config.offline).toBe(true);
    expect(config.marketdata.paper_wait_ms).toBe(2000);
    expect(config.marketdata.instruments).toEqual(['SOLUSDT.BINANCE', 'BTCUSDT.BINANCE']);
    expect(sources).toMatchObject({
      port: 'flag',
      offline: 'QUBIT_OFFLINE',
      data_dir: join(dir, 'qubit.config.yaml'),
    });
  });

  it('reports every problem at once, each with its key and where it was set', () => {
    writeFileSync(
      join(dir, 'qubit.config.yaml'),
      ['port: 80000', 'marketdata:', '  paper_wait_ms: soon', '  feeds: 3', 'backups:', '  at: "2am"'].join(
        '\n',
      ),
    );
    const file = join(dir, 'qubit.config.yaml');
    const problems = problemsOf(() =>
      loadConfig({
        env: { QUBIT_OFFLINE: 'maybe', QUBIT_PORTT: '1', QUBIT_TEST_DATABASE_URL: 'x' },
        cwd: dir,
      }),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        'QUBIT_OFFLINE: expected 1/0, true/false, yes/no or on/off, got "maybe"',
        expect.stringMatching(/^QUBIT_PORTT: not a Qubit setting/),
        expect.stringMatching(new RegExp(`^${file}:1: port: `)),
        `${file}:3: marketdata.paper_wait_ms: expected number`,
        `${file}:4: marketdata.feeds: not a Qubit setting`,
        `${file}:6: backups.at: expected a UTC time of day HH:MM`,
      ]),
    );
    expect(problems).toHaveLength(6);
  });

  it('refuses a file that is not YAML or not a mapping, and a missing --config', () => {
    writeFileSync(join(dir, 'bad.yaml'), 'port: [1, 2\n');
    expect(problemsOf(() => loadConfig({ file: 'bad.yaml', env: {}, cwd: dir }))[0]).toMatch(
      /bad\.yaml:\d+: /,
    );
    writeFileSync(join(dir, 'list.yaml'), '- 1\n- 2\n');
    expect(problemsOf(() => loadConfig({ file: 'list.yaml', env: {}, cwd: dir }))).toEqual([
      `${join(dir, 'list.yaml')}: expected a mapping of settings at the top level`,
    ]);
    expect(problemsOf(() => loadConfig({ file: 'nope.yaml', env: {}, cwd: dir }))).toEqual([
      `--config: ${join(dir, 'nope.yaml')} does not exist`,
    ]);
  });

  it('prints the effective configuration with its secrets masked', () => {
    const { config, sources } = loadConfig({
      env: {
        QUBIT_ADMIN_PASSWORD: 'correct horse battery',
        QUBIT_DATABASE_URL: 'postgres://qubit:hunter2@db:5432/qubit',
        QUBIT_SECRET_KEY: 'aa'.repeat(32),
      },
      cwd: dir,
    });
    const text = printConfig(config, sources);
    expect(text).not.toContain('correct horse');
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('aa'.repeat(32));
    expect(text).toContain('admin_password: "********"');
    expect(text).toContain('database_url: postgres://qubit:********@db:5432/qubit');
    expect(text).toContain('#   admin_password: QUBIT_ADMIN_PASSWORD');
  });
});

import { ModelError } from '@qubit/model';
import { Command, InvalidArgumentError } from 'commander';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { scaffoldBot, UsageError } from './commands/bot-scaffold.js';
import { backtestCommand, type BacktestFlags } from './commands/backtest.js';
import { BUNDLED_BOTS } from './commands/bot-registry.js';
import { backupCommand, restoreCommand } from './commands/backup.js';
import { registerConfigCommands } from './commands/config.js';
import { registerDataCommands } from './commands/data.js';
import { runDemo } from './commands/demo.js';
import { registerReconciliationCommands } from './commands/reconciliation.js';
import { registerServeCommand } from './commands/serve.js';
import { tradeCommand, type TradeFlags } from './commands/trade.js';
import { venueSimCommand, type VenueSimFlags } from './commands/venue-sim.js';

function positiveInt(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0)
      throw new InvalidArgumentError(`${name} must be a positive integer, got "${v}"`);
    return n;
  };
}

/** The `qubit` command line. Returns the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  let code = 0;
  const program = new Command('qubit')
    .description('Qubit: run trading bots — backtest, paper and live — behind pre-trade risk controls')
    .version('0.1.0')
    .exitOverride();
  program
    .command('demo')
    .description('backtest the sma-cross bot on synthetic bars through the whole kernel (no network needed)')
    .option('--bars <n>', 'number of 1-minute bars', positiveInt('--bars'), 5000)
    .option('--seed <n>', 'seed of the synthetic market', positiveInt('--seed'), 42)
    .option('--fast <n>', 'fast SMA period', positiveInt('--fast'), 10)
    .option('--slow <n>', 'slow SMA period', positiveInt('--slow'), 30)
    .action((o: { bars: number; seed: number; fast: number; slow: number }) => {
      code = runDemo(o, (line) => console.log(line));
    });
  const collect = (v: string, prev: string[]): string[] => [...prev, v];
  program
    .command('backtest')
    .description('run a bot over recorded data through the whole kernel and write report.json + report.html')
    .requiredOption('--bot <name|path>', 'a bundled bot (sma-cross, …) or a file exporting a bot definition')
    .requiredOption(
      '--data <file|dir|store:…>',
      'market data: CSV / JSON (.gz) bars, trades, quotes or book files; or store:, store:<data-dir>, store:postgres://… (what qubit data import stored)',
    )
    .option(
      '--timeframe <tf>',
      'with --data store:…: 1m, 5-MINUTE, a bar type, or trades (the only series stored when absent)',
    )
    .option(
      '--instrument <id>',
      'instrument of the data, e.g. BTCUSDT.BINANCE or VN30F1M.HNX (guessed from the data otherwise)',
    )
    .option('--from <time>', 'first time to replay (ISO 8601)')
    .option('--to <time>', 'last time to replay (ISO 8601)')
    .option('--set <key=value>', 'a bot config value (repeatable)', collect, [])
    .option('--out <dir>', 'where to write report.json and report.html', 'backtest-report')
    .option('--balance <amount>', 'starting balance in the settlement currency', '1000000')
    .option(
      '--sweep <key=from..to:step>',
      'sweep a parameter (repeatable); runs every combination on all cores',
      collect,
      [],
    )
    .option('--sort <metric>', 'metric to rank sweeps and walk-forward choices by', 'sharpe')
    .option(
      '--walk-forward <windows>',
      'split the data into N windows, each in-sample then out-of-sample',
      positiveInt('--walk-forward'),
    )
    .option('--in-sample <fraction>', 'in-sample share of each walk-forward window', Number, 0.7)
    .option(
      '--bar-path <path>',
      'how a bar is walked to fill resting orders: OHLC (adaptive), HIGH_FIRST, LOW_FIRST',
    )
    .option('--slippage-ticks <n>', 'adverse slippage of market and stop fills, in ticks', Number)
    .option('--maker-fee <rate>', "maker fee rate replacing the instrument's (0.0002 = 0.02 %)")
    .option('--taker-fee <rate>', "taker fee rate replacing the instrument's")
    .action(async (o: BacktestFlags) => {
      code = await backtestCommand(o, (line) => console.log(line));
    });
  program
    .command('trade')
    .description(
      'run a bot through the trading role (risk, durable execution, portfolio) against a remote venue such as `qubit venue sim`; recovers from the journal and reconciles with the venue on start',
    )
    .requiredOption('--venue-url <url>', 'the venue server, e.g. http://127.0.0.1:7070')
    .option('--venue <name>', 'venue name of the instruments', 'BINANCE')
    .option('--instrument <id>', 'instrument to trade (repeatable)', collect, [])
    .option('--account <id>', 'account at the venue', 'SIM-001')
    .option('--account-type <type>', 'CASH or MARGIN (CASH when every instrument is spot)')
    .option('--balance <CUR=amount>', 'starting balance of the account (repeatable)', collect, [])
    .requiredOption('--bot <name|path>', 'a bundled bot or a file exporting a bot definition')
    .option('--bot-id <id>', 'the bot id (default: the bot name)')
    .option('--set <key=value>', 'a bot config value (repeatable)', collect, [])
    .option(
      '--data-dir <dir>',
      'data directory (the embedded store is in <dir>/pglite)',
      process.env.QUBIT_DATA_DIR ?? './data',
    )
    .option(
      '--database-url <url>',
      'PostgreSQL instead of the embedded store',
      process.env.QUBIT_DATABASE_URL,
    )
    .option('--backup-dir <dir>', 'where the daily backups go (default: <data-dir>/backups)')
    .option(
      '--backup-at <HH:MM>',
      'UTC time of the daily backup (30 daily, 12 weekly, 12 monthly kept)',
      '02:00',
    )
    .option('--no-backup', 'no scheduled backups')
    .action(async (o: Omit<TradeFlags, 'instrument'> & { instrument: string[] }) => {
      code = await tradeCommand(
        { ...o, instrument: o.instrument.length > 0 ? o.instrument : ['BTCUSDT.BINANCE'] },
        (line) => console.log(line),
      );
    });
  program
    .command('backup')
    .description(
      'write a consistent dump of the store (pg_dump for PostgreSQL, a PGlite dump for the embedded store)',
    )
    .option('--out <file>', 'the backup file (default: qubit-<engine>-<time> in the current directory)')
    .option('--database-url <url>', 'PostgreSQL store', process.env.QUBIT_DATABASE_URL)
    .option(
      '--data-dir <dir>',
      'data directory (the embedded store is in <dir>/pglite)',
      process.env.QUBIT_DATA_DIR ?? './data',
    )
    .action(async (o: { out?: string; databaseUrl?: string; dataDir: string }) => {
      code = await backupCommand({ databaseUrl: o.databaseUrl, dataDir: o.dataDir, out: o.out }, (l) =>
        console.log(l),
      );
    });
  program
    .command('restore <file>')
    .description('restore a backup into an empty store')
    .option('--database-url <url>', 'PostgreSQL store', process.env.QUBIT_DATABASE_URL)
    .option(
      '--data-dir <dir>',
      'data directory (the embedded store is in <dir>/pglite)',
      process.env.QUBIT_DATA_DIR ?? './data',
    )
    .action(async (file: string, o: { databaseUrl?: string; dataDir: string }) => {
      code = await restoreCommand(file, { databaseUrl: o.databaseUrl, dataDir: o.dataDir }, (l) =>
        console.log(l),
      );
    });
  const venueCmd = program.command('venue').description('run a venue of your own');
  venueCmd
    .command('sim')
    .description(
      'a simulated exchange in its own process: synthetic market, durable log, the remote-venue protocol',
    )
    .requiredOption('--data-dir <dir>', 'where the venue keeps its log and snapshot')
    .requiredOption('--instrument <ids>', 'shipped instrument ids, comma-separated')
    .requiredOption('--account <id>', 'the account the venue opens')
    .option('--balance <CUR=AMOUNT>', 'a starting balance (repeatable)', collect, [])
    .option('--account-type <type>', 'CASH or MARGIN (CASH when every instrument is spot)')
    .option('--venue <name>', "the venue's name (the instruments' venue by default)")
    .option('--port <n>', 'port (0 picks a free one)', '0')
    .option('--host <addr>', 'address to listen on', '127.0.0.1')
    .option('--seed <n>', 'seed of the quote walk', '1')
    .option('--quote-interval-ms <n>', 'milliseconds between quotes', '50')
    .option('--volatility <f>', "one step's standard deviation as a fraction of the price")
    .option('--start-price <ID=PRICE>', "where an instrument's walk starts (repeatable)", collect, [])
    .action(async (o: Omit<VenueSimFlags, 'instruments'> & { instrument: string }) => {
      code = await venueSimCommand({ ...o, instruments: o.instrument }, (line) => console.log(line));
    });
  const bot = program.command('bot').description('write and test bots');
  bot
    .command('list')
    .description('the bundled strategies with their descriptions')
    .action(() => {
      for (const d of Object.values(BUNDLED_BOTS))
        console.log(`${d.name.padEnd(16)} ${d.version.padEnd(7)} ${d.description}`);
    });
  bot
    .command('new <name>')
    .description(
      'scaffold a bot with a config schema, a test and a README (bots/<name> inside the repository)',
    )
    .option('--dir <dir>', 'where to write it')
    .action((name: string, o: { dir?: string }) => {
      const root = scaffoldBot(name, process.cwd(), o.dir);
      // Format with the project's style when prettier is at hand; the files are valid either way.
      spawnSync('npx', ['--no-install', 'prettier', '--write', '--log-level', 'silent', root], {
        stdio: 'ignore',
      });
      console.log(`wrote ${root}; run its test with: npx qubit bot test ${root}`);
    });
  bot
    .command('test <path>')
    .description("run a bot's tests (vitest)")
    .action((path: string) => {
      const target = resolve(process.cwd(), path);
      if (!existsSync(target)) throw new UsageError(`${path} does not exist`);
      const r = spawnSync('npx', ['vitest', 'run', '--root', process.cwd(), target], { stdio: 'inherit' });
      code = r.status ?? 1;
    });
  registerReconciliationCommands(program, (c) => (code = c));
  registerDataCommands(program, (c) => (code = c));
  registerConfigCommands(program, (c) => (code = c));
  registerServeCommand(program, (c) => (code = c));
  try {
    await program.parseAsync([...argv]);
  } catch (err) {
    const e = err as { code?: string; exitCode?: number; message?: string };
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return 0;
    // A user mistake (flag, file, config value, data row) is one line naming it; anything else is a bug.
    if (err instanceof UsageError || err instanceof ModelError) {
      console.error(`qubit: ${err.message}`);
      return 2;
    }
    if (typeof e.exitCode === 'number') return e.exitCode;
    console.error(`qubit: ${e.message ?? String(err)}`);
    return 1;
  }
  return code;
}

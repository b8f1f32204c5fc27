import { Command, InvalidArgumentError } from 'commander';
import { runDemo } from './commands/demo.js';

function positiveInt(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a positive integer, got "${v}"`);
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
  try {
    await program.parseAsync([...argv]);
  } catch (err) {
    const e = err as { code?: string; exitCode?: number; message?: string };
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return 0;
    if (typeof e.exitCode === 'number') return e.exitCode;
    console.error(`qubit: ${e.message ?? String(err)}`);
    return 1;
  }
  return code;
}

import type { Command } from 'commander';
import { ConfigError, loadConfig } from '../config/load-config.js';
import { printConfig } from '../config/print-config.js';

/** `qubit config print [--config file]`: the effective configuration, secrets masked, and where each value came from. */
export function registerConfigCommands(
  program: Command,
  setCode: (code: number) => void,
  print: (line: string, stream?: 'out' | 'err') => void = (l, s) =>
    s === 'err' ? console.error(l) : console.log(l),
): void {
  const group = program
    .command('config')
    .description('the platform configuration (qubit.config.yaml + QUBIT_* variables)');
  group
    .command('print')
    .description('print the effective configuration with secrets masked; exit 1 naming every invalid key')
    .option('--config <file>', 'configuration file (default: ./qubit.config.yaml when present)')
    .action((o: { config?: string }) => {
      try {
        const loaded = loadConfig({
          env: process.env,
          ...(o.config !== undefined ? { file: o.config } : {}),
        });
        print(printConfig(loaded.config, loaded.sources));
        setCode(0);
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        for (const p of err.problems) print(`config: ${p}`, 'err');
        setCode(1);
      }
    });
}

import { printFigures, type Figure } from './report.js';

type Bench = (args: readonly string[]) => Promise<Figure[]> | Figure[];

const BENCHES: Record<string, () => Promise<Bench>> = {
  kernel: async () => (await import('./kernel-bench.js')).kernelBench,
  backtest: async () => (await import('./backtest-bench.js')).backtestBench,
  'nautilus-workload': async () => (await import('./nautilus-workload-bench.js')).nautilusWorkloadBench,
  indicators: async () => (await import('./indicators-bench.js')).indicatorsBench,
  store: async () => (await import('./store-bench.js')).storeBench,
  ingest: async () => (await import('./ingest-bench.js')).ingestBench,
};

async function main(argv: readonly string[]): Promise<number> {
  const json = argv.includes('--json');
  const names = argv.filter((a) => !a.startsWith('--'));
  const selected = names.length === 0 ? Object.keys(BENCHES) : names;
  for (const name of selected) {
    if (!BENCHES[name]) {
      console.error(`unknown benchmark "${name}"; known: ${Object.keys(BENCHES).join(', ')}`);
      return 2;
    }
  }
  let failed = false;
  for (const name of selected) {
    const bench = await BENCHES[name]!();
    const figures = await bench(argv);
    printFigures(figures, json);
    if (figures.some((f) => f.ok === false)) failed = true;
    if (!json) console.log('');
  }
  if (failed && !json) console.log('some targets were not met (see the "met" column)');
  return 0;
}

process.exitCode = await main(process.argv.slice(2));

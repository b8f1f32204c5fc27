import { parentPort, workerData } from 'node:worker_threads';
import { resolveBot } from '../commands/bot-registry.js';
import { prepareData, runBacktest, type BacktestJob } from './backtest-job.js';

interface SweepTask {
  readonly job: BacktestJob;
  readonly combos: readonly {
    index: number;
    params: Record<string, unknown>;
    window?: { from: number; to: number };
  }[];
}

/** One sweep worker: loads the data once, then runs its share of the parameter combinations. */
async function work(task: SweepTask): Promise<void> {
  const definition = await resolveBot(task.job.bot, task.job.cwd);
  const prepared = prepareData(task.job, definition);
  for (const c of task.combos) {
    try {
      const { report } = runBacktest(definition, task.job, prepared, c.params, c.window);
      parentPort!.postMessage({ index: c.index, params: c.params, summary: report.summary });
    } catch (err) {
      parentPort!.postMessage({ index: c.index, params: c.params, error: (err as Error).message });
    }
  }
}

await work(workerData as SweepTask);

import { parentPort, workerData } from 'node:worker_threads';
import { resolveBot } from '../commands/bot-registry.js';
import { prepareData, runBacktest, type BacktestJob } from './backtest-job.js';
import { fromWorkerData, type WorkerData } from './worker-data.js';

interface SweepTask {
  readonly job: BacktestJob;
  readonly combos: readonly {
    index: number;
    params: Record<string, unknown>;
    window?: { from: number; to: number };
  }[];
  /** The data the parent read from the store; absent when the worker loads the file itself. */
  readonly data?: WorkerData;
}

/** One sweep worker: loads (or decodes) the data once, then runs its share of the parameter combinations. */
async function work(task: SweepTask): Promise<void> {
  const definition = await resolveBot(task.job.bot, task.job.cwd);
  const prepared = task.data ? fromWorkerData(task.data) : prepareData(task.job, definition);
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

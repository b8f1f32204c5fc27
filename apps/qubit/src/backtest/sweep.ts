import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { BacktestReport } from '@qubit/reports';
import type { BacktestJob } from './backtest-job.js';
import type { WorkerData } from './worker-data.js';

export interface SweepRow {
  readonly index: number;
  readonly params: Record<string, unknown>;
  readonly summary?: BacktestReport['summary'];
  readonly error?: string;
}

/**
 * Runs every parameter combination in worker threads (one per core), each worker loading the data once
 * — or, when `data` is given (data read from the store), decoding what the parent read: an embedded
 * PGlite store admits one process-wide handle, so workers never open the store themselves.
 * Results come back in the order of `combos`, whatever order the workers finish in.
 */
export async function runSweep(
  job: BacktestJob,
  combos: readonly { params: Record<string, unknown>; window?: { from: number; to: number } }[],
  onRow?: (done: number, total: number) => void,
  data?: WorkerData,
): Promise<SweepRow[]> {
  const workers = Math.max(1, Math.min(availableParallelism(), combos.length));
  const shares = Array.from(
    { length: workers },
    () => [] as { index: number; params: Record<string, unknown>; window?: { from: number; to: number } }[],
  );
  combos.forEach((c, index) => shares[index % workers]!.push({ index, ...c }));
  const rows: SweepRow[] = new Array<SweepRow>(combos.length);
  let done = 0;
  await Promise.all(
    shares.map(
      (share) =>
        new Promise<void>((resolve, reject) => {
          const w = new Worker(new URL('./sweep-worker-entry.mjs', import.meta.url), {
            workerData: { job, combos: share, data },
          });
          w.on('message', (row: SweepRow) => {
            rows[row.index] = row;
            onRow?.(++done, combos.length);
          });
          w.on('error', reject);
          w.on('exit', (code) =>
            code === 0 ? resolve() : reject(new Error(`sweep worker exited with code ${code}`)),
          );
        }),
    ),
  );
  return rows;
}

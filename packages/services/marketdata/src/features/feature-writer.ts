import { barTypeToString } from '@qubit/model';
import type { FeatureRow, FeaturesRepository } from '@qubit/store-postgres';
import type { FeatureSink } from '../ingestion/market-data-pipeline.js';
import type { FeatureSet } from './feature-set.js';

export interface FeatureWriterOptions {
  readonly repository: Pick<FeaturesRepository, 'insert'>;
  /** Rows per insert (default 500); a full batch is written at once. */
  readonly batchSize?: number;
  /** Told about a failed write; the rows stay queued and go with the next flush. */
  readonly onError?: (error: Error) => void;
}

/**
 * The pipeline's feature sink on the store: features are queued as they are computed and written in
 * batches — when a batch is full, on `flush()` (the service calls it on a timer) and on `close()`. A
 * failed write keeps its rows for the next attempt, so a database hiccup loses nothing.
 */
export class FeatureWriter implements FeatureSink {
  private queue: FeatureRow[] = [];
  private writing: Promise<number> | undefined;
  private readonly batchSize: number;

  constructor(private readonly o: FeatureWriterOptions) {
    this.batchSize = o.batchSize ?? 500;
  }

  get pending(): number {
    return this.queue.length;
  }

  addFeatures(f: FeatureSet): void {
    this.queue.push({
      instrumentId: f.instrumentId,
      barType: barTypeToString(f.barType),
      tsEvent: f.tsEvent,
      values: f.values,
    });
    if (this.queue.length >= this.batchSize) void this.flush().catch(() => undefined);
  }

  /** Writes everything queued so far; resolves with the rows that were new. */
  async flush(): Promise<number> {
    while (this.writing) await this.writing.catch(() => undefined);
    if (this.queue.length === 0) return 0;
    const batch = this.queue;
    this.queue = [];
    this.writing = this.o.repository.insert(batch);
    try {
      return await this.writing;
    } catch (err) {
      // Back to the front, in order: the next flush writes them first.
      this.queue = batch.concat(this.queue);
      this.o.onError?.(err as Error);
      throw err;
    } finally {
      this.writing = undefined;
    }
  }
}

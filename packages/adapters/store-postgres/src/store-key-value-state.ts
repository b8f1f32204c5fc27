import { BotId, ModelError, type KeyValueState } from '@qubit/model';
import type { SqlClient } from './sql-client.js';

export interface StoreKeyValueStateOptions {
  /** Told about a background write that failed (it is retried by the next write or flush). */
  readonly onError?: (error: Error) => void;
}

/**
 * One bot's durable key/value state (`kv_state`), behind the model's synchronous KeyValueState: reads
 * come from memory, loaded once; writes change memory at once and are written behind, in order, one
 * transaction per burst. `flush()` resolves once everything set so far is committed, and rejects with
 * the error when a write failed (the writes stay queued and are tried again).
 *
 * Values are kept as JSON text, so what a bot reads is what it would read after a restart.
 */
export class StoreKeyValueState implements KeyValueState {
  private readonly values = new Map<string, string>();
  /** Writes not yet committed, by key: JSON text to upsert, or undefined to delete. Latest wins. */
  private pending = new Map<string, string | undefined>();
  private writing: Promise<void> | undefined;
  private failure: Error | undefined;

  private constructor(
    private readonly sql: SqlClient,
    readonly botRef: string,
    private readonly options: StoreKeyValueStateOptions,
  ) {}

  /** Loads the state of bot `botRef` (its BotId). */
  static async load(
    sql: SqlClient,
    botRef: string,
    options: StoreKeyValueStateOptions = {},
  ): Promise<StoreKeyValueState> {
    const state = new StoreKeyValueState(sql, BotId(botRef, 'botRef'), options);
    const rows = await sql.query<{ key: string; value: string }>(
      'SELECT key, value::text AS value FROM kv_state WHERE bot_ref = $1',
      [botRef],
    );
    for (const r of rows) state.values.set(r.key, r.value);
    return state;
  }

  get<T = unknown>(key: string): T | undefined {
    const v = this.values.get(key);
    return v === undefined ? undefined : (JSON.parse(v) as T);
  }

  set(key: string, value: unknown): void {
    checkKey(key);
    let text: string | undefined;
    try {
      text = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
    } catch (err) {
      throw new ModelError(`state.${key}`, `value is not JSON: ${(err as Error).message}`);
    }
    if (text === undefined)
      throw new ModelError(`state.${key}`, 'value is not JSON (undefined or a function)');
    this.values.set(key, text);
    this.enqueue(key, text);
  }

  delete(key: string): void {
    if (!this.values.delete(key)) return;
    this.enqueue(key, undefined);
  }

  keys(): string[] {
    return [...this.values.keys()];
  }

  /** Writes everything set so far; rejects with the write's error when one failed (the writes stay queued). */
  async flush(): Promise<void> {
    // A failure of a background write is retried here rather than reported stale.
    this.failure = undefined;
    while (this.writing || this.pending.size > 0) {
      if (!this.writing) this.start(false);
      await this.writing;
      const failure = this.failure;
      if (failure) {
        this.failure = undefined;
        throw failure;
      }
    }
  }

  private enqueue(key: string, text: string | undefined): void {
    // Re-inserted so that the Map's order is the order of the latest writes.
    this.pending.delete(key);
    this.pending.set(key, text);
    this.start(true);
  }

  private start(deferred: boolean): void {
    if (this.writing) return;
    // Deferred by a microtask: a bot's burst of sets in one tick becomes one transaction.
    const run = deferred ? Promise.resolve().then(() => this.drain()) : this.drain();
    this.writing = run.finally(() => {
      this.writing = undefined;
      if (this.pending.size > 0 && !this.failure) this.start(false);
    });
  }

  private async drain(): Promise<void> {
    const batch = this.pending;
    if (batch.size === 0) return;
    this.pending = new Map();
    try {
      await this.sql.transaction(async (tx) => {
        for (const [key, text] of batch) {
          if (text === undefined) {
            await tx.query('DELETE FROM kv_state WHERE bot_ref = $1 AND key = $2', [this.botRef, key]);
          } else {
            await tx.query(
              `INSERT INTO kv_state (bot_ref, key, value, updated_at) VALUES ($1, $2, $3::jsonb, now())
               ON CONFLICT (bot_ref, key) DO UPDATE SET value = excluded.value, updated_at = now()`,
              [this.botRef, key, text],
            );
          }
        }
      });
      this.failure = undefined;
    } catch (err) {
      // Put the batch back under anything written since, which is newer and must win.
      for (const [key, text] of this.pending) {
        batch.delete(key);
        batch.set(key, text);
      }
      this.pending = batch;
      this.failure = err instanceof Error ? err : new Error(String(err));
      this.options.onError?.(this.failure);
    }
  }
}

function checkKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0 || key.length > 256) {
    throw new ModelError('state.key', 'must be a string of 1-256 characters');
  }
}

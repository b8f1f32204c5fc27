import { ModelError, type KeyValueState } from '@qubit/model';

/**
 * A bot's key/value state held in memory. Values are stored as JSON text, so what a bot reads back is
 * exactly what a durable store would give it after a restart (no shared references, no functions).
 */
export class InMemoryKeyValueState implements KeyValueState {
  private readonly values = new Map<string, string>();

  constructor(initial?: Record<string, unknown>) {
    if (initial) for (const [k, v] of Object.entries(initial)) this.set(k, v);
  }

  get<T = unknown>(key: string): T | undefined {
    const v = this.values.get(key);
    return v === undefined ? undefined : (JSON.parse(v) as T);
  }

  set(key: string, value: unknown): void {
    if (typeof key !== 'string' || key.length === 0 || key.length > 256) {
      throw new ModelError('state.key', 'must be a string of 1-256 characters');
    }
    let text: string | undefined;
    try {
      text = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
    } catch (err) {
      throw new ModelError(`state.${key}`, `value is not JSON: ${(err as Error).message}`);
    }
    if (text === undefined)
      throw new ModelError(`state.${key}`, 'value is not JSON (undefined or a function)');
    this.values.set(key, text);
  }

  delete(key: string): void {
    this.values.delete(key);
  }

  keys(): string[] {
    return [...this.values.keys()];
  }

  /** Everything, for a durable store to persist. */
  snapshot(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of this.values) out[k] = JSON.parse(v);
    return out;
  }
}

import { ModelError } from '@qubit/model';

/** Refuses a period that is not an integer ≥ `min`, naming the parameter so the caller sees which one. */
export function requirePeriod(name: string, value: number, min = 1): void {
  if (!Number.isInteger(value) || value < min) {
    const want = min === 1 ? 'a positive integer' : `an integer >= ${min}`;
    throw new ModelError(name, `must be ${want}, got ${value}`);
  }
}

/**
 * Refuses NaN and ±Infinity before they enter a recurrence: one bad tick would otherwise poison every later
 * value of an EMA or a Wilder average, silently.
 */
export function requireFinite(name: string, value: number): void {
  if (!Number.isFinite(value)) throw new ModelError(name, `must be a finite number, got ${value}`);
}
